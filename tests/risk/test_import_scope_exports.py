"""Observation files (each error class from a real broken file), area scope on pages/API/exports, exports opened."""

import io
import json

import openpyxl
import pytest
from PIL import Image

from siaga.regions.models import Tps
from siaga.risk.models import Observation
from siaga.risk.obs_import import ImportRejected, observations_import

pytestmark = pytest.mark.django_db
HEADER = "kode,indikator,nilai,sumber,tanggal\n"


def _kolaka_tps():
    return Tps.objects.filter(kabkota_code="74.01", election="pemilu").order_by("code").first()


def _rejected(actor, text, lang="id", filename="obs.csv"):
    before = Observation.objects.count()
    with pytest.raises(ImportRejected) as info:
        observations_import(actor=actor, data=text if isinstance(text, bytes) else text.encode(), filename=filename,
                            lang=lang)
    assert Observation.objects.count() == before  # nothing written
    return info.value.problems


@pytest.mark.parametrize("row, code, column, message", [
    ("{tps},P24.XXX.01,1,bawaslu,2024-02-01", "unknown_indicator", "indikator", "tidak ada di katalog"),
    ("{tps},P24.HAK.01,banyak,bawaslu,2024-02-01", "bad_value", "nilai", "bukan angka"),
    ("{tps},P24.HAK.01,-2,bawaslu,2024-02-01", "negative", "nilai", "tidak boleh negatif"),
    ("{tps},P24.LOG.01,2,bawaslu,2024-02-01", "bad_bool", "nilai", "ya, tidak"),
    ("{tps},P24.HAK.04,1.5,bawaslu,2024-02-01", "share_over_one", "nilai", "antara 0 dan 1"),
    ("{tps},P24.HAK.01,1,koran,2024-02-01", "bad_source", "sumber", "koran"),
    ("{tps},P24.HAK.01,1,bawaslu,31/02/2024", "bad_date", "tanggal", "31/02/2024"),
    ("{tps},P24.HAK.01,1,bawaslu,2999-01-01", "future_date", "tanggal", "masa depan"),
    ("74X1,P24.HAK.01,1,bawaslu,2024-02-01", "bad_code", "kode", "74X1"),
    ("7401010000999,P24.HAK.01,1,bawaslu,2024-02-01", "unknown_tps", "kode", "tidak terdaftar"),
    ("74.01,P24.HAK.01,1,bawaslu,2024-02-01", "wrong_target", "kode", "bukan TPS"),
    ("{tps},P24.HAK.01,,bawaslu,2024-02-01", "missing_value", "nilai", "wajib diisi"),
])
def test_each_row_error_names_line_column_value(user, row, code, column, message):
    good = f"{_kolaka_tps().code},P24.HAK.01,3,bawaslu,2024-02-01\n"
    problems = _rejected(user("admin"), HEADER + good + row.format(tps=_kolaka_tps().code) + "\n")
    assert [(p.line, p.code, p.column) for p in problems] == [(3, code, column)]
    assert problems[0].message.startswith("Baris 3, kolom '" + column + "'") and message in problems[0].message


def test_duplicate_row_and_english_messages(user):
    tps = _kolaka_tps().code
    problems = _rejected(user("admin"), HEADER + f"{tps},P24.HAK.01,1,bawaslu,2024-02-01\n"
                         f"{tps},P24.HAK.01,2,Bawaslu,2024-02-02\n", lang="en")
    assert problems[0].code == "duplicate_row" and problems[0].message.startswith("Line 3, column 'kode'")
    assert "line 2" in problems[0].message


@pytest.mark.parametrize("data, code", [
    (b"", "empty_file"), (b"kode,nilai\n1,2\n", "missing_column"), (HEADER.encode(), "no_rows"),
    (b"%PDF-1.4 binary", "not_a_spreadsheet"), (b'kode,indikator,nilai,sumber,tanggal\n"7401,x', "bad_csv"),
])
def test_file_level_errors(user, data, code):
    assert code in [p.code for p in _rejected(user("admin"), data)]


def test_scope_polres_imports_only_its_area_and_partners_not_at_all(user):
    outside = Tps.objects.filter(kabkota_code="74.03", election="pemilu").order_by("code").first().code
    inside = _kolaka_tps().code
    problems = _rejected(user("polres.kolaka"), HEADER + f"{inside},P24.HAK.01,1,bawaslu,2024-02-01\n"
                         f"{outside},P24.HAK.01,1,bawaslu,2024-02-01\n")
    assert [(p.line, p.code) for p in problems] == [(3, "out_of_scope")] and "74.01" in problems[0].message
    assert _rejected(user("kpu"), HEADER + f"{inside},P24.HAK.01,1,bawaslu,2024-02-01\n")[0].code == "not_allowed"


def test_xlsx_import_then_reimport_changes_nothing(user):
    tps = Tps.objects.filter(kabkota_code="74.01", election="pemilu").order_by("-code")[:3]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kode", "Indikator", "Nilai", "Sumber", "Tanggal", "Keterangan"])
    for t in tps:
        sheet.append([t.code, "P24.LIS.02", "ya", "KPU", "01/02/2024", "=HYPERLINK(\"x\")"])
    data = io.BytesIO()
    book.save(data)
    first = observations_import(actor=user("polres.kolaka"), data=data.getvalue(), filename="obs.xlsx")
    again = observations_import(actor=user("polres.kolaka"), data=data.getvalue(), filename="obs.xlsx")
    assert (first.created, first.rescored_tps) == (3, 3)
    assert (again.created, again.updated, again.unchanged, again.batch_id) == (0, 0, 3, None)


def test_polres_sees_only_its_area_in_pages_api_and_exports(client_as):
    client = client_as("polres.kolaka")
    other = Tps.objects.filter(kabkota_code="74.03").first().code
    assert client.get(f"/kerawanan/tps/{other}/").status_code == 404
    assert client.get(f"/api/risk/tps/{other}").status_code == 404
    assert client.get("/kerawanan/?wilayah=74.03").status_code == 404
    assert client.get("/api/risk/tps-points?area=74.03").status_code == 403
    assert client.get("/kerawanan/ekspor/tps-rawan.xlsx?wilayah=74.03").status_code in (403, 404)
    points = client.get("/api/risk/tps-points?area=74.01").json()["features"]
    assert points and all(f["properties"]["kode"].startswith("7401") for f in points)
    geo = json.loads(client.get("/kerawanan/ekspor/kelas.geojson").content)
    assert geo["features"] and all(f["properties"]["kode"].startswith("7401") for f in geo["features"])
    book = openpyxl.load_workbook(io.BytesIO(client.get("/kerawanan/ekspor/tps-rawan.xlsx").content))
    assert book.sheetnames == ["74.01"]
    rows = list(book["74.01"].iter_rows(values_only=True))
    assert rows[0][4] == "Kode TPS" and len(rows) > 1
    assert all(r[6] in ("Rawan", "Sangat rawan", "Khusus") and r[8] for r in rows[1:])
    png = Image.open(io.BytesIO(client.get("/kerawanan/ekspor/peta.png").content))
    assert png.format == "PNG" and png.size[0] == 1200
    areas = client.get("/api/risk/areas/74.01").json()["features"]
    assert len(areas) == 12 and all(0 <= f["properties"]["siaga_index"] <= 100 for f in areas)


def test_partner_does_not_see_intelkam_findings(client_as):
    from siaga.risk.models import Source

    obs = Observation.objects.filter(source=Source.INTELKAM, tps__isnull=False).select_related("tps").first()
    page = client_as("kpu").get(f"/kerawanan/tps/{obs.tps.code}/").content.decode()
    assert "Intelkam" not in page.split("Observasi")[-1]
    assert "Intelkam" in client_as("intelkam").get(f"/kerawanan/tps/{obs.tps.code}/").content.decode()


def test_summary_page_and_cli(client_as, capsys):
    from siaga.cli import main

    page = client_as("intelkam").get("/kerawanan/ringkasan/").content.decode()
    assert "Kolaka" in page and "Muna" in page
    tps = _kolaka_tps().code
    with pytest.raises(SystemExit):
        main(["risk", "explain", tps, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["tps"] == tps and data["class"] in ("kurang_rawan", "rawan", "sangat_rawan", "khusus")
    with pytest.raises(SystemExit):
        main(["risk", "score", "--province", "74", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["tps"] == 8154 and set(data["by_class"]) == {"kurang_rawan", "rawan", "sangat_rawan", "khusus"}


def test_every_problem_is_reported_in_one_pass(user):
    """Issue 20: format, registry and area problems came in three rounds; "mungkin" was "bukan angka"."""
    inside = _kolaka_tps().code
    outside = Tps.objects.filter(kabkota_code="74.03", election="pemilu").order_by("code").first().code
    problems = _rejected(user("polres.kolaka"), HEADER + f"{inside},P24.LOG.01,mungkin,bawaslu,2024-02-01\n"
                         "7401010000999,P24.HAK.01,1,bawaslu,2024-02-01\n"
                         f"{outside},P24.HAK.01,1,bawaslu,2024-02-01\n")
    assert [(p.line, p.code) for p in problems] == [(2, "bad_bool"), (3, "unknown_tps"), (4, "out_of_scope")]
    assert "ya, tidak" in problems[0].message and "bukan angka" not in problems[0].message


@pytest.mark.parametrize("header, code", [
    ("kode,indikator,nilai,sumber,tanggal,nilai\n", "duplicate_column"),
    ('kode,indikator,nilai,sumber,tanggal,"kete\nrangan lain"\n', "unreadable_column"),
])
def test_header_problems_are_errors(user, header, code):
    problems = _rejected(user("admin"), header + f"{_kolaka_tps().code},P24.HAK.01,1,bawaslu,2024-02-01,2\n")
    assert [(p.line, p.code) for p in problems] == [(1, code)]


@pytest.mark.parametrize("since", ["0471-12-24T13:48:12.07+22:36", "0001-01-01T00:00:00+14:00",
                                   "9999-12-31T23:59:59-12:00"])
def test_changes_since_any_offset_answers(client_as, since):
    """Found by the API fuzzer on PostgreSQL, which takes offsets up to 15:59 only: a time is asked in UTC."""
    response = client_as("kapolda").get("/api/risk/changes", {"since": since})
    assert response.status_code == 200, response.content
    assert isinstance(response.json(), list)
