"""Stored script (issue 19 item 6): hostile names stay text and a strict Content-Security-Policy is on every page.

The browser half (no CSP violation, the payload never runs) is tests/e2e/test_csp_pages.py.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from siaga.config.csp import tile_source
from siaga.regions.models import Tps
from siaga.regions.tps_import import tps_import

SRC = Path(__file__).resolve().parents[2] / "src" / "siaga"
HOSTILE = "<img src=x onerror=alert(document.cookie)>"
HEADER = "kode_tps,kode_desa,no_tps,nama_tps,alamat,dpt,dpt_laki,dpt_perempuan,jenis_pemilihan,tps_khusus,lat,lng,akses"
DESA = "7401041001"   # a real desa of Kolaka


@pytest.fixture
def hostile_tps(user):
    """A TPS whose name and address are markup, imported from a KPU-style CSV as the probe did."""
    row = f'{DESA}901,{DESA},901,"{HOSTILE}","<script>alert(1)</script>",250,,,pemilu,0,-4.05,121.6,normal'
    tps_import(actor=user("admin"), data="\n".join([HEADER, row]).encode(), filename="tps.csv")
    return Tps.objects.get(code=f"{DESA}901")


def policy(response):
    header = response.headers.get("Content-Security-Policy", "")
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_imported_markup_in_a_tps_name_is_rendered_as_text(client_as, hostile_tps):
    client = client_as("kapolda")
    pages = [reverse("tps_detail", args=[hostile_tps.pk]), reverse("tps_index") + "?wilayah=74.01.04&q=onerror",
             reverse("region_detail", args=["74.01.04.1001"]), reverse("risk:tps", args=[hostile_tps.code])]
    for url in pages:
        html = client.get(url).content.decode()
        assert "&lt;img src=x onerror=alert(document.cookie)&gt;" in html, url
        assert "<img src=x" not in html and "<script>alert" not in html, url


def test_every_kind_of_response_carries_the_strict_policy(client_as, client):
    anonymous = client.get(reverse("login"))
    signed_in = client_as("kapolda")
    responses = [anonymous, signed_in.get(reverse("home")), signed_in.get(reverse("tps_map")),
                 signed_in.get(reverse("operations:field")), signed_in.get("/api/regions/74"),
                 signed_in.get("/api/docs"), signed_in.get("/tidak-ada/")]
    for response in responses:
        p = policy(response)
        assert p["script-src"] == ["'self'"], response.request["PATH_INFO"]
        assert p["style-src"] == ["'self'"]
        assert p["default-src"] == ["'self'"] and p["object-src"] == ["'none'"]
        assert p["frame-ancestors"] == ["'none'"] and p["base-uri"] == ["'self'"] and p["form-action"] == ["'self'"]
        assert p["img-src"] == ["'self'", "data:", "blob:"]


def test_tps_map_and_risk_map_each_read_their_own_points(client_as):
    """Both endpoints were named tps_points, so /peta/ drew the risk points (no DPT, links to /tps/undefined/)."""
    client = client_as("kapolda")
    assert 'data-points="/api/tps/points?area=74.01&amp;election=pemilu"' in client.get(
        reverse("tps_map") + "?wilayah=74.01").content.decode()
    assert 'data-points="/api/risk/tps-points?area=74.01' in client.get(reverse("risk:map") + "?wilayah=74.01").content.decode()


def test_field_page_reads_its_messages_from_data_attributes(client_as):
    html = client_as("polres.kolaka").get(reverse("operations:field")).content.decode()
    assert re.search(r'data-msg-bad-tps="[^"]*13[^"]*"', html)
    assert "SIAGA_MSG" not in html


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style", re.I)
HTML_SINKS = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|"
                        r"bind(Popup|Tooltip)\(\s*[`\"']|setContent\(\s*[`\"']")


@pytest.mark.parametrize("path", sorted(SRC.glob("*/templates/**/*.html")), ids=lambda p: str(p.relative_to(SRC)))
def test_templates_hold_no_inline_script_handler_or_style(path):
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static file"
    assert not INLINE_HANDLER.search(text), "inline event handler: use a data- attribute read by a static script"
    assert not INLINE_STYLE.search(text), "inline style: use a CSS class in a static stylesheet"


@pytest.mark.parametrize("path", sorted(SRC.glob("*/static/**/*.js")), ids=lambda p: str(p.relative_to(SRC)))
def test_scripts_never_turn_data_into_html(path):
    """Leaflet sets string content as innerHTML: popups and tooltips get DOM nodes (SiagaMap.content)."""
    assert not HTML_SINKS.search(path.read_text())


@pytest.mark.parametrize("url, expected", [
    ("", []),
    ("/static/tiles/{z}/{x}/{y}.png", []),
    ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", ["https://*.tile.openstreetmap.org"]),
    ("https://tiles.example.go.id:8443/{z}/{x}/{y}.png", ["https://tiles.example.go.id:8443"]),
    ("http://a-{s}.tiles.example.org/{z}/{x}/{y}", ["http://*.tiles.example.org"]),
])
def test_tile_host_is_the_only_outside_image_source(url, expected):
    assert tile_source(url) == expected
