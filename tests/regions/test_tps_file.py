"""TPS file reader/validator and writer, on real files written to tmp_path."""

import csv
import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siaga.core.codes import tps_code
from siaga.regions import tps_file
from siaga.core.tabular import normal_key
from siaga.regions.tps_file import (
    FILE_COLUMNS,
    MESSAGES,
    VOTER_LIMITS,
    WRITE_COLUMNS,
    DesaRef,
    Problem,
    Suggestion,
    TpsRow,
    _COLUMN_VARIANTS,
    _Reader,
    _HEADER_FIELDS,
    read_tps_file,
    render,
    write_tps_file,
)

HEADER = ",".join(FILE_COLUMNS)


@pytest.fixture(scope="module")
def known(shared_data):
    """Every desa of Sulawesi Tenggara (province 74) as the reader wants them."""
    with open(shared_data / "hierarchy" / "districts.csv", encoding="utf-8") as fh:
        kecamatan = {r["code"]: r for r in csv.DictReader(fh) if r["code"].startswith("74.")}
    out = {}
    with open(shared_data / "hierarchy" / "villages.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["code"].startswith("74."):
                kec = kecamatan[r["district_code"]]
                out[r["code"]] = DesaRef(r["code"], r["name"], kec["code"], kec["regency_code"], kec["name"])
    assert len(out) == 2285
    return out


def read_file(tmp_path, known, name, content: bytes, **kw):
    path = tmp_path / name
    path.write_bytes(content)
    return read_tps_file(path, filename=name, known_desa=known, **kw)


def triples(result):
    return [(p.line, p.column, p.value, p.code) for p in result.problems]


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ happy paths


def test_csv_with_bom_reads_every_field(tmp_path, known):
    content = (HEADER + "\r\n"
               "7405242009001,7405242009,1,TPS 001,Jl. Poros Andoolo,250,120,130,pemilu,tidak,-4.3512,122.4201,perahu\r\n"
               ",74.05.24.2009,925,TPS Lapas,,12,,,pilkada,,,,\r\n")
    result = read_file(tmp_path, known, "tps.csv", b"\xef\xbb\xbf" + content.encode())
    assert result.problems == []
    assert (result.format, result.encoding, result.delimiter) == ("csv", "utf-8-sig", ",")
    assert result.rows == [
        TpsRow(line=2, desa_code="74.05.24.2009", number=1, code="7405242009001", name="TPS 001",
               address="Jl. Poros Andoolo", voters=250, voters_male=120, voters_female=130, election="pemilu",
               special=False, lat=-4.3512, lng=122.4201, access="boat", notes=""),
        # 9xx is a TPS khusus when the column is empty
        TpsRow(line=3, desa_code="74.05.24.2009", number=925, code="7405242009925", name="TPS Lapas",
               voters=12, election="pilkada", special=True),
    ]


def test_semicolon_csv_with_indonesian_header_variants(tmp_path, known):
    content = ("No;Kode Desa/Kelurahan;No. TPS;NAMA;DPT (L);DPT (P);Lintang;Bujur;Keterangan\n"
               "1;7405242009;TPS 03;TPS Tiga;100;90;-4,35;122,42;dekat masjid\n")
    result = read_file(tmp_path, known, "tps.csv", content.encode())
    assert result.problems == []
    assert result.delimiter == ";"
    assert result.ignored_columns == ["No"]  # the running row number is not the TPS number
    [row] = result.rows
    assert (row.code, row.number, row.voters, row.voters_male, row.voters_female) == ("7405242009003", 3, 190, 100, 90)
    assert (row.lat, row.lng, row.notes) == (-4.35, 122.42, "dekat masjid")


def test_cp1252_falls_back_and_warns(tmp_path, known):
    content = HEADER + "\n7405242009001,,,TPS Café – Pasar,,10,,,,,,,\n"
    result = read_file(tmp_path, known, "tps.csv", content.encode("cp1252"))
    assert result.encoding == "cp1252"
    assert result.ok
    assert result.rows[0].name == "TPS Café – Pasar"
    [warning] = result.problems
    assert (warning.line, warning.code, warning.severity) == (None, "encoding_fallback", "warning")
    assert warning.message == "Berkas 'tps.csv' bukan UTF-8; dibaca sebagai cp1252. Periksa huruf beraksen."


def test_utf16_tab_separated_as_excel_unicode_text(tmp_path, known):
    content = "kode_tps\tdpt\tnama_tps\n7405242009002\t50\tTPS Ké 2\n"
    result = read_file(tmp_path, known, "tps.txt", content.encode("utf-16"))
    assert (result.encoding, result.delimiter, result.problems) == ("utf-16", "\t", [])
    assert result.rows[0].name == "TPS Ké 2"


def test_xlsx_numbers_as_codes_title_rows_and_tps_sheet(tmp_path, known):
    content = xlsx_bytes({
        "Info": [["dibuat oleh KPU Konawe Selatan"]],
        "Daftar TPS": [
            ["DAFTAR TPS PEMILU 2024"],
            [],
            ["No", "Kode TPS", "Nama TPS", "DPT", "L", "P", "Latitude", "Longitude"],
            [1, 7405242009001, "TPS 001", 250, 120, 130, -4.3, 122.4],
            [2, 7405242009002.0, "TPS 002", 200.0, None, None, None, None],
            [3, "7405242009003.0", "TPS 003", -5, None, None, None, None],
        ],
    })
    result = read_file(tmp_path, known, "tps.xlsx", content)
    assert (result.format, result.sheet) == ("xlsx", "Daftar TPS")
    assert [(r.line, r.code, r.voters) for r in result.rows] == [(4, "7405242009001", 250), (5, "7405242009002", 200)]
    assert triples(result) == [(6, "DPT", "-5", "negative")]
    assert result.problems[0].message == "Baris 6, kolom 'DPT': nilai '-5' tidak boleh negatif."


def test_xlsx_english_headers_in_other_order_and_english_messages(tmp_path, known):
    header = ["Notes", "Longitude", "Latitude", "Access", "Special", "Election", "Female", "Male",
              "Total Voters", "Name", "TPS Number", "Village Code"]
    content = xlsx_bytes({"Sheet1": [
        header,
        ["", 122.4, -4.3, "Island", True, "Pilkada", 300, 290, 590, "TPS 1", 1, 7405242009],
        ["", None, None, "", "maybe", "Pilkada", None, None, 700, "TPS 2", 2, 7405242009],
    ]})
    result = read_file(tmp_path, known, "tps.xlsx", content, lang="en")
    [row] = result.rows
    assert (row.code, row.special, row.access, row.election, row.voters) == ("7405242009001", True, "island", "pilkada", 590)
    assert [(p.line, p.column, p.value, p.code, p.message) for p in result.problems] == [
        (3, "Special", "maybe", "bad_bool", "Line 3, column 'Special': value 'maybe' must be yes or no."),
        (3, "Total Voters", "700", "over_limit",
         "Line 3, column 'Total Voters': 700 voters exceed the limit of 600 per TPS for pilkada."),
    ]


# ------------------------------------------------------------- every error class


def test_every_row_error_is_reported_with_line_column_value_and_message(tmp_path, known):
    lines = [
        HEADER,
        ",7405242009,1,TPS 01,Jl. Poros,250,120,130,pemilu,tidak,-4.3,122.4,normal",  # 2 valid
        "74052420,,,TPS X,,10,,,,,,,",  # 3
        ",7405242099,1,TPS 01,,10,,,,,,,",  # 4
        ",74.05.24.2009,001,TPS 01 lagi,,10,,,,,,,",  # 5
        "7405242009001,,,TPS 01 Pilkada,,550,,,pilkada,,,,",  # 6 valid: another election
        ",7405242009,abc,TPS,,12a,,,,,,,",  # 7
        ",7405242009,8,TPS 08,,301,,,pemilu,,,,",  # 8
        "",  # 9 blank
        ",7405242009,10,TPS 10,,,-5,7,,,,,",  # 10
        ",7405242009,11,TPS 11,,250,100,100,,,,,",  # 11
        ",7405242009,12,TPS 12,,10,,,,,-12.5,122,",  # 12
        ",7405242009,13,TPS 13,,10,,,,,-4,150,",  # 13
        ",7405242009,14,TPS 14,,10,,,referendum,,,,",  # 14
        ",7405242009,15,TPS 15,,10,,,,mungkin,,,jalan kaki",  # 15
        "7405242009003,7405242009,4,TPS,,10,,,,,,,",  # 16
        ",,,TPS tanpa kode,,10,,,,,,,",  # 17
        ",7405242009,,TPS,,10,,,,,,,",  # 18
        ",7405242009,19," + "x" * 201 + ",,10,,,,,,,",  # 19
        ',7405242009,20,TPS 20,"Jl. Satu\nRT 02",100,,,,,,,',  # 20-21 valid, quoted line break
        ",7405242009,22,TPS 22,,10,,,,,122.5,-4.1,",  # 22
        ",7405242009,23,TPS 23,,10,,,,,-4.1,,",  # 23
        ',7405242009,24,"=HYPERLINK(""http://x"")",,10,,,,,,,',  # 24 valid, kept inert
        ",7405242009,25,TPS 25,,,,,,,,,",  # 25
    ]
    result = read_file(tmp_path, known, "tps.csv", "\r\n".join(lines).encode() + b"\r\n")
    expected = [
        (3, "kode_tps", "74052420", "bad_code",
         "Baris 3, kolom 'kode_tps': kode '74052420' tidak valid; gunakan kode Kemendagri seperti "
         "7405242009 (desa) atau 7405242009001 (TPS)."),
        (4, "kode_desa", "7405242099", "unknown_desa",
         "Baris 4, kolom 'kode_desa': kode desa '7405242099' tidak dikenal; lihat saran pemetaan kode."),
        (5, "no_tps", "7405242009001", "duplicate_tps",
         "Baris 5, kolom 'no_tps': TPS 7405242009001 (pemilu) sudah ada di baris 2."),
        (7, "no_tps", "abc", "bad_number", "Baris 7, kolom 'no_tps': nilai 'abc' bukan bilangan bulat yang valid."),
        (7, "dpt", "12a", "bad_number", "Baris 7, kolom 'dpt': nilai '12a' bukan bilangan bulat yang valid."),
        (8, "dpt", "301", "over_limit", "Baris 8, kolom 'dpt': jumlah pemilih 301 melebihi batas 300 per TPS untuk pemilu."),
        (10, "dpt_laki", "-5", "negative", "Baris 10, kolom 'dpt_laki': nilai '-5' tidak boleh negatif."),
        (10, "dpt", "", "missing_value", "Baris 10, kolom 'dpt': nilai wajib diisi."),
        (11, "dpt", "250", "gender_sum",
         "Baris 11, kolom 'dpt': dpt_laki (100) + dpt_perempuan (100) = 200, tidak sama dengan dpt (250)."),
        (12, "lat", "-12.5", "bad_lat",
         "Baris 12, kolom 'lat': lintang '-12.5' tidak valid atau di luar Indonesia (-11 sampai 6,5)."),
        (13, "lng", "150", "bad_lng",
         "Baris 13, kolom 'lng': bujur '150' tidak valid atau di luar Indonesia (94 sampai 141,5)."),
        (14, "jenis_pemilihan", "referendum", "bad_election",
         "Baris 14, kolom 'jenis_pemilihan': jenis pemilihan 'referendum' tidak dikenal (pemilu atau pilkada)."),
        (15, "tps_khusus", "mungkin", "bad_bool", "Baris 15, kolom 'tps_khusus': nilai 'mungkin' harus ya atau tidak."),
        (15, "akses", "jalan kaki", "bad_access",
         "Baris 15, kolom 'akses': akses 'jalan kaki' tidak dikenal (normal, sulit, perahu, pulau)."),
        (16, "kode_tps", "7405242009003", "conflict_code",
         "Baris 16, kolom 'kode_tps': kode TPS '7405242009003' tidak cocok dengan kode desa '7405242009' "
         "dan nomor TPS '4'."),
        (17, "kode_tps", "", "missing_value", "Baris 17, kolom 'kode_tps': nilai wajib diisi."),
        (18, "no_tps", "", "missing_value", "Baris 18, kolom 'no_tps': nilai wajib diisi."),
        (19, "nama_tps", "x" * 50 + "…", "cell_too_long", "Baris 19, kolom 'nama_tps': isi sel lebih dari 200 karakter."),
        (22, "lat", "122.5", "swapped_coordinates",
         "Baris 22, kolom 'lat': lintang '122.5' dan bujur '-4.1' tampaknya tertukar."),
        (23, "lng", "", "incomplete_coordinates", "Baris 23, kolom 'lng': lintang dan bujur harus diisi bersama."),
        (25, "dpt", "", "missing_value", "Baris 25, kolom 'dpt': nilai wajib diisi."),
    ]
    assert [(p.line, p.column, p.value, p.code, p.message) for p in result.problems] == expected
    assert not result.ok
    assert [(r.line, r.code, r.election) for r in result.rows] == [
        (2, "7405242009001", "pemilu"), (6, "7405242009001", "pilkada"),
        (20, "7405242009020", "pemilu"), (24, "7405242009024", "pemilu"),
    ]
    assert result.rows[2].address == "Jl. Satu\nRT 02"
    assert result.rows[3].name == '=HYPERLINK("http://x")'
    # the same problems re-rendered in English
    assert render(result.problems[6], "en") == "Line 10, column 'dpt_laki': value '-5' must not be negative."


def test_missing_identity_column(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", b"nama_tps,dpt\nTPS 1,10\n")
    assert triples(result) == [(1, None, "kode_tps | kode_desa + no_tps", "missing_column")]
    assert result.problems[0].message == "Baris 1: kolom wajib 'kode_tps | kode_desa + no_tps' tidak ditemukan."
    assert result.rows == []


def test_missing_tps_number_and_voter_columns(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", b"kode_desa,nama\n7405242009,TPS 1\n")
    assert triples(result) == [(1, None, "no_tps", "missing_column"), (1, None, "dpt", "missing_column")]


def test_duplicate_column(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", b"kode_tps,DPT,Jumlah DPT\n7405242009001,10,10\n")
    assert triples(result) == [(1, "Jumlah DPT", "Jumlah DPT", "duplicate_column")]
    assert result.problems[0].message == (
        "Baris 1, kolom 'Jumlah DPT': kolom ini berarti sama dengan kolom 'DPT'; hapus salah satunya.")


def test_unclosed_quote_stops_with_bad_csv(tmp_path, known):
    content = b'kode_tps,dpt,nama_tps\n7405242009001,10,TPS 1\n7405242009002,10,"TPS 2\n7405242009003,10,TPS 3\n'
    result = read_file(tmp_path, known, "tps.csv", content)
    assert triples(result) == [(3, None, None, "bad_csv")]
    assert [r.line for r in result.rows] == [2]


def test_control_characters_are_refused(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", b"kode_tps,dpt,nama_tps\n7405242009001,10,TPS\x07 1\n")
    assert triples(result) == [(2, "nama_tps", "TPS\x07 1", "bad_text")]


def test_coordinates_keep_seven_decimals(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", b"kode_tps,dpt,lat,lng\n7405242009001,10,-4.123456789,122.5\n")
    assert (result.rows[0].lat, result.rows[0].lng) == (-4.1234568, 122.5)


def test_import_service_problems_render():
    """The import service builds its own Problems (scope checks) and renders them here."""
    problem = Problem(line=5, column=None, value="7405242009001", code="out_of_scope", message="",
                      params={"area": "74.05"})
    assert render(problem, "id") == "Baris 5: TPS 7405242009001 berada di luar wilayah Anda (74.05)."
    assert render(problem, "en") == "Line 5: TPS 7405242009001 lies outside your area (74.05)."
    problem = Problem(line=None, column=None, value="budi", code="not_allowed", message="")
    assert render(problem, "id") == "Pengguna 'budi' tidak berwenang mengimpor data TPS."


# ---------------------------------------------------------------- whole files


def test_png_renamed_xlsx(tmp_path, known):
    result = read_file(tmp_path, known, "peta.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert triples(result) == [(None, None, None, "not_a_spreadsheet")]
    assert result.problems[0].message == (
        "Berkas 'peta.xlsx' bukan berkas CSV atau XLSX yang dapat dibaca; simpan ulang sebagai .xlsx atau .csv.")


def test_zip_renamed_xlsx(tmp_path, known):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "bukan spreadsheet")
    result = read_file(tmp_path, known, "tps.xlsx", buffer.getvalue(), lang="en")
    assert triples(result) == [(None, None, None, "not_a_spreadsheet")]
    assert result.problems[0].message == (
        "File 'tps.xlsx' is not a readable CSV or XLSX file; save it again as .xlsx or .csv.")


def test_empty_file(tmp_path, known):
    result = read_file(tmp_path, known, "kosong.csv", b"")
    assert triples(result) == [(None, None, None, "empty_file")]
    assert result.problems[0].message == "Berkas 'kosong.csv' kosong."


def test_header_only(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", (HEADER + "\n\n").encode())
    assert triples(result) == [(None, None, None, "no_rows")]
    assert result.problems[0].message == "Berkas 'tps.csv' hanya berisi judul kolom, tanpa baris data."


def test_binary_text_is_bad_encoding(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", b"kode_tps,dpt\n\x00\x00\x01")
    assert triples(result) == [(None, None, None, "bad_encoding")]


def test_file_over_size_limit_is_refused_unread(tmp_path, known):
    content = (HEADER + "\n" + ",7405242009,1,TPS,,10,,,,,,,\n" * 100).encode()
    assert len(content) > 1024
    result = read_file(tmp_path, known, "besar.csv", content, max_bytes=1024)
    assert triples(result) == [(None, None, None, "too_large")]
    assert result.problems[0].message == "Berkas 'besar.csv' melebihi batas ukuran 1 KB."
    assert result.rows == []


def test_xlsx_zip_bomb_is_refused(tmp_path, known):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 2_000_000)
    assert len(buffer.getvalue()) < 100_000
    result = read_file(tmp_path, known, "tps.xlsx", buffer.getvalue(), max_bytes=100_000)
    assert triples(result) == [(None, None, None, "overexpanded")]


# ----------------------------------------------------------- unknown desa codes


SUGGEST_CSV = ("kode_desa,no_tps,dpt,nama_desa\n"
               "7405242099,1,10,WONUA KOWA\n"
               "7405242099,2,10,Wonua Kowa\n"
               "7499012001,1,10,Apa Saja\n").encode()


def test_unknown_desa_suggests_by_name_within_kabkota(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", SUGGEST_CSV)
    assert triples(result) == [
        (2, "kode_desa", "7405242099", "unknown_desa"),
        (3, "kode_desa", "7405242099", "unknown_desa"),
        (4, "kode_desa", "7499012001", "unknown_desa"),
    ]
    # difflib ratios on the normalised names, e.g. WONUAKOWA vs WONUAKOA: 2*8/17
    assert result.suggestions == [
        Suggestion("74.05.24.2099", "WONUA KOWA", [
            ("74.05.24.2009", "Wonua Koa", 0.941),
            ("74.05.15.2015", "Wonua Kongga", 0.8),
            ("74.05.19.2016", "Wonua Kongga", 0.8),
            ("74.05.17.2014", "Wonua Maroa", 0.737),
            ("74.05.07.2013", "Wonua", 0.714),
        ]),
        Suggestion("74.99.01.2001", "Apa Saja", []),  # no kab/kota 74.99
    ]


def test_desa_mapping_applies(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", SUGGEST_CSV, desa_mapping={"7405242099": "74.05.24.2009"})
    assert [(r.line, r.desa_code, r.code) for r in result.rows] == [
        (2, "74.05.24.2009", "7405242009001"), (3, "74.05.24.2009", "7405242009002")]
    assert triples(result) == [(4, "kode_desa", "7499012001", "unknown_desa")]
    assert [s.file_code for s in result.suggestions] == ["74.99.01.2001"]


def test_mapping_to_unknown_code(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", b"kode_desa,no_tps,dpt\n7405242099,1,10\n",
                       desa_mapping={"74.05.24.2099": "7405242999"})
    assert triples(result) == [(2, "kode_desa", "7405242099", "bad_mapping")]
    assert result.problems[0].message == (
        "Baris 2, kolom 'kode_desa': kode desa '7405242099' dipetakan ke '74.05.24.2999', yang juga tidak dikenal.")


def test_suggestion_by_kecamatan_name_when_no_desa_name(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", b"kode_tps,dpt,kecamatan\n7405242099001,10,Kec. Sabulakoa\n")
    [suggestion] = result.suggestions
    in_sabulakoa = sorted(code for code, ref in known.items() if ref.kecamatan_code == "74.05.24")
    assert [c[0] for c in suggestion.candidates] == in_sabulakoa[:5]
    assert {c[2] for c in suggestion.candidates} == {1.0}
    assert triples(result) == [(2, "kode_tps", "74.05.24.2099", "unknown_desa")]


def test_known_code_with_another_desa_name_warns(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", b"kode_tps,dpt,desa\n7405242009001,10,Lalonggasu\n")
    assert result.ok and len(result.rows) == 1
    [warning] = result.problems
    assert (warning.line, warning.column, warning.value, warning.severity) == (2, "desa", "Lalonggasu", "warning")
    assert warning.message == ("Baris 2, kolom 'desa': nama desa 'Lalonggasu' berbeda dengan nama untuk kode "
                               "74.05.24.2009 ('Wonua Koa'); periksa urutan kode (Kemendagri atau BPS).")


# ------------------------------------------------------------------- writing


def test_writer_neutralises_formulas_and_reimports(tmp_path, known):
    row = TpsRow(line=2, desa_code="74.05.24.2009", number=1, code="7405242009001", name="=1+2",
                 address="@SUM(A1)", voters=10, notes="-x")
    out = io.BytesIO()
    write_tps_file([row], "csv", out)
    lines = out.getvalue().decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(WRITE_COLUMNS)
    assert lines[1] == "7405242009001,7405242009,1,'=1+2,'@SUM(A1),10,,,pemilu,0,,,normal,'-x"
    assert read_tps_file(out.getvalue(), filename="x.csv", known_desa=known).rows == [row]

    out = io.BytesIO()
    write_tps_file([row], "xlsx", out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert sheet.title == "TPS"
    assert [sheet.cell(2, c).value for c in (4, 5, 14)] == ["'=1+2", "'@SUM(A1)", "'-x"]
    assert sheet.cell(2, 4).data_type == "s"  # text, never a formula
    assert read_tps_file(out.getvalue(), filename="x.xlsx", known_desa=known).rows == [row]


def test_writer_takes_mappings_like_the_export_service(known):
    record = {"code": "7405242009905", "desa_code": "74.05.24.2009", "number": 905, "name": "TPS RS", "voters": 40,
              "election": "pilkada", "special": True, "lat": -4.1, "lng": 122.3, "access": "hard", "notes": ""}
    out = io.BytesIO()
    assert write_tps_file([record], "csv", out) == 1
    [row] = read_tps_file(out.getvalue(), filename="x.csv", known_desa=known).rows
    assert (row.code, row.special, row.election, row.access, row.lat) == ("7405242009905", True, "pilkada", "hard", -4.1)


def test_header_variants_do_not_collide():
    keys = [normal_key(v) for vs in _COLUMN_VARIANTS.values() for v in vs]
    assert len(set(keys)) == len(keys) == len(_HEADER_FIELDS)
    assert normal_key(" Kode_TPS. ") == normal_key("kode tps") == "kodetps"


def test_catalogue_has_both_languages():
    assert MESSAGES["id"].keys() == MESSAGES["en"].keys()


# ------------------------------------------------------------------ properties

_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Co")), max_size=12)
_free_text = st.one_of(_text, st.tuples(st.sampled_from("=+-@'"), _text).map("".join)).filter(
    lambda s: s == s.strip())


@st.composite
def tps_rows(draw, desa_codes):
    keys = draw(st.lists(
        st.tuples(st.sampled_from(desa_codes), st.integers(1, 999), st.sampled_from(["pemilu", "pilkada"])),
        min_size=1, max_size=6, unique=True))
    rows = []
    for line, (desa, number, election) in enumerate(keys, start=2):
        limit = VOTER_LIMITS[election]
        male = draw(st.none() | st.integers(0, limit // 2))
        female = draw(st.none() | st.integers(0, limit // 2))
        voters = male + female if male is not None and female is not None else draw(st.integers(0, limit))
        coords = draw(st.none() | st.tuples(st.floats(-11, 6.5), st.floats(94, 141.5)).map(
            lambda c: (round(c[0], 7), round(c[1], 7))))  # the reader keeps 7 decimals (1 cm)
        rows.append(TpsRow(
            line=line, desa_code=desa, number=number, code=tps_code(desa, number), name=draw(_free_text),
            address=draw(_free_text), voters=voters, voters_male=male, voters_female=female, election=election,
            special=draw(st.booleans()), lat=coords and coords[0], lng=coords and coords[1],
            access=draw(st.sampled_from(["normal", "hard", "boat", "island"])), notes=draw(_free_text),
        ))
    return rows


@pytest.fixture(scope="module")
def desa_sample(known):
    return sorted(known)[::50]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_property(fmt, known, desa_sample):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(tps_rows(desa_sample))
    def check(rows):
        out = io.BytesIO()
        write_tps_file(rows, fmt, out)
        result = read_tps_file(out.getvalue(), filename=f"export.{fmt}", known_desa=known)
        assert result.problems == []
        assert result.rows == rows

    check()


_CORRUPTIONS = [  # (column, bad value, expected code)
    ("dpt", "-1", "negative"),
    ("dpt", "601", "over_limit"),
    ("lat", "99", "bad_lat"),
    ("jenis_pemilihan", "pilkades", "bad_election"),
    ("akses", "jalan", "bad_access"),
    ("tps_khusus", "mungkin", "bad_bool"),
    ("no_tps", "1000", "bad_number"),
]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 30), data=st.data())
def test_every_bad_row_is_reported_property(n, data):
    """All corrupted rows are found at their own line; the others stay valid."""
    desa = DesaRef("74.05.24.2009", "Wonua Koa", "74.05.24", "74.05", "Sabulakoa")
    bad = data.draw(st.dictionaries(st.integers(0, n - 1), st.sampled_from(_CORRUPTIONS)))
    text = io.StringIO()
    writer = csv.DictWriter(text, FILE_COLUMNS)
    writer.writeheader()
    for i in range(n):
        record = {"kode_desa": "7405242009", "no_tps": i + 1, "dpt": 100, "lat": -4.0, "lng": 122.0}
        if i in bad:
            column, value, _ = bad[i]
            record[column] = value
        writer.writerow(record)
    result = read_tps_file(text.getvalue().encode(), filename="t.csv", known_desa={desa.code: desa})
    assert [(p.line, p.code) for p in result.problems] == [(i + 2, bad[i][2]) for i in sorted(bad)]
    assert [r.line for r in result.rows] == [i + 2 for i in range(n) if i not in bad]


# Rows are drawn plain (values the fast path takes), then up to two cells get an unusual value that
# must reach the full checks. Desa 7405242009 is Wonua Koa, 7405242010 is mapped to Andoolo, 7405242099 is unknown.
_PLAIN_TPS = [("7405242009", "1"), ("7405242009", "2"), ("7405242010", "3"), ("7405242009", "925")]
_PLAIN_VOTERS = [("250", "", ""), ("250", "120", "130"), ("", "120", "130"), ("300", "", "")]
_PLAIN = {
    "nama_tps": ["TPS 001", ""], "alamat": ["Jl. Satu", "", "Dusun I, Wonua Koa"],
    "jenis_pemilihan": ["pemilu", "", "pilkada"], "tps_khusus": ["", "0", "1", "ya"],
    "akses": ["normal", "", "perahu"], "keterangan": ["", "catatan"], "nama_desa": ["", "Wonua Koa", "Andoolo"],
}
_UNUSUAL = {
    "kode_tps": ["7405242009000", "74.05.24.2009.001", "7405242009001.0", "740524200900", "7405242099001",
                 "\uff17405242009001", "x"],
    "kode_desa": ["74.05.24.2009", "7405242009.0", "7405242099", "740524", "x"],
    "no_tps": ["0", "001", "TPS 01", "1.0", "1000", "1.000", "\u0663", "+1", ""],
    "nama_tps": ["'=1+2", "'x", "=1+2", "a\rb", "x" * 201, "A\x01"],
    "alamat": ["Jl. Satu\nRT 02", "'@x", "x" * 300],
    "dpt": ["", "0", "-5", "+250", "250.0", "1.000", "301", "601", "\u00b2", "x"],
    "dpt_laki": ["125", "-1", "x", "12.0"],
    "dpt_perempuan": ["125", "x"],
    "jenis_pemilihan": ["Pilkada", "PEMILIHAN UMUM", "pilkades"],
    "tps_khusus": ["Ya", "tidak", "mungkin"],
    "lat": ["", "-4,3512", "\u22124.3512", "122.42", "99", "nan", "inf", "-4.35123456789", "1_0"],
    "lng": ["", "122,4201", "-4.3512", "200", "x"],
    "akses": ["Perahu", "sulit dijangkau", "jalan"],
    "keterangan": ["'+x", "a\tb"],
    "nama_desa": ["WONUA KOA", "Desa Wonua Koa", "Lain Sekali", "'Wonua"],
}


@st.composite
def plain_records(draw):
    (desa, number), (dpt, male, female) = draw(st.sampled_from(_PLAIN_TPS)), draw(st.sampled_from(_PLAIN_VOTERS))
    lat, lng = draw(st.sampled_from([("", ""), ("-4.3512", "122.4201")]))
    record = {"kode_tps": desa + number.zfill(3), "kode_desa": desa, "no_tps": number, "dpt": dpt,
              "dpt_laki": male, "dpt_perempuan": female, "lat": lat, "lng": lng}
    record.update({c: draw(st.sampled_from(values)) for c, values in _PLAIN.items()})
    for column in draw(st.lists(st.sampled_from(sorted(_UNUSUAL)), max_size=2)):
        record[column] = draw(st.sampled_from(_UNUSUAL[column]))
    return record


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(identity=st.sampled_from([["kode_tps"], ["kode_desa", "no_tps"], ["kode_tps", "kode_desa", "no_tps"]]),
       voters=st.sampled_from([["dpt"], ["dpt_laki", "dpt_perempuan"], ["dpt", "dpt_laki", "dpt_perempuan"]]),
       others=st.lists(st.sampled_from(["nama_tps", "alamat", "jenis_pemilihan", "tps_khusus", "lat", "lng",
                                        "akses", "keterangan", "nama_desa"]), unique=True),
       records=st.lists(plain_records(), min_size=1, max_size=8), data=st.data())
def test_fast_path_agrees_with_full_checks_property(identity, voters, others, records, data, monkeypatch_module):
    """Plain rows skip the full checks; the result must be exactly what the full checks give."""
    known = {code: DesaRef(code, name, code[:8], code[:5], "Sabulakoa")
             for code, name in (("74.05.24.2009", "Wonua Koa"), ("74.05.24.2001", "Andoolo"))}
    mapping = {"7405242010": "74.05.24.2001"}
    columns = data.draw(st.permutations(identity + voters + others))
    text = io.StringIO()
    writer = csv.DictWriter(text, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(records)
    content = text.getvalue().encode()

    def read(**kw):
        return read_tps_file(content, filename="t.csv", known_desa=known, desa_mapping=mapping, **kw)

    for lang in ("id", "en"):
        fast = read(lang=lang)
        with monkeypatch_module.context() as patch:
            patch.setattr(_Reader, "_fast_row", lambda self, line, texts: False)
            full = read(lang=lang)
        assert fast.rows == full.rows
        assert fast.problems == full.problems
        assert fast.suggestions == full.suggestions
        with monkeypatch_module.context() as patch:  # in pieces, whatever joins them (or sends them back)
            patch.setattr(tps_file.parallel, "PARALLEL_MIN_CHARS", 0)
            assert read(lang=lang, workers=data.draw(st.integers(2, 4))) == fast


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.parametrize(("rows", "whole_reads"), [
    (["7405242009001", "7405242009002", "7405242009003", "7405242009004"], 1),
    (["7405242009001", "7405242009002", "7405242009003", "7405242009001"], 2),  # one TPS in both pieces
], ids=["pieces join", "duplicate across pieces"])
def test_a_file_read_in_pieces_is_read_as_one(monkeypatch, known, rows, whole_reads):
    """Pieces are read in worker processes and joined; when they cannot join, the file is read whole."""
    content = "\n".join([HEADER, *(f"{code},,,TPS,,250,,,pemilu,,,,normal" for code in rows)]).encode()
    reads = []
    original = tps_file.reader.read_tps_file
    monkeypatch.setattr(tps_file.reader, "read_tps_file", lambda *a, **kw: reads.append(kw.get("workers", 1)) or original(
        *a, **kw))
    one = read_tps_file(content, filename="t.csv", known_desa=known)
    monkeypatch.setattr(tps_file.parallel, "PARALLEL_MIN_CHARS", 0)
    reads.clear()
    assert read_tps_file(content, filename="t.csv", known_desa=known, workers=2) == one
    assert len(reads) == whole_reads - 1  # the call above is the first read; a whole read calls itself again
    assert [p.code for p in one.problems] == ["duplicate_tps"] * (whole_reads - 1)


def test_fast_path_takes_plain_rows(monkeypatch, known):
    """The generator's rows never need the full checks (else a national import is slow again)."""
    full_checks = []
    original = _Reader._row
    monkeypatch.setattr(_Reader, "_row", lambda self, line, texts: full_checks.append(line) or original(
        self, line, texts))
    content = (HEADER + ",nama_desa\n"
               "7405242009001,7405242009,1,TPS 001,\"Dusun I, Wonua Koa\",277,143,134,pemilu,0,-4.35,122.42,normal,"
               "Wonua Koa\n"
               "7405242009925,7405242009,925,TPS 925,,12,,,pilkada,,,,,\n"
               "7405242009003,,,TPS 003,,300,150,150,,1,,,,\n"
               "7405242009003,,,TPS 003,,300,150,150,,1,,,,\n")
    result = read_tps_file(content.encode(), filename="t.csv", known_desa=known)
    assert [p.code for p in result.problems] == ["duplicate_tps"]
    assert [r.line for r in result.rows] == [2, 3, 4]
    assert full_checks == [5]


# ----------------------------------------------------- KPU headers and re-coded desa (issue 20)


def recoded_desa(known):
    """A desa whose name is unique in its kab/kota, and a code for it under another kecamatan there."""
    by_kabkota: dict[str, list[DesaRef]] = {}
    for ref in known.values():
        by_kabkota.setdefault(ref.kabkota_code, []).append(ref)
    for kabkota, refs in sorted(by_kabkota.items()):
        names = [r.name.upper() for r in refs]
        for desa in sorted(refs, key=lambda r: r.code):
            if names.count(desa.name.upper()) != 1:
                continue
            neighbour = next(r for r in sorted(refs, key=lambda r: r.code) if r.kecamatan_code != desa.kecamatan_code)
            kecamatan = neighbour.kecamatan_code
            new_code = next(f"{kecamatan}.{n}" for n in range(2090, 2999) if f"{kecamatan}.{n}" not in known)
            return desa, neighbour, new_code
    raise AssertionError("no unique desa name")


def test_kpu_file_with_recoded_desa_gets_that_desa_first(tmp_path, known):
    """KPU's own header order (KELURAHAN/DESA) and a desa re-coded into another kecamatan of its kab/kota:
    the file's desa name is compared with every desa of the kab/kota, and the same-name desa comes first."""
    desa, neighbour, new_code = recoded_desa(known)
    content = ("PROVINSI;KABUPATEN/KOTA;KECAMATAN;KELURAHAN/DESA;KODE KEL;NO. TPS;DPT L;DPT P\n"
               f"SULAWESI TENGGARA;X;{neighbour.kecamatan_name};{desa.name.upper()};{new_code.replace('.', '')};1;"
               "100;95\n")
    result = read_file(tmp_path, known, "kpu.csv", content.encode())
    assert triples(result) == [(2, "KODE KEL", new_code.replace(".", ""), "unknown_desa")]
    [suggestion] = result.suggestions
    assert suggestion.file_code == new_code and suggestion.file_name == desa.name.upper()
    assert suggestion.candidates[0] == (desa.code, desa.name, 1.0)
    assert all(score < 1.0 for _, _, score in suggestion.candidates[1:])
    # mapped as suggested, the same file reads, and DPT is DPT L + DPT P
    mapped = read_file(tmp_path, known, "kpu.csv", content.encode(), desa_mapping={new_code: desa.code})
    assert mapped.problems == []
    [row] = mapped.rows
    assert (row.desa_code, row.number, row.voters, row.voters_male, row.voters_female) == (desa.code, 1, 195, 100, 95)


@pytest.mark.parametrize("header", ["KELURAHAN/DESA", "DESA/KELURAHAN", "KEL/DESA", "NAMA KELURAHAN"])
def test_kpu_desa_name_headers(tmp_path, known, header):
    result = read_file(tmp_path, known, "tps.csv", f"KODE DESA/KEL,NOMOR TPS,JML DPT,{header}\n"
                       "7405242009,TPS 2,150,Lalonggasu\n".encode())
    [warning] = result.problems  # the name is read, and compared with the desa of that code
    assert (warning.code, warning.column, result.rows[0].voters) == ("desa_name_mismatch", header, 150)


def test_kpu_total_dpt_and_tps_headers(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", b"KODE KEL,TPS,TOTAL DPT,DPT L,DPT P\n7405242009,3,190,100,90\n")
    assert result.problems == []
    assert (result.rows[0].code, result.rows[0].voters) == ("7405242009003", 190)


# ------------------------------------------------------- headers are never dropped (issue 19.12)


def test_a_header_split_by_a_line_break_still_matches(tmp_path, known):
    result = read_file(tmp_path, known, "tps.csv", b'kode_tps,dpt,"nama\ntps"\n7405242009001,10,TPS Pasar\n')
    assert result.problems == [] and result.rows[0].name == "TPS Pasar"


@pytest.mark.parametrize("header, code, message", [
    ('"nama_tps\n(sesuai SK)"', "unreadable_column", "judul kolom 'nama_tps⏎(sesuai SK)' berisi pindah baris"),
    ("nama tps lama", "unknown_column", "judul kolom 'nama tps lama' tidak dikenal"),
])
def test_a_header_that_matches_nothing_is_an_error_not_a_blank_column(tmp_path, known, header, code, message):
    content = f"kode_tps,dpt,{header}\n" + "".join(f"740524200900{i},10,TPS {i}\n" for i in range(1, 6))
    result = read_file(tmp_path, known, "tps.csv", content.encode())
    assert [(p.line, p.code) for p in result.problems] == [(1, code)]
    assert message in result.problems[0].message and "nama_tps" in result.problems[0].message
    assert result.rows == []  # nothing read with the names blank


def test_problem_list_is_capped_and_counts_the_rest(tmp_path, known):
    from siaga.core.importkit import MAX_PROBLEMS, ImportRejected

    content = "kode_tps,dpt\n" + "".join(f"7405242009{i % 999 + 1:03d},-1\n" for i in range(5000))
    result = read_file(tmp_path, known, "tps.csv", content.encode())
    assert len(result.problems) == MAX_PROBLEMS and result.problems.total == result.problems.errors > 5000
    rejected = ImportRejected(result.problems, lang="en")
    assert len(rejected.problems) == MAX_PROBLEMS + 1 and rejected.total == result.problems.total
    assert rejected.problems[-1].message == (
        f"… and {rejected.total - MAX_PROBLEMS} more problems ({rejected.total} in all); "
        "fix the ones above and import again.")
