"""Read and check a TPS file: the structure (header, rows), the full checks of one row, problems.

Rows go first through the fast path (fast.FastPath); ``_Row`` and ``_Reader._row`` are the
full checks, the only ones that report problems.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator, Mapping
from operator import itemgetter
from types import MappingProxyType
from typing import IO, Any

from siaga.core.codes import CodeError, is_special_tps_number, normalize_region_code, split_tps_code, undotted
from siaga.core.importkit import Problem, ProblemList, Severity, match_header
from siaga.core.tabular import (
    FALLBACK_ENCODINGS,
    Unreadable,
    csv_pieces,
    is_xlsx,
    normal_key,
    open_rows,
    read_bytes,
    unneutralise,
)
from siaga.regions.tps_file import columnar, parallel
from siaga.regions.tps_file.columns import (
    _ACCESS,
    _BOOLS,
    _COLUMN_VARIANTS,
    _ELECTIONS,
    _HEADER_FIELDS,
    _IDENTITY_COLUMNS,
    _TEXT_FIELDS,
)
from siaga.regions.tps_file.columnar import ColumnarRead
from siaga.regions.tps_file.data import (
    COORD_DECIMALS,
    DEFAULT_MAX_BYTES,
    LAT_RANGE,
    LNG_RANGE,
    MAX_CELL_CHARS,
    MAX_NAME_CHARS,
    SUGGESTION_CUTOFF,
    VOTER_LIMITS,
    DesaRef,
    Lang,
    TpsFileResult,
    TpsRow,
)
from siaga.regions.tps_file.fast import _FAST_FIELDS, FastPath
from siaga.regions.tps_file.messages import _message
from siaga.regions.tps_file.parallel import ParallelRead
from siaga.regions.tps_file.suggestions import _similarity, _Unknown, suggestions

_HEADER_SEARCH_ROWS = 20  # title rows an office may put above the header


def read_tps_file(
    path_or_bytes: str | os.PathLike | bytes | IO[bytes],
    *,
    filename: str,
    known_desa: Mapping[str, DesaRef],
    desa_mapping: Mapping[str, str] = MappingProxyType({}),
    lang: Lang = "id",
    max_bytes: int = DEFAULT_MAX_BYTES,
    voter_limits: Mapping[str, int] = VOTER_LIMITS,
    workers: int = 1,
    election: str = "pemilu",
) -> TpsFileResult:
    """Read and check a TPS list (CSV or XLSX, recognised by content, not name).

    ``known_desa`` is keyed by dotted desa code; ``desa_mapping`` maps a code
    found in the file (dotted or not) to the real code to use instead. With
    ``workers`` > 1 a large CSV is read in that many pieces at once, in forked
    processes (so not from a threaded server); the result is the same. ``election`` is that of rows
    without an election column (a file names its election by the column or by this argument).
    """
    reader = _Reader(filename, known_desa, _normalise_mapping(desa_mapping), lang, voter_limits)
    reader.default_election = election
    result = reader.result
    try:
        data = read_bytes(path_or_bytes, max_bytes)
        result.format = "xlsx" if is_xlsx(data) else "csv"
        opened = open_rows(data, max_bytes, sheet_hint="tps")
        result.encoding, result.delimiter, result.sheet = opened.encoding, opened.delimiter, opened.sheet
        if result.encoding in FALLBACK_ENCODINGS:
            reader.file_problem("encoding_fallback", "warning", encoding=result.encoding)
        if (opened.text is not None and len(opened.text) >= columnar.COLUMNAR_MIN_CHARS
                and reader.consume_columnar(opened.text, opened.delimiter)):
            pass  # a plain CSV: whole-column checks, the unusual rows per row
        elif workers > 1 and opened.text and len(opened.text) >= parallel.PARALLEL_MIN_CHARS:
            if not reader.consume_pieces(csv_pieces(opened.text, opened.delimiter, workers)):
                # The pieces did not join up (a TPS in two pieces, a broken CSV): read it whole.
                return read_tps_file(data, filename=filename, known_desa=known_desa, desa_mapping=desa_mapping,
                                     lang=lang, max_bytes=max_bytes, voter_limits=voter_limits, election=election)
        else:
            reader.consume(opened.rows)
    except Unreadable as exc:
        reader.file_problem(exc.code, line=exc.line, **exc.params)
    result.suggestions = reader.suggestions()
    return result


def _normalise_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for file_code, real_code in mapping.items():
        try:
            out[normalize_region_code(file_code)] = normalize_region_code(real_code)
        except CodeError:
            out[str(file_code).strip()] = str(real_code).strip()
    return out


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Only a single '.0' is a spreadsheet artefact: '1.000' is Indonesian for a thousand.
_TPS_NUMBER_RE = re.compile(r"(?:TPS\W*)?(\d{1,3})(?:\.0)?", re.IGNORECASE)
_INT_RE = re.compile(r"[+-]?\d+(?:\.0)?")


class _Reader(FastPath, ColumnarRead, ParallelRead):
    """State of one read: column positions, problems so far, TPS seen, unknown desa."""

    def __init__(self, filename, known_desa, mapping, lang, voter_limits) -> None:
        self.filename, self.known, self.mapping = filename, known_desa, mapping
        self.lang, self.limits = lang, voter_limits
        self.default_election = "pemilu"  # of rows without an election column
        self.result = TpsFileResult(rows=[], problems=ProblemList(), suggestions=[])
        self.columns: dict[str, int] = {}  # field -> cell index
        self.headers: dict[str, str] = {}  # field -> header text in the file
        self.seen: dict[tuple[str, str], int] = {}  # (TPS code, election) -> first line
        self.unknown: dict[str, _Unknown] = {}
        # fast path, set up once the header is known
        self.fast_cells = None  # texts + [""] -> the _FAST_FIELDS cells ("" for an absent column)
        self.fast_width = 0  # a shorter row takes the full path
        self.desa_cache: dict[str, tuple[str, str]] = {}  # 10-digit file desa -> (real dotted, real undotted)
        self.name_cache: dict[tuple[str, str], bool] = {}  # (file desa name, real desa) -> names agree

    # -- problems

    def problem(self, line, column, value, code, severity: Severity = "error", **params) -> None:
        message = _message(self.lang, code, line, column, value, params)
        self.result.problems.append(Problem(line, column, value, code, message, severity, params))

    def file_problem(self, code, severity: Severity = "error", line=None, **params) -> None:
        self.problem(line, None, None, code, severity, filename=self.filename, **params)

    # -- structure

    def consume(self, rows: Iterator[tuple[int, list[str]]]) -> None:
        if self._find_header(rows) and not self._data(rows):
            self.file_problem("no_rows")

    def _data(self, rows: Iterator[tuple[int, list[str]]]) -> int:
        """Check the data rows; returns how many were not blank."""
        data_rows = 0
        for line, texts in rows:
            if any(texts):
                data_rows += 1
                if not self._fast_row(line, texts):
                    self._row(line, texts)
        return data_rows

    def _find_header(self, rows) -> bool:
        first = None
        for line, texts in rows:
            if not any(texts):
                continue
            first = first or (line, texts)
            fields = {_HEADER_FIELDS.get(normal_key(t)) for t in texts}
            if fields & {"code", "desa_code", "number"}:
                return self._read_header(line, texts)
            if line - first[0] >= _HEADER_SEARCH_ROWS:
                break
        if first is None:
            self.file_problem("empty_file")
        else:
            self.problem(first[0], None, _IDENTITY_COLUMNS, "missing_column")
        return False

    def _read_header(self, line: int, texts: list[str]) -> bool:
        header = match_header(line, texts, _COLUMN_VARIANTS, _HEADER_FIELDS)
        self.columns, self.headers = header.columns, header.names
        self.result.ignored_columns = header.ignored
        for text, code, params in header.problems:
            self.problem(line, text if code == "duplicate_column" else None, text, code, **params)
        missing = []
        if "code" not in self.columns:
            missing += [f for f in ("desa_code", "number") if f not in self.columns]
        if "voters" not in self.columns and not {"voters_male", "voters_female"} <= self.columns.keys():
            missing.append("voters")
        for name in missing:
            self.problem(line, None, _COLUMN_VARIANTS[name][0], "missing_column")
        # index -1 is the "" that _fast_row appends, so an absent column reads as empty
        self.fast_cells = itemgetter(*(self.columns.get(f, -1) for f in _FAST_FIELDS))
        self.fast_width = max(self.columns.values(), default=-1) + 1
        return not (missing or header.problems)

    # -- one data row

    def _row(self, line: int, texts: list[str]) -> None:
        row = _Row(self, line, texts)
        ident = self._identity(row)
        election = row.choice("election", _ELECTIONS, "bad_election", self.default_election)
        special = row.choice("special", _BOOLS, "bad_bool", None)
        access = row.choice("access", _ACCESS, "bad_access", "normal")
        voters = self._voters(row, election)
        lat, lng = self._coordinates(row)
        if ident is not None and election is not None:
            self._check_duplicate(row, ident[2], election)
        if row.errors or ident is None:
            return
        desa, number, code = ident
        self.result.rows.append(TpsRow(
            line=line, desa_code=desa, number=number, code=code,
            name=row.text("name"), address=row.text("address"),
            voters=voters[0], voters_male=voters[1], voters_female=voters[2],
            election=election, special=is_special_tps_number(number) if special is None else special,
            lat=lat, lng=lng, access=access, notes=row.text("notes"),
        ))

    def _identity(self, row: _Row) -> tuple[str, int, str] | None:
        """(real desa code, TPS number, TPS code) of a row, or None after reporting why not."""
        code_text, desa_text, number_text = row.text("code"), row.text("desa_code"), row.text("number")
        from_code = desa = number = None
        if code_text:
            try:
                from_code = split_tps_code(code_text)
            except CodeError:
                row.problem("code", "bad_code")
        if desa_text:
            try:
                desa = normalize_region_code(desa_text)
                if desa.count(".") != 3:
                    raise CodeError(desa_text)
            except CodeError:
                desa = None
                row.problem("desa_code", "bad_code")
        if number_text:
            match = _TPS_NUMBER_RE.fullmatch(number_text)
            number = int(match.group(1)) if match else 0
            if number == 0:
                number = None
                row.problem("number", "bad_number")
        if from_code is not None:
            if (desa is not None and desa != from_code[0]) or (number is not None and number != from_code[1]):
                row.problem("code", "conflict_code", desa=desa_text, number=number_text)
                return None
            desa, number = from_code
        elif code_text:
            return None
        elif not (desa_text and number_text):
            self._report_missing_identity(row, desa_text, number_text)
            return None
        elif desa is None or number is None:
            return None
        real = self._real_desa(row, desa)
        return (real, number, f"{undotted(real)}{number:03d}") if real else None

    def _report_missing_identity(self, row: _Row, desa_text: str, number_text: str) -> None:
        parts_given = desa_text or number_text
        if "code" in self.columns and not parts_given:
            row.problem("code", "missing_value")
            return
        for name, text in (("desa_code", desa_text), ("number", number_text)):
            if not text:
                row.problem(name, "missing_value")

    def _real_desa(self, row: _Row, desa: str) -> str | None:
        """The known desa code for a file code (applying desa_mapping), or None after reporting."""
        id_field = "desa_code" if row.text("desa_code") else "code"
        real = self.mapping.get(desa, desa)
        if real not in self.known:
            if desa in self.mapping:
                row.problem(id_field, "bad_mapping", value=row.text("desa_code") or desa, target=real)
            else:  # a TPS code column shows the desa part, not the whole TPS code
                row.problem(id_field, "unknown_desa", value=row.text("desa_code") or desa)
                self._note_unknown(row, desa)
            return None
        file_name = row.text("desa_name")
        known_name = self.known[real].name
        if file_name and _similarity(file_name, known_name) < SUGGESTION_CUTOFF:
            row.problem("desa_name", "desa_name_mismatch", "warning", desa=real, known=known_name)
        return real

    def _note_unknown(self, row: _Row, desa: str) -> None:
        if desa in self.unknown:
            return
        name = row.text("desa_name")
        self.unknown[desa] = _Unknown(name or row.text("kecamatan_name"), by_kecamatan=not name)

    def _check_duplicate(self, row: _Row, code: str, election: str) -> None:
        first = self.seen.setdefault((code, election), row.line)
        if first != row.line:
            id_field = "code" if row.text("code") else "number"
            row.problem(id_field, "duplicate_tps", value=code, election=election, first_line=first)

    def _voters(self, row: _Row, election: str | None) -> tuple[int | None, int | None, int | None]:
        total, male, female = (row.count(f) for f in ("voters", "voters_male", "voters_female"))
        if total is None and male is not None and female is not None and not row.text("voters"):
            total = male + female  # the office gave only the split
        elif total is None and not row.text("voters"):
            row.problem("voters", "missing_value")
        elif None not in (total, male, female) and male + female != total:
            row.problem("voters", "gender_sum", male=male, female=female, total=male + female)
        limit = self.limits.get(election)  # unknown election: reported already, no limit to apply
        if total is not None and limit is not None and total > limit:
            row.problem("voters", "over_limit", value=str(total), limit=limit, election=election)
        return total, male, female

    def _coordinates(self, row: _Row) -> tuple[float | None, float | None]:
        lat, lng = row.number("lat", "bad_lat"), row.number("lng", "bad_lng")
        lat_ok = lat is not None and LAT_RANGE[0] <= lat <= LAT_RANGE[1]
        lng_ok = lng is not None and LNG_RANGE[0] <= lng <= LNG_RANGE[1]
        if lat is not None and lng is not None and not lat_ok and not lng_ok:
            if LAT_RANGE[0] <= lng <= LAT_RANGE[1] and LNG_RANGE[0] <= lat <= LNG_RANGE[1]:
                row.problem("lat", "swapped_coordinates", lng=row.text("lng"))
                return None, None
        if lat is not None and not lat_ok:
            row.problem("lat", "bad_lat")
        if lng is not None and not lng_ok:
            row.problem("lng", "bad_lng")
        both_given = bool(row.text("lat")) == bool(row.text("lng"))
        if not both_given:
            row.problem("lng" if row.text("lat") else "lat", "incomplete_coordinates")
        if lat_ok and lng_ok:
            return round(lat, COORD_DECIMALS), round(lng, COORD_DECIMALS)
        return None, None

    def suggestions(self):
        return suggestions(self.known, self.unknown)


class _Row:
    """The cells of one data row by field, and the problems found in it."""

    def __init__(self, reader: _Reader, line: int, texts: list[str]) -> None:
        self.reader, self.line, self.errors = reader, line, 0
        self.cells: dict[str, str] = {}
        for name, index in reader.columns.items():
            text = texts[index] if index < len(texts) else ""
            limit = MAX_NAME_CHARS if name == "name" else MAX_CELL_CHARS
            if len(text) > limit:
                self.problem(name, "cell_too_long", value=text[:50] + "…", limit=limit)
                text = ""
            elif _CONTROL_RE.search(text):
                self.problem(name, "bad_text", value=text[:50])
                text = ""
            elif name in _TEXT_FIELDS:
                text = unneutralise(text.replace("\r\n", "\n").replace("\r", "\n"))
            self.cells[name] = text

    def text(self, name: str) -> str:
        return self.cells.get(name, "")

    def problem(self, name: str, code: str, severity: Severity = "error", **params) -> None:
        value = params.pop("value", self.text(name))
        self.reader.problem(self.line, self.reader.headers.get(name), value, code, severity, **params)
        if severity == "error":
            self.errors += 1

    def choice(self, name: str, table: Mapping[str, Any], code: str, default: Any) -> Any:
        text = self.text(name)
        if not text:
            return default
        value = table.get(text.lower())  # the usual spellings, without the slower normal_key
        if value is None:
            value = table.get(normal_key(text))
        if value is None:
            self.problem(name, code)
        return value

    def count(self, name: str) -> int | None:
        """A voter count: a whole number, not negative."""
        text = self.text(name)
        if not text:
            return None
        if not _INT_RE.fullmatch(text):
            self.problem(name, "bad_number")
            return None
        value = int(text.split(".")[0])
        if value < 0:
            self.problem(name, "negative")
            return None
        return value

    def number(self, name: str, code: str) -> float | None:
        """A coordinate; accepts the decimal comma and the Unicode minus sign."""
        text = self.text(name).replace("\u2212", "-")
        if not text:
            return None
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.problem(name, code)
            return None
        return value
