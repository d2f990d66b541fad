"""Offline handovers synchronised later: device order kept, never duplicated (also under concurrent retries)."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from siaga.custody import services
from siaga.custody.models import Event, Handover


def _records(boxes, at, prefix):
    kpu, ppk, pps = f"KPU-{boxes[0].kabkota_code}", f"PPK-{boxes[0].kecamatan_code}", f"PPS-{boxes[0].desa_code}"
    codes = [b.code for b in boxes]
    base = {"item_codes": codes, "device": "hp-01", "receiver_name": "Ketua", "signature": "ttd"}
    return [
        {**base, "client_id": f"{prefix}-2", "client_seq": 2, "at": at + timedelta(hours=3), "from_node": ppk,
         "to_node": pps},
        {**base, "client_id": f"{prefix}-1", "client_seq": 1, "at": at, "from_node": kpu, "to_node": ppk},
    ]


def test_offline_records_apply_in_device_order_and_retries_change_nothing(user, warehouse_tps, at):
    admin = user("admin")
    _, boxes = warehouse_tps
    records = _records(boxes, at, "off")
    assert services.handover_sync(actor=admin, records=records) == [("off-1", "stored"), ("off-2", "stored")]
    events = [json.loads(t) for t in Event.objects.filter(item=boxes[0]).order_by("seq").values_list("canonical", flat=True)]
    assert [(e["seq"], e["payload"].get("handover")) for e in events] == [(1, None), (2, "off-1"), (3, "off-2")]
    count = Event.objects.count()
    assert services.handover_sync(actor=admin, records=records) == [("off-1", "duplicate"), ("off-2", "duplicate")]
    assert Event.objects.count() == count and Handover.objects.filter(client_id__startswith="off-").count() == 2


def test_concurrent_retries_in_threads_store_each_record_once(tmp_path):
    """Threads need committed data and their own connections: run them against a scratch database."""
    env = {**os.environ, "SIAGA_HOME": str(tmp_path)}
    if env.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/custody_sync_race"
    else:
        env.pop("DATABASE_URL", None)
    script = Path(__file__).with_name("sync_race.py")
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["stored"] == 2 and result["duplicates"] == 2 * (result["threads"] - 1)
    assert result["handovers"] == 2 and result["events_per_item"] == 3 and result["verify_ok"]
    assert result["order"] == ["race-1", "race-2"]
