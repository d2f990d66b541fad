"""The shared CSV/XLSX reader, on bytes and files as offices send them."""

import csv
import io
import zipfile

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from siaga.core.tabular import (
    FILE_MESSAGES,
    Unreadable,
    column_keys,
    csv_pieces,
    csv_rows,
    decode,
    message,
    neutralise,
    nonblank,
    normal_key,
    open_rows,
    read_bytes,
    sniff_delimiter,
    unneutralise,
)


def rows_of(data: bytes, max_bytes: int = 1024, **kw) -> list[tuple[int, list[str]]]:
    return list(open_rows(read_bytes(data, max_bytes), max_bytes, **kw).rows)


@pytest.mark.parametrize(("data", "encoding"), [
    ("kode;nama\n1;Wuawua\n".encode(), "utf-8"),
    (b"\xef\xbb\xbfkode;nama\n1;Wuawua\n", "utf-8-sig"),
    ("kode;nama\n1;Wuawua\n".encode("utf-16"), "utf-16"),
    ("kode;nama\n1;étude\n".encode("cp1252"), "cp1252"),
    (b"kode;nama\n1;\x81\x8d\n", "latin-1"),  # bytes undefined in cp1252
])
def test_decode_detects_encoding(data, encoding):
    text, used = decode(data)
    assert used == encoding
    assert text.lstrip("\ufeff").startswith("kode;nama\n")


def test_cp1252_letters_survive():
    text, used = decode("nama\nKelurahan Ñandi – é\n".encode("cp1252"))
    assert (used, text.splitlines()[1]) == ("cp1252", "Kelurahan Ñandi – é")


def test_utf8_bom_is_not_part_of_the_first_header():
    assert rows_of(b"\xef\xbb\xbfkode,nama\n1,A\n")[0] == (1, ["kode", "nama"])


@pytest.mark.parametrize(("data", "code"), [
    (b"%PDF-1.4 binary", "not_a_spreadsheet"),
    (b"kode,nama\n1,\x00\n", "bad_encoding"),
    (b"\xff\xfe\x00\xd8", "bad_encoding"),  # UTF-16 with a lone surrogate
])
def test_decode_refuses_binary(data, code):
    with pytest.raises(Unreadable) as caught:
        decode(data)
    assert caught.value.code == code


@pytest.mark.parametrize(("text", "delimiter"), [
    ("a,b,c\n1,2,3\n", ","),
    ("a;b;c\n1;2,5;3\n", ";"),  # a decimal comma does not outvote the semicolons
    ("a\tb\tc\n1\t2\t3\n", "\t"),
    ("a\n1\n", ","),  # nothing to count: the comma
])
def test_sniff_delimiter(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_csv_rows_give_the_line_where_a_record_starts():
    data = b'kode;catatan\n1;"dua\nbaris"\n\n2; spasi \n'
    assert rows_of(data) == [(1, ["kode", "catatan"]), (2, ["1", "dua\nbaris"]), (4, []), (5, ["2", "spasi"])]
    assert list(nonblank(iter(rows_of(data))))[-1] == (5, ["2", "spasi"])


def test_unclosed_quote_names_its_line():
    with pytest.raises(Unreadable) as caught:
        rows_of(b'kode,nama\n1,A\n2,"B\n3,C\n')
    assert (caught.value.code, caught.value.line) == ("bad_csv", 3)


def all_rows(pieces):
    return [row for piece in pieces for row in piece]


@given(records=st.lists(st.lists(st.text(alphabet='ab ,;"\n\r', max_size=6), min_size=1, max_size=4), max_size=12),
       terminator=st.sampled_from(["\n", "\r\n", "\r"]), parts=st.integers(1, 5))
def test_csv_pieces_read_as_the_whole_property(records, terminator, parts):
    """Cut anywhere the pieces choose, quoted line breaks and all, they give the whole file's rows and lines."""
    out = io.StringIO()
    csv.writer(out, lineterminator=terminator).writerows(records)
    text = out.getvalue()
    pieces = csv_pieces(text, ",", parts)
    assert 1 <= len(pieces) <= parts
    assert all_rows(pieces) == list(csv_rows(text, ","))


def test_a_stray_quote_never_cuts_a_cell_silently():
    """A quote inside an unquoted cell misleads the cut into a quoted cell: the piece before says so."""
    text = 'a,5" layar\nb,"dua\nbaris"\nc,d\n'
    whole = list(csv_rows(text, ","))
    assert whole[1] == (2, ["b", "dua\nbaris"])
    with pytest.raises(Unreadable) as broken:  # two parts cut inside "dua|baris"
        all_rows(csv_pieces(text, ",", 2))
    assert broken.value.code == "bad_csv"


def test_size_limit_on_bytes_file_and_stream(tmp_path):
    data = b"kode\n" + b"1\n" * 600  # 1205 bytes
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    for source in (data, path, str(path), io.BytesIO(data)):
        with pytest.raises(Unreadable) as caught:
            read_bytes(source, 1024)
        assert (caught.value.code, caught.value.params) == ("too_large", {"limit": "1 KB"})
    assert read_bytes(data, len(data)) == data


def test_blank_file_is_empty():
    with pytest.raises(Unreadable) as caught:
        read_bytes(b" \r\n\t", 1024)
    assert caught.value.code == "empty_file"


def test_file_messages_in_both_languages():
    exc = Unreadable("too_large", limit="1 KB")
    params = {"filename": "a.csv", **exc.params}
    assert message(FILE_MESSAGES, "id", exc.code, None, None, None, params) == \
        "Berkas 'a.csv' melebihi batas ukuran 1 KB."
    assert message(FILE_MESSAGES, "en", "bad_csv", 7, None, None, params) == \
        "Line 7: broken CSV (unclosed quote or oversized cell); reading stopped here."
    assert message({"id": {"x": "nilai '{value}' salah."}}, "id", "x", 3, "Kode", "7a", {}) == \
        "Baris 3, kolom 'Kode': nilai '7a' salah."
    assert FILE_MESSAGES["id"].keys() == FILE_MESSAGES["en"].keys()


def test_xlsx_rows_as_text_and_sheet_choice():
    book = openpyxl.Workbook()
    book.active.title = "Petunjuk"
    book.create_sheet("Data_TPS").append(["kode", "dpt", "khusus"])
    book["Data_TPS"].append([7405242009001, 210.0, True])
    out = io.BytesIO()
    book.save(out)
    opened = open_rows(out.getvalue(), 10**6, sheet_hint="tps")
    assert opened.sheet == "Data_TPS"
    assert list(opened.rows) == [(1, ["kode", "dpt", "khusus"]), (2, ["7405242009001", "210", "TRUE"])]
    assert open_rows(out.getvalue(), 10**6).sheet == "Petunjuk"  # no hint: the first sheet


def zip_bytes(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(("data", "code"), [
    (zip_bytes("hello.txt", b"hi"), "not_a_spreadsheet"),
    (zip_bytes("xl/worksheets/sheet1.xml", b"\0" * 200_000), "overexpanded"),  # 200 kB from a few hundred bytes
])
def test_zip_that_is_no_workbook(data, code):
    assert len(data) < 10_000
    with pytest.raises(Unreadable) as caught:
        open_rows(data, 10_000)
    assert caught.value.code == code


def test_keys_and_formula_escape():
    assert normal_key(" Kode_TPS. ") == normal_key("kode tps") == "kodetps"
    assert column_keys({"code": ("kode_tps", "TPS code")}) == {"kodetps": "code", "tpscode": "code"}
    for text in ("=1+1", "@SUM(A1)", "'quoted", "-5", "plain", ""):
        assert unneutralise(neutralise(text)) == text
    assert neutralise("=1+1") == "'=1+1"
