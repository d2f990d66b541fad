"""Read a whole source and merge hierarchy, boundaries, centroids and islands into records."""

from __future__ import annotations

import re
from pathlib import Path

from siaga.core.codes import normalize_region_code
from siaga.regions.sources.download import fetch_remote
from siaga.regions.sources.geojson import read_geojson
from siaga.regions.sources.geometry import COORD_DECIMALS, geometry_to_geojson
from siaga.regions.sources.layout import find_geometry_files
from siaga.regions.sources.records import BoundaryRecord, Progress, RegionRecord, SourceData, SourceError
from siaga.regions.sources.sql_dump import read_boundary_sql
from siaga.regions.sources.tables import (CENTROID_LEVELS, HIERARCHY_COLUMNS, read_centroids_csv, read_hierarchy_csv,
                                          read_islands_csv)

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
        root = fetch_remote(text, Path(cache_dir), provinces, geometry, refresh, stats, progress)
        geometry = "sql" if geometry == "auto" else geometry
    else:
        root = Path(source)
        if not root.is_dir():
            raise SourceError("direktori sumber tidak ditemukan", "source directory not found", root)
    return _read_directory(root, provinces, geometry, full_geometry, stats, progress)


def _read_directory(root: Path, provinces: set[str] | None, geometry: str, full_geometry: bool,
                    stats: dict, progress: Progress | None) -> SourceData:
    geometry, geometry_files = find_geometry_files(root, geometry, provinces)
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
