"""GeoJSON boundary files (RFC 7946, lon/lat)."""

from __future__ import annotations

import json
from pathlib import Path

from siaga.core.codes import CodeError, normalize_region_code
from siaga.regions.sources.geometry import build_multipolygon
from siaga.regions.sources.records import BoundaryRecord, SourceError

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
            geometry, repaired, dropped = build_multipolygon(polygons, lat_first=False)
        except (TypeError, ValueError) as exc:
            raise SourceError(f"geometri tidak terbaca ({exc})", f"unreadable geometry ({exc})", where) from None
        dropped = dropped or (bool(raw) and not polygons)  # e.g. a Point where a polygon belongs
        records.append(BoundaryRecord(code=code, name=str(props.get("nama") or ""), geometry=geometry,
                                      lat=lat, lng=lng, repaired=repaired, dropped=dropped))
    return records
