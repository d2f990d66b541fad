"""Live updates go out after commit (in-process and through Redis) to polling pages, capped; the after-action
report files."""

import re
import uuid

import pytest
import redis

from siaga.operations import broker as broker_module
from siaga.operations import report, services
from siaga.operations.selectors import live_visibility
from siaga.operations.stream import MAX_MESSAGES, process_gate, updates, user_gate


def test_update_is_published_only_after_commit(user, fresh_tps, cid, django_capture_on_commit_callbacks):
    (tps,) = fresh_tps()
    local = broker_module.broker()
    seen = local.latest()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.tps_event_record(actor=user("admin"), client_id=cid(), tps_code=tps.code, kind="buka")
    assert local.latest() == seen  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    _, (message,), complete = local.after(seen)
    assert complete and (message["type"], message["tps"], message["stage"]) == ("tps", tps.code, "buka")


def deliver(*messages):
    """Put messages in the process's ring as committed changes would; returns the cursor before them."""
    live = broker_module.broker()
    cursor = f"{live.epoch}.{live.latest()}"
    for m in messages:
        live.deliver(m)
    return cursor


@pytest.mark.parametrize("username, shown", [
    ("polres.kolaka", {"tps a", "incident 1", "incident 2", "dispatch 3"}),  # police: everything of its area
    ("ppk.kolaka", {"tps a", "incident 2"}),  # a KPU operator: published incidents only, no dispatches
    ("kpu", {"tps a", "tps b", "incident 2"}),  # a partner of the province: its whole area, published only
])
def test_poll_filters_by_scope_and_agency_authority(user, username, shown):
    cursor = deliver({"type": "tps", "area": "74.01.01.2001", "tps": "a"},
                     {"type": "tps", "area": "74.02.01.2001", "tps": "b"},
                     {"type": "incident", "area": "74.01.01", "published": False, "id": 1},
                     {"type": "incident", "area": "74.01.01", "published": True, "id": 2},
                     {"type": "dispatch", "area": "74.01.01", "incident": 1, "id": 3})
    visible = live_visibility(viewer=user(username))
    data = updates(cursor, visible)
    assert {f"{m['type']} {m.get('tps') or m['id']}" for m in data["messages"]} == shown and not data["reset"]
    assert updates(data["cursor"], visible)["messages"] == []


def test_poll_answers_304_until_something_visible_changes(client_as):
    client = client_as("polres.kolaka")
    first = client.get("/operasi/stream/")
    assert first.status_code == 200 and first.json()["messages"] == [] and not first.json()["reset"]
    etag = first["ETag"]
    assert client.get("/operasi/stream/", headers={"if-none-match": etag}).status_code == 304
    deliver({"type": "tps", "area": "74.02.01.2001", "tps": "elsewhere"})  # outside Kolaka: new cursor, no content
    quiet = client.get("/operasi/stream/", headers={"if-none-match": etag})
    assert quiet.status_code == 200 and quiet.json()["messages"] == [] and quiet["ETag"] != etag
    deliver({"type": "tps", "area": "74.01.04.2001", "tps": "here"})
    news = client.get("/operasi/stream/", {"since": quiet.json()["cursor"]})
    assert [m["tps"] for m in news.json()["messages"]] == ["here"]


def test_poll_from_another_run_or_after_an_overrun_asks_for_a_refresh(client_as):
    client = client_as("kapolda")
    assert client.get("/operasi/stream/", {"since": "0badc0de.17"}).json()["reset"]
    cursor = deliver({"type": "tps", "area": "74.01", "tps": "x"})
    deliver(*({"type": "tps", "area": "74.01", "tps": str(i)} for i in range(broker_module.RING_SIZE)))
    late = client.get("/operasi/stream/", {"since": cursor}).json()
    assert late["reset"] and len(late["messages"]) == MAX_MESSAGES


def test_live_asks_are_capped_per_process_and_per_user(client_as):
    """A full gate answers at once with 429 and Retry-After: live asks never take every server thread."""
    client = client_as("kapolda")
    with process_gate.enter() as a, process_gate.enter() as b, process_gate.enter() as c, process_gate.enter() as d:
        assert a and b and c and d
        busy = client.get("/operasi/stream/")
        assert busy.status_code == 429 and busy["Retry-After"]
    kapolda = client.get("/").wsgi_request.user.pk
    with user_gate.enter(kapolda), user_gate.enter(kapolda):
        assert client.get("/operasi/stream/").status_code == 429
        assert client_as("polres.kolaka").get("/operasi/stream/").status_code == 200  # another user is served
    assert client_as("kapolda").get("/operasi/stream/").status_code == 200
    assert process_gate.inflight == {} and user_gate.inflight == {}


def test_poll_needs_a_user(client):
    assert client.get("/operasi/stream/").status_code == 401


def test_redis_broker_reaches_another_process_subscriber():
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.fail("Redis must run on 127.0.0.1:6379 (the CI script starts it)")
    sender, receiver = broker_module.RedisBroker(url), broker_module.RedisBroker(url)
    assert receiver.ready.wait(5) and sender.ready.wait(5)
    tag = str(uuid.uuid4())  # other test runs may share this Redis database
    sender.publish({"type": "tps", "tps": "7401010001001", "area": "74.01", "tag": tag})
    sender.publish({"type": "tps", "tps": "7401010001002", "area": "74.01", "tag": tag})

    def numbered(live):
        """Our messages with the numbers this process gave them."""
        assert live.wait_after(0, timeout=5)
        for _ in range(50):
            ring = [(n, m["tps"]) for n, m in list(live._ring) if m.get("tag") == tag]
            if len(ring) == 2:
                return ring
            live.wait_after(live.latest(), timeout=0.1)
        return ring

    # Redis numbers them: both processes hold the same numbers, so a cursor from one is good on the other.
    assert numbered(receiver) == numbered(sender)
    assert [t for _, t in numbered(receiver)] == ["7401010001001", "7401010001002"] and sender.epoch == receiver.epoch


def test_after_action_report_xlsx_and_pdf(user):
    from openpyxl import load_workbook

    data = report.after_action(viewer=user("admin"), area="74")
    assert data["tps"] == 8154 and data["reporting"] >= 120
    opened = next(p for p in data["punctuality"] if p["milestone"] == "buka")
    assert opened["on_time"] + opened["late"] + opened["missing"] == 8154
    workbook = load_workbook(report.to_xlsx(data))
    assert workbook.sheetnames == ["Ringkasan", "Ketepatan", "Insiden", "Per wilayah", "Waktu respons",
                                   "Pemungutan ulang"]  # re-voting TPS counted on their own
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
