"""The national drill: a lean stream, the command-post summary read during the run, the after-action reconcile."""

import json
import uuid
from datetime import date, datetime, timezone

import numpy as np
import pytest

from siaga.core import simulator
from siaga.operations import drill

CODES = [f"7405242009{n:03d}" for n in range(1, 201)]


def test_the_stream_is_the_list_it_replaces_in_a_few_dozen_bytes_a_submission():
    tps = simulator.default_classes(CODES * 3, seed=5)
    settings = simulator.Settings(typo_rate=0.05)
    stream = simulator.election_day_stream(tps, day=date(2024, 2, 14), seed=5, settings=settings)
    subs = simulator.election_day(tps, day=date(2024, 2, 14), seed=5, settings=settings)
    assert list(stream) == subs and len(stream) == len(subs)
    assert simulator.expected_counts(stream) == simulator.expected_counts(subs)
    assert {s.kind for s in subs} == {"event", "incident"} and any(s.retry for s in subs)
    columns = (stream.send, stream.at, stream.hi, stream.lo, stream.tps, stream.kind, stream.flags, stream.detail)
    assert sum(c.nbytes for c in columns) / len(stream) < 48


def test_texts_built_in_bulk_are_those_of_datetime_and_uuid():
    moments = [datetime(2024, 2, 13, 22, 15, tzinfo=timezone.utc), datetime(2024, 2, 14, 1, 2, 3, 4, timezone.utc),
               datetime(2024, 2, 14, 23, 59, 59, 999999, timezone.utc)]
    us = np.array([(m - simulator.EPOCH) // simulator.US for m in moments], dtype="q")
    assert simulator._iso_texts(us) == [m.isoformat() for m in moments]
    ids = [uuid.UUID(int=0), uuid.uuid4(), uuid.UUID(int=(1 << 128) - 1)]
    hi = np.array([u.int >> 64 for u in ids], dtype="Q")
    lo = np.array([u.int & simulator.LOW64 for u in ids], dtype="Q")
    assert simulator._uuid_texts(hi, lo) == [str(u) for u in ids]


def test_sustained_rate_leaves_out_the_start_and_names_the_slowest_tenth():
    # 1000 submissions: the first 100 take 10 s (start-up), the rest 100 a second.
    marks = [(0.0, 0)] + [(n / 10, n) for n in range(10, 101, 10)] + [(10 + (n - 100) / 100, n)
                                                                      for n in range(110, 1001, 10)]
    rates = drill.throughput(marks)
    assert rates["sustained_events_per_s"] == 100.0
    assert rates["slowest_tenth_events_per_s"] == 10.0
    assert drill.throughput([(0.0, 0)]) == {"sustained_events_per_s": None, "slowest_tenth_events_per_s": None}


@pytest.fixture
def drill_user(db):
    from siaga.operations.commands import _drill_user

    return _drill_user("74")


def _via(client, token):
    """GET through the Django test client: the same view and selector as over HTTP."""
    def fetch(path):
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        return response.status_code, response.json()

    return fetch


def test_summary_poller_reads_the_command_post_counters(client, drill_user, fresh_tps, cid):
    from siaga.operations import selectors

    user, token = drill_user
    answered = iter([0, 1])
    poller = drill.SummaryPoller("http://unused", token, area="74", every=60, answered=lambda: next(answered),
                                 fetch=_via(client, token))
    before = poller.poll()
    expected = drill.summary_counts(selectors.summary(viewer=user, area="74"))
    assert {k: before[k] for k in expected} == expected
    assert before["status"] == 200 and before["ms"] > 0 and before["answered"] == 0
    (tps,) = fresh_tps(1)
    response = client.post("/api/operations/events", json.dumps({"client_id": str(cid()), "tps_code": tps.code,
                                                                 "kind": "logistik", "exercise": True}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201
    after = poller.poll()
    assert after["stages"]["logistik"] == before["stages"]["logistik"] + 1
    assert after["stages"]["persiapan"] == before["stages"]["persiapan"] - 1 and after["tps"] == before["tps"]
    report = poller.report()
    assert (report["polls"], report["failed"], report["first"], report["last"]) == (2, 0, before, after)
    assert report["p50_ms"] == round((before["ms"] + after["ms"]) / 2, 1)
    assert report["max_ms"] == max(before["ms"], after["ms"])


def test_an_unanswered_summary_read_is_counted_as_failed():
    def refused(path):
        raise ConnectionRefusedError(path)

    poller = drill.SummaryPoller("http://unused", "t", every=60, fetch=refused)
    poller.start()
    poller.stop()  # a run shorter than one interval: read once at the end
    report = poller.report()
    assert (report["polls"], report["failed"], report["p50_ms"], report["last"]) == (1, 1, None, None)
    assert report["samples"][0]["status"] == 599


def test_after_action_counts_reconcile_with_the_server_drill_report(client, drill_user):
    from siaga.operations.models import VotingDay
    from siaga.regions.models import Tps

    _user, token = drill_user
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    codes = list(Tps.objects.filter(province_code="74", election="pemilu").order_by("-code")
                 .values_list("code", flat=True)[:6])
    day = VotingDay.objects.filter(province_code="74").first()
    settings = simulator.Settings(typo_rate=0.1, retry_rate=0.3, incident_rate={"kurang_rawan": 1.0})
    stream = simulator.election_day_stream(simulator.default_classes(codes), day=day.date if day else date.today(),
                                           tz=day.timezone if day else "Asia/Makassar", seed=11, settings=settings)
    expected = simulator.expected_counts(stream)
    assert expected["rejected"] and expected["duplicates"] and expected["accepted"]
    run_id = drill.new_run_id()
    counts = {"sent": 0, "accepted": 0, "duplicates": 0, "rejected": 0, "errors": 0, "resent": 0}
    subs = list(stream)
    events = [s for s in subs if s.kind == "event" and not s.retry]
    batched = {s.client_id for s in events[:5]}  # five events through the batch endpoint, as --batch sends them
    body = {"events": [{**s.payload, "client_id": s.client_id, "exercise": True} for s in events[:5]], "drill": run_id}
    response = client.post(drill.BATCH_PATH, json.dumps(body), content_type="application/json", **headers)
    answers = [(response.status_code, response.content, 5)]
    for s in subs:
        if s.client_id in batched and not s.retry:
            continue
        body = {**s.payload, "client_id": s.client_id, "exercise": True, "drill": run_id}
        response = client.post(drill.PATHS[s.kind], json.dumps(body), content_type="application/json", **headers)
        answers.append((response.status_code, response.content, 1))
    for status, content, n in answers:
        for key in drill.answer_keys(status, content, n):
            counts[key] += 1
        counts["sent"] += n
    server = client.get(f"/api/operations/drills/{run_id}", **headers).json()
    assert drill.reconcile(expected, counts, server) == []
    assert server["incidents"] > 0 and server["events"] > 0

    assert drill.reconcile(expected, {**counts, "accepted": counts["accepted"] - 1}, server) == [
        f"accepted: drill {counts['accepted'] - 1} != expected {expected['accepted']}"]
    lost = {**server, "events": server["events"] - 1, "accepted": server["accepted"] - 1}
    assert drill.reconcile(expected, counts, lost) == [
        f"accepted: server {lost['accepted']} != expected {expected['accepted']}"]
    # A request resent after a lost answer may add one duplicate on the server, not more.
    more = {**server, "duplicates": server["duplicates"] + 1}
    assert drill.reconcile(expected, {**counts, "resent": 1}, more) == []
    assert drill.reconcile(expected, counts, more) == [
        f"duplicates: server {more['duplicates']} != expected {expected['duplicates']} (resent 0)"]
    assert drill.reconcile(expected, counts, {"detail": "Not Found"})[0].startswith("server report unavailable")
