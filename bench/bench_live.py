"""Live command-post screens beside the field API, on one default `siaga serve` (8 threads, PostgreSQL).

    python bench/bench_live.py [--quick]

Field clients POST TPS events through the real HTTP API as fast as they are answered (as in
bench_operations), first alone (the baseline, measured in the same run), then while 200 live
screens are open. A screen behaves as the command-post page does: it asks /operasi/stream/ every
3 s (±20 %) with its cursor in If-None-Match (304 when nothing is new), and when messages arrive
refreshes the counters (/api/operations/summary) at most every 30 s; screens sign in with 20
accounts (10 screens each). Reported: field latency p50/p99 and events/s with and without the
screens (ratios), the screens' ask latency, every status, and requests that timed out (60 s) or failed.
"""

import http.client
import json
import os
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_operations import (  # noqa: E402
    ensure_database, event_rows, ingest_http, percentile, start_servers, token, tps_codes)
from machine import describe, load_average, machine  # noqa: E402

DB_NAME = "siaga_bench_live"
SCREENS, ACCOUNTS = 200, 20
POLL_S, SUMMARY_S, TIMEOUT_S = 3.0, 30.0, 60


def screen_tokens(env, count):
    """Bearer tokens of `count` commander accounts of Polda 74 (made in this process, faster than the CLI)."""
    os.environ.update(DATABASE_URL=env["DATABASE_URL"], SIAGA_HOME=env["SIAGA_HOME"],
                      DJANGO_SETTINGS_MODULE="siaga.config.settings")
    import django

    django.setup()
    from siaga.accounts.models import Agency, Role
    from siaga.accounts.services import token_issue, user_upsert
    from siaga.cli import cli_actor

    actor, agency = cli_actor(), Agency.objects.get(code="POLDA-74")
    tokens = []
    for i in range(count):
        user = user_upsert(actor=actor, username=f"bench.layar{i}", password="siaga-bench-2024-layar",
                           agency=agency, role=Role.COMMANDER)
        tokens.append(token_issue(actor=actor, user=user, name="bench-live")[1])
    return tokens


class Screens:
    """SCREENS polling clients in threads, each with its keep-alive connection, until stopped."""

    def __init__(self, port, tokens):
        self.port, self.tokens = port, tokens
        self.stop, self.lock = threading.Event(), threading.Lock()
        self.ready = threading.Barrier(SCREENS + 1)
        self.latencies, self.statuses, self.failures, self.messages = [], Counter(), Counter(), 0
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(SCREENS)]

    def ask(self, conn, path, token, headers=()):
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}", **dict(headers)})
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:  # a timeout is a failure to be served
            with self.lock:
                self.failures[type(exc).__name__] += 1
            conn.close()
            return None, None, None
        with self.lock:
            self.latencies.append(time.perf_counter() - started)
            self.statuses[f"{path.split('?')[0]} {response.status}"] += 1
        return response.status, body, response

    def run(self, i):
        token = self.tokens[i % len(self.tokens)]
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
        cursor, last_summary, first = "", 0.0, True
        while not self.stop.is_set():
            status, body, response = self.ask(conn, "/operasi/stream/", token,
                                              {"If-None-Match": cursor} if cursor else {})
            wait = POLL_S * random.uniform(0.8, 1.2)
            if status == 200:
                data = json.loads(body)
                cursor = response.getheader("ETag")
                with self.lock:
                    self.messages += len(data["messages"])
                if (data["messages"] or data["reset"]) and time.monotonic() - last_summary > SUMMARY_S:
                    last_summary = time.monotonic()
                    self.ask(conn, "/api/operations/summary?area=74", token)
            elif status == 429:
                wait = float(response.getheader("Retry-After") or 5)
            if first and status in (200, 304):
                first = False
                self.ready.wait()
            self.stop.wait(wait)
        conn.close()

    def __enter__(self):
        for t in self.threads:
            t.start()
        self.ready.wait(timeout=300)  # every screen has its cursor: all 200 are open
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=TIMEOUT_S + 5)

    def figures(self):
        return {"screens": SCREENS, "accounts": len(self.tokens), "asks": len(self.latencies),
                "ask_p50_ms": round(percentile(self.latencies, 0.5) * 1000, 1),
                "ask_p99_ms": round(percentile(self.latencies, 0.99) * 1000, 1),
                "statuses": dict(self.statuses), "failed_or_timed_out": dict(self.failures),
                "messages_received": self.messages}


def run(quick: bool) -> dict:
    load_at_start = load_average()
    env = ensure_database(DB_NAME)
    n_events, clients = (1500, 8) if quick else (6000, 16)
    codes, raw_token = tps_codes(env), token(env)
    tokens = screen_tokens(env, ACCOUNTS)
    done = 0

    def next_rows(n):
        nonlocal done
        done += n
        return event_rows(codes, n, done - n)

    procs, (port,) = start_servers(env, 1, 8)  # the default `siaga serve`: one process, 8 threads
    try:
        ingest_http([port], raw_token, next_rows(200), 4)  # warm up: imports, connections
        alone = ingest_http([port], raw_token, next_rows(n_events), clients)
        with Screens(port, tokens) as screens:
            beside = ingest_http([port], raw_token, next_rows(n_events), clients)
        live = screens.figures()
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=20)
    served = all(s in (200, 201) for s in beside["statuses"])
    return {
        "machine": machine(), "load_average_at_start": load_at_start, "load_average_at_end": load_average(),
        "field_clients": clients, "field_api_alone": alone, "field_api_with_screens": beside, "live_screens": live,
        "field_p50_with_to_without_ratio": round(beside["p50_ms"] / alone["p50_ms"], 2),
        "field_p99_with_to_without_ratio": round(beside["p99_ms"] / alone["p99_ms"], 2),
        "field_rate_with_to_without_ratio": round(beside["events_per_s"] / alone["events_per_s"], 3),
        "every_field_request_stored": served, "no_request_timed_out": not live["failed_or_timed_out"],
    }


def main():
    quick = "--quick" in sys.argv
    print(f"Machine: {describe()}")
    r = run(quick)
    alone, beside, live = r["field_api_alone"], r["field_api_with_screens"], r["live_screens"]
    print(f"Field API alone ({r['field_clients']} clients): {alone['events_per_s']} events/s, p50 {alone['p50_ms']} ms, "
          f"p99 {alone['p99_ms']} ms, statuses {alone['statuses']}")
    print(f"With {live['screens']} live screens open: {beside['events_per_s']} events/s, p50 {beside['p50_ms']} ms, "
          f"p99 {beside['p99_ms']} ms, statuses {beside['statuses']}")
    print(f"  ratios with/without: p50 {r['field_p50_with_to_without_ratio']}, p99 "
          f"{r['field_p99_with_to_without_ratio']}, rate {r['field_rate_with_to_without_ratio']}")
    print(f"Screens: {live['asks']} asks, p50 {live['ask_p50_ms']} ms, p99 {live['ask_p99_ms']} ms, statuses "
          f"{live['statuses']}, failed or timed out {live['failed_or_timed_out']}, "
          f"{live['messages_received']} messages received")
    print(f"Load average at start {r['load_average_at_start']}, at the end {r['load_average_at_end']}")
    print(json.dumps(r, default=str))


if __name__ == "__main__":
    main()
