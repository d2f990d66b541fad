"""Benchmark the region source readers on the real reference data.

Figures:
- sultra: ``read_source(provinces={'74'})`` with geometry from GeoJSON and from
  the SQL dumps (parse, repair, simplify, GeoJSON text), against a plain
  baseline doing the least the job needs: ``json.load`` of the three GeoJSON
  files, ``shapely.shape`` of every feature, and a ``csv.reader`` pass over the
  hierarchy and centroid files.
- national: ``read_source(geometry='none')`` (91,599 regions, 17,373 islands,
  validated), against a ``csv.reader`` pass over the same eight files.

Run: python bench/bench_region_sources.py [--quick] [--data PATH]
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from machine import describe, machine
from shapely.geometry import shape
from timing import median_seconds

from siaga.regions.sources import read_source

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CSV_FILES = ("hierarchy/provinces.csv", "hierarchy/regencies.csv", "hierarchy/districts.csv",
             "hierarchy/villages.csv", "hierarchy/islands.csv", "national/kabkota_centroids.csv",
             "national/kecamatan_centroids.csv", "national/desa_centroids.csv")


def _csv_pass(data: Path, province: str | None) -> int:
    rows = 0
    for relpath in CSV_FILES:
        with open(data / relpath, newline="", encoding="utf-8") as handle:
            rows += sum(1 for row in csv.reader(handle) if province is None or row[0][:2] == province)
    return rows


def _geojson_pass(data: Path) -> int:
    features = 0
    for path in sorted((data / "sultra").glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            shape(feature["geometry"])
            features += 1
    return features


def run(quick: bool, data: Path = DEFAULT_DATA) -> dict:
    repeats = 1 if quick else 3
    sultra = read_source(data, provinces={"74"})
    sultra_geojson_s = median_seconds(lambda: read_source(data, provinces={"74"}), repeats)
    sultra_sql_s = median_seconds(lambda: read_source(data, provinces={"74"}, geometry="sql"), repeats)
    sultra_base_s = median_seconds(lambda: (_geojson_pass(data), _csv_pass(data, "74")), repeats)
    national = read_source(data, geometry="none")
    national_s = median_seconds(lambda: read_source(data, geometry="none"), repeats)
    national_base_s = median_seconds(lambda: _csv_pass(data, None), repeats)
    return {
        "sultra_regions": len(sultra.regions),
        "sultra_geometries": sultra.stats["regions_with_geometry"],
        "sultra_repaired": sultra.stats["geometries_repaired"],
        "sultra_display_geojson_bytes": sum(len(r.geometry or "") for r in sultra.regions.values()),
        "sultra_geojson_s": sultra_geojson_s,
        "sultra_sql_s": sultra_sql_s,
        "sultra_baseline_s": sultra_base_s,
        "sultra_geojson_ratio": sultra_geojson_s / sultra_base_s,
        "sultra_sql_ratio": sultra_sql_s / sultra_base_s,
        "national_regions": len(national.regions),
        "national_islands": len(national.islands),
        "national_s": national_s,
        "national_baseline_s": national_base_s,
        "national_ratio": national_s / national_base_s,
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repeat instead of three")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="reference data directory")
    args = parser.parse_args()
    r = run(args.quick, args.data)
    print(f"machine: {describe()}")
    print(f"Sultra: {r['sultra_regions']:,} regions, {r['sultra_geometries']:,} geometries "
          f"({r['sultra_repaired']} repaired), display GeoJSON {r['sultra_display_geojson_bytes'] / 1e6:.1f} MB")
    print(f"  from GeoJSON {r['sultra_geojson_s']:.2f} s, from SQL dumps {r['sultra_sql_s']:.2f} s; "
          f"plain parse baseline {r['sultra_baseline_s']:.2f} s; "
          f"ratios {r['sultra_geojson_ratio']:.1f}x and {r['sultra_sql_ratio']:.1f}x")
    print(f"national hierarchy: {r['national_regions']:,} regions + {r['national_islands']:,} islands "
          f"in {r['national_s']:.2f} s; csv.reader baseline {r['national_baseline_s']:.2f} s; "
          f"ratio {r['national_ratio']:.1f}x")


if __name__ == "__main__":
    main()
