"""CSV readers: the idn-area-data hierarchy, centroids and islands (with their DMS coordinates)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from siaga.core.codes import (LEVEL_WIDTHS, LEVELS, CodeError, is_kelurahan, is_kota, normalize_region_code, parent_code,
                              region_level)
from siaga.regions.sources.records import IslandRecord, RegionRecord, SourceError

HIERARCHY_COLUMNS = {
    "provinces": ("code", "name"),
    "regencies": ("code", "province_code", "name"),
    "districts": ("code", "regency_code", "name"),
    "villages": ("code", "district_code", "name"),
}
ISLAND_COLUMNS = ("code", "regency_code", "coordinate", "is_populated", "is_outermost_small", "name")
CENTROID_COLUMNS = ("kode", "nama", "lat", "lng")
CENTROID_LEVELS = ("kabkota", "kecamatan", "desa")


def open_csv(path: Path, columns: tuple[str, ...]) -> tuple[Iterator[list[str]], dict[str, int], csv.reader]:
    """Open a CSV, check its header, and return (rows, column index, reader for line numbers)."""
    path = Path(path)
    if not path.is_file():
        raise SourceError("berkas tidak ditemukan", "file not found", path)
    handle = path.open(encoding="utf-8-sig", newline="")
    reader = csv.reader(handle)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        handle.close()
        raise SourceError("berkas kosong", "empty file", path, 1) from None
    except UnicodeDecodeError:
        handle.close()
        raise SourceError("bukan teks UTF-8", "not UTF-8 text", path, 1) from None
    missing = [c for c in columns if c not in header]
    if missing:
        handle.close()
        raise SourceError(
            f"kolom {', '.join(missing)} tidak ada; kepala berkas harus {','.join(columns)}",
            f"column(s) {', '.join(missing)} missing; the header must be {','.join(columns)}",
            path, 1,
        )
    index = {c: header.index(c) for c in columns}

    def rows():
        with handle:
            try:
                for row in reader:
                    if not row:  # blank line
                        continue
                    if len(row) < len(header):
                        raise SourceError(
                            f"baris terpotong: {len(row)} kolom, seharusnya {len(header)}",
                            f"short row: {len(row)} columns, expected {len(header)}",
                            path, reader.line_num,
                        )
                    yield row
            except UnicodeDecodeError:
                raise SourceError("bukan teks UTF-8", "not UTF-8 text", path, reader.line_num + 1) from None
            except csv.Error as exc:
                raise SourceError(f"CSV rusak ({exc})", f"broken CSV ({exc})", path, reader.line_num) from None

    return rows(), index, reader


_DOTTED = {level: re.compile(r"\.".join(r"\d{%d}" % w for w in LEVEL_WIDTHS[: i + 1]))
           for i, level in enumerate(LEVELS)}


_DOTTED_ANY = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?")


def outside(raw: str, provinces: set[str] | None) -> bool:
    """Cheap pre-filter: dotted or not, a code starts with its province's two digits."""
    return provinces is not None and raw.strip()[:2] not in provinces


def any_code(raw: str, path: object, line: int | None) -> str:
    if _DOTTED_ANY.fullmatch(raw):
        return raw
    try:
        return normalize_region_code(raw)
    except CodeError:
        raise SourceError(f"kode wilayah tidak sah: {raw!r}", f"invalid region code: {raw!r}", path, line) from None


def level_code(raw: str, level: str, path: Path, line: int) -> str:
    if _DOTTED[level].fullmatch(raw):  # the common case, without the general parser
        return raw
    try:
        code = normalize_region_code(raw)
    except CodeError:
        code = None
    if code is None or region_level(code) != level:
        raise SourceError(
            f"kode wilayah tidak sah untuk tingkat {level}: {raw!r}",
            f"invalid region code for level {level}: {raw!r}",
            path, line,
        )
    return code


def _regency_kind(code: str, name: str) -> str:
    first = name.split(maxsplit=1)[0].upper() if name.strip() else ""
    if first in ("KABUPATEN", "KOTA"):
        return "kabupaten" if first == "KABUPATEN" else "kota"
    return "kota" if is_kota(code) else "kabupaten"


def _desa_kind(code: str) -> str:
    # 1xxx kelurahan; 2xxx desa; 3xxx "desa adat" (Papua) counts as desa
    return "kelurahan" if is_kelurahan(code) else "desa"


def read_hierarchy_csv(directory: str | Path, *, provinces: set[str] | None = None) -> dict[str, RegionRecord]:
    """Read provinces/regencies/districts/villages.csv into records by code, parents first."""
    directory = Path(directory)
    levels = (("provinces", "provinsi"), ("regencies", "kabkota"), ("districts", "kecamatan"), ("villages", "desa"))
    regions: dict[str, RegionRecord] = {}
    for stem, level in levels:
        path = directory / f"{stem}.csv"
        columns = HIERARCHY_COLUMNS[stem]
        rows, index, reader = open_csv(path, columns)
        parent_column = columns[1] if len(columns) == 3 else None
        for row in rows:
            if outside(row[index["code"]], provinces):
                continue
            line = reader.line_num
            code = level_code(row[index["code"]], level, path, line)
            name = row[index["name"]].strip()
            if not name:
                raise SourceError("nama kosong", "empty name", path, line)
            parent = parent_code(code)
            if parent_column is not None:
                given = row[index[parent_column]].strip()
                if given != parent and given.replace(".", "") != parent.replace(".", ""):
                    raise SourceError(
                        f"kolom {parent_column} ({given}) tidak cocok dengan kode {code}",
                        f"column {parent_column} ({given}) disagrees with code {code}",
                        path, line,
                    )
                if parent not in regions:
                    raise SourceError(
                        f"induk {parent} dari {code} tidak ada di berkas tingkat atasnya",
                        f"parent {parent} of {code} is missing from the level above",
                        path, line,
                    )
            if code in regions:
                raise SourceError(f"kode ganda {code}", f"duplicate code {code}", path, line)
            kind = {"provinsi": "provinsi", "kecamatan": "kecamatan"}.get(level) or (
                _regency_kind(code, name) if level == "kabkota" else _desa_kind(code)
            )
            regions[code] = RegionRecord(code=code, parent_code=parent, level=level, name=name, kind=kind)
    return regions


def _float(raw: str, low: float, high: float, label: str, path: Path, line: int) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise SourceError(f"{label} tidak sah: {raw!r}", f"invalid {label}: {raw!r}", path, line)
    return value


def read_centroids_csv(path: str | Path, *, provinces: set[str] | None = None) -> dict[str, tuple[float, float]]:
    """Read ``kode,nama,lat,lng``; return {code: (lat, lng)}. Rows with empty lat/lng are skipped."""
    path = Path(path)
    rows, index, reader = open_csv(path, CENTROID_COLUMNS)
    points = {}
    for row in rows:
        raw = row[index["kode"]].strip()
        if outside(raw, provinces):
            continue
        line = reader.line_num
        code = any_code(raw, path, line)
        lat_raw, lng_raw = row[index["lat"]].strip(), row[index["lng"]].strip()
        if not lat_raw or not lng_raw:
            continue
        points[code] = (_float(lat_raw, -90, 90, "lintang/latitude", path, line),
                        _float(lng_raw, -180, 180, "bujur/longitude", path, line))
    return points


_DMS = re.compile(
    r"""\s*(\d{1,3})\s*[°º]\s*(\d{1,2})\s*['′’]\s*(\d{1,2}(?:\.\d*)?)\s*(?:"|″|''|”)\s*([NS])\s+"""
    r"""(\d{1,3})\s*[°º]\s*(\d{1,2})\s*['′’]\s*(\d{1,2}(?:\.\d*)?)\s*(?:"|″|''|”)\s*([EW])\s*"""
)


_ISLAND_CODE = re.compile(r"\d{2}\.\d{2}\.\d{5}")


def parse_dms(text: str) -> tuple[float, float]:
    """``03°19'03.44" N 117°35'37.73" E`` -> (lat, lng) in decimal degrees."""
    match = _DMS.fullmatch(text)
    if not match:
        raise ValueError(text)
    values = []
    for deg, minutes, seconds, hemisphere in (match.groups()[:4], match.groups()[4:]):
        if int(minutes) >= 60 or float(seconds) >= 60:
            raise ValueError(text)
        value = int(deg) + int(minutes) / 60 + float(seconds) / 3600
        values.append(-value if hemisphere in "SW" else value)
    lat, lng = values
    if lat > 90 or lng > 180:
        raise ValueError(text)
    return lat, lng


def read_islands_csv(path: str | Path, *, provinces: set[str] | None = None) -> list[IslandRecord]:
    """Read islands.csv; an empty regency_code means the island spans several kab/kota."""
    path = Path(path)
    rows, index, reader = open_csv(path, ISLAND_COLUMNS)
    islands = []
    for row in rows:
        code = row[index["code"]].strip()
        if outside(code, provinces):
            continue
        line = reader.line_num
        if not _ISLAND_CODE.fullmatch(code):
            raise SourceError(f"kode pulau tidak sah: {code!r}", f"invalid island code: {code!r}", path, line)
        regency = row[index["regency_code"]].strip() or None
        if regency is not None:
            regency = level_code(regency, "kabkota", path, line)
        try:
            lat, lng = parse_dms(row[index["coordinate"]])
        except ValueError:
            raise SourceError(
                f"koordinat tidak terbaca: {row[index['coordinate']]!r}",
                f"unreadable coordinate: {row[index['coordinate']]!r}",
                path, line,
            ) from None
        flags = []
        for column in ("is_populated", "is_outermost_small"):
            value = row[index[column]].strip()
            if value not in ("0", "1"):
                raise SourceError(f"{column} harus 0 atau 1: {value!r}", f"{column} must be 0 or 1: {value!r}",
                                  path, line)
            flags.append(value == "1")
        islands.append(IslandRecord(code=code, kabkota_code=regency, province_code=code[:2],
                                    name=row[index["name"]].strip(), lat=lat, lng=lng,
                                    populated=flags[0], outermost=flags[1]))
    return islands
