"""Read, validate and write TPS lists as KPU and Bawaslu offices keep them.

Offices send CSV (any of ``,`` ``;`` tab; UTF-8, UTF-16 or Windows code pages)
or XLSX, with Indonesian or English headers in any order. ``read_tps_file``
checks every row and collects every problem with its file line and the
column name as written in the file, so an importer can show them all and then
write all rows or none. ``write_tps_file`` exports rows in the generator's
column order so an export re-imports unchanged.

No Django here: plain dataclasses in and out. The raw file is held in memory
(bounded by ``max_bytes``) while rows are parsed and checked one at a time.
Most rows of a real file are plain and valid, so each row first takes a fast
path that accepts only such rows; anything unusual goes through the full
checks, which alone report problems.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import multiprocessing
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from types import MappingProxyType
from typing import IO, Any, Literal, NamedTuple

import openpyxl

from siaga.core.codes import (
    CodeError,
    is_special_tps_number,
    normalize_region_code,
    split_tps_code,
    tps_code,
    undotted,
)
from siaga.core.importkit import Problem, ProblemList, Severity, match_header
from siaga.core.tabular import (
    FALLBACK_ENCODINGS,
    FILE_MESSAGES,
    Unreadable,
    column_keys,
    csv_pieces,
    is_xlsx,
    message,
    neutralise,
    normal_key,
    open_rows,
    read_bytes,
    unneutralise,
)

Lang = Literal["id", "en"]

DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # a national Pemilu list as CSV is ~90 MB
MAX_CELL_CHARS = 1000
MAX_NAME_CHARS = 200  # a TPS name is short; the registry column holds 200
VOTER_LIMITS: Mapping[str, int] = MappingProxyType({"pemilu": 300, "pilkada": 600})
LAT_RANGE = (-11.0, 6.5)  # Indonesia's bounding box
LNG_RANGE = (94.0, 141.5)
COORD_DECIMALS = 7  # about 1 cm, as the generator writes; also keeps XLSX (16 digits) exact
# The generator's columns (siaga.core.tpsgen.CSV_HEADER); the export appends
# 'keterangan' so notes survive a round trip.
FILE_COLUMNS = (
    "kode_tps", "kode_desa", "no_tps", "nama_tps", "alamat", "dpt", "dpt_laki",
    "dpt_perempuan", "jenis_pemilihan", "tps_khusus", "lat", "lng", "akses",
)
WRITE_COLUMNS = FILE_COLUMNS + ("keterangan",)
SUGGESTION_CUTOFF = 0.6  # difflib ratio below which a name is no candidate
MAX_CANDIDATES = 5
_HEADER_SEARCH_ROWS = 20  # title rows an office may put above the header
PARALLEL_MIN_CHARS = 4_000_000  # about 40,000 rows; a smaller file is read before a worker would start
MAX_WORKERS = 8  # pieces of a national file stay large enough to be worth a process


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class DesaRef:
    code: str  # dotted, 74.05.24.2009
    name: str
    kecamatan_code: str
    kabkota_code: str
    kecamatan_name: str


class TpsRow(NamedTuple):  # a tuple: a national file makes 820,161 of them
    line: int
    desa_code: str  # dotted, after any desa_mapping
    number: int
    code: str  # 13 digits, no dots
    name: str = ""
    address: str = ""
    voters: int = 0  # DPT; required (derived from the split when only that is given)
    voters_male: int | None = None
    voters_female: int | None = None
    election: str = "pemilu"  # pemilu | pilkada
    special: bool = False
    lat: float | None = None
    lng: float | None = None
    access: str = "normal"  # normal | hard | boat | island
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    file_code: str  # dotted desa code as found in the file
    file_name: str  # the desa (or kecamatan) name the file gave, "" if none
    candidates: list[tuple[str, str, float]]  # (desa code, desa name, score), best first


@dataclass(slots=True)
class TpsFileResult:
    rows: list[TpsRow]  # only rows without errors
    problems: ProblemList  # the first MAX_PROBLEMS; .total and .errors count them all
    suggestions: list[Suggestion]
    format: str | None = None  # csv | xlsx
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # XLSX only
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems.errors


# ----------------------------------------------------------------------- messages

# Row templates start lower case after a "Line N, column 'x': " prefix; file templates stand alone.
MESSAGES: Mapping[str, Mapping[str, str]] = {
    "id": {
        **FILE_MESSAGES["id"],
        "missing_column": "kolom wajib '{value}' tidak ditemukan.",
        "cell_too_long": "isi sel lebih dari {limit} karakter.",
        "bad_text": "nilai berisi karakter kontrol yang tidak diizinkan.",
        "missing_value": "nilai wajib diisi.",
        "bad_code": "kode '{value}' tidak valid; gunakan kode Kemendagri seperti 7405242009 (desa) atau 7405242009001 (TPS).",
        "conflict_code": "kode TPS '{value}' tidak cocok dengan kode desa '{desa}' dan nomor TPS '{number}'.",
        "unknown_desa": "kode desa '{value}' tidak dikenal; lihat saran pemetaan kode.",
        "bad_mapping": "kode desa '{value}' dipetakan ke '{target}', yang juga tidak dikenal.",
        "desa_name_mismatch": "nama desa '{value}' berbeda dengan nama untuk kode {desa} ('{known}'); periksa urutan kode (Kemendagri atau BPS).",
        "duplicate_tps": "TPS {value} ({election}) sudah ada di baris {first_line}.",
        "bad_number": "nilai '{value}' bukan bilangan bulat yang valid.",
        "negative": "nilai '{value}' tidak boleh negatif.",
        "over_limit": "jumlah pemilih {value} melebihi batas {limit} per TPS untuk {election}.",
        "gender_sum": "dpt_laki ({male}) + dpt_perempuan ({female}) = {total}, tidak sama dengan dpt ({value}).",
        "bad_lat": "lintang '{value}' tidak valid atau di luar Indonesia (-11 sampai 6,5).",
        "bad_lng": "bujur '{value}' tidak valid atau di luar Indonesia (94 sampai 141,5).",
        "swapped_coordinates": "lintang '{value}' dan bujur '{lng}' tampaknya tertukar.",
        "incomplete_coordinates": "lintang dan bujur harus diisi bersama.",
        "bad_election": "jenis pemilihan '{value}' tidak dikenal (pemilu atau pilkada).",
        "bad_bool": "nilai '{value}' harus ya atau tidak.",
        "bad_access": "akses '{value}' tidak dikenal (normal, sulit, perahu, pulau).",
        # raised by the import service, which checks the user's area
        "not_allowed": "Pengguna '{value}' tidak berwenang mengimpor data TPS.",
        "out_of_scope": "TPS {value} berada di luar wilayah Anda ({area}).",
    },
    "en": {
        **FILE_MESSAGES["en"],
        "missing_column": "required column '{value}' not found.",
        "cell_too_long": "cell is longer than {limit} characters.",
        "bad_text": "value contains control characters that are not allowed.",
        "missing_value": "a value is required.",
        "bad_code": "code '{value}' is not valid; use a Kemendagri code such as 7405242009 (desa) or 7405242009001 (TPS).",
        "conflict_code": "TPS code '{value}' does not match desa code '{desa}' and TPS number '{number}'.",
        "unknown_desa": "desa code '{value}' is unknown; see the code mapping suggestions.",
        "bad_mapping": "desa code '{value}' is mapped to '{target}', which is unknown too.",
        "desa_name_mismatch": "desa name '{value}' differs from the name for code {desa} ('{known}'); check the code order (Kemendagri or BPS).",
        "duplicate_tps": "TPS {value} ({election}) already appears on line {first_line}.",
        "bad_number": "value '{value}' is not a valid whole number.",
        "negative": "value '{value}' must not be negative.",
        "over_limit": "{value} voters exceed the limit of {limit} per TPS for {election}.",
        "gender_sum": "dpt_laki ({male}) + dpt_perempuan ({female}) = {total}, which differs from dpt ({value}).",
        "bad_lat": "latitude '{value}' is not valid or outside Indonesia (-11 to 6.5).",
        "bad_lng": "longitude '{value}' is not valid or outside Indonesia (94 to 141.5).",
        "swapped_coordinates": "latitude '{value}' and longitude '{lng}' look swapped.",
        "incomplete_coordinates": "latitude and longitude must be given together.",
        "bad_election": "election type '{value}' is unknown (pemilu or pilkada).",
        "bad_bool": "value '{value}' must be yes or no.",
        "bad_access": "access '{value}' is unknown (normal, hard, boat, island).",
        "not_allowed": "User '{value}' may not import TPS data.",
        "out_of_scope": "TPS {value} lies outside your area ({area}).",
    },
}


def render(problem: Problem, lang: Lang = "id") -> str:
    """The message of ``problem`` in ``lang``; lets a caller re-render stored problems."""
    return _message(lang, problem.code, problem.line, problem.column, problem.value, problem.params)


def _message(lang, code, line, column, value, params) -> str:
    return message(MESSAGES, lang, code, line, column, value, params)


# ------------------------------------------------------------------ column names


# The first variant of each field is the name used when the file lacks the column. Variants
# include the headers of KPU's and Bawaslu's own exports (KELURAHAN/DESA, KODE DESA/KEL, NO. TPS,
# JML DPT, TOTAL DPT; DPT L and DPT P match "dpt (l)" and "dpt (p)"). When only DPT L and DPT P are given, DPT is their sum.
# A bare 'No' is deliberately absent: offices use it for the running row number (importkit ignores it).
_COLUMN_VARIANTS: Mapping[str, tuple[str, ...]] = {
    "code": ("kode_tps", "tps code", "kode", "id_tps"),
    "desa_code": ("kode_desa", "kode_kel", "kode_kelurahan", "kode desa/kelurahan", "kode kelurahan/desa",
                  "kode desa/kel", "kode kel/desa", "desa code", "village code"),
    "number": ("no_tps", "nomor tps", "tps", "tps number", "tps no"),
    "name": ("nama_tps", "nama", "name", "tps name"),
    "desa_name": ("nama_desa", "desa", "kelurahan", "desa/kelurahan", "kelurahan/desa", "kel/desa", "desa/kel",
                  "nama kelurahan", "nama desa/kelurahan", "nama kelurahan/desa", "village", "village name"),
    "kecamatan_name": ("nama_kecamatan", "kecamatan", "kec", "district", "subdistrict"),
    "address": ("alamat", "address", "lokasi", "location"),
    "voters": ("dpt", "jumlah dpt", "jml dpt", "total dpt", "voters", "total voters", "jumlah pemilih", "l+p"),
    "voters_male": ("dpt_laki", "dpt laki-laki", "laki-laki", "laki", "l", "male", "dpt (l)"),
    "voters_female": ("dpt_perempuan", "perempuan", "p", "female", "dpt (p)"),
    "election": ("jenis_pemilihan", "pemilihan", "election", "election type"),
    "special": ("tps_khusus", "khusus", "special", "special tps"),
    "lat": ("lat", "latitude", "lintang"),
    "lng": ("lng", "lon", "long", "longitude", "bujur"),
    "access": ("akses", "access"),
    "notes": ("keterangan", "notes", "catatan", "ket", "note"),
    # Context columns of KPU exports: known, so not refused, but not read (the codes say it all).
    "province_name": ("provinsi", "nama provinsi", "prov", "province"),
    "kabkota_name": ("kabupaten/kota", "kab/kota", "kabupaten", "kota", "nama kabupaten/kota", "regency"),
    "province_code": ("kode provinsi", "kode prov", "province code"),
    "kabkota_code": ("kode kabupaten/kota", "kode kab/kota", "kode kab", "regency code"),
    "kecamatan_code": ("kode_kecamatan", "kode kec", "district code"),
}
_HEADER_FIELDS = column_keys(_COLUMN_VARIANTS)
_IDENTITY_COLUMNS = "kode_tps | kode_desa + no_tps"
_TEXT_FIELDS = ("name", "address", "notes", "desa_name", "kecamatan_name")

_ELECTIONS = {
    "pemilu": "pemilu", "pemilihanumum": "pemilu", "general": "pemilu", "generalelection": "pemilu",
    "pilpres": "pemilu", "pileg": "pemilu",  # both are held in the Pemilu
    "pilkada": "pilkada", "pemilihankepaladaerah": "pilkada", "regional": "pilkada", "localelection": "pilkada",
}
_BOOLS = {
    "ya": True, "y": True, "yes": True, "1": True, "true": True,
    "tidak": False, "n": False, "no": False, "0": False, "false": False,
}
_ACCESS = {
    "normal": "normal", "biasa": "normal",
    "sulit": "hard", "sulitdijangkau": "hard", "hard": "hard",
    "perahu": "boat", "kapal": "boat", "boat": "boat",
    "pulau": "island", "kepulauan": "island", "island": "island",
}


# ------------------------------------------------------------------------ reading


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
) -> TpsFileResult:
    """Read and check a TPS list (CSV or XLSX, recognised by content, not name).

    ``known_desa`` is keyed by dotted desa code; ``desa_mapping`` maps a code
    found in the file (dotted or not) to the real code to use instead. With
    ``workers`` > 1 a large CSV is read in that many pieces at once, in forked
    processes (so not from a threaded server); the result is the same.
    """
    reader = _Reader(filename, known_desa, _normalise_mapping(desa_mapping), lang, voter_limits)
    result = reader.result
    try:
        data = read_bytes(path_or_bytes, max_bytes)
        result.format = "xlsx" if is_xlsx(data) else "csv"
        opened = open_rows(data, max_bytes, sheet_hint="tps")
        result.encoding, result.delimiter, result.sheet = opened.encoding, opened.delimiter, opened.sheet
        if result.encoding in FALLBACK_ENCODINGS:
            reader.file_problem("encoding_fallback", "warning", encoding=result.encoding)
        if workers > 1 and opened.text and len(opened.text) >= PARALLEL_MIN_CHARS:
            if not reader.consume_pieces(csv_pieces(opened.text, opened.delimiter, workers)):
                # The pieces did not join up (a TPS in two pieces, a broken CSV): read it whole.
                return read_tps_file(data, filename=filename, known_desa=known_desa, desa_mapping=desa_mapping,
                                     lang=lang, max_bytes=max_bytes, voter_limits=voter_limits)
        else:
            reader.consume(opened.rows)
    except Unreadable as exc:
        reader.file_problem(exc.code, line=exc.line, **exc.params)
    result.suggestions = reader.suggestions()
    return result


def default_workers() -> int:
    """Processes to read a large file with: the CPUs this process may run on."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cpus, MAX_WORKERS)


def _normalise_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for file_code, real_code in mapping.items():
        try:
            out[normalize_region_code(file_code)] = normalize_region_code(real_code)
        except CodeError:
            out[str(file_code).strip()] = str(real_code).strip()
    return out


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_NAME_NOISE_RE = re.compile(r"\b(DESA|KELURAHAN|KEL|DS|KECAMATAN|KEC)\b\.?")
# Only a single '.0' is a spreadsheet artefact: '1.000' is Indonesian for a thousand.
_TPS_NUMBER_RE = re.compile(r"(?:TPS\W*)?(\d{1,3})(?:\.0)?", re.IGNORECASE)
_INT_RE = re.compile(r"[+-]?\d+(?:\.0)?")
# Any control character, tab and line breaks included, sends a row to the full checks.
_UNUSUAL_RE = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]")
# The cells the fast path reads, in the order _fast_row unpacks them.
_FAST_FIELDS = ("code", "desa_code", "number", "name", "address", "voters", "voters_male", "voters_female",
                "election", "special", "lat", "lng", "access", "notes", "desa_name")
_NO_DESA = ("", "")  # cached for a file desa code the fast path cannot resolve


def _name_key(name: str) -> str:
    """Name for fuzzy comparison: upper case, without DESA/KELURAHAN/KECAMATAN or punctuation."""
    return re.sub(r"[\W_]+", "", _NAME_NOISE_RE.sub(" ", name.upper()))


@dataclass
class _Unknown:
    name: str  # desa name from the file, else kecamatan name
    by_kecamatan: bool


class _Reader:
    """State of one read: column positions, problems so far, TPS seen, unknown desa."""

    def __init__(self, filename, known_desa, mapping, lang, voter_limits) -> None:
        self.filename, self.known, self.mapping = filename, known_desa, mapping
        self.lang, self.limits = lang, voter_limits
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

    def consume_pieces(self, pieces: list[Iterator[tuple[int, list[str]]]]) -> bool:
        """Consume a file's pieces, the first here and the others in forked workers.

        False, with this reader's state spoilt, when they do not join up as one read would
        have gone: a piece unreadable, or one TPS in two pieces (a duplicate the pieces
        could not see). Every other finding is per row, or first-come per desa.
        """
        first, *others = pieces
        if not self._find_header(first):
            return True
        fork = multiprocessing.get_context("fork")  # the workers inherit the header read here
        workers = []
        for rows in others:
            receive, send = fork.Pipe(duplex=False)
            process = fork.Process(target=self._piece_worker, args=(rows, send), daemon=True)
            process.start()
            send.close()
            workers.append((process, receive))
        try:
            data_rows = self._data(first)
            found = [receive.recv() for _, receive in workers]
        except (Unreadable, EOFError):  # EOFError: a worker died without an answer
            return False
        finally:
            for process, _ in workers:
                process.terminate()
                process.join()
        if None in found:
            return False
        seen = [self.seen, *(f[3] for f in found)]
        if sum(map(len, seen)) != len(set().union(*seen)):
            return False
        for count, rows, problems, _, unknown in found:
            data_rows += count
            self.result.rows.extend(map(TpsRow._make, rows))
            self.result.problems.merge(problems)
            for code, note in unknown.items():
                self.unknown.setdefault(code, note)
        if not data_rows:
            self.file_problem("no_rows")
        return True

    def _piece_worker(self, rows, send) -> None:
        """In a forked worker: check one piece from a clean slate and send back what it found."""
        self.result.rows, self.result.problems, self.seen, self.unknown = [], ProblemList(), {}, {}
        try:
            count = self._data(rows)
        except Unreadable:
            send.send(None)
            return
        # plain tuples pickle several times faster than named ones
        send.send((count, [tuple(row) for row in self.result.rows], self.result.problems, self.seen, self.unknown))

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

    # -- one plain, valid data row

    def _fast_row(self, line: int, texts: list[str]) -> bool:
        """Record a plain valid row with little work; False, with nothing recorded, when it needs _row.

        Accepts only rows that _row would accept without any problem, and builds
        the same TpsRow; every doubt (text to unescape, a dotted code, "TPS 01",
        a decimal comma, a duplicate, a limit) returns False.
        """
        if len(texts) < self.fast_width or max(map(len, texts)) > MAX_NAME_CHARS:
            return False
        if _UNUSUAL_RE.search("".join(texts)):
            return False
        (code_text, desa_text, number_text, name, address, voters_text, male_text, female_text, election_text,
         special_text, lat_text, lng_text, access_text, notes, desa_name) = self.fast_cells(texts + [""])
        if "'" in (name[:1], address[:1], notes[:1], desa_name[:1]):  # maybe formula-escaped
            return False
        ident = self._fast_identity(code_text, desa_text, number_text, desa_name)
        election = _ELECTIONS.get(election_text.lower()) if election_text else "pemilu"
        access = _ACCESS.get(access_text.lower()) if access_text else "normal"
        if ident is None or election is None or access is None:
            return False
        real, code, number = ident
        special = _BOOLS.get(special_text.lower()) if special_text else is_special_tps_number(number)
        voters = self._fast_voters(voters_text, male_text, female_text, election)
        coordinates = _fast_coordinates(lat_text, lng_text)
        key = (code, election)
        if special is None or voters is None or coordinates is None or key in self.seen:
            return False
        self.seen[key] = line
        self.result.rows.append(TpsRow(line, real, number, code, name, address, *voters, election, special,
                                       *coordinates, access, notes))
        return True

    def _fast_identity(self, code_text, desa_text, number_text, desa_name) -> tuple[str, str, int] | None:
        """(real desa, TPS code, number) from plain digit codes of a known desa, else None."""
        if code_text:
            if len(code_text) != 13 or not (code_text.isascii() and code_text.isdigit()):
                return None
            file_desa, number = code_text[:10], int(code_text[10:])
            if desa_text and desa_text != file_desa:
                return None
            if number_text and not (_plain_digits(number_text, 3) and int(number_text) == number):
                return None
        elif len(desa_text) == 10 and _plain_digits(desa_text, 10) and _plain_digits(number_text, 3):
            file_desa, number = desa_text, int(number_text)
        else:
            return None
        real, real_undotted = self._fast_desa(file_desa)
        if number == 0 or not real or (desa_name and not self._names_agree(desa_name, real)):
            return None
        return real, f"{real_undotted}{number:03d}", number

    def _fast_desa(self, file_desa: str) -> tuple[str, str]:
        """The known desa for a 10-digit file code after desa_mapping; cached, as ~84k desa hold 820k TPS."""
        found = self.desa_cache.get(file_desa)
        if found is None:
            dotted = normalize_region_code(file_desa)
            real = self.mapping.get(dotted, dotted)
            found = self.desa_cache[file_desa] = (real, undotted(real)) if real in self.known else _NO_DESA
        return found

    def _names_agree(self, file_name: str, real: str) -> bool:
        key = (file_name, real)
        agree = self.name_cache.get(key)
        if agree is None:
            agree = self.name_cache[key] = _similarity(file_name, self.known[real].name) >= SUGGESTION_CUTOFF
        return agree

    def _fast_voters(self, total_text, male_text, female_text, election) -> tuple[int, int | None, int | None] | None:
        """(DPT, male, female) when plain digits that add up within the limit, else None."""
        total, male, female = _plain_count(total_text), _plain_count(male_text), _plain_count(female_text)
        if -1 in (total, male, female):
            return None
        if total is None:
            if male is None or female is None:
                return None
            total = male + female
        elif male is not None and female is not None and male + female != total:
            return None
        limit = self.limits.get(election)
        return None if limit is not None and total > limit else (total, male, female)

    # -- one data row

    def _row(self, line: int, texts: list[str]) -> None:
        row = _Row(self, line, texts)
        ident = self._identity(row)
        election = row.choice("election", _ELECTIONS, "bad_election", "pemilu")
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

    # -- suggestions

    def suggestions(self) -> list[Suggestion]:
        if not self.unknown:
            return []
        by_kabkota: dict[str, list[DesaRef]] = {}
        for ref in self.known.values():
            by_kabkota.setdefault(ref.kabkota_code, []).append(ref)
        out = []
        for file_code, unknown in self.unknown.items():
            pool = by_kabkota.get(file_code.rsplit(".", 2)[0], [])
            out.append(Suggestion(file_code, unknown.name, _candidates(unknown, pool)))
        return out


def _plain_digits(text: str, max_len: int) -> bool:
    return 0 < len(text) <= max_len and text.isascii() and text.isdigit()


def _plain_count(text: str) -> int | None:
    """A voter count in plain digits; None when empty, -1 for anything _Row.count must judge."""
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() else -1


def _fast_coordinates(lat_text: str, lng_text: str) -> tuple[float | None, float | None] | None:
    """Rounded (lat, lng) in Indonesia, (None, None) when both are empty; None for anything else."""
    if not (lat_text or lng_text):
        return None, None
    if not (lat_text and lng_text):
        return None
    try:
        lat, lng = float(lat_text), float(lng_text)
    except ValueError:  # a decimal comma or Unicode minus: _Row.number reads those
        return None
    if LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LNG_RANGE[0] <= lng <= LNG_RANGE[1]:
        return round(lat, COORD_DECIMALS), round(lng, COORD_DECIMALS)
    return None


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _name_key(a), _name_key(b)).ratio()


def _candidates(unknown: _Unknown, pool: list[DesaRef]) -> list[tuple[str, str, float]]:
    """Known desa in the same kab/kota whose name (or kecamatan name) resembles the file's."""
    if not unknown.name:
        return []
    scored = []
    for ref in pool:
        score = _similarity(unknown.name, ref.kecamatan_name if unknown.by_kecamatan else ref.name)
        if score >= SUGGESTION_CUTOFF:
            scored.append((ref.code, ref.name, round(score, 3)))
    scored.sort(key=lambda c: (-c[2], c[0]))
    return scored[:MAX_CANDIDATES]


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


# ------------------------------------------------------------------------ writing


def write_tps_file(rows: Iterable[Mapping[str, Any] | TpsRow], fmt: Literal["csv", "xlsx"], out: IO[bytes]) -> int:
    """Write rows (TpsRow or mappings with TpsRow's field names) to ``out``; returns the row count.

    CSV is UTF-8 with a BOM so Excel shows accented names correctly. Free-text
    cells that a spreadsheet would run as a formula get a leading ``'``.
    """
    if fmt == "csv":
        return _write_csv(rows, out)
    if fmt == "xlsx":
        return _write_xlsx(rows, out)
    raise ValueError(f"unknown format {fmt!r}")


def _record(row: Mapping[str, Any] | TpsRow) -> list[Any]:
    get = row.get if isinstance(row, Mapping) else lambda name, default=None: getattr(row, name, default)
    number = int(get("number"))
    desa = normalize_region_code(get("desa_code"))
    special = get("special")
    return [  # the generator's conventions: undotted codes, tps_khusus 1/0, machine values
        get("code") or tps_code(desa, number),
        undotted(desa),
        number,
        neutralise(get("name") or ""),
        neutralise(get("address") or ""),
        get("voters"),
        get("voters_male"),
        get("voters_female"),
        get("election") or "pemilu",
        int(is_special_tps_number(number) if special is None else bool(special)),
        get("lat"),
        get("lng"),
        get("access") or "normal",
        neutralise(get("notes") or ""),
    ]


def _write_csv(rows, out: IO[bytes]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(WRITE_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(_record(row))  # csv writes None as "" and floats by repr (exact)
        count += 1
    text.flush()
    text.detach()  # leave the caller's stream open
    return count


def _write_xlsx(rows, out: IO[bytes]) -> int:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("TPS")
    sheet.append(list(WRITE_COLUMNS))
    count = 0
    for row in rows:
        sheet.append(_record(row))  # codes stay text so Excel does not show 7.40524E+12
        count += 1
    book.save(out)
    return count

