"""Boundary geometry: repair (shapely.make_valid), MultiPolygon from rings, GeoJSON for display."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import MultiPolygon

COORD_DECIMALS = 6
DISPLAY_TOLERANCE_DEG = 0.0002  # ~22 m: the published data is already simplified near 11 m
DISPLAY_DECIMALS = 5  # ~1 m


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


def build_multipolygon(polygons: list, lat_first: bool) -> tuple[MultiPolygon | None, bool, bool]:
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


def nesting_depth(value) -> int:
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
