"""A newcomer's first day in Chromium: each role signs in and walks its main tasks by clicking links.

Screenshots of every step are saved in test-artifacts/journey-*.png (the `page` fixture adds the last one).
"""

import io
import json
import re
import subprocess
import sys

import openpyxl
from playwright.sync_api import expect
import pytest

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def nav(page, href):
    """Click the top navigation link to a section, as a person would."""
    page.click(f"header nav a[href='{href}']")
    page.wait_for_load_state()


def sign_out(page):
    page.click("header form.inline button[type=submit]")
    page.wait_for_url("**/masuk/**")


def siaga(server, *args):
    done = subprocess.run([sys.executable, "-m", "siaga", *args], env=server["env"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def failed(page):
    """Failed requests other than downloads, which the browser reports as aborted navigations."""
    return [u for u in page.failed_requests if ".xlsx" not in u and ".pdf" not in u and "stream" not in u]


def downloaded_workbook(download):
    return openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()), read_only=True)


def test_commander_maps_the_province(page, sign_in):
    sign_in("kapolda")
    nav(page, "/wilayah/")
    page.wait_for_url(re.compile(r"/wilayah/74/$"))  # one province in scope: straight to it
    assert "Sulawesi Tenggara" in page.locator("h1").inner_text()
    assert page.locator("main a[href^='/wilayah/74.']").count() == 17  # its kab/kota
    shot(page, "commander-1-province")
    nav(page, "/peta/")
    page.wait_for_selector(".leaflet-container", state="attached")
    shot(page, "commander-2-tps-map")
    nav(page, "/kerawanan/")
    page.wait_for_selector("#risk-map[data-areas_loaded]", state="attached")
    page.wait_for_selector("#risk-map[data-points_loaded]", state="attached", timeout=60000)
    assert int(page.locator("#risk-map").get_attribute("data-areas_loaded")) == 17
    assert "Indeks Kerawanan Siaga" in page.get_by_test_id("area-index").inner_text()
    shot(page, "commander-3-risk-map")
    assert not failed(page)


def test_analyst_finds_why_a_tps_is_sangat_rawan(page, sign_in):
    sign_in("intelkam")
    nav(page, "/kerawanan/")
    with page.expect_download() as info:
        page.click("a[href^='/kerawanan/ekspor/tps-rawan.xlsx']")
    book = downloaded_workbook(info.value)
    header, *rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    code_col, class_col = header.index("Kode TPS"), header.index("Kelas")
    code = next(r[code_col] for r in rows if r[class_col] == "Sangat rawan")
    shot(page, "analyst-1-risk-map")
    # Look the TPS up in the registry and open its vulnerability page from there.
    nav(page, "/tps/")
    page.fill("input[name=q]", code)
    page.locator("main form.filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"q=" + code))
    page.locator("table a[href^='/tps/']").first.click()
    page.wait_for_load_state("networkidle")  # its map has loaded: leaving earlier would abort its requests
    page.get_by_test_id("risk-link").click()
    page.wait_for_url(re.compile(rf"/kerawanan/tps/{code}/"))
    assert page.get_by_test_id("risk-class").inner_text() == "Sangat rawan"
    assert page.get_by_test_id("contributions").locator("tbody tr").count() >= 1
    shot(page, "analyst-2-why-sangat-rawan")
    assert not failed(page)


def test_polres_operator_plans_and_exports_the_deployment(page, sign_in):
    sign_in("polres.kolaka")
    nav(page, "/personel/")
    page.get_by_test_id("replan").click()
    page.wait_for_selector("ul.messages li")
    assert page.get_by_test_id("plan-summary").is_visible()
    shortfall = int(page.get_by_test_id("shortfall").inner_text().replace(".", "").replace(",", ""))
    shot(page, "operator-1-plan")
    with page.expect_download() as info:
        page.get_by_test_id("summary-export").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    book = downloaded_workbook(info.value)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
    assert any(isinstance(c, str) and "Kolaka" in c for c in cells), cells[:20]
    assert shortfall >= 0
    with page.expect_download() as info:
        page.locator("[data-testid=unit-table] a[href$='.xlsx'][href*='/polsek/']").first.click()
    assert re.fullmatch(r"rencana-\d+-POLSEK-74\.01\.\d\d\.xlsx", info.value.suggested_filename)
    downloaded_workbook(info.value)  # opens: a real workbook
    assert not failed(page)


def test_analyst_writes_a_report_that_kpu_then_reads(page, sign_in):
    title = "Potensi pengerahan massa di Kolaka"
    sign_in("intelkam")
    nav(page, "/koordinasi/")
    page.click("a[href='/koordinasi/laporan/']")
    page.get_by_test_id("report-new").click()
    page.fill("input[name=title]", title)
    page.fill("textarea[name=text]", "Info dari tokoh masyarakat: rencana aksi massa di depan KPU Kolaka.")
    page.fill("input[name=area_code]", "74.01")
    page.select_option("select[name=source_reliability]", "B")
    page.select_option("select[name=credibility]", "2")
    page.select_option("select[name=classification]", "terbatas")
    page.check("input[name=shared_agencies][value='KPU-74']")
    shot(page, "analyst-3-report-form")
    page.get_by_test_id("report-submit").click()
    page.wait_for_url(re.compile(r"/koordinasi/laporan/\d+/$"))
    assert title in page.locator("h1").inner_text()
    assert "KPU Provinsi" in page.locator("dl.facts").inner_text()
    sign_out(page)
    sign_in("kpu")
    nav(page, "/koordinasi/")
    page.click("a[href='/koordinasi/laporan/']")
    page.get_by_role("link", name=title).click()
    assert "aksi massa" in page.get_by_test_id("report-text").inner_text()
    shot(page, "kpu-1-reads-shared-report")
    assert not failed(page)


def test_incident_reported_from_the_field_and_closed_by_the_command_post(page, sign_in):
    description = "Kerumunan pendukung di TPS 001 (uji perjalanan)"
    sign_in("polres.kolaka")
    nav(page, "/operasi/")
    page.click("a[href='/operasi/lapor/']")
    page.fill("#tps", "7401011001001")
    page.check("input[name=kind][value=insiden]")
    page.select_option("#category", "bentrok")
    page.check("input[name=severity][value='2']")
    page.fill("#description", description)
    page.click("[data-testid=send]")
    expect(page.locator("#sent-count")).to_have_text("1", timeout=15000)
    shot(page, "field-1-incident-sent")
    nav(page, "/operasi/")
    page.click("a[href='/operasi/insiden/']")
    mine = page.locator("[data-testid=incidents] tr", has_text="7401011001001").locator("a")
    newest = max(int(t) for t in mine.all_inner_texts())
    page.click(f"[data-testid=incidents] a[href='/operasi/insiden/{newest}/']")
    assert description in page.locator("main").inner_text()
    page.get_by_test_id("action-verify").click()
    page.get_by_test_id("action-close").click()
    assert page.get_by_test_id("status").inner_text().lower() in ("ditutup", "closed", "selesai")
    shot(page, "command-1-incident-closed")
    assert not failed(page)


def open_box(page, item):
    """Find a box by its TPS code on the custody page and open its journey."""
    nav(page, "/kotak-suara/")
    page.fill("main form.filters input[name=q]", item[:13])
    page.press("main form.filters input[name=q]", "Enter")
    page.wait_for_selector("[data-testid=found]")
    page.locator("[data-testid=found] a", has_text=item).click()
    page.wait_for_url(re.compile(rf"/kotak-suara/barang/{item}/"))


def test_box_handed_over_to_the_tps_and_its_chain_verified(page, sign_in, server):
    """The PPS officer hands the box over on the node page; the KPPS chair, signed in on their own, shows a
    one-time code that the PPS officer enters to record the receipt."""
    item, giver_node, tps_node = "7401011001002-presiden", "PPS-74.01.01.1001", "TPS-7401011001002"
    for name in ("pps.e2e", "kpps.e2e"):
        siaga(server, "user", name, "--agency", "KPU-74.01", "--role", "operator", "--area", "74.01.01",
              "--password", "siaga-demo-2024")
    sign_in("pps.e2e")
    open_box(page, item)
    # The officer reads the seals on the box itself (here: the registry's numbers, from the item's page).
    seals = page.get_by_test_id("item-seals").inner_text()
    page.get_by_test_id("now-at").locator("a").click()
    page.wait_for_url(re.compile(rf"/kotak-suara/simpul/{giver_node}/"))
    form = page.get_by_test_id("handover-form")
    assert form.locator("input[name=items]:checked").count() == 0  # nothing comes ticked
    form.locator(f"input[name=items][value='{item}']").check()
    form.locator(f"input[name='seals-{item}']").fill(seals)
    page.select_option("[data-testid=handover-to]", tps_node)
    page.select_option("[data-testid=handover-receiver]", "kpps.e2e")
    form.locator("input[name=escort]").fill("Bhabinkamtibmas")
    shot(page, "custody-handover-1-form")
    page.click("[data-testid=handover-submit]")
    page.wait_for_url(re.compile(r"/kotak-suara/serah-terima/[0-9a-f-]{36}/$"))
    handover_url = page.url
    assert page.get_by_test_id("handover-state").inner_text() == "menunggu konfirmasi"
    assert page.get_by_test_id("handover-code").count() == 0  # the giver never sees the receiver's code
    sign_out(page)
    sign_in("kpps.e2e")
    page.goto(handover_url)
    page.click("[data-testid=show-code]")
    code = page.get_by_test_id("handover-code").inner_text()
    assert re.fullmatch(r"\d{6}", code)
    shot(page, "custody-handover-2-receivers-code")
    sign_out(page)
    sign_in("pps.e2e")
    page.goto(handover_url)
    page.fill("[data-testid=confirm-code]", code)
    page.click("[data-testid=confirm-submit]")
    page.wait_for_selector("[data-testid=handover-state]:text-is('selesai')")
    assert item in page.get_by_test_id("handover-items").inner_text()
    shot(page, "custody-handover-3-confirmed")
    sign_out(page)
    sign_in("ppk.kolaka")
    open_box(page, item)
    assert tps_node in page.get_by_test_id("journey").inner_text()
    assert "7401011001002" in page.get_by_test_id("now-at").inner_text() or tps_node in page.content()
    shot(page, "custody-1-box-at-tps")
    verified = json.loads(siaga(server, "custody", "verify", "--json"))
    assert verified["ok"] and verified["broken"] == 0
    assert not failed(page)
