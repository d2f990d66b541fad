"""The columnar path for a CSV: pyarrow reads the cells and the fast path's rules run on whole columns.

A national file (820,161 rows) spends most of its read in per-row Python; here only the rows that
a whole-column check cannot accept take the per-row path (fast, then full checks), which alone
reports problems, so the messages are the same. Accepted rows are exactly those FastPath._fast_row
accepts, with the same TpsRow. Cells with few distinct values (desa codes, election, access,
special, desa names) are judged per distinct value by the fast path's own functions.

pyarrow and Python's csv module read the same cells only for plain CSV, so the file takes this
path only when every line is one well-quoted record (no line break inside a cell, no stray quote,
no bare CR); a line of another width, or with a cell that csv_rows would strip, goes per row.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from siaga.core.tabular import csv_rows
from siaga.regions.tps_file.data import LAT_RANGE, LNG_RANGE, MAX_NAME_CHARS
from siaga.regions.tps_file.fast import _fast_access, _fast_special_text, _special_number
from siaga.regions.tps_file.rows import ROW_SCHEMA, ColumnRows, per_value, rows_table

# Below this a file is read per row: as fast there, and the files most tests and offices send.
COLUMNAR_MIN_CHARS = 100_000
_QUOTED = r'"(?:[^"]|"")*"'  # a quoted cell, "" inside for a quote; RE2 regexes (pyarrow)
_CONTROL = r"[\x00-\x1f\x7f\x{fffe}\x{ffff}]"  # as fast._UNUSUAL_RE
_CONTROL_BUT_LINE_BREAKS = r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\x{fffe}\x{ffff}]"
# What str.strip strips: every c with c.isspace(), written out (computing it walks 1.1M code points at import).
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
               "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_PLAIN_COUNT = r"^[0-9]{1,9}$"  # longer digit strings: per row (no int64 overflow to think about)
# Coordinates Python's float() reads exactly so, whose round(x, COORD_DECIMALS) is x itself
# (at most 7 decimals): exponents, decimal commas, more decimals go per row.
_PLAIN_COORDINATE = r"^-?[0-9]{1,3}(?:\.[0-9]{1,7})?$"


class ColumnarRead:
    """reader._Reader's columnar read of a CSV (state as for FastPath)."""

    def consume_columnar(self, text: str, delimiter: str) -> bool:
        """Read ``text`` with whole-column checks; False, with nothing recorded, for a CSV it does not suit."""
        split = _split_lines(text)
        if split is None:
            return False
        whole, newline, lines = split
        rows = csv_rows(text, delimiter)
        header_line = _LastLine(rows)
        if not self._find_header(header_line):
            return True
        width = len(header_line.texts)
        data = lines.slice(header_line.line)  # when every line is one record, line k is lines[k - 1]
        counted = _lines_of_width(data, delimiter, width)
        if not _well_quoted(pa.concat_arrays([lines.slice(0, header_line.line), data.filter(pc.invert(counted))]),
                            delimiter):
            return self._per_row(rows)
        plain_lines = pc.sum(counted).as_py() or 0
        try:
            if plain_lines == len(data) - (len(data) > 0 and data[-1].as_py() == ""):  # a final line break
                head = lines.slice(0, header_line.line)
                start = (pc.sum(pc.binary_length(head)).as_py() or 0) + len(head) * len(newline)
                table = _read_cells(whole.slice(start), delimiter, width)  # the file's own bytes, no copy
            else:
                table = _read_cells(_joined(data.filter(counted)), delimiter, width)
        except pa.ArrowInvalid:  # not expected of well-quoted lines; the per-row path reads them as ever
            return self._per_row(rows)
        if table.num_rows != plain_lines:
            return self._per_row(rows)
        positions = pc.indices_nonzero(counted)  # of each table row in ``data``
        plain, blank, accepted, keys = self._plain_rows(table, positions, header_line.line + 1,
                                                        _control_free(whole, delimiter))
        others = pc.indices_nonzero(pc.invert(counted)).to_pylist()
        others += pc.filter(positions, pc.invert(pc.or_(plain, blank))).to_pylist()
        others = [i for i in sorted(others) if data[i].as_py()]  # an empty line is a blank row
        if not self._accept(accepted, keys, others, data, header_line.line + 1, delimiter):
            self.file_problem("no_rows")
        return True

    def _per_row(self, rows) -> bool:
        if not self._data(rows):
            self.file_problem("no_rows")
        return True

    def _accept(self, accepted: pa.Table, keys, others: list[int], data, first_line: int, delimiter: str) -> int:
        """Record the plain rows (``accepted``, ROW_SCHEMA) and run the others through the per-row path;
        returns the rows not blank. The rows stay columns (ColumnRows), the per-row path's merged in.

        A row read per row that names the TPS of a plain row changes which line comes first (a
        duplicate): such plain rows go per row as well, and the per-row pass starts again.
        """
        demoted: set[int] = set()
        problems_before = self.result.problems
        while True:
            self.seen, self.unknown, self.result.rows = {}, {}, []
            self.result.problems = type(problems_before)()
            demoted_lines = accepted.column("line").take(pa.array(sorted(demoted), pa.int64())).to_pylist()
            moved = sorted([first_line + i for i in others] + demoted_lines)
            counted = self._data(_line_texts(moved, data, first_line, delimiter))
            found = pa.array(["|".join(key) for key in self.seen], pa.string())
            clash = set(pc.indices_nonzero(pc.is_in(keys, value_set=found)).to_pylist()) - demoted
            if not clash:
                break
            demoted |= clash
        per_row_rows, found = self.result.rows, self.result.problems
        self.result.problems = problems_before
        self.result.problems.merge(found)
        if demoted:
            accepted = accepted.filter(pc.invert(pc.is_in(pa.array(range(accepted.num_rows)),
                                                          value_set=pa.array(sorted(demoted), pa.int64()))))
        if per_row_rows:
            accepted = pa.concat_tables([accepted, rows_table(per_row_rows)]).sort_by("line")
        self.result.rows = ColumnRows(accepted)
        return len(accepted) - len(per_row_rows) + counted

    def _plain_rows(self, table: pa.Table, positions, first_line: int, control_free: bool):
        """(plain mask, blank mask, the plain rows (ROW_SCHEMA), their keys) under the fast path's rules."""
        cells = [c.combine_chunks() for c in table.columns]
        empty = pa.scalar("")

        def cell(field):
            index = self.columns.get(field)
            return cells[index] if index is not None else pa.repeat(empty, table.num_rows)

        ok = _all(_plain_cell(c, control_free) for c in cells)
        blank = _all(pc.equal(c, "") for c in cells)
        for field in ("name", "address", "notes", "desa_name"):
            if field in self.columns:
                ok = pc.and_(ok, pc.invert(pc.starts_with(cell(field), "'")))  # maybe formula-escaped
        real, real_undotted, number, identity_ok = self._columnar_identity(cell)
        election = per_value(cell("election"), self._fast_election, pa.string())
        access = per_value(cell("access"), _fast_access, pa.string())
        special = self._columnar_special(cell("special"), number)
        voters, male, female, voters_ok = self._columnar_voters(cell, election)
        lat, lng, coordinates_ok = _columnar_coordinates(cell("lat"), cell("lng"))
        code = pc.binary_join_element_wise(real_undotted, pc.utf8_lpad(pc.cast(number, pa.string()), 3, "0"), "")
        for check in (identity_ok, pc.is_valid(election), pc.is_valid(access), pc.is_valid(special),
                      voters_ok, coordinates_ok):
            ok = pc.and_(ok, pc.fill_null(check, False))
        key = pc.binary_join_element_wise(code, election, "|")
        ok = pc.and_(ok, _unique(pc.if_else(ok, key, pa.scalar(None, pa.string()))))
        take = pc.indices_nonzero(ok)
        columns = (pc.add(positions, first_line), real, number, code, cell("name"), cell("address"), voters, male,
                   female, election, special, lat, lng, access, cell("notes"))  # ROW_SCHEMA's order
        accepted = pa.Table.from_arrays([pc.cast(pc.take(c, take), f.type) for c, f in zip(columns, ROW_SCHEMA)],
                                        schema=ROW_SCHEMA)
        return ok, blank, accepted, pc.take(key, take)

    def _columnar_identity(self, cell):
        """(real desa, real desa undotted, number, ok) as FastPath._fast_identity decides them."""
        code_text, desa_text, number_text = cell("code"), cell("desa_code"), cell("number")
        has_code = pc.not_equal(code_text, "")
        code_ok = pc.match_substring_regex(code_text, r"^[0-9]{13}$")
        number_plain = pc.match_substring_regex(number_text, r"^[0-9]{1,3}$")
        number_given = pc.not_equal(number_text, "")
        from_code = pc.cast(pc.utf8_slice_codeunits(pc.if_else(code_ok, code_text, "0000000000000"), 10, 13),
                            pa.int64())
        from_parts = pc.cast(pc.if_else(number_plain, number_text, "0"), pa.int64())
        code_desa = pc.utf8_slice_codeunits(code_text, 0, 10)
        by_code = _all([code_ok,
                        pc.or_(pc.equal(desa_text, ""), pc.equal(desa_text, code_desa)),
                        pc.or_(pc.invert(number_given), pc.and_(number_plain, pc.equal(from_parts, from_code)))])
        by_parts = pc.and_(pc.match_substring_regex(desa_text, r"^[0-9]{10}$"), number_plain)
        ok = pc.if_else(has_code, by_code, by_parts)
        file_desa = pc.if_else(has_code, code_desa, desa_text)
        number = pc.if_else(has_code, from_code, from_parts)
        file_desa = pc.if_else(ok, file_desa, pa.scalar(None, pa.string()))
        real_dotted, real_undotted = per_value(file_desa, lambda d: _nulled(self._fast_desa(d)),
                                                (pa.string(), pa.string()))
        ok = _all([ok, pc.not_equal(number, 0), pc.is_valid(real_dotted)])
        if "desa_name" in self.columns:
            desa_name = cell("desa_name")
            pair = pc.binary_join_element_wise(desa_name, real_dotted, "\x00")  # no NUL in a plain row
            agree = per_value(pair, lambda p: not p.split("\x00")[0] or self._names_agree(*p.split("\x00")),
                               pa.bool_())
            ok = pc.and_(ok, pc.fill_null(agree, False))
        return real_dotted, real_undotted, number, ok

    def _columnar_special(self, special_text, number):
        given = per_value(special_text, _fast_special_text, pa.bool_())
        by_number = per_value(number, _special_number, pa.bool_())
        return pc.if_else(pc.equal(special_text, ""), by_number, given)

    def _columnar_voters(self, cell, election):
        """(DPT, male, female, ok) as FastPath._fast_voters decides them."""
        counts = []
        ok = pa.repeat(pa.scalar(True), len(election))
        for field in ("voters", "voters_male", "voters_female"):
            text = cell(field)
            plain = pc.match_substring_regex(text, _PLAIN_COUNT)
            ok = pc.and_(ok, pc.or_(plain, pc.equal(text, "")))
            counts.append(pc.cast(pc.if_else(plain, text, pa.scalar(None, pa.string())), pa.int64()))
        total, male, female = counts
        split = pc.add(male, female)
        both = pc.and_(pc.is_valid(male), pc.is_valid(female))
        ok = pc.and_(ok, pc.or_(pc.is_valid(total), both))
        ok = pc.and_(ok, pc.or_(pc.invert(both), pc.or_(pc.is_null(total), pc.equal(split, total))))
        total = pc.coalesce(total, split)
        limit = per_value(election, lambda e: self.limits.get(e), pa.int64())
        ok = pc.and_(ok, pc.or_(pc.is_null(limit), pc.less_equal(total, limit)))
        return total, male, female, ok


class _LastLine:
    """csv_rows, remembering the last row taken (the header, once _find_header stops)."""

    def __init__(self, rows) -> None:
        self.rows, self.line, self.texts = rows, 0, []

    def __iter__(self):
        for self.line, self.texts in self.rows:
            yield self.line, self.texts


def _split_lines(text: str) -> tuple[pa.Buffer, str, pa.LargeStringArray] | None:
    """(the text as UTF-8, line break, its lines); None when it holds a bare CR (csv_rows: a line break)."""
    newline = "\r\n" if "\r" in text else "\n"
    if newline == "\r\n" and not text.count("\r") == text.count("\n") == text.count("\r\n"):
        return None  # a bare CR or LF in a CRLF file may end a record inside a line: per row
    whole = pa.array([text], pa.large_string())
    return whole.buffers()[2], newline, pc.split_pattern(whole, newline).flatten()


def _cell_pattern(delimiter: str) -> tuple[str, str]:
    d = "\\t" if delimiter == "\t" else delimiter
    return f'(?:[^"{d}]*|{_QUOTED})', d


def _lines_of_width(data, delimiter: str, width: int):
    """Lines that are ``width`` well-quoted cells: records both readers read alike (others go per row)."""
    cell, d = _cell_pattern(delimiter)
    return pc.match_substring_regex(data, f"^{cell}(?:{d}{cell}){{{width - 1}}}$")


def _well_quoted(lines, delimiter: str) -> bool:
    """Whether each line is a whole record of well-quoted cells, so the file's lines are its records."""
    cell, d = _cell_pattern(delimiter)
    return pc.all(pc.match_substring_regex(lines, f"^{cell}(?:{d}{cell})*$")).as_py() is not False


def _control_free(whole: pa.Buffer, delimiter: str) -> bool:
    """Whether no cell can hold a control character: none in the file but its line breaks (the columnar
    read's cells hold none of those) and, with a comma or semicolon, no tab. One pass over the file
    instead of one per column."""
    if delimiter == "\t":  # a tab inside a quoted cell looks like a delimiter here
        return False
    text = pa.LargeStringArray.from_buffers(1, pa.array([0, whole.size], pa.int64()).buffers()[1], whole)
    return not pc.match_substring_regex(text, _CONTROL_BUT_LINE_BREAKS)[0].as_py()


def _plain_cell(column, control_free: bool):
    """Cells the fast path may take: short, no control character, nothing csv_rows would strip."""
    length = pc.utf8_length(column)
    plain = pc.and_(pc.less_equal(length, MAX_NAME_CHARS),
                    pc.equal(pc.utf8_length(pc.utf8_trim(column, _WHITESPACE)), length))
    return plain if control_free else pc.and_(plain, pc.invert(pc.match_substring_regex(column, _CONTROL)))


def _joined(lines) -> pa.Buffer:
    whole = pc.binary_join(pa.LargeListArray.from_arrays(pa.array([0, len(lines)], pa.int64()), lines),
                           pa.scalar("\n", pa.large_string()))
    return whole[0].as_buffer()


def _read_cells(body: pa.Buffer, delimiter: str, width: int) -> pa.Table:
    """Every cell as text, as written (csv_rows strips; rows whose cells it would change go per row)."""
    names = [f"c{i}" for i in range(width)]
    if not body.size:
        return pa.table({n: pa.array([], pa.string()) for n in names})
    return pa_csv.read_csv(
        pa.BufferReader(body),
        read_options=pa_csv.ReadOptions(column_names=names),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True, escape_char=False,
                                          newlines_in_values=False, ignore_empty_lines=False),
        convert_options=pa_csv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[],
                                              strings_can_be_null=False, quoted_strings_can_be_null=False),
    )


def _line_texts(line_numbers, data, first_line: int, delimiter: str):
    """(line, cells) of the given lines, read as csv_rows reads them."""
    for line in line_numbers:
        yield from csv_rows(data[line - first_line].as_py(), delimiter, line)


def _nulled(found: tuple[str, str]) -> tuple[str | None, str | None]:
    return (found[0] or None, found[1] or None)


def _columnar_coordinates(lat_text, lng_text):
    """(lat, lng, ok) as fast._fast_coordinates decides them: both empty, or both plain and in Indonesia."""
    both_empty = pc.and_(pc.equal(lat_text, ""), pc.equal(lng_text, ""))
    plain = pc.and_(pc.match_substring_regex(lat_text, _PLAIN_COORDINATE),
                    pc.match_substring_regex(lng_text, _PLAIN_COORDINATE))
    none = pa.scalar(None, pa.string())
    lat = pc.cast(pc.if_else(plain, lat_text, none), pa.float64())
    lng = pc.cast(pc.if_else(plain, lng_text, none), pa.float64())
    inside = _all([pc.greater_equal(lat, LAT_RANGE[0]), pc.less_equal(lat, LAT_RANGE[1]),
                   pc.greater_equal(lng, LNG_RANGE[0]), pc.less_equal(lng, LNG_RANGE[1])])
    return lat, lng, pc.or_(both_empty, pc.fill_null(inside, False))


def _all(masks):
    masks = iter(masks)
    out = next(masks)
    for mask in masks:
        out = pc.and_(out, mask)
    return out


def _unique(keys):
    """True where a key occurs once (null: False)."""
    encoded = keys.dictionary_encode() if not isinstance(keys, pa.ChunkedArray) else \
        keys.combine_chunks().dictionary_encode()
    counts = pc.value_counts(encoded.indices)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    return pc.and_(pc.is_valid(encoded.indices), pc.invert(pc.is_in(encoded.indices, repeated)))
