"""The Rencana Pengamanan: every figure from the operation's own election, the Polri structure, Indonesian
formats, names not codes, the marking on every page, and the document following the data."""

import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from siaga.cli import cli_actor
from siaga.deployment.models import Plan
from siaga.planning import services
from siaga.planning.document import plan_content, plan_document
from siaga.planning.models import Operation
from siaga.planning.renpam import fmt
from siaga.planning.renpam.figures import renpam_figures
from siaga.regions.models import Election, Tps

from .renpam_data import pemilu_operation, pilkada_tps

pytestmark = pytest.mark.django_db

CHAPTERS = ["I. PENDAHULUAN", "II. SITUASI", "III. TUGAS POKOK", "IV. SASARAN", "V. PELAKSANAAN",
            "VI. ADMINISTRASI DAN LOGISTIK", "VII. KOMANDO DAN PENGENDALIAN", "VIII. PENUTUP"]
SUBSECTIONS = ["1. Umum", "2. Maksud dan Tujuan", "3. Dasar", "1. Wilayah", "2. Kerawanan per kabupaten/kota",
               "3. Perkiraan ancaman per tahapan", "1. Konsep operasi", "2. Cara bertindak per tahap",
               "3. Satgas dan kekuatan", "4. Kekuatan per Polres", "6. Pelibatan instansi", "2. Anggaran",
               "1. Kendali operasi", "2. Posko", "3. Pelaporan", "4. Komunikasi", "5. Koordinasi", "6. Kontinjensi"]
ANNEXES = ["LAMPIRAN I: DAFTAR TPS RAWAN PER POLRES", "LAMPIRAN II: PLOTTING PERSONEL PER POS",
           "LAMPIRAN III: PETA KERAWANAN TPS", "LAMPIRAN IV: JADWAL SHIFT"]


@pytest.fixture
def pilkada():
    return Operation.objects.get(name="Operasi Mantap Praja Anoa 2024")


@pytest.fixture
def pemilu():
    return pemilu_operation(cli_actor())


def docx_text(data):
    doc = Document(io.BytesIO(data))
    return doc, "\n".join([p.text for p in doc.paragraphs]
                          + [c.text for t in doc.tables for row in t.rows for c in row.cells])


def pdf_pages(data):
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_indonesian_formats_hand_computed():
    from datetime import date

    assert fmt.num(8154) == "8.154" and fmt.num(1234567) == "1.234.567" and fmt.num(12) == "12"
    assert fmt.dec(38.32) == "38,32" and fmt.dec(4.374) == "4,37" and fmt.dec(1234.5, 1) == "1.234,5"
    assert fmt.pct(999, 1000) == "99,9 %" and fmt.pct(1, 0) == "-"
    assert fmt.day(date(2024, 2, 14)) == "14 Februari 2024" and fmt.roman_month(date(2024, 11, 27)) == "XI"
    assert fmt.rupiah(1500000) == "Rp 1.500.000"


def test_pilkada_document_counts_only_pilkada_tps(user, pilkada):
    pilkada_count = pilkada_tps()
    pemilu_count = Tps.objects.filter(election=Election.PEMILU, province_code="74").count()
    assert pilkada_count != pemilu_count
    figures = renpam_figures(user("kapolda"), pilkada)
    assert figures.tps_total == pilkada_count
    assert figures.plan.election == Election.PILKADA  # the operation's own plan, never the Pemilu one
    _, text = docx_text(plan_document(viewer=user("kapolda"), operation=pilkada, fmt="docx"))
    pdf = " ".join(pdf_pages(plan_document(viewer=user("kapolda"), operation=pilkada, fmt="pdf")))
    for body in (text, pdf):
        assert f"{fmt.num(pilkada_count)} TPS" in body
        assert fmt.num(pemilu_count) not in body and str(pemilu_count) not in body
        assert fmt.num(Plan.objects.filter(election=Election.PEMILU).first().summary["posts"]) not in body


def test_pemilu_document_has_every_section_formats_and_names(user, pemilu):
    data = plan_document(viewer=user("kapolda"), operation=pemilu, fmt="docx")
    doc, text = docx_text(data)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for heading in CHAPTERS + SUBSECTIONS + ANNEXES:
        assert heading in headings, heading
    assert headings.index("I. PENDAHULUAN") < headings.index("VIII. PENUTUP") < headings.index(ANNEXES[0])
    plan = Plan.objects.filter(area_code="74").first()
    assert "8.154 TPS" in text and "8154" not in text
    assert fmt.num(plan.summary["posts"]) in text and fmt.num(plan.summary["polri_assigned"]) in text
    assert "14 Februari 2024" in text and "Indeks Kerawanan Siaga" in text
    # Siaga's own index on its own scale beside Bawaslu's IKP as published, never against Bawaslu's bands.
    vulnerability = next(t for t in doc.tables if t.rows[0].cells[-1].text == "IKP Bawaslu (skor, kategori)")
    total = [c.text for c in vulnerability.rows[-1].cells]
    assert total[0] == "Jumlah" and total[-1] == "38,32 (sedang)" and "(Siaga " in total[-2]
    assert "Rumus: Indeks Kerawanan Siaga = (0,4 × rerata skor TPS" in text
    assert "IKP Pemilu dan Pemilihan Serentak 2024, rilis 16 Desember 2022" in text
    assert re.search(r"\d+,\d %", text)  # shares as 7,7 %
    assert not re.search(r"\b\d+\.\d %", text)  # never 7.7 %
    assert "Kabupaten Muna" in text and "Polres Muna" in text
    assert not re.search(r"\b74\.\d\d\b", text), "region codes instead of names"
    assert "KEPOLISIAN NEGARA REPUBLIK INDONESIA" in text and "DAERAH SULAWESI TENGGARA" in text
    assert re.search(r"Nomor: R/Renpam/\s+/[IVX]+/\d{4}/Ro Ops", text)
    assert "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum." in text
    kapolda = user("kapolda")
    assert "Command line" not in text and f"Salinan untuk: {kapolda.get_full_name()}, {kapolda.agency.name}" in text
    assert "Anoa-1" in text and "Kanal Komando 1" in text  # call signs and channels
    assert "Rp " in text and "orang-hari" in text  # the budget table
    assert "NRP 69010123" in text  # the signature block
    assert len(doc.inline_shapes) == 1  # the map
    # Satgas with numbers, not "Polda Sulawesi Tenggara" and nothing else
    satgas = next(t for t in doc.tables if t.rows[0].cells[0].text == "Satgas")
    preventif = next(r for r in satgas.rows if r.cells[0].text == "Satgas Preventif")
    assert preventif.cells[-1].text.startswith(fmt.num(plan.summary["polri_assigned"]))
    # per Polres: the rows add up to the totals
    polres = next(t for t in doc.tables if t.rows[0].cells[0].text == "Polres")
    rows = [[c.text for c in r.cells] for r in polres.rows[1:]]
    assert rows[-1][0] == "Jumlah" and rows[-1][1] == "8.154"
    assert sum(int(r[2].replace(".", "")) for r in rows[:-1]) == plan.summary["posts"]


def test_marking_in_every_page_header_and_footer(user, pilkada):
    # Intelkam reads the operation's RAHASIA reports; KPU only those shared with it (TERBATAS at most)
    for username, marking in (("intelkam", "RAHASIA"), ("kpu", "TERBATAS")):
        content = plan_content(viewer=user(username), operation=pilkada)
        assert content["classification"] == marking
        doc = Document(io.BytesIO(plan_document(viewer=user(username), operation=pilkada, fmt="docx")))
        for section in doc.sections:
            assert section.header.paragraphs[0].text == marking and section.footer.paragraphs[0].text == marking
        pages = pdf_pages(plan_document(viewer=user(username), operation=pilkada, fmt="pdf"))
        assert len(pages) > 3
        for page in pages:
            assert page.startswith(marking) and re.search(rf"{marking} Rencana Pengamanan .* Halaman \d+$", page)


def test_named_roster_raises_the_marking(user, pemilu):
    assert plan_content(viewer=user("kapolda"), operation=pemilu)["classification"] in ("TERBATAS", "RAHASIA")
    # KPU sees no names and no intelligence of this operation
    assert plan_content(viewer=user("kpu"), operation=pemilu)["classification"] == "BIASA"


def test_changing_the_data_changes_the_document(user, pilkada):
    before = docx_text(plan_document(viewer=user("intelkam"), operation=pilkada, fmt="docx"))[1]
    services.threat_add(actor=user("intelkam"), operation=pilkada, category="hoaks", title="Hoaks surat suara "
                        "tercoblos di Kolaka", area_code="74.01", likelihood=3, impact=3, owner=pilkada.organiser,
                        stage=pilkada.stages.get(kind="tenang"))
    after = docx_text(plan_document(viewer=user("intelkam"), operation=pilkada, fmt="docx"))[1]
    assert "Hoaks surat suara tercoblos di Kolaka" not in before
    assert "Hoaks surat suara tercoblos di Kolaka" in after and "Kabupaten Kolaka" in after


def test_figures_are_the_operations_own_and_add_up(user, pemilu):
    figures = renpam_figures(user("kapolda"), pemilu)
    plan = Plan.objects.filter(area_code="74", election="pemilu").first()
    assert figures.tps_total == Tps.objects.filter(election="pemilu", province_code="74").count() == 8154
    assert figures.plan == plan and figures.posts == plan.summary["posts"]
    assert figures.polri_assigned == plan.summary["polri_assigned"] and figures.bko == plan.summary["bko"]
    assert sum(k.own_assigned + k.bko_in for k in figures.kabs) == figures.polri_assigned
    assert figures.tps_no_coordinates == Tps.objects.filter(election="pemilu", lat__isnull=True).count()
    # the reserve is what the plan holds back (as `siaga plan deploy` prints it), not every reserve officer
    assert figures.reserve_total == plan.summary["reserve"] > 0


def test_a_polres_reads_its_own_part(user, pemilu):
    kolaka = renpam_figures(user("polres.kolaka"), pemilu)
    plan = Plan.objects.filter(area_code="74").first()
    assert [k.code for k in kolaka.kabs] == ["74.01"]
    assert kolaka.tps_total == Tps.objects.filter(election="pemilu", kabkota_code="74.01").count()
    assert kolaka.posts == plan.posts.filter(kabkota_code="74.01").count()


def test_number_formats_read_back():
    from hypothesis import given
    from hypothesis import strategies as st

    @given(st.integers(min_value=0, max_value=10**12))
    def whole(n):
        text = fmt.num(n)
        groups = text.split(".")
        assert int(text.replace(".", "")) == n
        assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3

    @given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
    def decimal(units, cents):
        text = fmt.dec(units + cents / 100)
        whole_part, fraction = text.split(",")
        assert fraction == f"{cents:02d}" and int(whole_part.replace(".", "")) == units

    whole()
    decimal()
