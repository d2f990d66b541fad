"""Soak: a steady election-day drill against one `siaga serve` on PostgreSQL, watching memory and latency.

    python bench/soak.py [--minutes 60] [--rate 50] [--window 60] [--warmup 300] [--database-url URL]

Field submissions (the drill generator: stages, incidents, retries, typos; one
simulated voting day after another so client ids never repeat) are sent at a
steady `rate` per second through the real HTTP API. Every `window` seconds the
server's resident memory (VmRSS of its process tree, from /proc) and the
window's latency percentiles are recorded.

Bounds (exit code 1 when one is exceeded):
- memory: RSS at the end is less than 1.2x the RSS at the end of the warm-up;
- latency: median p99 of the second half of the windows after warm-up is at most
  2x that of the first half;
- integrity: no transport error left unresolved, the server stored exactly the
  submissions a correct server stores (none lost, none twice).
"""

import argparse
import dataclasses
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from socket import socket

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from machine import describe, machine  # noqa: E402

PG = os.environ.get("SIAGA_BENCH_PG", "postgres://root@127.0.0.1:5432")
RSS_GROWTH_BOUND = 1.2
P99_GROWTH_BOUND = 2.0
PROVINCE = "74"


# ---------------------------------------------------------------- server and database

def database_create(database_url: str) -> None:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def database_drop(database_url: str) -> None:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def demo_environment(database_url: str, home: Path, redis_url: str = "") -> dict:
    """The demo (Sultra) on a PostgreSQL database, prepared once: `siaga demo` is idempotent but slow."""
    import psycopg

    database_create(database_url)
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url, "SIAGA_HOME": str(home),
           "DJANGO_SETTINGS_MODULE": "siaga.config.settings"}
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    with psycopg.connect(database_url) as conn:
        prepared = conn.execute("SELECT to_regclass('regions_tps') IS NOT NULL").fetchone()[0] and \
            conn.execute("SELECT count(*) FROM regions_tps").fetchone()[0] > 0
    if not prepared:
        source = os.environ.get("SIAGA_SHARED_DATA", str(REPO.parent / "shared" / "data"))
        subprocess.run([sys.executable, "-m", "siaga", "demo", "--no-serve", "--source", source], env=env,
                       check=True, capture_output=True, timeout=900)
    return env


def free_port() -> int:
    with socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_start(env: dict, port: int, log_path: Path, threads: int = 8) -> subprocess.Popen:
    """`siaga serve` on `port`, returned once it answers HTTP."""
    log = open(log_path, "ab")
    proc = subprocess.Popen([sys.executable, "-m", "siaga", "serve", "--port", str(port), "--threads", str(threads)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("HEAD", "/masuk/")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log_path.read_text(errors="replace"))
            time.sleep(0.2)
    proc.kill()
    raise TimeoutError(f"siaga serve on port {port} did not answer")


def server_stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def field_token(env: dict, username: str) -> str:
    """A field officer of POLDA-74 with a bearer token, as a phone has."""
    out = subprocess.run([sys.executable, "-m", "siaga", "user", username, "--agency", f"POLDA-{PROVINCE}", "--role",
                          "petugas", "--password", "siaga-soak-2024", "--token", "soak"], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    return json.loads(out)["token"]


def tps_codes(database_url: str, limit: int) -> list[str]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT code FROM regions_tps WHERE province_code = %s ORDER BY code LIMIT %s",
                            (PROVINCE, limit)).fetchall()
    return [code for (code,) in rows]


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its descendants, in KiB, from /proc."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except FileNotFoundError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            pending += [int(child) for child in task.read_text().split()]
    return total


# ---------------------------------------------------------------- the steady stream

def steady_stream(tps: list[tuple[str, str]], count: int, rate: float, seed: int) -> list:
    """`count` drill submissions, one simulated voting day after another, re-timed to `rate` per second."""
    from siaga.core.simulator import election_day

    subs, day = [], 0
    while len(subs) < count:
        subs += election_day(tps, day=date(2024, 2, 14) + timedelta(days=day), seed=seed + day)
        day += 1
    start = subs[0].send_at
    return [dataclasses.replace(s, send_at=start + timedelta(seconds=i / rate)) for i, s in enumerate(subs[:count])]


def soak(*, url: str, token: str, server_pid: int, tps: list[tuple[str, str]], seconds: float, rate: float,
         window: float, echo=print) -> dict:
    """Send the stream window by window; each window: counts, p50/p99 latency, server RSS at its end.

    A fresh seed per run: client ids of an earlier soak on the same database would answer
    as retries (200) and not count as stored by this run.
    """
    from siaga.core.simulator import expected_counts
    from siaga.operations import drill

    per_window = max(1, round(rate * window))
    windows_count = max(1, round(seconds / window))
    subs = steady_stream(tps, per_window * windows_count, rate, seed=secrets.randbelow(2**31))
    run_id = drill.new_run_id()
    windows, started = [], time.monotonic()
    for n in range(windows_count):
        chunk = subs[n * per_window:(n + 1) * per_window]
        counts = drill.drive(chunk, url=url, token=token, run_id=run_id, speed=1.0, workers=4)
        row = {"window": n, "t": round(time.monotonic() - started, 1), "rss_kb": rss_kb(server_pid), **counts}
        windows.append(row)
        echo(f"  {row['t']:>7.1f} s  sent {row['sent']:>5}  p50 {row.get('p50_ms', 0):>7.1f} ms  "
             f"p99 {row.get('p99_ms', 0):>7.1f} ms  RSS {row['rss_kb'] / 1024:7.1f} MiB  errors {row['errors']}")
    totals = {k: sum(w[k] for w in windows) for k in ("sent", "accepted", "duplicates", "rejected", "errors", "resent")}
    return {"run": run_id, "windows": windows, "client": totals, "expected": expected_counts(subs),
            "server": drill.fetch_json(url, f"/api/operations/drills/{run_id}", token)}


# ---------------------------------------------------------------- the bounds

def verdict(report: dict, warmup_windows: int, *, rss_bound=RSS_GROWTH_BOUND, p99_bound=P99_GROWTH_BOUND) -> dict:
    """Growth ratios after the warm-up, integrity figures, and which bound each failure breaks."""
    steady = report["windows"][warmup_windows:] or report["windows"][-1:]
    base_rss = report["windows"][warmup_windows - 1]["rss_kb"] if warmup_windows else steady[0]["rss_kb"]
    rss_ratio = steady[-1]["rss_kb"] / base_rss
    half = max(1, len(steady) // 2)
    first_p99 = statistics.median(w["p99_ms"] for w in steady[:half])
    last_p99 = statistics.median(w["p99_ms"] for w in (steady[half:] or steady[:half]))
    p99_ratio = last_p99 / first_p99
    expected, server, client = report["expected"], report["server"], report["client"]
    lost = max(0, expected["accepted"] - server["accepted"])
    doubled = max(0, server["accepted"] - expected["accepted"])
    failures = []
    if rss_ratio >= rss_bound:
        failures.append(f"memory grew {rss_ratio:.2f}x after warm-up (bound < {rss_bound}x)")
    if p99_ratio > p99_bound:
        failures.append(f"p99 latency grew {p99_ratio:.2f}x (bound <= {p99_bound}x)")
    if lost or doubled or client["errors"]:
        failures.append(f"integrity: {lost} lost, {doubled} stored twice, {client['errors']} unresolved errors")
    if client["accepted"] != expected["accepted"]:
        failures.append(f"client counted {client['accepted']} accepted, expected {expected['accepted']}")
    return {"rss_ratio": round(rss_ratio, 4), "p99_ratio": round(p99_ratio, 4), "p99_first_ms": first_p99,
            "p99_last_ms": last_p99, "lost": lost, "doubled": doubled, "failures": failures}


def run(*, minutes: float, rate: float, window: float, warmup: float, database_url: str, home: Path,
        tps_limit: int, keep_database: bool = True, echo=print) -> dict:
    env = demo_environment(database_url, home)
    token = field_token(env, "soak.petugas")
    port = free_port()
    proc = server_start(env, port, home / "soak-server.log")
    try:
        from siaga.core.simulator import default_classes

        tps = default_classes(tps_codes(database_url, tps_limit))
        echo(f"Soak: {minutes} min at {rate}/s against {database_url} (server pid {proc.pid}), {len(tps)} TPS")
        report = soak(url=f"http://127.0.0.1:{port}", token=token, server_pid=proc.pid, tps=tps,
                      seconds=minutes * 60, rate=rate, window=window, echo=echo)
    finally:
        server_stop(proc)
        if not keep_database:
            database_drop(database_url)
    report["verdict"] = verdict(report, warmup_windows=max(1, round(warmup / window)))
    report["machine"] = machine()
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--rate", type=float, default=50, help="submissions per second")
    parser.add_argument("--window", type=float, default=60, help="seconds per measurement window")
    parser.add_argument("--warmup", type=float, default=300, help="seconds of warm-up not held to the bounds")
    parser.add_argument("--tps", type=int, default=2000, help="TPS taking part")
    parser.add_argument("--database-url", default=f"{PG}/siaga_soak")
    parser.add_argument("--home", default="/tmp/siaga_soak")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    print(describe(), file=sys.stderr)
    report = run(minutes=args.minutes, rate=args.rate, window=args.window, warmup=args.warmup,
                 database_url=args.database_url, home=Path(args.home), tps_limit=args.tps,
                 keep_database=not args.drop, echo=lambda line: print(line, file=sys.stderr))
    v = report["verdict"]
    if args.json:
        print(json.dumps(report, default=str))
    else:
        print(f"RSS after warm-up -> end: {v['rss_ratio']:.3f}x (bound < {RSS_GROWTH_BOUND}x); "
              f"p99 {v['p99_first_ms']} -> {v['p99_last_ms']} ms: {v['p99_ratio']:.2f}x (bound <= {P99_GROWTH_BOUND}x)")
        print(f"stored {report['server']['accepted']} of {report['expected']['accepted']} expected; "
              f"lost {v['lost']}, stored twice {v['doubled']}, client errors {report['client']['errors']}, "
              f"resent {report['client']['resent']}")
    for failure in v["failures"]:
        print(f"BOUND EXCEEDED: {failure}", file=sys.stderr)
    return 1 if v["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
