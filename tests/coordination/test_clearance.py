"""Classification and sharing: a KPU user never reads a rahasia police report, nor an unshared one,
through selectors, pages, API, search or the plan document; every read is logged."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from siaga.accounts.models import User
from siaga.coordination import selectors, services
from siaga.coordination.clearance import LEVEL, Reader, ReportFacts, clearance, may_read, reader_of
from siaga.coordination.models import IntelReport, ReportRead

SECRET = "Rencana pengerahan massa ke KPU Muna saat rekapitulasi"       # rahasia, not shared
SECRET_SHARED = "Identitas penggerak massa di Buton Tengah"             # rahasia, shared with KPU
POLICE_ONLY = "Indikasi politik uang di Konawe Selatan"                 # terbatas, not shared
SHARED = "Jadwal kapal logistik Wakatobi terganggu gelombang"           # terbatas, shared with KPU
PUBLIC = "Sebaran hoaks DPT ganda di media sosial"                      # biasa, shared with KPU and Bawaslu
BAWASLU_OWN = "Laporan Panwascam: intimidasi pengawas TPS di Muna"      # Bawaslu's, shared with Polda

pytestmark = pytest.mark.django_db


def titles(reports):
    return {r.title for r in reports}


def test_kpu_reads_only_what_is_shared_and_within_clearance(user):
    seen = titles(selectors.report_list(viewer=user("kpu")))
    assert seen == {PUBLIC, SHARED}


def test_polda_analyst_reads_every_police_report_and_what_bawaslu_shared(user):
    seen = titles(selectors.report_list(viewer=user("intelkam")))
    assert {SECRET, SECRET_SHARED, POLICE_ONLY, SHARED, PUBLIC, BAWASLU_OWN} <= seen


def test_polres_operator_is_held_to_terbatas_and_its_own_ground(user):
    seen = titles(selectors.report_list(viewer=user("polres.kolaka")))
    assert seen == {PUBLIC}  # the only Polri report about the whole province; Muna, Wakatobi are elsewhere


def test_kpu_gets_404_for_a_secret_report_and_nothing_is_logged(user):
    report = IntelReport.objects.get(title=SECRET)
    before = ReportRead.objects.filter(report=report).count()
    with pytest.raises(Http404):
        services.report_open(reader=user("kpu"), pk=report.pk)
    assert ReportRead.objects.filter(report=report).count() == before


def test_selectors_only_read_and_the_open_service_logs(user):
    before = ReportRead.objects.count()
    listed = list(selectors.report_list(viewer=user("intelkam")))
    selectors.report_get(viewer=user("intelkam"), pk=listed[0].pk)
    assert listed and ReportRead.objects.count() == before
    opened = services.reports_open(reader=user("intelkam"), via="list")
    assert ReportRead.objects.count() == before + len(opened) == before + len(listed)


def test_pages_api_and_search_hide_secret_reports_from_kpu(client_as):
    client = client_as("kpu")
    secret = IntelReport.objects.get(title=SECRET)
    shared_secret = IntelReport.objects.get(title=SECRET_SHARED)
    listing = client.get("/koordinasi/laporan/").content.decode()
    assert PUBLIC in listing and SECRET not in listing and SECRET_SHARED not in listing
    search = client.get("/koordinasi/laporan/", {"q": "massa"}).content.decode()
    assert SECRET not in search and SECRET_SHARED not in search
    assert client.get(f"/koordinasi/laporan/{secret.pk}/").status_code == 404
    assert client.get(f"/koordinasi/laporan/{shared_secret.pk}/").status_code == 404
    api = client.get("/api/coordination/reports", {"q": "massa"}).json()
    assert api == []
    assert client.get(f"/api/coordination/reports/{secret.pk}").status_code == 404
    threat_page = client.get(f"/rencana/ancaman/{secret.threats.first().pk}/").content.decode()
    assert SECRET not in threat_page


def test_plan_document_for_kpu_leaves_out_secret_reports(user):
    from docx import Document
    from pypdf import PdfReader

    from siaga.planning.document import plan_document
    from siaga.planning.models import Operation

    operation = Operation.objects.order_by("pk").first()
    for username, expect_secret in (("kpu", False), ("intelkam", True)):
        docx = Document(io.BytesIO(plan_document(viewer=user(username), operation=operation, fmt="docx")))
        text = "\n".join([p.text for p in docx.paragraphs]
                         + [c.text for t in docx.tables for row in t.rows for c in row.cells])
        pdf = PdfReader(io.BytesIO(plan_document(viewer=user(username), operation=operation, fmt="pdf")))
        pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
        assert PUBLIC in text and "RENCANA PENGAMANAN" in text
        assert (SECRET in text) is expect_secret and (SECRET_SHARED in text) is expect_secret
        assert (POLICE_ONLY in text) is expect_secret
        assert "RENCANA PENGAMANAN" in pdf_text and ("RAHASIA" in pdf_text) is expect_secret


def test_every_read_is_logged_with_its_channel(user, client_as):
    report = IntelReport.objects.get(title=SHARED)
    services.report_open(reader=user("kpu"), pk=report.pk)
    client_as("kpu").get(f"/api/coordination/reports/{report.pk}")
    vias = list(ReportRead.objects.filter(report=report, reader_name="kpu").values_list("via", flat=True))
    assert "page" in vias and "api" in vias


def test_a_partner_cannot_file_a_secret_report(user):
    with pytest.raises(ValidationError):
        services.report_submit(actor=user("kpu"), title="x", text="x", area_code="74", source_reliability="B",
                               credibility=2, classification="rahasia")
    with pytest.raises(ValidationError):
        services.report_submit(actor=user("intelkam"), title="x", text="x", area_code="74", source_reliability="G",
                               credibility=7, classification="biasa")


def test_the_database_filter_agrees_with_the_rule_for_every_demo_user_and_report():
    reports = list(IntelReport.objects.select_related("author_agency").prefetch_related("shared_agencies"))
    for viewer in User.objects.exclude(agency=None):
        expected = {r.pk for r in reports if may_read(reader_of(viewer), ReportFacts(
            r.area_code, r.classification, r.author_agency_id, r.author_agency.kind,
            frozenset(a.pk for a in r.shared_agencies.all()), frozenset(r.roles)))}
        assert {r.pk for r in selectors.report_list(viewer=viewer)} == expected, viewer.username


readers = st.builds(Reader, st.sampled_from([None, 1, 2, 3]), st.sampled_from([None, "polri", "kpu", "bawaslu"]),
                    st.sampled_from(["admin", "pimpinan", "analis", "operator", "petugas", "mitra"]),
                    st.sampled_from(["", "74", "74.03", "74.01"]))
reports = st.builds(ReportFacts, st.sampled_from(["74", "74.03", "74.03.01", "74.14"]), st.sampled_from(list(LEVEL)),
                    st.sampled_from([1, 2, 3]), st.sampled_from(["polri", "kpu", "bawaslu"]),
                    st.frozensets(st.sampled_from([1, 2, 3])),
                    st.frozensets(st.sampled_from(["pimpinan", "mitra", "analis"])))


@given(readers, reports)
def test_no_sharing_lifts_a_report_above_the_readers_clearance(reader, report):
    if may_read(reader, report):
        assert LEVEL[report.classification] <= clearance(reader)
    if reader.agency_kind not in (None, "polri"):
        assert clearance(reader) <= LEVEL["terbatas"]
