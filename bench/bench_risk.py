"""Benchmark: the risk app's scoring path, national and one TPS after an incident.

- national: ``siaga.risk.explain.score_explained`` (score_bulk plus the stored
  explanation of every TPS) and the four-level area index over synthetic
  Indonesia (820,161 TPS, bench_scoring's data: Sultra Pilkada 2024 densities),
  against bench_scoring's plain NumPy pass over the same arrays. Goal < 10 s.
- incident: p50/p99 of ``services.incident_recorded`` (score_tps, then the
  four areas updated by the TPS's delta) on SQLite and on PostgreSQL, each a
  scratch database holding the demo (made with ``siaga demo --no-serve`` on
  first use), each call rolled back, against a bare ``score_tps`` of the same
  TPS and against rebuilding the same four areas from database aggregates (the
  path used before running totals). Goal < 50 ms. Each database is measured in
  a child process, as Django binds to one database per process. PostgreSQL
  server: SIAGA_BENCH_PG (default postgres://root@127.0.0.1:5432).

Run: python bench/bench_risk.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scoring import baseline, synthetic  # noqa: E402
from machine import describe, load_average, machine  # noqa: E402
from timing import median_seconds  # noqa: E402

from siaga.core.catalogues import BAWASLU_PILKADA_2024, DEFAULT_RULES, INTELKAM_AREA  # noqa: E402
from siaga.core.scoring import area_index_levels, score_areas_bulk  # noqa: E402
from siaga.risk.explain import score_explained  # noqa: E402

HERE = Path(__file__).resolve().parent
PG = os.environ.get("SIAGA_BENCH_PG", "postgres://root@127.0.0.1:5432")
SCRATCH = "siaga_bench_risk"
DATABASES = {
    "sqlite": {"SIAGA_HOME": f"/tmp/{SCRATCH}"},
    "postgresql": {"SIAGA_HOME": f"/tmp/{SCRATCH}_pg", "DATABASE_URL": f"{PG}/{SCRATCH}"},
}


def national(data: dict):
    out = score_explained(data["n_tps"], data["obs_tps"], data["obs_indicator"], data["obs_value"],
                          BAWASLU_PILKADA_2024, DEFAULT_RULES, special=data["special"],
                          days_since_incident=data["days"])
    n_kab, intel_area, intel_ind, intel_val = data["intel"]
    intel = {"kabkota": score_areas_bulk(n_kab, intel_area, intel_ind, intel_val, INTELKAM_AREA)}
    return out, area_index_levels(data["levels"], out.scores.score, out.scores.klass, intel=intel)


def incident_rescores(count: int) -> dict | None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siaga.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from siaga.cli import cli_actor
    from siaga.core.scoring import score_tps
    from siaga.regions.models import Tps
    from siaga.risk import engine, services
    from siaga.risk.catalogues import active_tps_catalogues, to_core

    ids = list(Tps.objects.filter(risk__isnull=False).values_list("pk", flat=True))
    if not ids:
        return None
    actor = cli_actor()
    chosen = np.random.default_rng(7).choice(ids, min(count, len(ids)), replace=False).tolist()
    service_times, bare_times, aggregate_times = [], [], []
    for pk in chosen:
        tps = Tps.objects.get(pk=pk)
        version = active_tps_catalogues()[tps.election]
        catalogue, rules = to_core(version)
        values = engine.tps_values(tps, version)
        start = time.perf_counter()
        score_tps(values, catalogue, rules, special=tps.special, last_incident=None, on=timezone.localdate())
        bare_times.append(time.perf_counter() - start)
        with transaction.atomic():
            start = time.perf_counter()
            services.incident_recorded(actor=actor, tps=tps, at=timezone.now(), severity=2, kind="bench")
            service_times.append(time.perf_counter() - start)
            transaction.set_rollback(True)  # leave the database as it was
        with transaction.atomic():
            start = time.perf_counter()
            engine.rebuild_areas([tps.desa_id, tps.kecamatan_code, tps.kabkota_code, tps.province_code],
                                 election=tps.election)
            aggregate_times.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    p50, p99 = np.percentile(service_times, [50, 99])
    return {"db": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1], "n": len(chosen),
            "p50_ms": float(p50) * 1e3, "p99_ms": float(p99) * 1e3,
            "bare_p50_ms": statistics.median(bare_times) * 1e3,
            "ratio_vs_bare": float(p50) / statistics.median(bare_times),
            "aggregate_areas_p50_ms": statistics.median(aggregate_times) * 1e3,
            "ratio_vs_aggregate_areas": float(p50) / statistics.median(aggregate_times),
            "loadavg": load_average()}


def _prepare(env: dict) -> None:
    """Make the scratch database and put the demo in it (idempotent, so a re-run only migrates)."""
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (SCRATCH,)).fetchone():
                conn.execute(f"CREATE DATABASE {SCRATCH}")
    Path(env["SIAGA_HOME"]).mkdir(parents=True, exist_ok=True)
    source = os.environ.get("SIAGA_SHARED_DATA", str(HERE.parent.parent / "shared" / "data"))
    subprocess.run([sys.executable, "-m", "siaga", "demo", "--no-serve", "--source", source], env=env, check=True,
                   capture_output=True)


def incident_on(database: str, count: int) -> dict | None:
    """``incident_rescores`` in a child process bound to one scratch database."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(DATABASES[database])
    _prepare(env)
    out = subprocess.run([sys.executable, __file__, "--incident-only", str(count)], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(quick: bool) -> dict:
    data = synthetic(0.1 if quick else 1.0)
    repeats = 2 if quick else 3
    out, _ = national(data)
    ours = median_seconds(lambda: national(data), repeats)
    base = median_seconds(lambda: baseline(data), repeats)
    return {
        "n_tps": data["n_tps"], "n_observations": int(data["obs_tps"].size),
        "national_s": ours, "baseline_s": base, "ratio_vs_baseline": ours / base,
        "explained_tps": sum(1 for c in out.contributions if c),
        "incident": {db: incident_on(db, 50 if quick else 300) for db in DATABASES},
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the country, fewer repeats")
    parser.add_argument("--incident-only", type=int, metavar="N", help=argparse.SUPPRESS)  # the child's part
    args = parser.parse_args()
    if args.incident_only:
        print(json.dumps(incident_rescores(args.incident_only)))
        return
    r = run(args.quick)
    print(f"machine: {describe()}")
    print(f"TPS {r['n_tps']:,}, observations {r['n_observations']:,}, explained {r['explained_tps']:,}")
    print(f"national app path (scores + explanations + 4-level index): {r['national_s']:.3f} s (goal < 10 s); "
          f"plain NumPy baseline {r['baseline_s']:.3f} s; ratio {r['ratio_vs_baseline']:.1f}x")
    for inc in r["incident"].values():
        if inc is None:
            print("incident re-score: skipped (no scored TPS in the scratch database)")
            continue
        print(f"incident re-score through the service on {inc['db']} ({inc['n']} TPS): p50 {inc['p50_ms']:.1f} ms, "
              f"p99 {inc['p99_ms']:.1f} ms (goal < 50 ms); bare score_tps p50 {inc['bare_p50_ms']:.3f} ms, "
              f"ratio {inc['ratio_vs_bare']:.0f}x; four areas from database aggregates p50 "
              f"{inc['aggregate_areas_p50_ms']:.1f} ms, ratio {inc['ratio_vs_aggregate_areas']:.2f}x; "
              f"load average {' '.join(f'{x:.2f}' for x in inc['loadavg'])}")


if __name__ == "__main__":
    main()
