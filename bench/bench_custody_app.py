"""Custody through the database: streaming verification of stored chains, and handover latency under load.

1. Verification. National scale is 820,161 TPS x 5 boxes x 8 handovers = 32.8 M
   events; a sample (default 10,000 TPS x 5 boxes x 8 events = 400,000 events,
   --quick 1,000 TPS = 40,000) is written to the custody tables, then read
   back in streaming (server-side cursor) and verified by siaga.core.custody.
   Printed: events/s of the verify itself, its ratio to a plain SHA-256 loop over
   the same bytes measured in the same run (goal >= 0.5), the DB read cost
   separately, and the time scaled to national size.
2. Handover latency: THREADS workers each record handovers (offer + confirm, one
   box each, their own items) concurrently; p50/p99 of one handover (goal p99 < 20 ms
   on PostgreSQL).

Runs against DATABASE_URL (PostgreSQL recommended) in a scratch database
"<name>_bench_custody" that it creates and drops.

    DATABASE_URL=postgres://root@127.0.0.1:5432/test python bench/bench_custody_app.py [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe, machine  # noqa: E402

NATIONAL_EVENTS = 820_161 * 5 * 8
EVENTS_PER_ITEM = 8
THREADS = 4


def _scratch_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        os.environ["SIAGA_HOME"] = tempfile.mkdtemp(prefix="bench_custody_")
        os.environ.pop("DATABASE_URL", None)
        return None
    import psycopg

    base, name = url.rsplit("/", 1)
    scratch = f"{name}_bench_custody"
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.execute(f'CREATE DATABASE "{scratch}"')
    os.environ["DATABASE_URL"] = f"{base}/{scratch}"
    return base, scratch


def _setup(tps_count):
    from siaga.cli import cli_actor, setup_django

    os.environ.setdefault("SIAGA_HOME", tempfile.mkdtemp(prefix="bench_custody_"))
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from siaga.regions.models import Region, Tps

    parent = None
    for code, level in (("74", 1), ("74.02", 2), ("74.02.01", 3), ("74.02.01.2001", 4)):
        parent = Region.objects.create(code=code, parent=parent, level=level, name=f"R{code}", kind="desa")
    Tps.objects.bulk_create([Tps(code=f"7402{n:09d}",
                                 desa=parent, kecamatan_code="74.02.01", kabkota_code="74.02", province_code="74",
                                 number=n % 1000 or 1, name=f"TPS {n}", voters=200) for n in range(1, tps_count + 1)])
    return cli_actor()


def _fill_chains(at):
    """Extend every registered item to EVENTS_PER_ITEM events, inserted in bulk with real chains."""
    from siaga.core import custody as core
    from siaga.custody.bulk import insert_rows
    from siaga.custody.chain import utc_text
    from siaga.custody.models import Event, Item

    stamp = utc_text(at)
    rows, new_heads = [], []
    heads = list(Item.objects.values_list("pk", "code", "head_hash"))
    for pk, code, head in heads:
        for seq in range(2, EVENTS_PER_ITEM + 1):
            ev = core.make_event(code, seq, "handover", stamp, node=f"N{seq}", giver="a", receiver="b",
                                 seals=["S1"], payload={"handover": f"h{seq}"})
            stored = core.store_event(head, ev)
            head = stored.hash
            rows.append((pk, seq, stored.prev_hash, stored.hash, stored.canonical.decode(), "handover", at))
        new_heads.append((EVENTS_PER_ITEM, head, pk))
    insert_rows(Event, ["item_id", "seq", "prev_hash", "hash", "canonical", "kind", "recorded_at"], rows)
    from django.db import connection

    with connection.cursor() as cur:
        cur.executemany("UPDATE custody_item SET head_seq = %s, head_hash = %s WHERE id = %s", new_heads)


def bench_verify(quick):
    from siaga.core import custody as core
    from siaga.custody import chain

    t = time.perf_counter()
    events = list(chain.stored_events())
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    report = core.verify(events)
    verify_s = time.perf_counter() - t
    assert report.ok, report.to_dict()["broken"][:3]
    sha = hashlib.sha256
    pairs = [(bytes.fromhex(e.prev_hash), e.canonical) for e in events]
    t = time.perf_counter()
    for prev, data in pairs:
        sha(prev + data).hexdigest()
    plain_s = time.perf_counter() - t
    n = len(events)
    return {"events": n, "items": report.items, "db_read_s": round(read_s, 3), "verify_s": round(verify_s, 3),
            "plain_sha256_s": round(plain_s, 3), "verify_events_per_s": round(n / verify_s),
            "db_read_events_per_s": round(n / read_s), "ratio_verify_to_plain": round(plain_s / verify_s, 3),
            "national_events": NATIONAL_EVENTS,
            "national_estimate_s": {"read": round(read_s * NATIONAL_EVENTS / n), "verify": round(verify_s * NATIONAL_EVENTS / n)}}


def bench_handover(actor, per_thread):
    from django.db import connection

    from siaga.custody import services
    from siaga.custody.models import Item

    boxes = list(Item.objects.filter(kind="box").order_by("pk").values_list("code", flat=True))
    at = datetime(2024, 2, 6, 9, tzinfo=ZoneInfo("Asia/Makassar"))
    latencies, errors = [], []
    connection.close()
    barrier = threading.Barrier(THREADS)

    def worker(w):
        from django.db import connection as own

        try:
            mine = boxes[w::THREADS][:per_thread]
            barrier.wait()
            for n, code in enumerate(mine):
                t = time.perf_counter()
                h, otp = services.handover_offer(actor=actor, client_id=f"b-{w}-{n}", item_codes=[code],
                                                 from_node="KPU-74.02", to_node="PPK-74.02.01", at=at,
                                                 receiver_name="PPK")
                services.handover_confirm(actor=actor, handover=h, code=otp)
                latencies.append(time.perf_counter() - t)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            own.close()

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise RuntimeError(errors[:3])
    ms = sorted(x * 1000 for x in latencies)
    return {"threads": THREADS, "handovers": len(ms), "p50_ms": round(statistics.median(ms), 2),
            "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 2), "goal_p99_ms": 20}


def run(quick: bool) -> dict:
    scratch = _scratch_database()
    tps = 1_000 if quick else 10_000  # x 5 boxes x 8 events = 40,000 / 400,000 events
    try:
        actor = _setup(tps)
        from siaga.custody import services

        at = datetime(2024, 2, 5, 9, tzinfo=ZoneInfo("Asia/Makassar"))
        services.registry_create(actor=actor, province_code="74", at=at, envelopes=False)
        _fill_chains(at)
        result = {"machine": machine(), "database": os.environ.get("DATABASE_URL", "sqlite"),
                  "verify": bench_verify(quick), "handover": bench_handover(actor, 25 if quick else 100)}
    finally:
        if scratch:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(scratch[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch[1]}"')
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    result = run(args.quick)
    v, h = result["verify"], result["handover"]
    print(f"Machine: {describe()}")
    print(f"Database: {result['database'].split('@')[-1]}")
    print(f"Verify {v['events']:,} stored events ({v['items']:,} items): {v['verify_events_per_s']:,} events/s, "
          f"ratio to plain SHA-256 loop {v['ratio_verify_to_plain']} (goal >= 0.5; plain {v['plain_sha256_s']} s, "
          f"verify {v['verify_s']} s)")
    print(f"DB streaming read: {v['db_read_events_per_s']:,} events/s ({v['db_read_s']} s)")
    print(f"National {v['national_events']:,} events, estimated: read {v['national_estimate_s']['read']:,} s + "
          f"verify {v['national_estimate_s']['verify']:,} s")
    print(f"Handover under load ({h['threads']} threads, {h['handovers']} handovers): p50 {h['p50_ms']} ms, "
          f"p99 {h['p99_ms']} ms (goal p99 < {h['goal_p99_ms']} ms)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
