"""The columnar read of a CSV (tps_file.columnar) gives what the per-row read gives: rows, problems, messages."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siaga.regions.tps_file import DesaRef, _Reader, columnar, read_tps_file

KNOWN = {
    code: DesaRef(code, name, code[:8], code[:5], "Kec " + code[6:8])
    for code, name in [("74.05.24.2009", "Lalonggasu"), ("74.05.24.2010", "Amondo"),
                       ("74.71.01.1001", "Kandai"), ("11.01.01.2001", "Keude Bakongan")]
}
MAPPING = {"7405242099": "74.05.24.2010", "7405242098": "74.99.99.9999"}

# Each column: mostly plain values the columnar checks take, some only the per-row path judges.
CELLS = {
    "kode_tps": ["", "7405242009001", "7405242010002", "7471011001900", "1101012001003", "7405242099004",
                 "7405242009000", "74.05.24.2009001", "740524200901", " 7405242009005", "7405242098001"],
    "kode_desa": ["", "7405242009", "7405242010", "74.05.24.2009", "7405242099", "7499999999", "740524200x"],
    "no_tps": ["", "1", "2", "001", "900", "TPS 3", "0", "3.0", "1000", "x"],
    "nama_tps": ["", "TPS 001", "'=SUM(A1)", "Balai, Desa", 'Say "hi"', "a" * 201, "x\ty", " TPS 7"],
    "alamat": ["", "Dusun I, Desa Keude", "Jl. Poros", "\u00a0Jl", "Jl\u00a0"],
    "dpt": ["", "0", "277", "300", "301", "600", "-5", "1.0", "1.000", "abc", "12345678901"],
    "dpt_laki": ["", "143", "150", "0", "x"],
    "dpt_perempuan": ["", "134", "150", "0"],
    "jenis_pemilihan": ["", "pemilu", "Pilkada", "PEMILU", "pileg", "Pemilihan Umum", "other"],
    "tps_khusus": ["", "0", "1", "ya", "Tidak", "maybe"],
    "lat": ["", "-4.0", "-3.9977", "2.9338896", "-4.12345678", "-4,1", "123.4", "nan", "1e-05", "7.0", "-11"],
    "lng": ["", "122.5", "97.4896617", "-4.0", "141.5", "141.50001", "1e2"],
    "akses": ["", "normal", "Sulit", "perahu", "pulau", "jalan kaki"],
    "keterangan": ["", "ok", "'+1", "catatan"],
}
HEADER = list(CELLS)


@pytest.fixture(autouse=True, scope="module")
def columnar_for_small_files():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columnar, "COLUMNAR_MIN_CHARS", 0)
        yield


def cell(column):
    return st.one_of(st.sampled_from(CELLS[column]), st.text(max_size=4)) if column == "nama_tps" else \
        st.sampled_from(CELLS[column])


row = st.fixed_dictionaries({c: cell(c) for c in HEADER})


def per_row_read(data, **kw):
    """The read as before the columnar path: every row through the fast path, then the full checks."""
    original = _Reader.consume_columnar
    _Reader.consume_columnar = lambda self, text, delimiter: False
    try:
        return read_tps_file(data, filename="t.csv", known_desa=KNOWN, **kw)
    finally:
        _Reader.consume_columnar = original


def outcome(result):
    return (result.rows, [(p.line, p.column, p.value, p.code, p.severity, p.message) for p in result.problems],
            result.problems.total, result.problems.errors, result.suggestions)


def assert_same(data: bytes, **kw):
    columnar = read_tps_file(data, filename="t.csv", known_desa=KNOWN, **kw)
    assert outcome(columnar) == outcome(per_row_read(data, **kw))
    return columnar


def csv_bytes(rows, header=HEADER, delimiter=",", newline="\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows([[r[c] for c in header] for r in rows])
    return out.getvalue().encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=1, max_size=25), lang=st.sampled_from(["id", "en"]),
       delimiter=st.sampled_from([",", ";", "\t"]), election=st.sampled_from(["pemilu", "pilkada"]))
def test_columnar_and_per_row_reads_agree_on_random_rows(rows, lang, delimiter, election):
    assert_same(csv_bytes(rows, delimiter=delimiter), lang=lang, desa_mapping=MAPPING, election=election)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=15),
       columns=st.lists(st.sampled_from(HEADER), min_size=1, max_size=len(HEADER), unique=True))
def test_agree_with_any_columns(rows, columns):
    assert_same(csv_bytes(rows, header=columns), desa_mapping=MAPPING)


PLAIN = {"kode_tps": "7405242009001", "kode_desa": "", "no_tps": "", "nama_tps": "TPS 001",
         "alamat": "Dusun I, Desa", "dpt": "277", "dpt_laki": "143", "dpt_perempuan": "134",
         "jenis_pemilihan": "pemilu", "tps_khusus": "0", "lat": "-3.9977", "lng": "122.5", "akses": "normal",
         "keterangan": ""}


def test_plain_rows_are_taken_whole():
    rows = [dict(PLAIN, kode_tps=f"7405242009{n:03d}") for n in range(1, 40)]
    result = assert_same(csv_bytes(rows))
    assert len(result.rows) == 39 and not result.problems.total
    assert result.rows[0].lat == -3.9977 and result.rows[0].code == "7405242009001"


def test_a_row_read_per_row_comes_first_for_a_duplicate():
    # Line 2 names TPS 1 as "TPS 1" (per row), line 3 plainly: line 3 is the duplicate, as before.
    rows = [dict(PLAIN, kode_tps="", kode_desa="7405242009", no_tps="TPS 1"), PLAIN,
            dict(PLAIN, kode_tps="7405242009002"), dict(PLAIN, kode_tps="7405242009002", dpt="x")]
    result = assert_same(csv_bytes(rows))
    assert [(p.line, p.code) for p in result.problems] == [(3, "duplicate_tps"), (5, "bad_number"),
                                                           (5, "duplicate_tps")]


@pytest.mark.parametrize("text", [
    "Daftar TPS\n\n{header}\n{row}\n\n{row2}\n",  # title rows, blank lines
    "{header}\r\n{row}\r\n{row2}\r\n",  # CRLF
    "{header}\r\n{row}\r\n\"a\nb\",1\r\n{row2}\r\n",  # CRLF, a line feed inside a cell
    "{header}\n{row}\n\"multi\nline\",1\n{row2}\n",  # a record over two lines: the per-row read
    "{header}\n{row}\n{row2},extra\n7405242009003\n",  # other widths
    "{header}\n{row}\rx\n",  # a bare CR
    "{header}\n,,,,,,,,,,,,,\n",  # only a blank row
    "{header}\n",
    "{header}\n{row}\nab\"c,1\n",  # a stray quote
])
def test_unusual_files_read_as_before(text):
    line = csv_bytes([PLAIN]).decode().splitlines()
    row2 = csv_bytes([dict(PLAIN, kode_tps="7405242009002")]).decode().splitlines()[1]
    assert_same(text.format(header=line[0], row=line[1], row2=row2).encode())


def test_plain_rows_take_no_per_row_check(monkeypatch):
    def per_row(*args):
        raise AssertionError("a plain row went per row")

    monkeypatch.setattr(_Reader, "_fast_row", per_row)
    monkeypatch.setattr(_Reader, "_row", per_row)
    rows = [dict(PLAIN, kode_tps=f"7405242009{n:03d}", lat="", lng="") for n in range(1, 5)]
    result = read_tps_file(csv_bytes(rows), filename="t.csv", known_desa=KNOWN)
    assert [r.line for r in result.rows] == [2, 3, 4, 5] and result.rows[3].special is False


def test_whitespace_is_what_str_strip_strips():
    assert columnar._WHITESPACE == "".join(c for c in map(chr, range(0x110000)) if c.isspace())
