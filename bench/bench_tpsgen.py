"""Benchmark: generating the national demo TPS set (820,161 TPS).

Baseline, measured in the same run: building the same number of
GeneratedTps records with constant fields, i.e. the floor any generator that
returns records must pay. The ratio says how much the generation itself
(counts, voters, placement, access, codes) adds on top of that floor.

    python bench/bench_tpsgen.py [--quick] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections import defaultdict
from pathlib import Path

import shapely
from machine import describe, machine
from shapely.geometry import shape

from siaga.core.codes import is_kelurahan
from siaga.core.tpsgen import DesaInput, GeneratedTps, generate_national, generate_tps

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
QUICK_PROVINCES = ("11", "51", "74", "94")  # Aceh, Bali, Sultra, Papua


def load_national(data: Path) -> dict[str, list[DesaInput]]:
    with open(data / "national" / "desa_centroids.csv", encoding="utf-8") as handle:
        points = {r["kode"]: (float(r["lat"]), float(r["lng"])) for r in csv.DictReader(handle)}
    by_province: dict[str, list[DesaInput]] = defaultdict(list)
    with open(data / "hierarchy" / "villages.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            lat, lng = points.get(row["code"], (None, None))
            by_province[row["code"][:2]].append(
                DesaInput(row["code"], row["name"], lat, lng, None, is_kelurahan(row["code"]))
            )
    return dict(by_province)


def load_sultra_polygons(data: Path, desas: list[DesaInput]) -> list[DesaInput]:
    with open(data / "sultra" / "desa_74.geojson", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    geo = {f["properties"]["kode"]: shapely.make_valid(shape(f["geometry"])) for f in features}
    return [
        DesaInput(d.code, d.name, d.lat, d.lng, geo.get(d.code), d.kelurahan) for d in desas
    ]


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _baseline(n: int) -> list[GeneratedTps]:
    return [
        GeneratedTps("74.05.24.2009", 1, "7405242009001", "TPS 001", "", 250, 125, 125,
                     -4.0, 122.0, False, "normal", "pemilu")
        for _ in range(n)
    ]


def run(quick: bool, data: Path = DEFAULT_DATA) -> dict:
    national = load_national(data)
    if quick:
        national = {p: national[p] for p in QUICK_PROVINCES}
    # Targets from national_targets keep the full run exactly at 820,161.
    gen_s, tps = _timed(lambda: list(generate_national(national, seed=1)))
    base_s, _ = _timed(lambda: _baseline(len(tps)))
    sultra = load_sultra_polygons(data, national["74"])
    poly_s, sultra_tps = _timed(lambda: generate_tps(sultra, seed=1))
    return {
        "quick": quick,
        "provinces": len(national),
        "desa": sum(len(v) for v in national.values()),
        "tps": len(tps),
        "voters": sum(t.voters for t in tps),
        "generate_s": round(gen_s, 3),
        "baseline_records_s": round(base_s, 3),
        "ratio_vs_baseline": round(gen_s / base_s, 2),
        "tps_per_s": round(len(tps) / gen_s),
        "sultra_polygons_tps": len(sultra_tps),
        "sultra_polygons_s": round(poly_s, 3),
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="four provinces only")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    r = run(args.quick, args.data)
    print(f"TPS generation, {r['provinces']} provinces, {r['desa']:,} desa -> "
          f"{r['tps']:,} TPS, {r['voters']:,} voters")
    print(f"  generate: {r['generate_s']:.2f} s ({r['tps_per_s']:,} TPS/s)")
    print(f"  baseline (bare records): {r['baseline_records_s']:.2f} s")
    print(f"  ratio generate / baseline: {r['ratio_vs_baseline']:.2f}x")
    print(f"  Sultra with polygons: {r['sultra_polygons_tps']:,} TPS in "
          f"{r['sultra_polygons_s']:.2f} s")
    print(f"  machine: {describe()}")


if __name__ == "__main__":
    main()
