"""Voting-day ingestion and the national dashboard query, on PostgreSQL.

    python bench/bench_operations.py [--quick]

1. Ingestion: TPS events POSTed through the real HTTP API (`siaga serve` processes on a
   PostgreSQL bench database, bearer token, keep-alive http.client connections from
   several threads): events per second, p50/p99 latency. Baseline in the same run:
   raw psycopg inserts of the same rows (event insert + summary update, one commit per
   event, same concurrency), so the ratio is the cost of HTTP + Django + audit.
2. National dashboard: the summary query the command post runs (the ORM's own SQL,
   pointed at a table of 820,161 generated summary rows), idle and while ingesting.
Goal: 2,000 events/s with p99 < 200 ms, summary < 100 ms. Figures are printed as they are.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from machine import describe, machine  # noqa: E402

PG = os.environ.get("SIAGA_BENCH_PG", "postgres://root@127.0.0.1:5432")
DB_NAME = "siaga_bench_ops"
NATIONAL_TPS = 820_161
KINDS = ("logistik", "buka", "pemungutan", "penghitungan", "selesai", "serah")


def ensure_database():
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            conn.execute(f"CREATE DATABASE {DB_NAME}")
    env = {**os.environ, "DATABASE_URL": f"{PG}/{DB_NAME}", "SIAGA_HOME": str(Path("/tmp") / DB_NAME)}
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        prepared = conn.execute("SELECT to_regclass('operations_votingday') IS NOT NULL").fetchone()[0] and \
            conn.execute("SELECT count(*) FROM operations_votingday").fetchone()[0] > 0
    if prepared:
        return env  # the demo is idempotent; skip re-running it
    source = os.environ.get("SIAGA_SHARED_DATA", str(REPO.parent / "shared" / "data"))
    subprocess.run([sys.executable, "-m", "siaga", "demo", "--no-serve", "--source", source], env=env, check=True,
                   capture_output=True)
    return env


def start_servers(env, count, threads):
    from socket import create_connection, socket

    procs, ports = [], []
    for _ in range(count):
        with socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        procs.append(subprocess.Popen([sys.executable, "-m", "siaga", "serve", "--port", str(port), "--threads",
                                       str(threads)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        ports.append(port)
    for port in ports:
        for _ in range(300):
            try:
                create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
    return procs, ports


def token(env):
    out = subprocess.run([sys.executable, "-m", "siaga", "user", "bench.petugas", "--agency", "POLDA-74", "--role",
                          "petugas", "--password", "siaga-bench-2024", "--token", "bench"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["token"]


def tps_codes(env):
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return [r[0] for r in conn.execute("SELECT code FROM regions_tps WHERE province_code='74' ORDER BY code")]


def event_rows(codes, n):
    """n events spread over the TPS: each TPS moves forward through the day."""
    return [(str(uuid.uuid4()), codes[i % len(codes)], KINDS[(i // len(codes)) % len(KINDS)]) for i in range(n)]


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))] if values else None


def ingest_http(ports, raw_token, rows, clients):
    latencies, statuses, lock = [], {}, threading.Lock()
    chunks = [rows[i::clients] for i in range(clients)]

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", ports[i % len(ports)], timeout=60)
        headers = {"Authorization": f"Bearer {raw_token}", "Content-Type": "application/json"}
        mine = []
        for client_id, code, kind in chunks[i]:
            body = json.dumps({"client_id": client_id, "tps_code": code, "kind": kind})
            started = time.perf_counter()
            conn.request("POST", "/api/operations/events", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    return {"events": len(rows), "seconds": round(seconds, 2), "events_per_s": round(len(rows) / seconds, 1),
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 1), "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "statuses": statuses}


def ingest_raw(dsn, rows, clients):
    """The same rows with plain SQL: event insert + summary update, one commit each."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        tps_id = dict(conn.execute("SELECT code, id FROM regions_tps WHERE province_code='74'").fetchall())
    chunks = [rows[i::clients] for i in range(clients)]

    def client(i):
        with psycopg.connect(dsn) as conn:
            for client_id, code, kind in chunks[i]:
                with conn.transaction():
                    conn.execute("INSERT INTO operations_tpsevent (client_id, tps_id, kind, at, received_at, channel, "
                                 "note, exercise) VALUES (%s, %s, %s, now(), now(), 'web', 'bench-raw', true)",
                                 (client_id, tps_id[code], kind))
                    conn.execute("UPDATE operations_tpsstatus SET events = events + 1, last_event_at = now() "
                                 "WHERE tps_id = %s", (tps_id[code],))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    with psycopg.connect(dsn) as conn:
        conn.execute("DELETE FROM operations_tpsevent WHERE note = 'bench-raw'")
    return {"events": len(rows), "seconds": round(seconds, 2), "events_per_s": round(len(rows) / seconds, 1)}


def summary_sql():
    """The SQL the command-post summary runs for a national viewer, on a stand-in table."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siaga.config.settings")
    django.setup()
    from django.db.models import Count, Q, Value

    from siaga.operations.models import MILESTONE_FIELDS, TpsStatus

    flags = {"disturbed": Count("pk", filter=Q(disturbed=True)), "suspended": Count("pk", filter=Q(suspended=True)),
             **{f: Count(f) for f in MILESTONE_FIELDS.values()}}
    queries = [
        TpsStatus.objects.order_by().values_list("stage").annotate(n=Count("pk")).query.sql_with_params(),
        ("SELECT COUNT(*) FROM bench_tps_status", ()),  # the TPS count: same row count as the national registry
        TpsStatus.objects.order_by().annotate(one=Value(1)).values("one").annotate(**flags).query.sql_with_params(),
    ]
    return [(text.replace('"operations_tpsstatus"', "bench_tps_status"), params) for text, params in queries]


def build_national_table(dsn, rows):
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_tps_status")
        conn.execute("CREATE TABLE bench_tps_status (LIKE operations_tpsstatus INCLUDING DEFAULTS INCLUDING INDEXES)")
        conn.execute("""
            INSERT INTO bench_tps_status (tps_id, province_code, kabkota_code, kecamatan_code, stage, last_event_at,
                disturbed, suspended, opened_at, counting_at, finished_at, events, anomalies)
            SELECT g, lpad((11 + g %% 38)::text, 2, '0'), '00.00', '00.00.00',
                   (ARRAY['persiapan','logistik','buka','pemungutan','penghitungan','selesai','serah'])[1 + g %% 7],
                   now(), g %% 97 = 0, g %% 499 = 0, CASE WHEN g %% 7 >= 2 THEN now() END,
                   CASE WHEN g %% 7 >= 4 THEN now() END, CASE WHEN g %% 7 >= 5 THEN now() END, g %% 7, 0
            FROM generate_series(1, %s) g""", (rows,))
        conn.execute("ANALYZE bench_tps_status")


def time_summary(dsn, sql, repeat):
    import psycopg

    times = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        for _ in range(repeat):
            started = time.perf_counter()
            for text, params in sql:
                conn.execute(text, params).fetchall()
            times.append(time.perf_counter() - started)
    return times


def run(quick: bool) -> dict:
    env = ensure_database()
    os.environ.update(DATABASE_URL=env["DATABASE_URL"], SIAGA_HOME=env["SIAGA_HOME"])
    dsn = env["DATABASE_URL"]
    n_events, clients, servers, national = (3000, 16, 2, 200_000) if quick else (20000, 32, 2, NATIONAL_TPS)
    codes = tps_codes(env)
    raw_token = token(env)
    sql = summary_sql()
    build_national_table(dsn, national)
    idle = time_summary(dsn, sql, 5 if quick else 15)

    raw = ingest_raw(dsn, event_rows(codes, n_events), clients)
    procs, ports = start_servers(env, servers, threads=16)
    busy, stop = [], threading.Event()

    def dashboard_while_ingesting():
        while not stop.is_set():
            busy.extend(time_summary(dsn, sql, 1))

    watcher = threading.Thread(target=dashboard_while_ingesting)
    try:
        ingest_http(ports, raw_token, event_rows(codes, 200), 4)  # warm-up: imports, connections
        watcher.start()
        api = ingest_http(ports, raw_token, event_rows(codes, n_events), clients)
    finally:
        stop.set()
        if watcher.is_alive():
            watcher.join()
        for p in procs:
            p.terminate()
            p.wait(timeout=20)
    result = {
        "machine": machine(), "load_average_at_end": os.getloadavg(),
        "ingest_api": api, "ingest_raw_sql": raw,
        "api_to_raw_ratio": round(api["events_per_s"] / raw["events_per_s"], 3),
        "summary_rows": national,
        "summary_idle_ms": {"p50": round(statistics.median(idle) * 1000, 1), "max": round(max(idle) * 1000, 1)},
        "summary_while_ingesting_ms": {"p50": round(statistics.median(busy) * 1000, 1) if busy else None,
                                       "max": round(max(busy) * 1000, 1) if busy else None, "runs": len(busy)},
        "servers": servers, "clients": clients,
    }
    if busy:
        result["summary_busy_to_idle_ratio"] = round(statistics.median(busy) / statistics.median(idle), 2)
    return result


def main():
    quick = "--quick" in sys.argv
    print(f"Machine: {describe()}")
    r = run(quick)
    api, raw = r["ingest_api"], r["ingest_raw_sql"]
    print(f"Ingestion via HTTP API ({r['servers']} servers, {r['clients']} clients): {api['events_per_s']} events/s, "
          f"p50 {api['p50_ms']} ms, p99 {api['p99_ms']} ms, statuses {api['statuses']}")
    print(f"Baseline raw SQL, same rows and concurrency: {raw['events_per_s']} events/s")
    print(f"  ratio API / raw: {r['api_to_raw_ratio']}")
    print(f"National summary over {r['summary_rows']:,} rows: idle p50 {r['summary_idle_ms']['p50']} ms, "
          f"while ingesting p50 {r['summary_while_ingesting_ms']['p50']} ms "
          f"(ratio {r.get('summary_busy_to_idle_ratio')})")
    print(f"Load average at the end (other work on the machine distorts every figure): {r['load_average_at_end']}")
    print(json.dumps(r, default=str))


if __name__ == "__main__":
    main()
