"""The plain data a TPS file read gives: rows, desa references, suggestions, the result, and the limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, NamedTuple

from siaga.core.importkit import Problem, ProblemList  # noqa: F401 (Problem: part of this package's interface)

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
