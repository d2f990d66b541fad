"""Run by test_sync.py in a subprocess: threads retrying one offline batch against a scratch database.

Prints one JSON line with what was stored. Sets up its own minimal data (one desa, one TPS).
"""

import json
import os
import sys
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siaga.config.settings")
THREADS = 6


def prepare_database():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        admin_url, name = url.rsplit("/", 1)
        with psycopg.connect(admin_url + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')


def main():
    prepare_database()
    from siaga.cli import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    from siaga.cli import cli_actor
    from siaga.custody import chain, services
    from siaga.custody.models import Event, Handover, Item
    from siaga.regions.models import Region, Tps

    parent = None
    for code, level in (("74", 1), ("74.02", 2), ("74.02.01", 3), ("74.02.01.2001", 4)):
        parent = Region.objects.create(code=code, parent=parent, level=level, name=f"R{code}", kind="desa")
    Tps.objects.create(code="7402012001001", desa=parent, kecamatan_code="74.02.01", kabkota_code="74.02",
                       province_code="74", number=1, name="TPS 001", voters=200)
    actor = cli_actor()
    at = datetime(2024, 2, 6, 9, tzinfo=ZoneInfo("Asia/Makassar"))
    services.registry_create(actor=actor, province_code="74", at=at)
    codes = list(Item.objects.filter(kind="box").values_list("code", flat=True))
    base = {"item_codes": codes, "device": "hp", "receiver_name": "Ketua", "signature": "ttd"}
    records = [
        {**base, "client_id": "race-2", "client_seq": 2, "at": at.replace(hour=12), "from_node": "PPK-74.02.01",
         "to_node": "PPS-74.02.01.2001"},
        {**base, "client_id": "race-1", "client_seq": 1, "at": at, "from_node": "KPU-74.02", "to_node": "PPK-74.02.01"},
    ]
    connection.close()
    results, errors = [], []
    barrier = threading.Barrier(THREADS)

    def worker():
        from django.db import connection as own

        try:
            barrier.wait()
            results.extend(services.handover_sync(actor=actor, records=records))
        except Exception as exc:  # reported below; the test fails on it
            errors.append(repr(exc))
        finally:
            own.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    item = Item.objects.get(code=codes[0])
    order = [json.loads(t)["payload"].get("handover") for t in
             Event.objects.filter(item=item).order_by("seq").values_list("canonical", flat=True)][1:]
    print(json.dumps({
        "threads": THREADS, "stored": sum(r == "stored" for _, r in results),
        "duplicates": sum(r == "duplicate" for _, r in results), "handovers": Handover.objects.count(),
        "events_per_item": item.events.count(), "verify_ok": chain.verify_database().ok, "order": order}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
