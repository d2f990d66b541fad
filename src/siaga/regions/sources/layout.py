"""Where the files of a source lie: boundary dump paths and the geometry files of a directory."""

from __future__ import annotations

import re
from pathlib import Path

BOUNDARY_DIR = "origin/wilayah_boundaries"


def boundary_paths(provinces: list[str], kabkota: list[str]) -> list[str]:
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


def find_geometry_files(root: Path, geometry: str, provinces: set[str] | None) -> tuple[str, list[Path]]:
    geojson = sorted(p for p in root.rglob("*.geojson") if _wanted(p, provinces))
    sql = sorted(p for p in root.rglob("wilayah_boundaries_*.sql") if _wanted(p, provinces))
    if geometry == "auto":
        geometry = "geojson" if geojson else "sql" if sql else "none"
    return geometry, {"geojson": geojson, "sql": sql, "none": []}[geometry]
