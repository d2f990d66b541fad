"""Hostile input: each file or request gets a clear error or is stored inertly, and nothing is half-written."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from siaga.regions.models import ImportBatch, Tps
from siaga.regions.tps_export import tps_export
from siaga.regions.tps_import import ImportRejected, tps_import

HEADER = "kode_tps,kode_desa,no_tps,nama_tps,alamat,dpt,dpt_laki,dpt_perempuan,jenis_pemilihan,tps_khusus,lat,lng,akses"
DESA = "7401041001"   # a real desa of Kolaka


def row(number, name="TPS X", address="Jl. Pahlawan", voters="250"):
    return f"{DESA}{number:03d},{DESA},{number},{name},{address},{voters},,,pemilu,0,,,normal"


def csv_bytes(*rows, encoding="utf-8"):
    return "\n".join([HEADER, *rows]).encode(encoding)


def zip_bomb():
    """An .xlsx-looking archive whose sheet inflates to ~200 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (200 * 1024 * 1024))
    return out.getvalue()


SST = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def xlsx_with_shared_strings(strings, count, padding=0):
    """A real workbook (TPS header, one row) plus a shared-string table of ``count`` items from ``strings(i)``,
    streamed into the archive, and ``padding`` bytes of incompressible media to lower the overall ratio."""
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(row(630).split(","))
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" '
                                                 f'ContentType="{SST_TYPE}"/></Types>'.encode())
            z.writestr(info.filename, data)
        with z.open("xl/sharedStrings.xml", "w") as sst:
            sst.write(f'<sst xmlns="{SST}" count="{count}" uniqueCount="{count}">'.encode())
            for start in range(0, count, 100_000):
                sst.write("".join(strings(i) for i in range(start, min(count, start + 100_000))).encode())
            sst.write(b"</sst>")
        if padding:
            z.writestr("xl/media/image1.png", os.urandom(padding))
    return out.getvalue()


def under_limit_zip_bomb():
    """Issue 19.3: ~150 MB of shared strings in ~150 kB. Below the old check (10 x each importer's size cap,
    200 MB for a roster, 2 GB for TPS); openpyxl would have built ~9 million strings to read one row."""
    return xlsx_with_shared_strings(lambda i: "<si><t>x</t></si>", 9_000_000)


def padded_zip_bomb():
    """The same table beside 2 MB of noise: the archive as a whole inflates only ~70 times."""
    return xlsx_with_shared_strings(lambda i: "<si><t>x</t></si>", 9_000_000, padding=2 * 1024 * 1024)


def many_strings():
    """1.2 million distinct short strings (~30 MB): no extreme ratio, but too many to hold."""
    return xlsx_with_shared_strings(lambda i: f"<si><t>{i:07d}</t></si>", 1_200_000)


LINE_BREAK_HEADER = HEADER.replace("nama_tps", '"nama_tps\n(sesuai SK)"').encode() + b"\n" + "\n".join(
    row(640 + i, name=f"TPS {i}") for i in range(5)).encode()


def state():
    return Tps.objects.count(), ImportBatch.objects.count(), list(
        Tps.objects.filter(desa_id="74.01.04.1001").order_by("code").values_list("code", "voters", "name"))


HOSTILE_FILES = {
    "binary_garbage": (bytes(range(256)) * 50, {"bad_encoding", "not_a_spreadsheet"}),
    "png_renamed": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, {"bad_encoding", "not_a_spreadsheet"}),
    "zip_bomb": (zip_bomb(), {"not_a_spreadsheet", "overexpanded"}),
    "empty": (b"", {"empty_file"}),
    "header_only": (HEADER.encode(), {"no_rows"}),
    "wrong_code": (csv_bytes(row(1).replace(DESA, "74O1041001", 1)), {"bad_code", "conflict_code"}),
    "duplicated_rows": (csv_bytes(row(601), row(601)), {"duplicate_tps"}),
    "huge_cell": (csv_bytes(row(602, address="A" * 5000)), {"cell_too_long"}),
    "over_limit": (csv_bytes(row(603, voters="301")), {"over_limit"}),
    "unclosed_quote": (csv_bytes(row(604), '"' + row(605)), {"bad_csv"}),
    "nul_byte": (csv_bytes(row(606, name="TPS\x00")), {"bad_encoding"}),
    "control_chars": (csv_bytes(row(607, name="TPS\x07\x1b[2J")), {"bad_text"}),
    "under_limit_zip_bomb": (under_limit_zip_bomb(), {"overexpanded"}),
    "padded_zip_bomb": (padded_zip_bomb(), {"overexpanded"}),
    "many_strings": (many_strings(), {"too_many_strings"}),
    "line_break_header": (LINE_BREAK_HEADER, {"unreadable_column"}),
}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_hostile_file_is_refused_whole_with_a_named_problem(user, name):
    data, expected = HOSTILE_FILES[name]
    before = state()
    with pytest.raises(ImportRejected) as rejected:
        tps_import(actor=user("admin"), data=data, filename=f"{name}.csv")
    codes = {p.code for p in rejected.value.problems}
    assert codes & expected, codes
    assert all(p.message for p in rejected.value.problems)
    assert state() == before


def test_duplicate_roster_header_is_refused(user):
    """Issue 19.12: a second 'nama' column was taken silently and 'fungsi' blanked for two officers."""
    from siaga.deployment.models import Personnel
    from siaga.deployment.roster_import import personnel_import

    data = (b"nrp,pangkat,nama,kode_unit,nama,fungsi\n99000041,Bripda,Andi,POLSEK-74.01.04,Samapta,Lantas\n"
            b"99000042,Bripda,Budi,POLSEK-74.01.04,Intelkam,Reskrim\n")
    with pytest.raises(ImportRejected) as rejected:
        personnel_import(actor=user("admin"), data=data, filename="roster.csv")
    assert [(p.line, p.column, p.code) for p in rejected.value.problems] == [(1, "nama", "duplicate_column")]
    assert not Personnel.objects.filter(nrp__in=["99000041", "99000042"]).exists()


def test_hostile_workbooks_are_refused_in_little_memory(tmp_path):
    """Every reader the importers use (TPS; observation rows; roster and pattern tables) refuses each hostile
    workbook with peak memory below 300 MB, measured in a fresh process whose address space is capped."""
    paths = []
    for name in ("under_limit_zip_bomb", "padded_zip_bomb", "many_strings"):
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(HOSTILE_FILES[name][0])
        paths.append(str(path))
    script = Path(__file__).with_name("hostile_reader.py")
    src = Path(__file__).resolve().parents[2] / "src"
    done = subprocess.run([sys.executable, str(script), *paths], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(src)})
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["codes"] == [["overexpanded"] * 3, ["overexpanded"] * 3, ["too_many_strings"] * 3]
    assert report["peak_mb"] < 300, report


def test_api_upload_of_the_bomb_and_of_a_broken_file_answers_briefly(user):
    """Issue 19.3 came through the API as a KPU operator; issue 19.12: error lists are capped."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from siaga.accounts.services import token_issue
    from siaga.core.importkit import MAX_PROBLEMS

    from siaga.jobs.services import job_run_next

    def upload(name, data, username):
        """The API queues the file (202); the job runner then reads it: its answer is the job's."""
        _, raw = token_issue(actor=None, user=user(username), name="hostile")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        queued = client.post("/api/risk/observations/import", {"file": SimpleUploadedFile(name, data)})
        assert queued.status_code == 202, queued.content
        assert job_run_next()
        return client.get(queued["Location"])

    response = upload("obs.xlsx", HOSTILE_FILES["under_limit_zip_bomb"][0], "kpu")
    assert response.json()["state"] == "failed"
    assert "overexpanded" in [e["code"] for e in response.json()["result"]["errors"]]
    broken = b"kode,indikator,nilai,sumber,tanggal\n" + b"x,y,z,w,v\n" * 20_000  # 5 problems a row
    response = upload("obs.csv", broken, "admin")
    result = response.json()["result"]
    assert response.json()["state"] == "failed" and len(result["errors"]) == MAX_PROBLEMS + 1
    assert result["errors"][-1]["code"] == "more_problems" and "100000" in result["errors"][-1]["message"]
    assert result["error_count"] >= 100_000 and len(response.content) < 400_000


def test_good_rows_beside_a_bad_one_are_not_written(user):
    before = state()
    with pytest.raises(ImportRejected) as rejected:
        tps_import(actor=user("admin"), data=csv_bytes(row(610), row(611), row(612, voters="-1")), filename="x.csv")
    assert [(p.line, p.code) for p in rejected.value.problems] == [(4, "negative")]
    assert state() == before


def test_formula_and_script_are_stored_inertly_and_neutralised_on_export(user, client_as):
    admin = user("admin")
    formula, script = "=HYPERLINK(\"http://x\",\"klik\")", "<script>alert(1)</script>"
    quoted = '"' + formula.replace('"', '""') + '"'
    assert tps_import(actor=admin, data=csv_bytes(row(620, name=quoted, address=script)),
                      filename="formula.csv").created == 1
    tps = Tps.objects.get(code=f"{DESA}620")
    assert (tps.name, tps.address) == (formula, script)      # kept as text, nothing evaluated
    page = client_as("admin").get(f"/tps/{tps.pk}/").content.decode()
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    out = io.BytesIO()
    tps_export(viewer=admin, province="74.01.04.1001", fmt="csv", out=out)
    exported = out.getvalue().decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and "\n=HYPERLINK" not in exported and ",=HYPERLINK" not in exported


def test_oversized_request_body_is_refused(client_as):
    response = client_as("admin").post("/api/regions", data=b"x" * (11 * 1024 * 1024),
                                       content_type="application/json")
    assert response.status_code in (400, 405, 413)
    assert Tps.objects.exists()


@pytest.mark.parametrize("path", ["/api/tps/%00%00", "/api/regions/'%20OR%201=1--", "/api/tps?area=74%27--",
                                  "/tps/?wilayah=<script>", "/wilayah/..%2F..%2Fetc/"])
def test_malformed_requests_get_a_clear_client_error(client_as, path):
    response = client_as("intelkam").get(path)
    assert 400 <= response.status_code < 500 or (response.status_code == 200 and b"<script>" not in response.content)
