"""Benchmark the deployment planner: optimal min-cost flow against the greedy
by-hand baseline, on a Sultra-size and a national-size synthetic input.

Points come from real desa centroids (../shared/data/national) when present,
else are synthesised; TPS counts, classes and unit strengths are seeded.

    python bench/bench_planner.py [--quick] [--data PATH]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
from machine import describe, machine

from siaga.core.planner import (
    KHUSUS,
    KURANG_RAWAN,
    RAWAN,
    SANGAT_RAWAN,
    TpsNode,
    Unit,
    group_posts,
    plan_greedy,
    plan_optimal,
)

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
CLASS_MIX = {KURANG_RAWAN: 0.80, RAWAN: 0.12, SANGAT_RAWAN: 0.05, KHUSUS: 0.03}
SULTRA_ISLANDS = {"Wakatobi", "Konawe Kepulauan", "Buton", "Buton Tengah", "Buton Selatan",
                  "Buton Utara", "Muna", "Muna Barat", "Bombana", "Baubau"}  # fmt: skip
SEED = 20240214


def _read(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_regions(data: Path, province: str | None):
    """Desa list with coordinates: (desa, kecamatan, kabkota, lat, lng), plus
    kecamatan and kab/kota centroids and the island kab/kota codes."""
    desa_xy = {r["kode"]: (float(r["lat"]), float(r["lng"])) for r in _read(data / "national/desa_centroids.csv")}
    kec_xy = {r["kode"]: (float(r["lat"]), float(r["lng"])) for r in _read(data / "national/kecamatan_centroids.csv")}
    kab_xy = {r["kode"]: (float(r["lat"]), float(r["lng"])) for r in _read(data / "national/kabkota_centroids.csv")}
    regencies = _read(data / "hierarchy/regencies.csv")
    islands = {
        r["code"] for r in regencies
        if "Kepulauan" in r["name"] or r["name"].split(" ", 1)[1] in SULTRA_ISLANDS
    }  # fmt: skip
    desas = []
    for r in _read(data / "hierarchy/villages.csv"):
        code, kec = r["code"], r["district_code"]
        if province and not code.startswith(province + "."):
            continue
        kab = kec.rsplit(".", 1)[0]
        xy = desa_xy.get(code) or kec_xy.get(kec) or kab_xy.get(kab)
        if xy is None:
            continue
        desas.append((code, kec, kab, *xy))
    return desas, kec_xy, kab_xy, islands


def synth_regions(rng: np.random.Generator, n_desa: int, n_prov: int):
    """Fallback when the reference data is absent: a grid of provinces."""
    desas, kec_xy, kab_xy = [], {}, {}
    for i in range(n_desa):
        prov = 11 + i % n_prov
        kab = f"{prov}.{1 + (i // n_prov) % 12:02d}"
        kec = f"{kab}.{1 + (i // (n_prov * 12)) % 14:02d}"
        base = np.array([-8 + (prov % 6) * 2.5, 100 + (prov // 6) * 5.0])
        lat, lng = base + rng.normal(0, 0.6, 2)
        desas.append((f"{kec}.{2001 + i:04d}", kec, kab, float(lat), float(lng)))
        kec_xy.setdefault(kec, (float(lat), float(lng)))
        kab_xy.setdefault(kab, (float(lat), float(lng)))
    return desas, kec_xy, kab_xy, set()


def build_input(desas, kec_xy, kab_xy, islands, n_tps: int, rng: np.random.Generator, polsek_share: float):
    """TPS spread over desa with a long tail (Sultra: median 3, max 44 per desa)."""
    weights = rng.lognormal(0.0, 0.8, len(desas))
    counts = 1 + rng.multinomial(n_tps - len(desas), weights / weights.sum())
    classes = np.array(list(CLASS_MIX))
    tps, tid = [], 0
    for (code, kec, kab, lat, lng), n in zip(desas, counts.tolist()):
        klass = rng.choice(classes, size=n, p=list(CLASS_MIX.values()))
        jitter = rng.normal(0, 0.006, (n, 2))
        for j in range(n):
            tid += 1
            tps.append(TpsNode(tid, f"{code.replace('.', '')}{j + 1:03d}", code, kec, kab,
                               lat + jitter[j, 0], lng + jitter[j, 1], int(klass[j]), kab in islands))  # fmt: skip
    units, uid = [], 0
    kabs = sorted({d[2] for d in desas})
    kecs = sorted({d[1] for d in desas})
    polres_id = {}
    for kab in kabs:
        uid += 1
        polres_id[kab] = uid
        lat, lng = kab_xy.get(kab) or kec_xy[next(k for k in kecs if k.startswith(kab))]
        units.append(Unit(uid, f"POLRES-{kab}", "polres", None, kab, lat, lng, 0, kab in islands))
    for kec in kecs:
        if rng.random() >= polsek_share:
            continue
        uid += 1
        kab = kec.rsplit(".", 1)[0]
        lat, lng = kec_xy.get(kec) or kab_xy[kab]
        units.append(Unit(uid, f"POLSEK-{kec}", "polsek", polres_id[kab], kec, lat, lng, 0, kab in islands))
    return tps, units


def staff_units(units, posts, kab_xy, rng: np.random.Generator, pool_share: float):
    """Strength in proportion to local demand: a Polsek holds 50-90% of its
    kecamatan's need, a Polres HQ 10-30% of its kab/kota's, and one Polda per
    province (at its first kota, usually the capital) a BKO pool of
    ``pool_share`` of the province's need (Sultra 2024: 1,787 BKO for ~5,200)."""
    need = defaultdict(int)
    for p in posts:
        for area in (p.kecamatan, p.kabkota, p.province):
            need[area] += p.polri_required
    share = {"polsek": (0.5, 0.9), "polres": (0.1, 0.3)}
    staffed = [replace(u, available=int(round(rng.uniform(*share[u.kind]) * need[u.area_code]))) for u in units]
    uid = max(u.id for u in units)
    for prov in sorted({p.province for p in posts}):
        kotas = sorted(k for k in kab_xy if k.startswith(prov + ".") and int(k.split(".")[1]) >= 71)
        lat, lng = kab_xy[(kotas or sorted(k for k in kab_xy if k.startswith(prov + ".")))[0]]
        uid += 1
        staffed.append(Unit(uid, f"POLDA-{prov}", "polda", None, prov, lat, lng, int(need[prov] * pool_share)))
    return staffed


def scenario(name, data: Path | None, province: str | None, n_tps: int, rng, polsek_share: float,
             pool_share: float = 0.3) -> dict:  # fmt: skip
    t0 = time.perf_counter()
    if data and (data / "national/desa_centroids.csv").exists():
        desas, kec_xy, kab_xy, islands = load_regions(data, province)
    else:
        desas, kec_xy, kab_xy, islands = synth_regions(rng, 2285 if province else 83762, 1 if province else 38)
    tps, units = build_input(desas, kec_xy, kab_xy, islands, n_tps, rng, polsek_share)
    t1 = time.perf_counter()
    posts = group_posts(tps)
    t2 = time.perf_counter()
    units = staff_units(units, posts, kab_xy, rng, pool_share)
    t3 = time.perf_counter()
    optimal = plan_optimal(posts, units)
    t4 = time.perf_counter()
    greedy = plan_greedy(posts, units)
    t5 = time.perf_counter()
    so, sg = optimal.summary(), greedy.summary()
    return {
        "scenario": name,
        "tps": len(tps),
        "desa": len(desas),
        "posts": len(posts),
        "units": {k: sum(u.kind == k for u in units) for k in ("polsek", "polres", "polda")},
        "provinces": len(optimal.parts),
        "input_s": t1 - t0,
        "group_posts_s": t2 - t1,
        "optimal_s": t4 - t3,
        "greedy_s": t5 - t4,
        "status": optimal.status,
        "polri_required": so["polri_required"],
        "assigned_optimal": so["polri_assigned"],
        "assigned_greedy": sg["polri_assigned"],
        "bko_optimal": so["bko"],
        "travel_km_optimal": so["total_travel_km"],
        "travel_km_greedy": sg["total_travel_km"],
        "travel_ratio_greedy_over_optimal": sg["total_travel_km"] / max(so["total_travel_km"], 1e-9),
        "cost_ratio_greedy_over_optimal": greedy.total_cost / max(optimal.total_cost, 1),
        "time_ratio_optimal_over_greedy": (t4 - t3) / max(t5 - t4, 1e-9),
    }


def run(quick: bool = False, data: Path | None = DEFAULT_DATA) -> dict:
    rng = np.random.default_rng(SEED)
    results = {
        "machine": machine(),
        "scenarios": [scenario("sultra", data, "74", 8154, rng, polsek_share=1.0)],
    }
    if not quick:
        results["scenarios"].append(scenario("national", data, None, 820161, rng, polsek_share=0.8))
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Sultra only")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    res = run(args.quick, args.data)
    print(f"machine: {describe()}")
    for s in res["scenarios"]:
        print(f"\n[{s['scenario']}] {s['tps']:,} TPS, {s['desa']:,} desa -> {s['posts']:,} posts; units {s['units']}")
        print(f"  group_posts {s['group_posts_s']:.2f} s; optimal {s['optimal_s']:.2f} s ({s['status']}, "
              f"{s['provinces']} provinces); greedy {s['greedy_s']:.2f} s")  # fmt: skip
        print(f"  polri required {s['polri_required']:,}; assigned optimal {s['assigned_optimal']:,}, "
              f"greedy {s['assigned_greedy']:,}; BKO {s['bko_optimal']:,}")  # fmt: skip
        print(f"  travel km optimal {s['travel_km_optimal']:,.0f} vs greedy {s['travel_km_greedy']:,.0f}: "
              f"greedy/optimal = {s['travel_ratio_greedy_over_optimal']:.3f}")  # fmt: skip
        print(f"  objective greedy/optimal = {s['cost_ratio_greedy_over_optimal']:.4f}; "
              f"time optimal/greedy = {s['time_ratio_optimal_over_greedy']:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
