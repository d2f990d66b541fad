"""National election-day drill: `siaga simulate election-day --province all --batch 50` through two workers.

    python bench/bench_drill.py [--quick]

Prepares a template database once (siaga_bench_drill_tpl, quick: siaga_bench_drill_quick_tpl) on the bench
PostgreSQL with the real commands: `siaga regions load` (the national hierarchy from ../shared/data; quick:
province 74), `siaga tps generate` (the calibrated national file, 820,161 TPS; quick: province 74) and
`siaga tps import` of that file, then the Polda 74 agencies and demo users, a national agency and the Pemilu
voting day of every loaded province. Each run copies the template into siaga_bench_drill (CREATE DATABASE
... TEMPLATE), so every run starts from the same state, starts two `siaga serve` workers and runs
`siaga simulate election-day --batch 50 --url W1 W2 --json` as a subprocess: the command spreads its
connections over both URLs (no balancer in front), reads the command-post summary every few seconds while it
runs, and reconciles its counts with the server's drill report at the end.

Figures: sustained events/s (submissions answered between 10 % and 90 % of the stream), p50/p99 per
submission, summary latency during the run (p50/max), reconciled true/false. Baseline in the same run: raw
psycopg inserts of the same events (those of the first TPS of the stream, fresh client ids: event insert +
summary update, one commit per batch of 50, as many connections as the drill), as in bench_operations.
--quick: province 74 (8,154 TPS, about 50,000 submissions).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from machine import describe, load_average, machine  # noqa: E402

PG = os.environ.get("SIAGA_BENCH_PG", "postgres://root@127.0.0.1:5432")
DB_NAME = "siaga_bench_drill"
SOURCE = os.environ.get("SIAGA_SHARED_DATA", str(REPO.parent / "shared" / "data"))
QUICK_PROVINCE = "74"
BATCH, CONNECTIONS, SERVERS, THREADS = 50, 4, 2, 8
SEED = 2024
RAW_TPS = {True: 8_154, False: 40_000}  # TPS whose events the raw baseline inserts again (quick: all of 74)
VOTING_DAY = "2024-02-14"  # Pemilu 2024, one date nationally

PREPARE = """
import sys
from datetime import date
from siaga.cli import cli_actor, setup_django
setup_django()
from siaga.accounts.demo import demo_agencies, demo_users
from siaga.accounts.models import AgencyKind, AgencyLevel
from siaga.accounts.services import agency_upsert
from siaga.core.timezones import zone_for_province
from siaga.operations.services import voting_day_configure
from siaga.regions.models import Region
actor = cli_actor()
demo_agencies(actor=actor, province=Region.objects.get(code="74"))
demo_users(actor=actor, province_code="74")
agency_upsert(actor=actor, code="MABES-POLRI", name="Mabes Polri", kind=AgencyKind.POLRI, level=AgencyLevel.NATIONAL)
for code in Region.objects.filter(level=1).values_list("code", flat=True):
    voting_day_configure(actor=actor, province_code=code, date=date.fromisoformat(sys.argv[1]),
                         tz=zone_for_province(code).name)
"""


def _admin(sql, *params):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        return conn.execute(sql, params).fetchall() if sql.lstrip().upper().startswith("SELECT") else \
            conn.execute(sql, params)


def _env(name):
    return {**os.environ, "DATABASE_URL": f"{PG}/{name}", "SIAGA_HOME": str(Path("/tmp") / name)}


def _siaga(env, *args, capture=True):
    return subprocess.run([sys.executable, "-m", "siaga", *args], env=env, check=True, text=True,
                          capture_output=capture)


def prepare_template(quick) -> tuple[str, float | None]:
    """The template database (built once: regions, generated TPS file through `siaga tps import`, agencies,
    voting days), migrated; its name and the seconds its building took (None: it was there)."""
    name = f"{DB_NAME}_quick_tpl" if quick else f"{DB_NAME}_tpl"
    env = _env(name)
    exists = _admin("SELECT 1 FROM pg_database WHERE datname = %s", name)
    if exists:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            ready = conn.execute("SELECT to_regclass('operations_votingday') IS NOT NULL").fetchone()[0] and \
                conn.execute("SELECT count(*) FROM operations_votingday").fetchone()[0] > 0
        if ready:
            _siaga(env, "migrate")
            return name, None
        _admin(f'DROP DATABASE "{name}"')  # a build that did not finish
    started = time.perf_counter()
    _admin(f'CREATE DATABASE "{name}"')
    province = ["--province", QUICK_PROVINCE] if quick else []
    _siaga(env, "migrate")
    print(f"  loading regions from {SOURCE}", flush=True)
    _siaga(env, "regions", "load", "--source", SOURCE, *province)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tps.csv"
        _siaga(env, "tps", "generate", *province, "--output", str(path))
        print("  importing the generated TPS file", flush=True)
        done = json.loads(_siaga(env, "tps", "import", str(path), "--json").stdout)
        print(f"  imported: {done.get('created')} TPS", flush=True)
    subprocess.run([sys.executable, "-c", PREPARE, VOTING_DAY], env=env, check=True, capture_output=True, text=True)
    return name, round(time.perf_counter() - started, 1)


def fresh_database(template) -> dict:
    """siaga_bench_drill as a copy of the template; its environment."""
    _admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DB_NAME}" TEMPLATE "{template}"')
    return _env(DB_NAME)


def start_servers(env, count, threads):
    from bench_operations import start_servers as start

    return start(env, count, threads)


def run_drill(env, urls, province) -> dict:
    """`siaga simulate election-day` as a subprocess; its --json result."""
    every = "2" if province != "all" else "5"
    done = subprocess.run([sys.executable, "-m", "siaga", "simulate", "election-day", "--province", province,
                           "--batch", str(BATCH), "--workers", str(CONNECTIONS), "--seed", str(SEED),
                           "--summary-every", every, "--json", "--url", *urls],
                          env=env, capture_output=True, text=True)
    if not done.stdout.strip():
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def raw_rows(dsn, province, n_tps):
    """The events of the drill's stream for its first n_tps TPS (same seed: the simulator draws TPS by TPS, so
    they are the drill's own), as (fresh client id, TPS id, kind, time)."""
    from datetime import date

    import psycopg

    from siaga.core.simulator import default_classes, election_day_stream

    with psycopg.connect(dsn) as conn:
        where = "" if province == "all" else "AND province_code = %s"
        rows = conn.execute(f"SELECT code, id FROM regions_tps WHERE election = 'pemilu' {where} ORDER BY code "
                            "LIMIT %s", ((province,) if where else ()) + (n_tps,)).fetchall()
    tps_id = dict(rows)
    # The drill's day: the one voting date of every province, in WITA (74's zone; the national default).
    stream = election_day_stream(default_classes(list(tps_id)), seed=SEED, day=date.fromisoformat(VOTING_DAY),
                                 tz="Asia/Makassar")
    return [(uuid.uuid4(), tps_id[s.payload["tps_code"]], s.payload["kind"], s.payload["at"]) for s in stream
            if s.kind == "event" and not s.retry and not s.expect_reject]


def ingest_raw(dsn, rows, clients, batch):
    """Plain SQL: event insert + summary update, one commit per batch, `clients` connections at once."""
    from bench_operations import insert_raw

    return insert_raw(dsn, rows, clients, batch)


def run(quick: bool) -> dict:
    load_at_start = load_average()
    province = QUICK_PROVINCE if quick else "all"
    template, built_s = prepare_template(quick)
    env = fresh_database(template)
    procs, ports = start_servers(env, SERVERS, THREADS)
    try:
        drill = run_drill(env, [f"http://127.0.0.1:{p}" for p in ports], province)
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=30)
    raw = ingest_raw(env["DATABASE_URL"], raw_rows(env["DATABASE_URL"], province, RAW_TPS[quick]), CONNECTIONS, BATCH)
    summary = drill.get("summary") or {}
    last = summary.get("last") or {}
    return {
        "machine": machine(), "load_average_at_start": load_at_start, "load_average_at_end": load_average(),
        "province": province, "tps": drill["tps"], "submissions": drill["sent"], "batch": BATCH,
        "servers": SERVERS, "threads_per_server": THREADS, "connections": CONNECTIONS,
        "template_built_s": built_s, "generate_s": drill["generate_s"], "client_peak_rss_mib": drill["client_peak_rss_mib"],
        "drill_s": drill["seconds"], "events_per_s": drill["events_per_s"],
        "sustained_events_per_s": drill["sustained_events_per_s"],
        "slowest_tenth_events_per_s": drill["slowest_tenth_events_per_s"],
        "p50_ms": drill.get("p50_ms"), "p99_ms": drill.get("p99_ms"), "errors": drill["errors"], "resent": drill["resent"],
        "requests": drill["requests"], "submissions_per_request": round(drill["sent"] / max(1, drill["requests"]), 1),
        "summary_polls": summary.get("polls"), "summary_failed": summary.get("failed"),
        "summary_p50_ms": summary.get("p50_ms"), "summary_max_ms": summary.get("max_ms"),
        "summary_last": {k: last.get(k) for k in ("tps", "stages", "open_incidents", "missing_checkins")},
        "reconciled": drill["reconciled"], "reconcile_problems": "; ".join(drill["reconcile_problems"]) or None,
        "expected": drill["expected"], "server": drill["server"],
        "raw_sql_batched": raw,
        "drill_to_raw_ratio": round((drill["sustained_events_per_s"] or drill["events_per_s"]) / raw["events_per_s"], 3),
    }


def main():
    quick = "--quick" in sys.argv
    print(f"Machine: {describe()}")
    r = run(quick)
    print(f"Drill {r['province']}: {r['tps']:,} TPS, {r['submissions']:,} submissions in {r['drill_s']} s through "
          f"{r['servers']} workers x {r['threads_per_server']} threads, {r['connections']} connections, batch {r['batch']}")
    print(f"  sustained {r['sustained_events_per_s']} events/s (overall {r['events_per_s']}, slowest tenth "
          f"{r['slowest_tenth_events_per_s']}), p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, errors {r['errors']}")
    print(f"  command-post summary during the run: {r['summary_polls']} reads, p50 {r['summary_p50_ms']} ms, "
          f"max {r['summary_max_ms']} ms, failed {r['summary_failed']}")
    print(f"  reconciled: {r['reconciled']} {r['reconcile_problems'] or ''}")
    print(f"  stream: generated in {r['generate_s']} s, client peak RSS {r['client_peak_rss_mib']} MiB")
    print(f"Baseline raw SQL, same events of {r['raw_sql_batched']['events']:,} in batches of {r['batch']}: "
          f"{r['raw_sql_batched']['events_per_s']} events/s; ratio drill / raw {r['drill_to_raw_ratio']}")
    print(f"Load average at start {r['load_average_at_start']}, at the end {r['load_average_at_end']}")
    print(json.dumps(r, default=str))


if __name__ == "__main__":
    main()
