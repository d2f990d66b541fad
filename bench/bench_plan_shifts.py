"""Benchmark the plan with shifts: the optimal deployment plan staffed over time (siaga.core.shifts) for
Sultra (Pemilu 2024 size) and a national synthetic set, beside the greedy plan of the same run.

Inputs are built as in bench_planner (real desa centroids when ../shared/data is present). Besides the
TPS posts every kab/kota gets its KPU office, Bawaslu office and logistics warehouse (guarded round the
clock) and every kecamatan its PPK recap venue (guarded by day), 2 Polri each. A Polres pool holds the
officers the plan sends to its posts plus the unused strength of its own units.

Figures: the greedy plan's travel over the optimal's; officer-hours the shift plan needs over the
officer-hours of the one-shift greedy plan (its assigned Polri x the 13 h voting-day duty window);
officers needed by shift rules over Polri assigned; absolute times of planning and of the shifts.

    python bench/bench_plan_shifts.py [--quick] [--data PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from datetime import date

import numpy as np
from bench_planner import DEFAULT_DATA, SEED, build_input, load_regions, staff_units, synth_regions
from machine import describe, machine

from siaga.core.planner import group_posts, plan_greedy, plan_optimal
from siaga.core.shifts import Demand, Pool, plan_shifts

VOTING_DAY = date(2024, 2, 14)
ONE_SHIFT_HOURS = 13  # the one-shift plan's duty window, 07:00-20:00 (deployment demo)
GUARD_OFFICERS = 2


def demands_of(posts, units) -> list[Demand]:
    """TPS posts plus the guard objects of every kab/kota and kecamatan."""
    out = [Demand(p.id, "tps", p.polri_required, p.kabkota, p.island) for p in posts]
    kabs = sorted({p.kabkota for p in posts})
    kecs = sorted({p.kecamatan for p in posts})
    key = -1
    for kab in kabs:
        for kind in ("kantor_kpu", "kantor_bawaslu", "gudang_logistik"):
            out.append(Demand(key, kind, GUARD_OFFICERS, kab))
            key -= 1
    for kec in kecs:
        out.append(Demand(key, "ppk_rekap", GUARD_OFFICERS, kec[:5]))
        key -= 1
    return out


def pools_of(plan, units) -> dict[str, Pool]:
    """Per Polres (kab/kota): officers the plan sends to its posts + unused strength of its own units."""
    kab_of_post = {p.id: p.kabkota for p in plan.posts}
    used = defaultdict(int)
    size = defaultdict(int)
    for a in plan.assignments:
        size[kab_of_post[a.post_id]] += a.count
        used[a.unit_id] += a.count
    for u in units:
        if u.kind in ("polres", "polsek"):
            size[u.area_code[:5]] += max(0, u.available - used[u.id])
    return {k: Pool(anonymous=n) for k, n in size.items()}


def staffed(plan, units, demands):
    t0 = time.perf_counter()
    shift_plan = plan_shifts(demands, pools_of(plan, units), voting_day=VOTING_DAY, zone="WITA")
    figures = shift_plan.figures()
    return figures, time.perf_counter() - t0, len(shift_plan.slots)


def scenario(name, data, province, n_tps, rng, polsek_share, pool_share=0.3) -> dict:
    t0 = time.perf_counter()
    if data and (data / "national/desa_centroids.csv").exists():
        desas, kec_xy, kab_xy, islands = load_regions(data, province)
    else:
        desas, kec_xy, kab_xy, islands = synth_regions(rng, 2285 if province else 83762, 1 if province else 38)
    tps, units = build_input(desas, kec_xy, kab_xy, islands, n_tps, rng, polsek_share)
    posts = group_posts(tps)
    units = staff_units(units, posts, kab_xy, rng, pool_share)
    demands = demands_of(posts, units)
    t1 = time.perf_counter()
    optimal = plan_optimal(posts, units)
    t2 = time.perf_counter()
    greedy = plan_greedy(posts, units)
    t3 = time.perf_counter()
    shifts_opt, shifts_opt_s, slots = staffed(optimal, units, demands)
    shifts_greedy, shifts_greedy_s, _ = staffed(greedy, units, demands)
    so, sg = optimal.summary(), greedy.summary()
    one_shift_hours = sg["polri_assigned"] * ONE_SHIFT_HOURS
    kinds = defaultdict(int)
    for d in demands:
        kinds[d.kind] += 1
    return {
        "scenario": name,
        "tps": len(tps),
        "posts_by_kind": dict(kinds),
        "slots": slots,
        "positions": shifts_opt["positions"],
        "input_s": t1 - t0,
        "optimal_s": t2 - t1,
        "greedy_s": t3 - t2,
        "shifts_s": shifts_opt_s,
        "plan_with_shifts_s": (t2 - t1) + shifts_opt_s,
        "travel_km_optimal": so["total_travel_km"],
        "travel_km_greedy": sg["total_travel_km"],
        "travel_ratio_greedy_over_optimal": sg["total_travel_km"] / max(so["total_travel_km"], 1e-9),
        "polri_assigned_optimal": so["polri_assigned"],
        "polri_assigned_greedy": sg["polri_assigned"],
        "officer_hours_required": shifts_opt["officer_hours_required"],
        "officer_hours_available_optimal": shifts_opt["officer_hours_available"],
        "officer_hours_available_greedy": shifts_greedy["officer_hours_available"],
        "officer_hours_filled_optimal": shifts_opt["officer_hours_filled"],
        "officer_hours_filled_greedy": shifts_greedy["officer_hours_filled"],
        "officer_hours_one_shift_greedy": one_shift_hours,
        "officer_hours_ratio_shifts_over_greedy_one_shift": shifts_opt["officer_hours_required"] / max(
            one_shift_hours, 1),
        "officers_needed": shifts_opt["officers_needed"],
        "officers_ratio_needed_over_greedy_assigned": shifts_opt["officers_needed"] / max(sg["polri_assigned"], 1),
        "unfilled_optimal": shifts_opt["unfilled"],
        "unfilled_greedy": shifts_greedy["unfilled"],
        "unfilled_ratio_greedy_over_optimal": shifts_greedy["unfilled"] / max(shifts_opt["unfilled"], 1),
        "time_ratio_shifts_over_greedy_plan": shifts_opt_s / max(t3 - t2, 1e-9),
        "shifts_greedy_s": shifts_greedy_s,
    }


def run(quick: bool = False, data=DEFAULT_DATA) -> dict:
    rng = np.random.default_rng(SEED)
    results = {"machine": machine(), "scenarios": [scenario("sultra", data, "74", 8154, rng, polsek_share=1.0)]}
    if not quick:
        results["scenarios"].append(scenario("national", data, None, 820161, rng, polsek_share=0.8))
    return results


def main(argv=None) -> int:
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Sultra only")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    res = run(args.quick, args.data)
    print(f"machine: {describe()}")
    for s in res["scenarios"]:
        print(f"\n[{s['scenario']}] {s['tps']:,} TPS; objects {s['posts_by_kind']}; {s['slots']:,} shifts, "
              f"{s['positions']:,} positions")
        print(f"  optimal plan {s['optimal_s']:.2f} s + shifts {s['shifts_s']:.2f} s = {s['plan_with_shifts_s']:.2f} s;"
              f" greedy plan {s['greedy_s']:.2f} s (shifts/greedy time {s['time_ratio_shifts_over_greedy_plan']:.2f})")
        print(f"  travel km optimal {s['travel_km_optimal']:,.0f} vs greedy {s['travel_km_greedy']:,.0f}: "
              f"greedy/optimal = {s['travel_ratio_greedy_over_optimal']:.3f}")
        print(f"  officer-hours with shifts {s['officer_hours_required']:,.0f} vs one-shift greedy "
              f"{s['officer_hours_one_shift_greedy']:,.0f}: "
              f"ratio {s['officer_hours_ratio_shifts_over_greedy_one_shift']:.2f};"
              f" available optimal {s['officer_hours_available_optimal']:,.0f}, greedy "
              f"{s['officer_hours_available_greedy']:,.0f}; staffed optimal {s['officer_hours_filled_optimal']:,.0f}, "
              f"greedy {s['officer_hours_filled_greedy']:,.0f}")
        print(f"  officers needed {s['officers_needed']:,} vs greedy assigned {s['polri_assigned_greedy']:,}: "
              f"ratio {s['officers_ratio_needed_over_greedy_assigned']:.2f}; unfilled positions optimal "
              f"{s['unfilled_optimal']:,}, greedy {s['unfilled_greedy']:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
