"""Risk-matrix ranking and KPI computation speed, against plain-Python baselines on the same data.

National scale: a threat register per Polres (514 kab/kota x ~40 threats = 20,560 threats)
ranked and binned in one pass; action items done on time over 200,000 items (every
meeting of every Polres over a cycle). Baselines: sorting bare (score, impact) tuples;
counting on-time items in a bare loop. Ratio = ours / baseline (lower is better; ~1-3 is
the price of validation and dataclasses).

    python bench/bench_planning.py [--quick]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe, machine  # noqa: E402

from siaga.core.kpi import DueItem, on_time_share  # noqa: E402
from siaga.core.risk_matrix import Rated, level_counts, matrix, rank  # noqa: E402


def _best(func, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def run(quick: bool) -> dict:
    rng = random.Random(2024)
    n_threats = 2_056 if quick else 20_560
    n_items = 20_000 if quick else 200_000
    threats = [Rated(i, rng.randint(1, 5), rng.randint(1, 5)) for i in range(n_threats)]
    bare = [(t.likelihood * t.impact, t.impact, t.key) for t in threats]
    ours_rank = _best(lambda: (rank(threats), matrix(threats), level_counts(threats)))
    base_rank = _best(lambda: sorted(bare, key=lambda x: (-x[0], -x[1])))

    start = date(2024, 9, 1)
    items = [DueItem(start + timedelta(rng.randint(0, 90)),
                     None if rng.random() < 0.2 else start + timedelta(rng.randint(0, 95))) for _ in range(n_items)]
    today = date(2024, 12, 1)
    raw = [(i.due, i.done) for i in items]

    def baseline():
        due = on_time = 0
        for d, done in raw:
            if done is not None or d < today:
                due += 1
                on_time += done is not None and done <= d
        return on_time / due

    ours_kpi = _best(lambda: on_time_share(items, today))
    base_kpi = _best(baseline)
    return {
        "machine": machine(),
        "threats": n_threats, "rank_matrix_s": ours_rank, "sort_baseline_s": base_rank,
        "rank_ratio": ours_rank / base_rank,
        "items": n_items, "on_time_share_s": ours_kpi, "loop_baseline_s": base_kpi,
        "on_time_ratio": ours_kpi / base_kpi,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    r = run(parser.parse_args().quick)
    print(f"Machine: {describe()}")
    print(f"Rank + matrix + levels, {r['threats']:,} threats: {r['rank_matrix_s'] * 1000:.1f} ms vs plain sort "
          f"{r['sort_baseline_s'] * 1000:.1f} ms -> ratio {r['rank_ratio']:.2f}")
    print(f"Action items on time, {r['items']:,} items: {r['on_time_share_s'] * 1000:.1f} ms vs bare loop "
          f"{r['loop_baseline_s'] * 1000:.1f} ms -> ratio {r['on_time_ratio']:.2f}")


if __name__ == "__main__":
    main()
