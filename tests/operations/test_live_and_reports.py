"""Live updates go out after commit (in-process and through Redis); the after-action report files."""

import json
import queue
import re

import pytest
import redis

from siaga.operations import broker as broker_module
from siaga.operations import report, services
from siaga.operations.selectors import live_visibility
from siaga.operations.stream import events


def test_update_is_published_only_after_commit(user, fresh_tps, cid, django_capture_on_commit_callbacks):
    (tps,) = fresh_tps()
    local = broker_module.broker()
    subscription = local.subscribe()
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.tps_event_record(actor=user("admin"), client_id=cid(), tps_code=tps.code, kind="buka")
        assert subscription.empty()  # nothing leaves before the commit
        for callback in callbacks:
            callback()
        message = subscription.get_nowait()
        assert (message["type"], message["tps"], message["stage"]) == ("tps", tps.code, "buka")
    finally:
        local.unsubscribe(subscription)


@pytest.mark.parametrize("username, shown", [
    ("polres.kolaka", {"tps a", "incident 1", "incident 2", "dispatch 3"}),  # police: everything of its area
    ("ppk.kolaka", {"tps a", "incident 2"}),  # a KPU operator: published incidents only, no dispatches
    ("kpu", {"tps a", "tps b", "incident 2"}),  # a partner of the province: its whole area, published only
])
def test_stream_filters_by_scope_and_agency_authority(user, username, shown):
    q = queue.Queue()
    for m in ({"type": "tps", "area": "74.01.01.2001", "tps": "a"}, {"type": "tps", "area": "74.02.01.2001", "tps": "b"},
              {"type": "incident", "area": "74.01.01", "published": False, "id": 1},
              {"type": "incident", "area": "74.01.01", "published": True, "id": 2},
              {"type": "dispatch", "area": "74.01.01", "incident": 1, "id": 3}):
        q.put(m)
    out = "".join(events(q, live_visibility(viewer=user(username)), max_seconds=0.5))
    got = {f"{m['type']} {m.get('tps') or m['id']}" for m in
           (json.loads(line[6:]) for line in out.splitlines() if line.startswith("data: "))}
    assert got == shown


def test_redis_broker_reaches_another_process_subscriber():
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.fail("Redis must run on 127.0.0.1:6379 (the CI script starts it)")
    sender, receiver = broker_module.RedisBroker(url), broker_module.RedisBroker(url)
    subscription = receiver.subscribe()
    sender.publish({"type": "tps", "tps": "7401010001001", "area": "74.01"})
    assert subscription.get(timeout=5)["tps"] == "7401010001001"


def test_after_action_report_xlsx_and_pdf(user):
    from openpyxl import load_workbook

    data = report.after_action(viewer=user("admin"), area="74")
    assert data["tps"] == 8154 and data["reporting"] >= 120
    opened = next(p for p in data["punctuality"] if p["milestone"] == "buka")
    assert opened["on_time"] + opened["late"] + opened["missing"] == 8154
    workbook = load_workbook(report.to_xlsx(data))
    assert workbook.sheetnames == ["Ringkasan", "Ketepatan", "Insiden", "Per wilayah", "Waktu respons"]
    assert workbook["Ringkasan"]["B3"].value == 8154
    assert len(workbook["Insiden"]._charts) == 1 and len(workbook["Ketepatan"]._charts) == 1
    rows = list(workbook["Ketepatan"].iter_rows(min_row=2, values_only=True))
    assert rows[0][:5] == ("buka", "07:15", opened["on_time"], opened["late"], opened["missing"])
    pdf = report.to_pdf(data)
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1


def test_after_action_page_and_downloads(client_as):
    client = client_as("kapolda")
    page = client.get("/operasi/laporan/?wilayah=74")
    assert page.status_code == 200 and b'data-testid="coverage"' in page.content
    xlsx = client.get("/operasi/laporan/?wilayah=74&format=xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    assert client.get("/operasi/laporan/?wilayah=74&format=pdf").content.startswith(b"%PDF-")
