"""Read CSV or XLSX tables as offices send them: the pieces every importer shares.

Bytes in (bounded by ``max_bytes``), rows out as ``(line, [cell text])`` with
the file line (CSV, where the record starts) or Excel row. CSV may be UTF-8,
UTF-16 or a Windows code page, delimited by ``,`` ``;`` or tab. A file that
cannot be read raises ``Unreadable``, whose code has a message in
``FILE_MESSAGES``. What importers share beyond reading cells (problems, header
rules, rejection) is in siaga.core.importkit. No Django here.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

import openpyxl

Rows = Iterator[tuple[int, list[str]]]

XLSX_MAGIC = b"PK\x03\x04"
FALLBACK_ENCODINGS = ("cp1252", "latin-1")  # worth a warning: accented letters may be wrong
# An XLSX is a zip; these bound what opening one may cost, whatever its size on disk.
# Real workbooks inflate 5-20 times (Excel's own, openpyxl's): 100 leaves room and stops a bomb.
XLSX_MAX_EXPANSION = 100  # inflated / compressed, for the archive and for each member above 1 MB
XLSX_MAX_EXPANDED_FACTOR = 10  # and never more than 10 x the importer's size cap in all
# openpyxl holds the shared-string table in memory (~60 bytes a string plus its text): capped so
# a workbook costs at most ~150 MB there. A larger list is better sent as CSV, which streams.
XLSX_MAX_SHARED_STRINGS = 1_000_000
XLSX_MAX_SHARED_BYTES = 64 * 1024 * 1024
MAX_CELLS = 20_000_000  # cells read from one sheet (a national TPS list has ~13 million)
# Signatures of files people rename to .csv/.xlsx by mistake.
_BINARY_MAGIC = (b"\x89PNG", b"%PDF", b"\xd0\xcf\x11\xe0", b"GIF8", b"\xff\xd8\xff", b"PK\x05\x06", b"PK\x07\x08")

# File-level templates stand alone; ``bad_csv`` follows a "Line N: " prefix.
FILE_MESSAGES: Mapping[str, Mapping[str, str]] = {
    "id": {
        "too_large": "Berkas '{filename}' melebihi batas ukuran {limit}.",
        "empty_file": "Berkas '{filename}' kosong.",
        "not_a_spreadsheet": "Berkas '{filename}' bukan berkas CSV atau XLSX yang dapat dibaca; simpan ulang sebagai .xlsx atau .csv.",
        "bad_encoding": "Berkas '{filename}' berisi data biner atau karakter yang tidak dapat dibaca.",
        "encoding_fallback": "Berkas '{filename}' bukan UTF-8; dibaca sebagai {encoding}. Periksa huruf beraksen.",
        "no_rows": "Berkas '{filename}' hanya berisi judul kolom, tanpa baris data.",
        "bad_csv": "format CSV rusak (tanda kutip tidak tertutup atau sel terlalu besar); pembacaan berhenti di sini.",
        "overexpanded": "Berkas '{filename}' mengembang menjadi {size} saat dibuka ({ratio}× ukurannya, batas {limit}×); berkas seperti ini tidak dibaca. Simpan ulang dari Excel atau kirim sebagai .csv.",
        "too_many_strings": "Berkas '{filename}' memuat daftar teks yang terlalu besar untuk dibaca (batas {limit} teks atau {size}); kirim sebagai .csv.",
        "too_many_cells": "Berkas '{filename}' memuat lebih dari {limit} sel; bagi berkas atau kirim sebagai .csv.",
        "unknown_column": "judul kolom '{value}' tidak dikenal; ganti dengan judul yang dikenal ({known}) atau hapus kolom itu.",
        "unreadable_column": "judul kolom '{value}' berisi pindah baris atau karakter kontrol dan tidak cocok dengan kolom mana pun; tulis judul dalam satu baris ({known}).",
        "duplicate_column": "kolom ini berarti sama dengan kolom '{first}'; hapus salah satunya.",
        "more_problems": "… dan {more} masalah lain (seluruhnya {total}); perbaiki yang di atas lalu impor ulang.",
    },
    "en": {
        "too_large": "File '{filename}' exceeds the size limit of {limit}.",
        "empty_file": "File '{filename}' is empty.",
        "not_a_spreadsheet": "File '{filename}' is not a readable CSV or XLSX file; save it again as .xlsx or .csv.",
        "bad_encoding": "File '{filename}' contains binary data or unreadable characters.",
        "encoding_fallback": "File '{filename}' is not UTF-8; read as {encoding}. Check accented letters.",
        "no_rows": "File '{filename}' has only a header row and no data rows.",
        "bad_csv": "broken CSV (unclosed quote or oversized cell); reading stopped here.",
        "overexpanded": "File '{filename}' inflates to {size} when opened ({ratio}× its size, limit {limit}×); such files are not read. Save it again from Excel or send it as .csv.",
        "too_many_strings": "File '{filename}' holds a text table too large to read (limit {limit} texts or {size}); send it as .csv.",
        "too_many_cells": "File '{filename}' holds more than {limit} cells; split the file or send it as .csv.",
        "unknown_column": "column header '{value}' is unknown; use a known header ({known}) or remove the column.",
        "unreadable_column": "column header '{value}' contains a line break or control characters and matches no column; write the header on one line ({known}).",
        "duplicate_column": "this column means the same as column '{first}'; remove one of them.",
        "more_problems": "… and {more} more problems ({total} in all); fix the ones above and import again.",
    },
}
# (with a column, without) before a row message.
LINE_PREFIX: Mapping[str, tuple[str, str]] = {
    "id": ("Baris {line}, kolom '{column}': ", "Baris {line}: "),
    "en": ("Line {line}, column '{column}': ", "Line {line}: "),
}


class Unreadable(Exception):
    """The file cannot be read; ``code`` is a key of FILE_MESSAGES, ``line`` set for ``bad_csv``."""

    def __init__(self, code: str, line: int | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code, self.line, self.params = code, line, params


def message(messages: Mapping[str, Mapping[str, str]], lang: str, code: str, line: int | None,
            column: str | None, value: Any, params: Mapping[str, Any]) -> str:
    """``messages[lang][code]`` filled in, after "Line N[, column 'x']: " when ``line`` is given."""
    text = messages[lang][code].format(value=value, **params)
    if line is None:
        return text
    with_column, without_column = LINE_PREFIX[lang]
    prefix = with_column if column is not None else without_column
    return prefix.format(line=line, column=column) + text


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:g} {unit}"
        size /= 1024
    return f"{size:g} GB"


# ------------------------------------------------------------------ cells and keys


def normal_key(text: str) -> str:
    """Header/value key: case, whitespace, underscores and punctuation ignored."""
    return re.sub(r"[\W_]+", "", text.casefold())


def column_keys(variants: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """{normal_key(header variant): field} for {field: header variants}."""
    return {normal_key(v): name for name, names in variants.items() for v in names}


def cell_text(value: object) -> str:
    """A cell as text; Excel numbers lose a spurious '.0' (7405242009001.0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


_FORMULA_START = "=+-@'"  # the quote is included so that escaping is reversible


def neutralise(text: str) -> str:
    """Prefix ``'`` so a spreadsheet shows ``text`` instead of running it as a formula."""
    return "'" + text if text and text[0] in _FORMULA_START else text


def unneutralise(text: str) -> str:
    return text[1:] if text[:1] == "'" and text[1:2] and text[1] in _FORMULA_START else text


# ------------------------------------------------------------------------ reading


@dataclass(slots=True)
class Opened:
    rows: Rows
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # XLSX only
    text: str | None = None  # CSV only: the decoded file, for csv_pieces


def read_bytes(source: str | os.PathLike | bytes | IO[bytes], max_bytes: int) -> bytes:
    """The file's bytes; Unreadable when larger than ``max_bytes`` or blank."""
    data = _load(source, max_bytes)
    if data is None:
        raise Unreadable("too_large", limit=human_size(max_bytes))
    if not data.strip():
        raise Unreadable("empty_file")
    return data


def is_xlsx(data: bytes) -> bool:
    return data.startswith(XLSX_MAGIC)


def open_rows(data: bytes, max_bytes: int, *, sheet_hint: str = "", max_cells: int = MAX_CELLS) -> Opened:
    """Rows of an XLSX or CSV (recognised by content, not name); see ``xlsx_rows`` for the options."""
    if is_xlsx(data):
        sheet, rows = xlsx_rows(data, max_bytes, sheet_hint=sheet_hint, max_cells=max_cells)
        return Opened(rows, sheet=sheet)
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    return Opened(csv_rows(text, delimiter), encoding=encoding, delimiter=delimiter, text=text)


def nonblank(rows: Rows) -> Rows:
    """The rows with at least one non-empty cell."""
    return ((line, texts) for line, texts in rows if any(texts))


def _load(source, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when it is larger than ``max_bytes``."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        if os.path.getsize(source) > max_bytes:
            return None
        with open(source, "rb") as fh:
            data = fh.read(max_bytes + 1)
    else:  # an open binary file, e.g. an uploaded file
        data = source.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes; returns (text, encoding name used)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise Unreadable("bad_encoding") from None
    if data.startswith(_BINARY_MAGIC):
        raise Unreadable("not_a_spreadsheet")
    if b"\x00" in data[:65536]:
        raise Unreadable("bad_encoding")
    try:
        bom = data.startswith(b"\xef\xbb\xbf")
        return data.decode("utf-8-sig"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # offices on Windows save as cp1252; five bytes are undefined there
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """The most frequent of , ; tab near the start (ties go to the comma)."""
    sample = text[:65536]
    return max(",;\t", key=sample.count)


def csv_rows(text: str, delimiter: str, first_line: int = 1) -> Rows:
    """(line where the record starts, stripped cells); ``text`` starts on file line ``first_line``."""
    # strict: an unclosed quote must be reported, not swallow the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = first_line
    try:
        for cells in reader:
            yield start, list(map(str.strip, cells))  # a quoted cell may span lines
            start = first_line + reader.line_num
    except csv.Error:
        raise Unreadable("bad_csv", line=start) from None


def csv_pieces(text: str, delimiter: str, parts: int) -> list[Rows]:
    """The rows of ``text`` in up to ``parts`` pieces of about equal size, cut between records.

    A line break is taken as a cut between records when an even number of quote characters
    comes before it. Were that wrong (a stray quote inside an unquoted cell), the piece
    before the cut would end inside a quoted cell and raise Unreadable("bad_csv"), as
    csv_rows is strict: a bad cut shows, it never changes cells silently.
    """
    pieces, start, line, quotes = [], 0, 1, 0
    for k in range(1, parts):
        cut = text.find("\n", max(start, len(text) * k // parts))
        while cut != -1 and (quotes + text.count('"', start, cut)) % 2:
            cut = text.find("\n", cut + 1)
        if cut == -1:
            break
        cut += 1
        quotes += text.count('"', start, cut)
        pieces.append(csv_rows(text[start:cut], delimiter, line))
        line += _line_breaks(text, start, cut)
        start = cut
    pieces.append(csv_rows(text[start:], delimiter, line))
    return pieces


def _line_breaks(text: str, start: int, end: int) -> int:
    """Line breaks as csv counts lines: \\n, \\r and \\r\\n each end one."""
    return text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)


def xlsx_rows(data: bytes, max_bytes: int, *, sheet_hint: str = "", max_cells: int = MAX_CELLS) -> tuple[str, Rows]:
    """The chosen sheet's title and its (Excel row, cells as text), streamed.

    The first sheet whose title contains ``sheet_hint`` (compared by normal_key) is read, else the first.
    The archive is checked before openpyxl opens it (check_xlsx_archive), and reading stops with
    Unreadable("too_many_cells") after ``max_cells`` cells.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_xlsx_archive(archive, len(data), max_bytes)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = book.worksheets
        hint = normal_key(sheet_hint)
        sheet = next((s for s in sheets if hint in normal_key(s.title)), sheets[0])
    except Unreadable:
        raise
    except Exception:  # openpyxl fails on foreign zips in many ways (KeyError, BadZipFile, XML errors...)
        raise Unreadable("not_a_spreadsheet") from None
    sheet.reset_dimensions()  # some writers store a wrong sheet size

    def rows() -> Rows:
        cells = 0
        try:
            # Read-only iteration yields empty tuples for skipped rows, so the count is the Excel row.
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells += len(values)
                if cells > max_cells:
                    raise Unreadable("too_many_cells", limit=f"{max_cells:,}")
                yield line, [cell_text(v) for v in values]
        except Unreadable:
            raise
        except Exception:
            raise Unreadable("not_a_spreadsheet") from None
        finally:
            book.close()

    return sheet.title, rows()


_SHARED_STRING_RE = re.compile(rb"<(?:\w+:)?si[\s>/]")


def check_xlsx_archive(archive: zipfile.ZipFile, size: int, max_bytes: int) -> None:
    """Refuse a zip that would cost far more to open than its size says (a zip bomb dressed as XLSX).

    The inflated size is compared with the file's own size (and each large member's with its own
    compressed size), never only with the importer's cap: 474 MB of shared strings fit in 1.1 MB.
    Declared sizes can be trusted as bounds: zipfile stops and fails at a member's declared size.
    """
    members = archive.infolist()
    expanded = sum(info.file_size for info in members)
    worst = max(members, key=lambda i: i.file_size / max(i.compress_size, 1), default=None)
    too_dense = worst is not None and worst.file_size > max(XLSX_MAX_EXPANSION * worst.compress_size, 1 << 20)
    if expanded > XLSX_MAX_EXPANSION * size or too_dense or expanded > XLSX_MAX_EXPANDED_FACTOR * max_bytes:
        raise Unreadable("overexpanded", size=human_size(expanded), ratio=round(expanded / max(size, 1)),
                         limit=XLSX_MAX_EXPANSION)
    for info in members:
        if info.filename.lower().endswith("sharedstrings.xml"):
            _check_shared_strings(archive, info)


def _check_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """openpyxl loads every shared string at once: count them first, streaming (1 MB at a time)."""
    too_many = Unreadable("too_many_strings", limit=f"{XLSX_MAX_SHARED_STRINGS:,}",
                          size=human_size(XLSX_MAX_SHARED_BYTES))
    if info.file_size > XLSX_MAX_SHARED_BYTES:
        raise too_many
    count, tail = 0, b""
    with archive.open(info) as member:
        while chunk := member.read(1 << 20):
            block = tail + chunk
            count += len(_SHARED_STRING_RE.findall(block))
            tail = block[-16:]
            count -= len(_SHARED_STRING_RE.findall(tail))  # counted again with the next chunk
            if count > XLSX_MAX_SHARED_STRINGS:
                raise too_many
    if count + len(_SHARED_STRING_RE.findall(tail)) > XLSX_MAX_SHARED_STRINGS:
        raise too_many
