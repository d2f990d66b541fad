"""Benchmark: national vulnerability scoring and area aggregation.

Synthetic Indonesia at Pemilu 2024 size (820,161 TPS in 83,731 desa, 7,277
kecamatan, 514 kab/kota, 38 provinces), scored on the Bawaslu Pilkada 2024
catalogue. Observation density follows Bawaslu's Sultra Pilkada 2024 mapping
(per-indicator TPS counts out of 4,611), scaled to about 1.5 observations per
TPS. Seeded, so every run scores the same data.

Figures:
- national: ``score_bulk`` + ``area_index_levels`` (four levels) + the Intelkam
  area score, against a plain NumPy pass over the same arrays (points by
  bincount, thresholds, per-level bincount means). Goal: under 10 s.
- single: p50 / p99 of 1,000 ``score_tps`` re-scores of one TPS. Goal: under 50 ms.

Run: python bench/bench_scoring.py [--quick]
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

import numpy as np
from machine import describe, machine
from timing import median_seconds

from siaga.core.catalogues import BAWASLU_PILKADA_2024, DEFAULT_RULES, INTELKAM_AREA
from siaga.core.scoring import area_index_levels, score_areas_bulk, score_bulk, score_tps, special_tps

SEED = 2024
SIZES = {"tps": 820_161, "desa": 83_731, "kecamatan": 7_277, "kabkota": 514, "provinsi": 38}
SULTRA_TPS = 4_611
# TPS flagged per indicator in Sultra, Pilkada 2024 (Bawaslu); neutrality's 3 put on civil servants.
SULTRA_COUNTS = {
    "K24.HAK.02": 3_565, "K24.HAK.03": 1_630, "K24.HAK.01": 1_463, "K24.HAK.04": 535,
    "K24.HAK.05": 303, "K24.HAK.06": 41, "K24.PU.01": 10, "K24.SARA.01": 8, "K24.NET.02": 3,
    "K24.LOG.01": 5, "K24.LOG.02": 25, "K24.LOG.04": 15, "K24.LOK.01": 56, "K24.LOK.02": 11,
}
OBS_PER_TPS = 1.5
ON = date(2024, 11, 27)


def _parents(rng: np.random.Generator, n_child: int, n_parent: int) -> np.ndarray:
    """Random child -> parent map where every parent has at least one child."""
    parent = np.concatenate([np.arange(n_parent), rng.integers(0, n_parent, n_child - n_parent)])
    return rng.permutation(parent)


def synthetic(scale: float = 1.0) -> dict:
    rng = np.random.default_rng(SEED)
    sizes = {k: max(int(round(v * scale)), 1) for k, v in SIZES.items()}
    n = sizes["tps"]
    tps_desa = _parents(rng, n, sizes["desa"])
    desa_kec = _parents(rng, sizes["desa"], sizes["kecamatan"])
    kec_kab = _parents(rng, sizes["kecamatan"], sizes["kabkota"])
    kab_prov = _parents(rng, sizes["kabkota"], sizes["provinsi"])
    tps_kec = desa_kec[tps_desa]
    tps_kab = kec_kab[tps_kec]
    levels = {
        "desa": (tps_desa, sizes["desa"]),
        "kecamatan": (tps_kec, sizes["kecamatan"]),
        "kabkota": (tps_kab, sizes["kabkota"]),
        "provinsi": (kab_prov[tps_kab], sizes["provinsi"]),
    }

    scale_obs = OBS_PER_TPS / (sum(SULTRA_COUNTS.values()) / SULTRA_TPS)
    cat = BAWASLU_PILKADA_2024
    tps_parts, ind_parts, val_parts = [], [], []
    for code, count in SULTRA_COUNTS.items():
        ind = cat.indicators[cat.position(code)]
        hit = np.flatnonzero(rng.random(n) < count / SULTRA_TPS * scale_obs)
        if ind.kind == "bool":
            values = np.ones(hit.size)
        elif ind.kind == "count":
            values = rng.poisson(ind.saturation * 0.4, hit.size) + 1.0
        else:
            values = rng.uniform(1 / 7, 4 / 7, hit.size)
        tps_parts.append(hit)
        ind_parts.append(np.full(hit.size, cat.position(code)))
        val_parts.append(values)
    order = rng.permutation(sum(p.size for p in tps_parts))  # observations arrive unsorted
    numbers = np.where(rng.random(n) < 0.003, 901, 1)  # about 0.3% TPS khusus
    days = np.where(rng.random(n) < 0.005, rng.integers(0, 90, n).astype(float), np.inf)

    # Intelkam: about a third of kab/kota assessed on three indicators each.
    assessed = np.flatnonzero(rng.random(sizes["kabkota"]) < 1 / 3)
    intel_area = np.repeat(assessed, 3)
    intel_ind = rng.integers(0, len(INTELKAM_AREA.indicators), intel_area.size)
    return {
        "n_tps": n,
        "obs_tps": np.concatenate(tps_parts)[order],
        "obs_indicator": np.concatenate(ind_parts)[order],
        "obs_value": np.concatenate(val_parts)[order],
        "special": special_tps(numbers),
        "days": days,
        "levels": levels,
        "intel": (sizes["kabkota"], intel_area, intel_ind, rng.integers(0, 4, intel_area.size).astype(float)),
    }


def national(data: dict) -> dict:
    scores = score_bulk(
        data["n_tps"], data["obs_tps"], data["obs_indicator"], data["obs_value"],
        BAWASLU_PILKADA_2024, DEFAULT_RULES, special=data["special"], days_since_incident=data["days"],
    )
    n_kab, intel_area, intel_ind, intel_val = data["intel"]
    intel = {"kabkota": score_areas_bulk(n_kab, intel_area, intel_ind, intel_val, INTELKAM_AREA)}
    indices = area_index_levels(data["levels"], scores.score, scores.klass, intel=intel)
    return {"scores": scores, "indices": indices}


def baseline(data: dict) -> None:
    """The plainest NumPy pass: points by bincount, thresholds, per-level means."""
    weights = np.array([i.weight for i in BAWASLU_PILKADA_2024.indicators])
    points = np.bincount(data["obs_tps"], weights=data["obs_value"] * weights[data["obs_indicator"]],
                         minlength=data["n_tps"])
    score = points / BAWASLU_PILKADA_2024.total_weight * 100.0
    klass = (score >= DEFAULT_RULES.rawan_min).astype(np.int8) + (score >= DEFAULT_RULES.sangat_rawan_min)
    for tps_area, n_areas in data["levels"].values():
        count = np.maximum(np.bincount(tps_area, minlength=n_areas), 1)
        np.bincount(tps_area, weights=score, minlength=n_areas) / count
        np.bincount(tps_area, weights=klass >= 1, minlength=n_areas) / count


def single_rescores(data: dict, count: int = 1_000) -> tuple[float, float]:
    """p50, p99 seconds of scoring one TPS from its observations."""
    rng = np.random.default_rng(SEED + 1)
    chosen = rng.choice(np.unique(data["obs_tps"]), count, replace=False)
    codes = [i.code for i in BAWASLU_PILKADA_2024.indicators]
    values = {int(t): {} for t in chosen}
    for t, i, v in zip(data["obs_tps"], data["obs_indicator"], data["obs_value"]):
        if int(t) in values:
            values[int(t)][codes[i]] = float(v)
    times = []
    for t in chosen:
        days = data["days"][t]
        last = None if np.isinf(days) else ON - timedelta(days=int(days))
        start = time.perf_counter()
        score_tps(values[int(t)], BAWASLU_PILKADA_2024, DEFAULT_RULES,
                  special=bool(data["special"][t]), last_incident=last, on=ON)
        times.append(time.perf_counter() - start)
    p50, p99 = np.percentile(times, [50, 99])
    return float(p50), float(p99)


def run(quick: bool) -> dict:
    data = synthetic(0.1 if quick else 1.0)
    repeats = 3 if quick else 5
    result = national(data)
    ours = median_seconds(lambda: national(data), repeats)
    base = median_seconds(lambda: baseline(data), repeats)
    p50, p99 = single_rescores(data)
    klass = result["scores"].klass
    return {
        "n_tps": data["n_tps"],
        "n_observations": int(data["obs_tps"].size),
        "national_s": ours,
        "baseline_s": base,
        "ratio_vs_baseline": ours / base,
        "single_p50_ms": p50 * 1e3,
        "single_p99_ms": p99 * 1e3,
        "class_shares": {name: float(np.mean(klass == k)) for k, name in
                         enumerate(("kurang_rawan", "rawan", "sangat_rawan", "khusus"))},
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the country, fewer repeats")
    r = run(parser.parse_args().quick)
    print(f"machine: {describe()}")
    print(f"TPS {r['n_tps']:,}, observations {r['n_observations']:,} "
          f"({r['n_observations'] / r['n_tps']:.2f} per TPS)")
    print(f"national score_bulk + 4-level area index: {r['national_s']:.3f} s "
          f"(goal < 10 s); plain NumPy baseline {r['baseline_s']:.3f} s; "
          f"ratio {r['ratio_vs_baseline']:.1f}x")
    print(f"single TPS re-score: p50 {r['single_p50_ms']:.3f} ms, p99 {r['single_p99_ms']:.3f} ms (goal < 50 ms)")
    print("classes: " + ", ".join(f"{k} {v:.2%}" for k, v in r["class_shares"].items()))


if __name__ == "__main__":
    main()
