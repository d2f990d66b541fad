"""Region outlines for the maps: one level of an area's boundaries as simplified GeoJSON, cached.

Every map draws the kab/kota and kecamatan outlines under its data instead of internet tiles, so they are
asked on every map page: simplified once (shapely) and kept in the cache per (area, level). The stored
geometries change only when regions are re-imported; the key carries the count and newest code of the
regions with geometry, and an hour's expiry covers a boundary edited in place.
"""

import hashlib
import json

import shapely
from django.core.cache import cache
from django.db.models import Count, Max

from siaga.accounts.scope import narrower_area
from siaga.regions.models import Region, RegionGeometry

# Degrees (about 330 m and 110 m): finer than a pixel at the zooms each level is drawn at.
TOLERANCE = {1: 0.005, 2: 0.003, 3: 0.001, 4: 0.0003}
CACHE_SECONDS = 3600


def _simplified(geojson: str, level: int) -> str:
    geometry = shapely.from_geojson(geojson)
    geometry = shapely.set_precision(geometry.simplify(TOLERANCE[level], preserve_topology=True), 1e-5)
    return shapely.to_geojson(geometry)


def _regions(area: str, level: int):
    rows = Region.objects.filter(level=level, has_geometry=True)
    if area:
        rows = rows.filter(code__startswith=area + ".") if level > area.count(".") + 1 else rows.filter(code=area)
    return rows


def outlines(*, viewer, level: int, area: str | None = None) -> tuple[str, str]:
    """(GeoJSON FeatureCollection text, its ETag) of the `level` regions inside `area` (default: the viewer's
    area; refused outside it). Properties: kode, nama, level, induk (parent code)."""
    area = narrower_area(viewer, area)
    rows = _regions(area, level)
    version = rows.aggregate(n=Count("code"), last=Max("code"))
    key = "siaga:outlines:" + hashlib.sha1(f"{area}|{level}|{version['n']}|{version['last']}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        names = {code: (name, parent) for code, name, parent in rows.values_list("code", "name", "parent_id")}
        features = [
            '{"type":"Feature","geometry":%s,"properties":%s}' % (
                _simplified(geojson, level),
                json.dumps({"kode": code, "nama": names[code][0], "level": level, "induk": names[code][1]}))
            for code, geojson in RegionGeometry.objects.filter(region__in=rows).order_by("region_id")
            .values_list("region_id", "geojson")
        ]
        body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
        cached = (body, '"%s"' % hashlib.sha1(body.encode()).hexdigest()[:20])
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def choropleth_level(area: str) -> int:
    """The level a map of `area` (a dotted code; "" for the country) colours at its overview zoom: kab/kota for
    a province or the country, kecamatan for a kab/kota, none below (0: a kecamatan's TPS are shown as points)."""
    level = area.count(".") + 1 if area else 0
    return {0: 2, 1: 2, 2: 3}.get(level, 0)
