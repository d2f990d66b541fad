"""Read the official region data into plain records, from disk, a URL or the publishers.

No Django here: a loader elsewhere stores what this module returns.

Inputs (see the reference data README for the exact files):

* the hierarchy CSVs of the ``idn-area-data`` project (codes, names, parents,
  islands) — required;
* boundaries, either as GeoJSON (RFC 7946, lon/lat) or as the MySQL dumps of the
  ``wilayah_boundaries`` project (``path`` is a JSON array of ``[lat, lng]``
  rings: latitude first);
* centroid CSVs ``kode,nama,lat,lng`` — optional.

A source is a local directory laid out like the reference data
(``hierarchy/*.csv``, any ``*.geojson``, ``national/*_centroids.csv``,
``origin/wilayah_boundaries/**.sql``), an http(s) URL of that layout, or
``'public'``: the publishers' raw files on GitHub (needs internet). Remote
files are fetched once into ``cache_dir`` (temp file, check, rename; SHA-256 in
``manifest.json``) and re-used; a 404 for an optional file is remembered too.
HTTP cannot list folders, so remote sources are read from fixed paths and take
their geometry from the SQL dumps, never from GeoJSON.

Geometry decisions:

* Coordinates are rounded to 6 decimals (~0.1 m), the precision of the
  published GeoJSON, so the SQL dumps and the GeoJSON give the same shapes.
* Every geometry is repaired with ``shapely.make_valid`` (structure method) and reduced to its
  polygonal parts, always as a MultiPolygon (one shape type for the loader).
  Rings that cannot form a polygon are dropped; a geometry with nothing left
  is dropped; both are counted, never fatal.
* ``RegionRecord.geometry`` is a GeoJSON geometry string simplified for display
  (``DISPLAY_TOLERANCE_DEG``, ``DISPLAY_DECIMALS``);
  ``RegionRecord.geometry_full`` holds the unsimplified repaired geometry only
  when ``read_source(..., full_geometry=True)`` asks for it (it is large).
* The point of a region is the publisher's centroid from the boundary file,
  else the centroid CSV, else the ``representative_point`` of the geometry
  (always inside it). Provinces get no point.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon

from siaga.core.codes import (
    LEVEL_WIDTHS,
    LEVELS,
    CodeError,
    is_kelurahan,
    is_kota,
    normalize_region_code,
    parent_code,
    region_level,
)

# The publishers' own files (needs internet). Hierarchy: idn-area-data, ODbL;
# boundaries: wilayah_boundaries by Cahya DSN, MIT.
PUBLIC_HIERARCHY_BASE = "https://raw.githubusercontent.com/fityannugroho/idn-area-data/main/data/"
PUBLIC_BOUNDARIES_BASE = "https://raw.githubusercontent.com/cahyadsn/wilayah_boundaries/main/db/"

COORD_DECIMALS = 6
DISPLAY_TOLERANCE_DEG = 0.0002  # ~22 m: the published data is already simplified near 11 m
DISPLAY_DECIMALS = 5  # ~1 m
DOWNLOAD_TIMEOUT_S = 60

HIERARCHY_COLUMNS = {
    "provinces": ("code", "name"),
    "regencies": ("code", "province_code", "name"),
    "districts": ("code", "regency_code", "name"),
    "villages": ("code", "district_code", "name"),
}
ISLAND_COLUMNS = ("code", "regency_code", "coordinate", "is_populated", "is_outermost_small", "name")
CENTROID_COLUMNS = ("kode", "nama", "lat", "lng")
CENTROID_LEVELS = ("kabkota", "kecamatan", "desa")
BOUNDARY_DIR = "origin/wilayah_boundaries"
MANIFEST_NAME = "manifest.json"

# Called with the number of records just read from a file, and with 0 after each
# remote file is fetched: the shape of tqdm's ``update``.
Progress = Callable[[int], object]


class SourceError(Exception):
    """Region data that cannot be read; names the file (and line) in Indonesian and English."""

    def __init__(self, message_id: str, message_en: str, path: object = None, line: int | None = None):
        self.message_id = message_id
        self.message_en = message_en
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.message("id") + " / " + self.message("en"))

    def message(self, lang: str = "id") -> str:
        text = self.message_id if lang == "id" else self.message_en
        where = self.path or ""
        if self.line is not None:
            where += f":{self.line}" if lang == "en" else f" baris {self.line}"
        return f"{where}: {text}" if where else text


@dataclass(frozen=True, slots=True)
class RegionRecord:
    code: str  # dotted canonical
    parent_code: str | None
    level: str  # provinsi, kabkota, kecamatan, desa
    name: str
    kind: str  # provinsi, kabupaten, kota, kecamatan, desa, kelurahan
    lat: float | None = None
    lng: float | None = None
    geometry: str | None = None  # GeoJSON MultiPolygon, lon/lat, simplified for display
    geometry_full: str | None = None  # unsimplified, only with full_geometry=True


@dataclass(frozen=True, slots=True)
class IslandRecord:
    code: str  # as published, e.g. 74.01.40001 (74.00.x spans several kab/kota)
    kabkota_code: str | None
    province_code: str
    name: str
    lat: float
    lng: float
    populated: bool
    outermost: bool  # a small outermost island (pulau-pulau kecil terluar)


@dataclass(frozen=True, slots=True)
class BoundaryRecord:
    """One boundary as read from a GeoJSON feature or a SQL dump row."""

    code: str
    name: str
    geometry: MultiPolygon | None  # repaired, lon/lat
    lat: float | None  # the publisher's centroid
    lng: float | None
    repaired: bool
    dropped: bool  # geometry present in the file but nothing polygonal survived


@dataclass
class SourceData:
    regions: dict[str, RegionRecord]
    islands: list[IslandRecord]
    stats: dict


# ---------------------------------------------------------------- geometry


def repair_geometry(geom) -> tuple[MultiPolygon | None, bool]:
    """Return (valid polygonal geometry as a MultiPolygon or None, whether it needed repair)."""
    if geom is None or geom.is_empty:
        return None, False
    repaired = not geom.is_valid
    if repaired:
        # "structure": shells are unioned and holes subtracted, which is what the
        # publishers mean by nested shells; linework would turn them into holes.
        try:
            geom = shapely.make_valid(geom, method="structure", keep_collapsed=False)
        except shapely.errors.GEOSException:
            return None, True
    polygons = []
    # make_valid may return a collection mixing lines, points and (multi)polygons
    for part in shapely.get_parts(geom):
        if isinstance(part, shapely.MultiPolygon):
            polygons.extend(shapely.get_parts(part))
        elif isinstance(part, shapely.Polygon) and not part.is_empty:
            polygons.append(part)
    result = MultiPolygon(polygons) if polygons else None
    if result is not None and not result.is_valid:
        # parts of a collection may share an edge, which a MultiPolygon may not: merge them
        result, repaired = MultiPolygon(list(shapely.get_parts(shapely.unary_union(polygons)))), True
    if result is None or result.area <= 0:  # a sliver of collinear points is no boundary
        return None, repaired
    return result, repaired


def _ring(coords, lat_first: bool):
    """A closed ring as a LinearRing in lon/lat, or None when it has too few points."""
    array = np.asarray(coords, dtype=float)
    if array.size == 0:
        return None
    if array.ndim != 2 or array.shape[1] < 2:
        raise ValueError("coordinate pair expected")
    array = np.round(array[:, [1, 0]] if lat_first else array[:, :2], COORD_DECIMALS)
    if len(array) and not np.array_equal(array[0], array[-1]):
        array = np.vstack([array, array[:1]])
    if len(array) < 4:
        return None
    return shapely.linearrings(array)


def _build_multipolygon(polygons: list, lat_first: bool) -> tuple[MultiPolygon | None, bool, bool]:
    """Build from nested lists [[ring, hole, ...], ...]; returns (geometry, repaired, dropped)."""
    built, lost_ring = [], False
    for rings in polygons:
        shell = _ring(rings[0], lat_first) if rings else None
        holes = [ring for ring in (_ring(r, lat_first) for r in rings[1:]) if ring is not None]
        lost_ring |= shell is None or len(holes) < len(rings) - 1
        if shell is not None:
            built.append(shapely.polygons(shell, holes or None))
    if not built:
        return None, lost_ring, bool(polygons)
    geometry, repaired = repair_geometry(MultiPolygon(built) if len(built) > 1 else built[0])
    return geometry, repaired or lost_ring, geometry is None


def _nesting_depth(value) -> int:
    depth = 0
    while isinstance(value, list) and value:
        value, depth = value[0], depth + 1
    if depth and not isinstance(value, (int, float)):
        raise ValueError("coordinates must be numbers")
    return depth


def geometry_to_geojson(geom, *, simplify: bool) -> str:
    """GeoJSON text of a repaired geometry; ``simplify`` gives the lighter display version."""
    decimals = COORD_DECIMALS
    if simplify:
        geom = repair_geometry(geom.simplify(DISPLAY_TOLERANCE_DEG, preserve_topology=True))[0] or geom
        decimals = DISPLAY_DECIMALS
    geom = shapely.transform(geom, lambda xy: np.round(xy, decimals))
    return shapely.to_geojson(geom)


# ---------------------------------------------------------------- CSV readers


def _open_csv(path: Path, columns: tuple[str, ...]) -> tuple[Iterator[list[str]], dict[str, int], csv.reader]:
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


def _outside(raw: str, provinces: set[str] | None) -> bool:
    """Cheap pre-filter: dotted or not, a code starts with its province's two digits."""
    return provinces is not None and raw.strip()[:2] not in provinces


def _any_code(raw: str, path: object, line: int | None) -> str:
    if _DOTTED_ANY.fullmatch(raw):
        return raw
    try:
        return normalize_region_code(raw)
    except CodeError:
        raise SourceError(f"kode wilayah tidak sah: {raw!r}", f"invalid region code: {raw!r}", path, line) from None


def _code(raw: str, level: str, path: Path, line: int) -> str:
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
        rows, index, reader = _open_csv(path, columns)
        parent_column = columns[1] if len(columns) == 3 else None
        for row in rows:
            if _outside(row[index["code"]], provinces):
                continue
            line = reader.line_num
            code = _code(row[index["code"]], level, path, line)
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
    rows, index, reader = _open_csv(path, CENTROID_COLUMNS)
    points = {}
    for row in rows:
        raw = row[index["kode"]].strip()
        if _outside(raw, provinces):
            continue
        line = reader.line_num
        code = _any_code(raw, path, line)
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
    rows, index, reader = _open_csv(path, ISLAND_COLUMNS)
    islands = []
    for row in rows:
        code = row[index["code"]].strip()
        if _outside(code, provinces):
            continue
        line = reader.line_num
        if not _ISLAND_CODE.fullmatch(code):
            raise SourceError(f"kode pulau tidak sah: {code!r}", f"invalid island code: {code!r}", path, line)
        regency = row[index["regency_code"]].strip() or None
        if regency is not None:
            regency = _code(regency, "kabkota", path, line)
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


# ---------------------------------------------------------------- GeoJSON


def read_geojson(path: str | Path, *, provinces: set[str] | None = None) -> list[BoundaryRecord]:
    """Read a FeatureCollection with properties kode, nama, level, centroid [lng, lat]."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError("berkas tidak ditemukan", "file not found", path) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise SourceError(f"GeoJSON rusak ({exc})", f"broken GeoJSON ({exc})", path, line) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise SourceError("bukan FeatureCollection", "not a FeatureCollection", path)
    records = []
    for number, feature in enumerate(features, 1):
        where = f"{path} (fitur/feature {number})"
        try:
            props = feature.get("properties") or {}
            code = normalize_region_code(props["kode"])
        except (AttributeError, KeyError, CodeError):
            raise SourceError("properties.kode tidak ada atau tidak sah", "properties.kode missing or invalid",
                              where) from None
        if provinces is not None and code[:2] not in provinces:
            continue
        lat = lng = None
        raw = feature.get("geometry") or {}
        try:
            centroid = props.get("centroid")
            if isinstance(centroid, list) and len(centroid) == 2:
                lng, lat = float(centroid[0]), float(centroid[1])
            kind, coordinates = raw.get("type"), raw.get("coordinates") or []
            polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
            geometry, repaired, dropped = _build_multipolygon(polygons, lat_first=False)
        except (TypeError, ValueError) as exc:
            raise SourceError(f"geometri tidak terbaca ({exc})", f"unreadable geometry ({exc})", where) from None
        dropped = dropped or (bool(raw) and not polygons)  # e.g. a Point where a polygon belongs
        records.append(BoundaryRecord(code=code, name=str(props.get("nama") or ""), geometry=geometry,
                                      lat=lat, lng=lng, repaired=repaired, dropped=dropped))
    return records


# ---------------------------------------------------------------- MySQL dumps

_SQL_GAP = re.compile(r"(?:\s+|--[^\n]*|#[^\n]*|/\*.*?\*/)*", re.S)
# Possessive quantifiers keep a truncated dump from backtracking for ages.
_SQL_QUOTED = r"""'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'|"[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+\""""
_SQL_OTHER_STATEMENT = re.compile(rf"""(?:[^;'"]++|{_SQL_QUOTED})*+;""", re.S)
_SQL_INSERT = re.compile(r"INSERT\s+(?:IGNORE\s+)?INTO\s+`?(\w+)`?\s*(?:\(([^)]*)\))?\s*VALUES\s*", re.I)
_SQL_VALUE = re.compile(
    r"""\s*(?:'([^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+)'|"([^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+)"|(NULL)\b"""
    r"""|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))\s*""",
    re.I | re.S,
)
_SQL_ESCAPE = {"'": re.compile(r"\\(.)|''", re.S), '"': re.compile(r'\\(.)|""', re.S)}
_SQL_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
DDL_COLUMNS = ("kode", "nama", "lat", "lng", "path", "status")


def _sql_unescape(text: str, quote: str) -> str:
    """Undo MySQL escapes: backslash sequences and the doubled quote character."""
    if "\\" not in text and quote * 2 not in text:
        return text
    return _SQL_ESCAPE[quote].sub(lambda m: _SQL_ESCAPES.get(m.group(1), m.group(1)) if m.group(1) else quote, text)


def iter_sql_rows(text: str, path: object, table: str = "wilayah_boundaries") -> Iterator[tuple[int, dict]]:
    """Yield (line, {column: value}) for every row INSERTed into ``table``; other statements are skipped."""

    def fail(message_id, message_en, pos):
        raise SourceError(message_id, message_en, path, text.count("\n", 0, pos) + 1)

    pos, end = 0, len(text)
    line, counted = 1, 0
    while True:
        pos = _SQL_GAP.match(text, pos).end()
        if pos >= end:
            return
        insert = _SQL_INSERT.match(text, pos)
        if insert is None or insert.group(1).lower() != table:
            statement = _SQL_OTHER_STATEMENT.match(text, pos)
            if statement is None:
                fail("pernyataan SQL tidak berakhir dengan ';'", "SQL statement not terminated by ';'", pos)
            pos = statement.end()
            continue
        columns = DDL_COLUMNS
        if insert.group(2):
            columns = tuple(c.strip().strip("`").lower() for c in insert.group(2).split(","))
        if "kode" not in columns or "path" not in columns:
            fail("INSERT tanpa kolom kode dan path", "INSERT without columns kode and path", pos)
        pos = insert.end()
        while True:  # one (...) tuple per iteration
            row_pos = pos
            if text.startswith("(", pos):
                pos += 1
            else:
                fail("'(' diharapkan", "'(' expected", pos)
            values = []
            while True:
                value = _SQL_VALUE.match(text, pos)
                if value is None:
                    fail("nilai SQL tidak terbaca", "unreadable SQL value", pos)
                single, double, null, number = value.groups()
                if null is not None:
                    values.append(None)
                elif number is not None:
                    values.append(float(number))
                elif single is not None:
                    values.append(_sql_unescape(single, "'"))
                else:
                    values.append(_sql_unescape(double, '"'))
                pos = value.end()
                if text.startswith(",", pos):
                    pos += 1
                    continue
                if text.startswith(")", pos):
                    pos += 1
                    break
                fail("',' atau ')' diharapkan", "',' or ')' expected", pos)
            if len(values) != len(columns):
                fail(f"{len(values)} nilai untuk {len(columns)} kolom",
                     f"{len(values)} values for {len(columns)} columns", row_pos)
            line += text.count("\n", counted, row_pos)  # incremental: dumps have long lines
            counted = row_pos
            yield line, dict(zip(columns, values))
            pos = _SQL_GAP.match(text, pos).end()
            if text.startswith(",", pos):
                pos = _SQL_GAP.match(text, pos + 1).end()
            elif text.startswith(";", pos):
                pos += 1
                break
            else:
                fail("',' atau ';' diharapkan setelah baris", "',' or ';' expected after a row", pos)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError("berkas tidak ditemukan", "file not found", path) from None
    except UnicodeDecodeError:
        raise SourceError("bukan teks UTF-8", "not UTF-8 text", path) from None


def read_boundary_sql(path: str | Path, *, provinces: set[str] | None = None) -> list[BoundaryRecord]:
    """Read a wilayah_boundaries MySQL dump; ``path`` holds [lat, lng] rings, converted to lon/lat."""
    path = Path(path)
    text = _read_text(path)
    records = []
    for line, row in iter_sql_rows(text, path):
        code = _any_code(str(row["kode"]), path, line)
        if provinces is not None and code[:2] not in provinces:
            continue
        geometry, repaired, dropped = None, False, False
        if row["path"]:
            try:
                nested = json.loads(row["path"])
                depth = _nesting_depth(nested)
                # a ring, a polygon (rings) or a multipolygon (polygons)
                polygons = {0: [], 2: [[nested]], 3: [nested], 4: nested}.get(depth)
                if polygons is None:
                    raise ValueError(f"unexpected nesting depth {depth}")
                geometry, repaired, dropped = _build_multipolygon(polygons, lat_first=True)
            except (TypeError, ValueError) as exc:
                raise SourceError(f"kolom path tidak terbaca ({exc})", f"unreadable path column ({exc})",
                                  path, line) from None
        lat, lng = row.get("lat"), row.get("lng")
        records.append(BoundaryRecord(code=code, name=row.get("nama") or "", geometry=geometry,
                                      lat=lat if isinstance(lat, float) else None,
                                      lng=lng if isinstance(lng, float) else None,
                                      repaired=repaired, dropped=dropped))
    return records


# ---------------------------------------------------------------- layout


def _boundary_paths(provinces: list[str], kabkota: list[str]) -> list[str]:
    """Relative paths of the SQL dumps for these provinces and kab/kota."""
    paths = []
    for p in provinces:
        paths += [f"{BOUNDARY_DIR}/{level}/wilayah_boundaries_{level}_{p}.sql" for level in ("kab", "kec")]
        paths += [f"{BOUNDARY_DIR}/kel/{p}/wilayah_boundaries_kel_{k}.sql" for k in kabkota if k[:2] == p]
    return paths


_FILE_PROVINCE = re.compile(r"_(\d{2})(?:\.\d{2})?\.(?:sql|geojson)$")


def _wanted(path: Path, provinces: set[str] | None) -> bool:
    match = _FILE_PROVINCE.search(path.name)
    return provinces is None or match is None or match.group(1) in provinces


def _geometry_files(root: Path, geometry: str, provinces: set[str] | None) -> tuple[str, list[Path]]:
    geojson = sorted(p for p in root.rglob("*.geojson") if _wanted(p, provinces))
    sql = sorted(p for p in root.rglob("wilayah_boundaries_*.sql") if _wanted(p, provinces))
    if geometry == "auto":
        geometry = "geojson" if geojson else "sql" if sql else "none"
    return geometry, {"geojson": geojson, "sql": sql, "none": []}[geometry]


# ---------------------------------------------------------------- download cache


def _check_csv(columns: tuple[str, ...]) -> Callable[[Path], None]:
    def check(path: Path) -> None:
        rows, _, _ = _open_csv(path, columns)
        for _ in rows:
            pass

    return check


def _check_sql(path: Path) -> None:
    for _ in iter_sql_rows(_read_text(path), path):
        pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Cache:
    """Files fetched once into a directory laid out like a local source, with a SHA-256 manifest."""

    def __init__(self, root: Path, refresh: bool, stats: dict):
        self.root = root
        self.stats = stats
        self.manifest_path = root / MANIFEST_NAME
        self.manifest: dict = {}
        if self.manifest_path.is_file() and not refresh:
            try:
                self.manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                self.manifest = {}  # a damaged manifest only costs a fresh download

    def fetch(self, url: str, relpath: str, check: Callable[[Path], None], *, required: bool) -> bool:
        """Make ``relpath`` present (True) or known absent (False); a missing required file raises."""
        target = self.root / relpath
        entry = self.manifest.get(relpath)
        if entry and entry.get("url") == url:
            if entry.get("absent") and not required:
                self.stats["cache_hits"] += 1
                return False
            if not entry.get("absent") and target.is_file() and _sha256(target) == entry.get("sha256"):
                self.stats["cache_hits"] += 1
                return True
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        temp = Path(temp_name)
        try:
            digest, size = hashlib.sha256(), 0
            with os.fdopen(fd, "wb") as out:
                try:
                    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
                        for block in iter(lambda: response.read(1 << 20), b""):
                            out.write(block)
                            digest.update(block)
                            size += len(block)
                except urllib.error.HTTPError as exc:
                    if exc.code in (404, 410) and not required:
                        target.unlink(missing_ok=True)  # withdrawn upstream: stop reading the old copy
                        self._record(relpath, {"url": url, "absent": True})
                        return False
                    raise SourceError(f"unduhan gagal: HTTP {exc.code}", f"download failed: HTTP {exc.code}",
                                      url) from None
                except (urllib.error.URLError, OSError) as exc:
                    raise SourceError(f"unduhan gagal ({exc})", f"download failed ({exc})", url) from None
            self.stats["downloads"] += 1
            if size == 0:
                raise SourceError("unduhan kosong", "empty download", url)
            try:
                check(temp)
            except SourceError as exc:
                detail_line = f" (baris/line {exc.line})" if exc.line else ""
                raise SourceError(f"unduhan ditolak{detail_line}: {exc.message_id}",
                                  f"download rejected{detail_line}: {exc.message_en}", url) from None
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        self._record(relpath, {"url": url, "sha256": digest.hexdigest(), "bytes": size})
        return True

    def _record(self, relpath: str, entry: dict) -> None:
        self.manifest[relpath] = entry
        fd, temp_name = tempfile.mkstemp(dir=self.root, prefix=".manifest.", suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(self.manifest, out, indent=1, sort_keys=True)
        os.replace(temp_name, self.manifest_path)


def _remote_url(source: str, relpath: str) -> str | None:
    """Where ``relpath`` of the local layout lives for a URL source or for 'public'."""
    if source != "public":
        return source.rstrip("/") + "/" + relpath
    if relpath.startswith("hierarchy/"):
        return PUBLIC_HIERARCHY_BASE + relpath.removeprefix("hierarchy/")
    if relpath.startswith(BOUNDARY_DIR + "/"):
        return PUBLIC_BOUNDARIES_BASE + relpath.removeprefix(BOUNDARY_DIR + "/")
    return None  # the publishers have no centroid CSVs: the dumps carry the centroids


def _fetch_remote(source: str, cache_dir: Path, provinces: set[str] | None, geometry: str,
                  refresh: bool, stats: dict, progress: Progress | None) -> Path:
    if geometry == "geojson":
        raise SourceError("GeoJSON hanya dibaca dari direktori lokal", "GeoJSON is read from local directories only",
                          source)
    key = "public" if source == "public" else "url-" + hashlib.sha256(source.encode()).hexdigest()[:16]
    root = Path(cache_dir) / key
    root.mkdir(parents=True, exist_ok=True)
    cache = _Cache(root, refresh, stats)
    plan = [(f"hierarchy/{stem}.csv", _check_csv(columns), True) for stem, columns in HIERARCHY_COLUMNS.items()]
    plan.append(("hierarchy/islands.csv", _check_csv(ISLAND_COLUMNS), False))
    plan += [(f"national/{level}_centroids.csv", _check_csv(CENTROID_COLUMNS), False) for level in CENTROID_LEVELS]

    def run(items):
        for relpath, check, required in items:
            url = _remote_url(source, relpath)
            if url is None:
                continue
            if not cache.fetch(url, relpath, check, required=required):
                stats["files_absent"] += 1
            if progress:
                progress(0)

    run(plan)
    if geometry != "none":
        # Which dumps exist depends on the kab/kota list, known only now.
        regencies = root / "hierarchy/regencies.csv"
        rows, index, reader = _open_csv(regencies, HIERARCHY_COLUMNS["regencies"])
        kabkota = [_code(row[index["code"]], "kabkota", regencies, reader.line_num)
                   for row in rows if not _outside(row[index["code"]], provinces)]
        run([(p, _check_sql, False) for p in _boundary_paths(sorted({k[:2] for k in kabkota}), kabkota)])
    return root


# ---------------------------------------------------------------- merge


def _empty_stats() -> dict:
    keys = ("files_read", "rows_read", "geometries_read", "geometries_repaired", "geometries_dropped",
            "geometries_unmatched", "regions_with_geometry", "points_from_boundaries", "points_from_centroids",
            "points_computed", "regions_without_point", "downloads", "cache_hits", "files_absent")
    return {key: 0 for key in keys} | {"geometry_source": "none", "files": []}


def _normalize_provinces(provinces: set[str] | None) -> set[str] | None:
    if provinces is None:
        return None
    codes = {normalize_region_code(p) for p in provinces}
    if any("." in code for code in codes):
        raise ValueError(f"province codes expected: {sorted(codes)}")
    return codes


def read_source(
    source: str | Path,
    *,
    provinces: set[str] | None = None,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    geometry: str = "auto",
    full_geometry: bool = False,
    refresh: bool = False,
) -> SourceData:
    """Read regions (and islands) from a directory, an http(s) URL of the same layout, or 'public'.

    ``geometry``: 'auto' (GeoJSON files when a local directory has any, else the
    SQL dumps), 'geojson', 'sql' or 'none'. Remote sources are fetched into
    ``cache_dir`` once and re-used; ``refresh`` fetches again. ``progress`` is
    called as ``progress(records)`` after each file read (see ``Progress``).

    ``stats``: files_read, rows_read (records kept after the province filter),
    geometries_read/_repaired/_dropped/_unmatched (no such code in the
    hierarchy), regions_with_geometry, points_from_boundaries/_centroids,
    points_computed, regions_without_point, downloads, cache_hits,
    files_absent, geometry_source ('geojson', 'sql' or 'none') and files.
    """
    if geometry not in ("auto", "geojson", "sql", "none"):
        raise ValueError(geometry)
    provinces = _normalize_provinces(provinces)
    stats = _empty_stats()
    text = str(source)
    if text == "public" or re.match(r"https?://", text, re.I):
        if cache_dir is None:
            raise SourceError("sumber daring perlu cache_dir", "a remote source needs cache_dir", text)
        root = _fetch_remote(text, Path(cache_dir), provinces, geometry, refresh, stats, progress)
        geometry = "sql" if geometry == "auto" else geometry
    else:
        root = Path(source)
        if not root.is_dir():
            raise SourceError("direktori sumber tidak ditemukan", "source directory not found", root)
    return _read_directory(root, provinces, geometry, full_geometry, stats, progress)


def _read_directory(root: Path, provinces: set[str] | None, geometry: str, full_geometry: bool,
                    stats: dict, progress: Progress | None) -> SourceData:
    geometry, geometry_files = _geometry_files(root, geometry, provinces)
    stats["geometry_source"] = geometry
    centroid_files = [root / f"national/{level}_centroids.csv" for level in CENTROID_LEVELS]
    centroid_files = [p for p in centroid_files if p.is_file()]
    islands_file = root / "hierarchy/islands.csv"

    def step(paths: list[Path], rows: int) -> None:
        """Count a read; ``rows`` are the records kept after the province filter."""
        stats["files_read"] += len(paths)
        stats["rows_read"] += rows
        stats["files"] += [path.relative_to(root).as_posix() for path in paths]
        if progress:
            progress(rows)

    regions = read_hierarchy_csv(root / "hierarchy", provinces=provinces)
    step([root / f"hierarchy/{stem}.csv" for stem in HIERARCHY_COLUMNS], len(regions))

    islands = []
    if islands_file.is_file():
        islands = read_islands_csv(islands_file, provinces=provinces)
        step([islands_file], len(islands))

    points: dict[str, tuple[float, float]] = {}
    for path in centroid_files:
        found = read_centroids_csv(path, provinces=provinces)
        points.update(found)
        step([path], len(found))

    boundaries: dict[str, BoundaryRecord] = {}
    reader = read_geojson if geometry == "geojson" else read_boundary_sql
    for path in geometry_files:
        records = reader(path, provinces=provinces)
        for record in records:
            boundaries[record.code] = record
        step([path], len(records))

    stats["geometries_read"] = sum(r.geometry is not None for r in boundaries.values())
    stats["geometries_repaired"] = sum(r.repaired for r in boundaries.values())
    stats["geometries_dropped"] = sum(r.dropped for r in boundaries.values())
    stats["geometries_unmatched"] = sum(code not in regions for code in boundaries)
    for code, region in regions.items():
        regions[code] = _merge(region, boundaries.get(code), points.get(code), full_geometry, stats)
    return SourceData(regions=regions, islands=islands, stats=stats)


def _merge(region: RegionRecord, boundary: BoundaryRecord | None, point: tuple[float, float] | None,
           full_geometry: bool, stats: dict) -> RegionRecord:
    shape = boundary.geometry if boundary else None
    display = full = None
    if shape is not None:
        stats["regions_with_geometry"] += 1
        display = geometry_to_geojson(shape, simplify=True)
        if full_geometry:
            full = geometry_to_geojson(shape, simplify=False)
    if boundary is not None and boundary.lat is not None and boundary.lng is not None:
        lat, lng = boundary.lat, boundary.lng
        stats["points_from_boundaries"] += 1
    elif point is not None:
        lat, lng = point
        stats["points_from_centroids"] += 1
    elif shape is not None:
        inside = shape.representative_point()
        lat, lng = round(inside.y, COORD_DECIMALS), round(inside.x, COORD_DECIMALS)
        stats["points_computed"] += 1
    else:
        lat = lng = None
        stats["regions_without_point"] += region.level != "provinsi"
    # Positional construction: dataclasses.replace costs more than the rest of a national read.
    return RegionRecord(region.code, region.parent_code, region.level, region.name, region.kind,
                        lat, lng, display, full)
