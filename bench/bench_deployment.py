"""Benchmark deployment planning through the app path (Sultra, from the database) and at national
scale (820,161 TPS, bench_planner's synthetic inputs), with the greedy by-hand baseline measured in the
same run: time, total travel, greedy/optimal travel ratio, solver status.

Sultra needs a database with the demo (`siaga demo --no-serve`, same SIAGA_HOME / DATABASE_URL).

    python bench/bench_deployment.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_planner import DEFAULT_DATA, SEED, build_input, load_regions, staff_units, synth_regions  # noqa: E402
from machine import describe, machine  # noqa: E402


def sultra_app_path() -> dict:
    """Inputs from the database, planned optimal and greedy, through the app's services (nothing stored)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siaga.config.settings")
    import django

    django.setup()
    from siaga.cli import cli_actor
    from siaga.deployment.services import plan_compute

    actor = cli_actor()
    t0 = time.perf_counter()
    optimal, _, _ = plan_compute(viewer=actor, area="74", incremental=False)
    t1 = time.perf_counter()
    greedy, _, _ = plan_compute(viewer=actor, area="74", method="greedy", incremental=False)
    t2 = time.perf_counter()
    so, sg = optimal.summary(), greedy.summary()
    return {"scenario": "sultra (app path)", "tps": so["tps"], "posts": so["posts"], "optimal_s": t1 - t0,
            "greedy_s": t2 - t1, "status": so["status"], "travel_km_optimal": so["total_travel_km"],
            "travel_km_greedy": sg["total_travel_km"], "shortfall_optimal": so["shortfall"],
            "shortfall_greedy": sg["shortfall"]}


def national(data: Path | None) -> dict:
    import numpy as np

    from siaga.core.planner import group_posts, plan_greedy, plan_optimal

    rng = np.random.default_rng(SEED)
    if data and (data / "national/desa_centroids.csv").exists():
        desas, kec_xy, kab_xy, islands = load_regions(data, None)
    else:
        desas, kec_xy, kab_xy, islands = synth_regions(rng, 83762, 38)
    tps, units = build_input(desas, kec_xy, kab_xy, islands, 820161, rng, 0.8)
    t0 = time.perf_counter()
    posts = group_posts(tps)
    units = staff_units(units, posts, kab_xy, rng, 0.3)
    optimal = plan_optimal(posts, units)
    t1 = time.perf_counter()
    greedy = plan_greedy(posts, units)
    t2 = time.perf_counter()
    so, sg = optimal.summary(), greedy.summary()
    return {"scenario": "national (core, synthetic)", "tps": len(tps), "posts": so["posts"], "optimal_s": t1 - t0,
            "greedy_s": t2 - t1, "status": so["status"], "travel_km_optimal": so["total_travel_km"],
            "travel_km_greedy": sg["total_travel_km"], "shortfall_optimal": so["shortfall"],
            "shortfall_greedy": sg["shortfall"]}


def run(quick: bool = False) -> dict:
    scenarios = [sultra_app_path()]
    if not quick:
        scenarios.append(national(DEFAULT_DATA))
    for s in scenarios:
        s["travel_ratio_greedy_over_optimal"] = s["travel_km_greedy"] / max(s["travel_km_optimal"], 1e-9)
        s["time_ratio_optimal_over_greedy"] = s["optimal_s"] / max(s["greedy_s"], 1e-9)
    return {"machine": machine(), "scenarios": scenarios, "goals_s": {"sultra": 2.0, "national": 60.0}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Sultra only")
    args = parser.parse_args(argv)
    res = run(args.quick)
    print(f"machine: {describe()}")
    for s in res["scenarios"]:
        print(f"\n[{s['scenario']}] {s['tps']:,} TPS -> {s['posts']:,} posts; status {s['status']}")
        print(f"  optimal {s['optimal_s']:.2f} s, greedy {s['greedy_s']:.2f} s "
              f"(optimal/greedy time = {s['time_ratio_optimal_over_greedy']:.2f})")
        print(f"  travel km optimal {s['travel_km_optimal']:,.0f}, greedy {s['travel_km_greedy']:,.0f}: "
              f"greedy/optimal = {s['travel_ratio_greedy_over_optimal']:.3f}; shortfall optimal "
              f"{s['shortfall_optimal']}, greedy {s['shortfall_greedy']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
