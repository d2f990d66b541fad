"""Intelligence products: numbering per unit and year, the marking on every page of the documents, clearance
and need to know (KPU never reads a Rahasia LI; a Polres analyst reads only what was shared down or written
in its area), the read log, forwarding up the chain, the Lapinhar."""

import io
from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404

from siaga.accounts.models import Agency
from siaga.accounts.services import user_upsert
from siaga.intel import numbering, selectors, services
from siaga.intel.document import product_document
from siaga.intel.models import Forward, ProductRead, Series

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 3)


def li(actor, title, area="74.03", level="terbatas", day=DAY, facts="Fakta.", **more):
    return services.li_create(actor=actor, title=title, area_code=area, day=day, classification=level,
                              source="Informan", source_reliability="B", credibility=2, facts=facts, **more)


@pytest.fixture
def polres_analyst(user):
    from siaga.cli import cli_actor

    user_upsert(actor=cli_actor(), username="analis.muna", password="x-very-long-pass-1",
                agency=Agency.objects.get(code="POLRES-74.03"), role="analis", area_code="74.03")
    return user("analis.muna")


def test_numbers_run_per_unit_kind_and_year_in_the_polri_shape(user, polres_analyst):
    first = li(user("intelkam"), "Satu", level="rahasia")
    second = li(user("intelkam"), "Dua", level="biasa")
    assert first.number == f"R/LI-{first.seq}/XII/2026/Ditintelkam"
    assert second.seq == first.seq + 1 and second.number == f"B/LI-{second.seq}/XII/2026/Ditintelkam"
    polres = li(polres_analyst, "Di Muna", area="74.03.06")
    assert polres.number == "T/LI-1/XII/2026/Satintelkam"  # the Polres' own series starts at 1
    next_year = li(user("intelkam"), "Tahun depan", day=date(2027, 1, 2))
    assert next_year.number == "T/LI-1/I/2027/Ditintelkam"


def test_the_series_survives_a_writer_that_created_it_first(user):
    """The race where two writers find no series row: the loser's INSERT fails and it increments instead."""
    unit = Agency.objects.get(code="POLRES-74.14")
    Series.objects.create(unit=unit, kind="lapsus", year=2031, last=4)  # the other writer's row
    real_filter = Series.objects.filter
    calls = []

    def first_update_misses(*args, **kwargs):
        rows = real_filter(*args, **kwargs)
        if not calls:
            calls.append(1)
            return mock.Mock(update=lambda **kw: 0)  # as if the row did not exist yet when we looked
        return rows

    with mock.patch.object(Series.objects, "filter", side_effect=first_update_misses):
        assert numbering.next_seq(unit=unit, kind="lapsus", year=2031) == 5
    with pytest.raises(IntegrityError):
        Series.objects.create(unit=unit, kind="lapsus", year=2031, last=1)


def _long_li(user):
    facts = "\n".join(f"{n}. Warga melaporkan pembagian uang oleh tim sukses di desa ke-{n} pada malam hari."
                      for n in range(1, 140))
    return li(user("intelkam"), "LI panjang", level="rahasia", facts=facts)


def test_the_marking_is_on_every_page_of_the_pdf(user):
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(product_document(_long_li(user), viewer=user("intelkam"), fmt="pdf"))).pages
    assert len(pages) >= 3
    for page in pages:
        assert page.extract_text().count("RAHASIA") >= 2  # header and footer


def test_the_marking_is_in_the_docx_header_and_footer_of_every_section(user):
    from docx import Document

    doc = Document(io.BytesIO(product_document(_long_li(user), viewer=user("intelkam"), fmt="docx")))
    for section in doc.sections:
        assert not section.different_first_page_header_footer
        assert "RAHASIA" in section.header.paragraphs[0].text
        assert "RAHASIA" in section.footer.paragraphs[0].text
    assert any("FAKTA" in p.text for p in doc.paragraphs)


def test_kpu_never_reads_a_rahasia_li_even_when_shared(user):
    kpu = Agency.objects.get(code="KPU-74")
    secret = li(user("intelkam"), "Rahasia dibagi", level="rahasia", shared_agencies=[kpu])
    shared = li(user("intelkam"), "Terbatas dibagi", shared_agencies=[kpu])
    unshared = li(user("intelkam"), "Terbatas tidak dibagi")
    seen = {p.pk for p in selectors.product_list(viewer=user("kpu"))}
    assert shared.pk in seen and secret.pk not in seen and unshared.pk not in seen
    before = ProductRead.objects.count()
    with pytest.raises(Http404):
        services.product_open(reader=user("kpu"), pk=secret.pk)
    assert ProductRead.objects.count() == before


def test_a_polres_analyst_reads_what_is_written_in_its_area_or_shared_down(user, polres_analyst):
    intelkam = user("intelkam")
    in_area = li(intelkam, "Di Napabalano", area="74.03.06")
    province = li(intelkam, "Seluruh provinsi", area="74")
    shared_down = li(intelkam, "Provinsi, dibagi ke Polres Muna", area="74",
                     shared_agencies=[Agency.objects.get(code="POLRES-74.03")])
    elsewhere = li(intelkam, "Di Kolaka", area="74.01")
    top = li(user("kapolda"), "Sangat rahasia di Muna", area="74.03", level="sangat_rahasia")
    seen = {p.pk for p in selectors.product_list(viewer=polres_analyst)}
    assert in_area.pk in seen and shared_down.pk in seen
    assert province.pk not in seen and elsewhere.pk not in seen and top.pk not in seen  # top: above clearance
    assert top.pk in {p.pk for p in selectors.product_list(viewer=user("kapolda"))}
    with pytest.raises(ValidationError):
        li(intelkam, "Analis tidak berwenang", level="sangat_rahasia")


def test_every_open_is_logged_with_who_when_and_channel(user, client_as):
    report = li(user("intelkam"), "Dibaca")
    before = ProductRead.objects.filter(product=report).count()
    list(selectors.product_list(viewer=user("kapolda")))  # a selector only reads
    assert ProductRead.objects.filter(product=report).count() == before
    services.product_open(reader=user("kapolda"), pk=report.pk)
    client_as("kapolda").get(f"/api/intel/li/{report.pk}")
    client_as("kapolda").get(f"/intelijen/produk/{report.pk}/")
    reads = ProductRead.objects.filter(product=report, reader_name="kapolda")
    assert sorted(reads.values_list("via", flat=True)) == ["api", "page", "page"]
    assert all(r.at.date() >= date(2026, 1, 1) or r.at for r in reads)


def test_forwarding_up_the_chain_and_acknowledgement(user, polres_analyst):
    report = li(polres_analyst, "Dari Polres Muna", area="74.03.06")
    forward = services.product_forward(actor=polres_analyst, product=report)
    assert forward.to_agency.code == "POLDA-74"
    assert services.product_forward(actor=polres_analyst, product=report).pk == forward.pk  # once
    with pytest.raises(PermissionDenied):
        services.forward_acknowledge(actor=polres_analyst, forward=forward)
    services.forward_acknowledge(actor=user("intelkam"), forward=forward)
    forward = Forward.objects.get(pk=forward.pk)
    assert forward.acknowledged_by.username == "intelkam" and forward.acknowledged_at is not None
    assert forward in selectors.forwards_inbox(viewer=user("intelkam"))


def test_forwarding_and_acknowledging_through_the_pages(client, user, polres_analyst):
    """The page's buttons: the Polres analyst forwards to Polda, Dit Intelkam acknowledges from its inbox."""
    report = li(polres_analyst, "Dari Polres Muna lewat halaman", area="74.03.06")
    client.force_login(polres_analyst)
    product_page = f"/intelijen/produk/{report.pk}/"
    assert b'data-testid="forward"' in client.get(product_page).content
    assert client.post(f"{product_page}teruskan/")["Location"] == product_page
    forward = Forward.objects.get(product=report)
    assert forward.to_agency.code == "POLDA-74" and forward.acknowledged_at is None
    client.force_login(user("intelkam"))
    assert client.post(f"/intelijen/terusan/{forward.pk}/terima/")["Location"] == product_page
    assert Forward.objects.get(pk=forward.pk).acknowledged_by.username == "intelkam"


def test_partners_read_what_was_shared_but_get_no_polri_workspace(client, user):
    report = li(user("intelkam"), "Dibagikan ke KPU", level="terbatas",
                shared_agencies=[Agency.objects.get(code="KPU-74")])
    client.force_login(user("kpu"))
    page = client.get(f"/intelijen/produk/{report.pk}/").content.decode()
    assert "Dibagikan ke KPU" in page and 'data-testid="case-from-li"' not in page and "/intelijen/li/baru/" not in page
    assert client.get("/intelijen/li/baru/").status_code == 403
    assert client.get("/intelijen/kasus/").status_code == 403


def test_the_lapinhar_compiles_the_day_and_keeps_the_analysts_text(user):
    intelkam = user("intelkam")
    day = date(2026, 12, 4)
    report = li(intelkam, "Hoaks di Raha", area="74.03.06", day=day, level="rahasia")
    li(intelkam, "Hari lain", area="74.03.06", day=date(2026, 12, 5))
    lapinhar = services.lapinhar_compile(actor=intelkam, day=day, area_code="74.03", analyst_text="Catatan saya")
    assert [r["id"] for r in lapinhar.compiled["li"]] == [report.pk]
    assert lapinhar.classification == "rahasia" and lapinhar.number.startswith("R/Lapinhar-")
    later = li(intelkam, "Susulan", area="74.03", day=day)
    again = services.lapinhar_compile(actor=intelkam, day=day, area_code="74.03")
    assert again.pk == lapinhar.pk and again.analyst_text == "Catatan saya"
    assert [r["id"] for r in again.compiled["li"]] == [report.pk, later.pk]


def test_a_kirka_cites_the_threat_register_of_its_stage_and_area(user):
    from siaga.planning.models import Stage, Threat

    threat = Threat.objects.filter(stage__isnull=False).exclude(area_code="").first()
    stage = threat.stage
    kirka = services.kirka_write(actor=user("intelkam"), operation=stage.operation, stage=stage,
                                 area_code=threat.area_code, classification="rahasia",
                                 assessment="Diperkirakan meningkat.")
    cited = set(kirka.threats.values_list("pk", flat=True))
    expected = {t.pk for t in Threat.objects.filter(operation=stage.operation, stage=stage)
                if t.area_code == threat.area_code or threat.area_code.startswith(t.area_code + ".")
                or t.area_code.startswith(threat.area_code + ".")}
    assert threat.pk in cited and cited == expected
    assert (kirka.period_start, kirka.period_end) == (stage.starts_on, stage.ends_on)
    assert isinstance(stage, Stage) and kirka.number.startswith("R/Kirka-")


def test_the_api_creates_and_reads_an_li_under_clearance(client_as):
    body = {"title": "Lewat API", "area_code": "74.03", "day": "2026-12-06", "classification": "rahasia",
            "source": "Informan", "source_reliability": "A", "credibility": 1, "facts": "Fakta API."}
    created = client_as("intelkam").post("/api/intel/li", body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["number"].startswith("R/LI-")
    bad = client_as("intelkam").post("/api/intel/li", {**body, "credibility": 9}, content_type="application/json")
    assert bad.status_code == 400 and "Kredibilitas" in bad.json()["detail"][0]
    assert client_as("kpu").get(f"/api/intel/li/{pk}").status_code == 404


def _marked_on_every_page(product, viewer, word):
    from docx import Document
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(product_document(product, viewer=viewer, fmt="pdf"))).pages
    assert len(pages) >= 2
    for page in pages:
        assert page.extract_text().count(word) >= 2  # header and footer
    doc = Document(io.BytesIO(product_document(product, viewer=viewer, fmt="docx")))
    for section in doc.sections:
        assert word in section.header.paragraphs[0].text and word in section.footer.paragraphs[0].text
    return "\n".join(p.text for p in doc.paragraphs)


def test_a_lapsus_from_the_page_links_its_incident_and_is_marked_on_every_page(user, client_as):
    from siaga.operations.selectors import incidents

    intelkam = user("intelkam")
    incident = incidents(viewer=intelkam).order_by("pk").first()
    long_cause = "\n".join(f"{n}. Provokasi akun anonim di grup percakapan warga desa ke-{n}." for n in range(1, 90))
    response = client_as("intelkam").post("/intelijen/lapsus/baru/", {
        "title": "Bentrok pendukung di Raha", "area_code": "74.03", "day": "2026-12-02",
        "classification": "rahasia", "what": "Dua kelompok pendukung saling lempar batu", "where": "Lapangan Raha",
        "when": "14.30 WITA", "who": "Pendukung paslon 1 dan 2", "cause": long_cause,
        "action": "Dibubarkan Sat Samapta", "assessment": "Dapat berulang", "recommendation": "Patroli gabungan",
        "incident": str(incident.pk)})
    lapsus = selectors.product_list(viewer=intelkam, kind="lapsus").get(title="Bentrok pendukung di Raha")
    assert response.status_code == 302 and response["Location"] == f"/intelijen/produk/{lapsus.pk}/"
    assert lapsus.number == f"R/Lapsus-{lapsus.seq}/XII/2026/Ditintelkam"
    assert lapsus.compiled["lapsus"]["where"] == "Lapangan Raha" and lapsus.compiled["incident"]["id"] == incident.pk
    page = client_as("intelkam").get(f"/intelijen/produk/{lapsus.pk}/").content.decode()
    assert "Lapangan Raha" in page and f"#{incident.pk}" in page
    assert lapsus.number in client_as("intelkam").get("/intelijen/").content.decode()  # listed with the LIs
    text = _marked_on_every_page(lapsus, intelkam, "RAHASIA")
    assert "V. TINDAKAN YANG DIAMBIL" in text and "Dibubarkan Sat Samapta" in text and "KEJADIAN TERKAIT" in text
    with pytest.raises(ValidationError):
        services.lapsus_write(actor=intelkam, title="Kosong", area_code="74.03", day=DAY,
                              classification="biasa", what="  ")
    assert client_as("kpu").get(f"/intelijen/produk/{lapsus.pk}/").status_code == 404


def test_a_kirka_cites_the_threat_entries_picked_from_the_list(user, client_as):
    from siaga.planning.models import Threat

    intelkam = user("intelkam")
    threat = Threat.objects.filter(stage__isnull=False).exclude(area_code="").order_by("pk").first()
    stage = threat.stage
    other = Threat.objects.exclude(stage=stage).order_by("pk").first()
    form = client_as("intelkam").get("/intelijen/kirka/baru/").content.decode()
    assert f'name="threat" value="{threat.pk}"' in form
    response = client_as("intelkam").post("/intelijen/kirka/baru/", {
        "stage": str(stage.pk), "area_code": "74", "day": "2026-12-03", "classification": "terbatas",
        "facts": "Situasi kondusif.", "assessment": "Diperkirakan politik uang meningkat.",
        "recommendation": "Patroli", "threat": [str(threat.pk)]})
    kirka = selectors.product_list(viewer=intelkam, kind="kirka").get(assessment__startswith="Diperkirakan politik")
    assert response.status_code == 302 and list(kirka.threats.all()) == [threat]
    assert kirka.number == f"T/Kirka-{kirka.seq}/XII/2026/Ditintelkam" and kirka.stage == stage
    assert threat.title in client_as("intelkam").get(f"/intelijen/produk/{kirka.pk}/").content.decode()
    with pytest.raises(ValidationError, match=str(other.pk)):  # an entry of another stage is not citable
        services.kirka_write(actor=intelkam, operation=stage.operation, stage=stage, area_code="74",
                             classification="biasa", assessment="x", threat_ids=[threat.pk, other.pk])
    kirka.facts = "\n".join(f"{n}. Situasi kamtibmas kecamatan ke-{n} kondusif dan terkendali." for n in range(120))
    text = _marked_on_every_page(kirka, intelkam, "TERBATAS")
    assert "REGISTER ANCAMAN" in text or threat.title in text
