"""Issue 19, voting day: the attacks of the second probe, replayed through HTTP, now refused.

Client ids that crossed areas, a KPU operator commanding incidents, timestamps and numbers that answered 500 or
sank a whole batch, overlapping batches that deadlocked, an SMS sender registered without a phone number.
"""

import hashlib
import json
import random
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from siaga.accounts.models import Agency, Role
from siaga.accounts.services import token_issue, user_upsert
from siaga.operations import services, tally
from siaga.operations.models import Incident, SmsMessage, TpsEvent, TpsStatus
from siaga.regions.models import Tps

EVENTS, BATCH, INCIDENTS = "/api/operations/events", "/api/operations/events/batch", "/api/operations/incidents"
ON_THE_DAY = "2024-02-14T08:00:00+08:00"  # the demo's voting day (VotingDay of province 74)


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _bearer(user):
    _, raw = token_issue(actor=user, user=user, name="uji")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def polres_7402(db):
    """An operator of Polres 74.02: the victim whose reports the 74.01 attacker goes after."""
    return user_upsert(actor=None, username="polres.7402.test", password="", role=Role.OPERATOR,
                       agency=Agency.objects.get(code="POLRES-74.02"))


@pytest.fixture
def kpu_operator(db):
    """A KPU Provinsi operator: a writing role, but of a partner agency."""
    return user_upsert(actor=None, username="kpu.operator.test", password="", role=Role.OPERATOR,
                       agency=Agency.objects.get(code="KPU-74"))


def _tps(kabkota, n=0):
    return Tps.objects.filter(election="pemilu", kabkota_code=kabkota).order_by("code")[n]


# --- 1. client ids never cross areas -------------------------------------------------------------------------

def test_replaying_another_areas_incident_client_id_is_a_conflict_without_content(user, polres_7402, cid):
    victim, attacker = _bearer(polres_7402), _bearer(user("polres.kolaka"))
    secret = {"client_id": str(cid()), "category": "bentrok", "severity": 3, "tps_code": _tps("74.02").code,
              "description": "Rahasia: massa dari desa tetangga"}
    assert _post(victim, INCIDENTS, secret).status_code == 201
    replay = _post(attacker, INCIDENTS, {**secret, "tps_code": _tps("74.01").code, "description": "apa saja"})
    assert replay.status_code == 409, replay.content
    assert "Rahasia" not in replay.content.decode() and "74.02" not in replay.content.decode()
    assert Incident.objects.filter(client_id=secret["client_id"]).get().reporter == polres_7402
    again = _post(victim, INCIDENTS, secret)  # the victim's own retry still answers its incident
    assert again.status_code == 200 and again.json()["description"] == secret["description"]


def test_replaying_another_areas_event_client_id_is_a_conflict_single_and_in_a_batch(user, polres_7402, cid):
    victim, attacker = _bearer(polres_7402), _bearer(user("polres.kolaka"))
    taken = str(cid())
    assert _post(victim, EVENTS, {"client_id": taken, "tps_code": _tps("74.02").code, "kind": "buka"}
                 ).status_code == 201
    own = {"tps_code": _tps("74.01").code, "kind": "buka"}
    single = _post(attacker, EVENTS, {"client_id": taken, **own})
    assert single.status_code == 409 and _tps("74.02").code not in single.content.decode()
    batch = _post(attacker, BATCH, {"events": [{"client_id": taken, **own}, {"client_id": str(cid()), **own}]})
    assert batch.status_code == 200
    first, second = batch.json()["results"]
    assert (first["id"], first["created"], first["stage"]) == (None, False, None) and "sudah dipakai" in first["detail"]
    assert second["created"] is True
    assert (batch.json()["accepted"], batch.json()["duplicates"], batch.json()["rejected"]) == (1, 0, 1)
    assert TpsEvent.objects.get(client_id=taken).reporter == polres_7402


@pytest.fixture
def gateway(user, polres_7402):
    token = services.sms_gateway_issue(actor=user("admin"), name="uji-gateway")
    services.sms_sender_register(actor=user("admin"), phone="0813-7402-0001", user=polres_7402)
    return token


def _sms(token, message_id, text, phone="+62 813 7402 0001"):
    return Client().post("/api/operations/sms", {"from": phone, "text": text, "id": message_id},
                         HTTP_X_GATEWAY_TOKEN=token)


def test_sms_client_ids_cannot_be_taken_first_from_another_area(user, gateway, polres_7402):
    """The attacker posts events under the client ids the next SMS would get with the old md5 scheme; the SMS
    reports are still stored, as the sender's, and only then answered "Diterima"."""
    attacker = _bearer(user("polres.kolaka"))
    own = _tps("74.01").code
    for message_id in ("gw-1001", "gw-1002"):
        predicted = hashlib.md5(f"sms|{message_id}".encode()).hexdigest()
        assert _post(attacker, EVENTS, {"client_id": predicted, "tps_code": own, "kind": "buka"}).status_code == 201
    target = _tps("74.02", 1)
    for message_id, kind in (("gw-1001", "BUKA"), ("gw-1002", "HITUNG")):
        reply = _sms(gateway, message_id, f"TPS {target.code} {kind}")
        assert reply.status_code == 200 and reply.content.decode().startswith("Diterima"), reply.content
    stored = TpsEvent.objects.filter(tps=target, channel="sms", reporter=polres_7402)
    assert sorted(stored.values_list("kind", flat=True)) == ["buka", "penghitungan"]
    # The gateway resending a message is a retry: answered again, stored once.
    assert _sms(gateway, "gw-1001", f"TPS {target.code} BUKA").status_code == 200
    assert stored.count() == 2


def test_sms_says_diterima_only_when_a_record_was_stored(user, gateway, polres_7402):
    """Should a derived client id ever be taken (here by an insider who knows the server secret), the SMS answer
    is a refusal, not "Diterima" with someone else's report number."""
    target = _tps("74.02", 2)
    phone = services.mobile_number("+62 813 7402 0001")
    taken = services.derived_client_id("sms", f"{services.sms_gateway_for(gateway).pk}|{phone}|gw-2001")
    services.tps_event_record(actor=user("kapolda"), client_id=taken, tps_code=target.code, kind="buka")
    reply = _sms(gateway, "gw-2001", f"TPS {target.code} BUKA")
    assert reply.status_code == 422 and reply.content.decode().startswith("Ditolak"), reply.content
    assert not TpsEvent.objects.filter(tps=target, reporter=polres_7402).exists()
    assert SmsMessage.objects.filter(phone=phone).latest("pk").accepted is False


# --- 2. command authority by agency, not only role --------------------------------------------------------------

def test_kpu_operator_cannot_see_or_command_unpublished_incidents(user, kpu_operator, cid, client):
    tps = _tps("74.01")
    incident, _ = services.incident_report(actor=user("polres.kolaka"), client_id=cid(), category="bentrok",
                                           severity=3, description="Belum dibagikan", tps_code=tps.code)
    other, _ = services.incident_report(actor=user("polres.kolaka"), client_id=cid(), category="hoaks",
                                        severity=1, description="Yang lain", tps_code=tps.code)
    client.force_login(kpu_operator)
    listed = client.get(INCIDENTS).json()
    assert incident.pk not in {row["id"] for row in listed}
    assert client.get(f"{INCIDENTS}/{incident.pk}").status_code == 404
    assert client.get(f"/operasi/insiden/{incident.pk}/").status_code == 404
    for action in ("verify", "invalidate"):
        r = _post(client, f"{INCIDENTS}/{other.pk}/transition", {"action": action})
        assert r.status_code == 403, (action, r.content)
    assert client.post(f"{INCIDENTS}/{incident.pk}/publish").status_code == 403
    assert _post(client, f"{INCIDENTS}/{incident.pk}/dispatch", {"unit": "BRIMOB-74"}).status_code == 403
    incident.refresh_from_db()
    other.refresh_from_db()
    assert (incident.status, incident.published_at, incident.dispatches.count(), other.status) == \
        ("baru", None, 0, "baru")
    # Published by the police, the incident is the partner's to read, still not to command.
    services.incident_transition(actor=user("kapolda"), incident_id=incident.pk, action="verify")
    services.incident_publish(actor=user("kapolda"), incident_id=incident.pk)
    assert client.get(f"{INCIDENTS}/{incident.pk}").status_code == 200
    page = client.get(f"/operasi/insiden/{incident.pk}/").content.decode()
    assert 'value="publish"' not in page and 'value="dispatch"' not in page and 'data-testid="action-' not in page
    assert _post(client, f"{INCIDENTS}/{incident.pk}/transition", {"action": "assign", "assign_to": "POLRES-74.01"}
                 ).status_code in (403, 409)
    assert _post(client, f"{INCIDENTS}/{incident.pk}/dispatch", {"unit": "BRIMOB-74"}).status_code == 403


def test_partner_reporter_sees_its_own_report(kpu_operator, cid):
    client = _bearer(kpu_operator)
    r = _post(client, INCIDENTS, {"client_id": str(cid()), "category": "hoaks", "severity": 1,
                                  "tps_code": _tps("74.03").code, "description": "Laporan KPU"})
    assert r.status_code == 201
    assert client.get(f"{INCIDENTS}/{r.json()['id']}").status_code == 200


@pytest.mark.parametrize("username, sees_unpublished", [("kapolda", True), ("kpu", False)])
def test_live_stream_sends_unpublished_incidents_to_police_only(user, client, username, sees_unpublished):
    from siaga.operations.broker import broker

    client.force_login(user(username))
    cursor = client.get("/operasi/stream/").json()["cursor"]  # the page's first ask
    broker().publish({"type": "incident", "id": 901, "area": "74.01.01", "published": False})
    broker().publish({"type": "dispatch", "id": 902, "incident": 901, "area": "74.01.01", "status": "dikirim"})
    broker().publish({"type": "incident", "id": 903, "area": "74.01.01", "published": True})
    messages = client.get("/operasi/stream/", {"since": cursor}).json()["messages"]
    assert [m["id"] for m in messages] == ([901, 902, 903] if sees_unpublished else [903])


# --- 10. one bad value refused on its own, never a 500 ---------------------------------------------------------

BAD_TIMES = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "2099-02-14T08:00:00+08:00"]


@pytest.mark.parametrize("at", BAD_TIMES)
def test_an_implausible_event_time_is_refused_with_its_reason(user, fresh_tps, cid, at):
    client = _bearer(user("kapolda"))
    (tps,) = fresh_tps()
    r = _post(client, EVENTS, {"client_id": str(cid()), "tps_code": tps.code, "kind": "buka", "at": at})
    assert r.status_code == 400 and "di luar rentang" in r.json()["detail"], r.content
    assert not TpsEvent.objects.filter(tps=tps).exists()


def test_a_report_dated_now_is_plausible_whatever_the_configured_voting_day(user, fresh_tps, cid):
    """The demo's voting day is in 2024; a phone used today reports today's time (the field page does)."""
    from django.utils import timezone

    client = _bearer(user("kapolda"))
    (tps,) = fresh_tps()
    r = _post(client, EVENTS, {"client_id": str(cid()), "tps_code": tps.code, "kind": "buka",
                               "at": timezone.now().isoformat()})
    assert r.status_code == 201, r.content


def test_one_bad_timestamp_does_not_sink_the_batch(user, fresh_tps, cid):
    client = _bearer(user("kapolda"))
    tps = fresh_tps(3)
    body = {"events": [{"client_id": str(cid()), "tps_code": tps[0].code, "kind": "buka", "at": ON_THE_DAY}]
            + [{"client_id": str(cid()), "tps_code": tps[1].code, "kind": "buka", "at": at} for at in BAD_TIMES]
            + [{"client_id": str(cid()), "tps_code": tps[2].code, "kind": "buka", "at": ON_THE_DAY}]}
    r = _post(client, BATCH, body)
    assert r.status_code == 200, r.content
    results = r.json()["results"]
    assert [row["created"] for row in results] == [True, False, False, False, True]
    assert all("di luar rentang" in row["detail"] for row in results[1:4])
    assert (r.json()["accepted"], r.json()["rejected"]) == (2, 3)
    assert TpsEvent.objects.filter(tps__in=tps).count() == 2


@pytest.mark.parametrize("change, reason", [
    ({"severity": 2 ** 70}, "Tingkat keparahan"), ({"severity": -5}, "Tingkat keparahan"),
    ({"occurred_at": "9999-12-31T23:59:59-12:00"}, "di luar rentang"),
    ({"occurred_at": "2099-01-01T00:00:00+08:00"}, "di luar rentang"),
    ({"tps_code": None, "area_code": "74.01.04", "lat": 91, "lng": 121.5}, "tidak valid"),
    ({"tps_code": None, "area_code": "74.01.04", "lat": -4.0, "lng": 500}, "tidak valid"),
])
def test_an_impossible_incident_is_refused_with_its_reason(user, cid, change, reason):
    client = _bearer(user("kapolda"))
    body = {"client_id": str(cid()), "category": "bentrok", "severity": 2, "description": "uji",
            "tps_code": _tps("74.01").code, **change}
    r = _post(client, INCIDENTS, body)
    assert r.status_code == 400 and reason in r.json()["detail"], r.content
    assert not Incident.objects.filter(client_id=body["client_id"]).exists()


# --- 11. overlapping batches wait for each other instead of deadlocking ------------------------------------------

def test_a_batch_inserts_in_one_global_order_whatever_the_order_sent(user, fresh_tps, cid):
    """Two batches holding the same client ids insert them in the same order (TPS, then client id): neither can
    hold a key the other needs before the one it waits for, the condition of a deadlock."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    tps = fresh_tps(3)
    items = [services.Submission(cid(), t.code, kind, None) for t in tps for kind in ("logistik", "buka")]
    orders = []
    for batch in (items, items[::-1], random.Random(11).sample(items, len(items))):
        with CaptureQueriesContext(db) as queries:
            services.tps_events_record(actor=user("kapolda"), submissions=batch)
        inserts = [q["sql"] for q in queries.captured_queries if "operations_tpsevent" in q["sql"]
                   and q["sql"].startswith("INSERT")]
        for insert in inserts:  # the later batches are retries: they insert nothing, in the same order
            found = {str(s.client_id): insert.find(str(s.client_id).replace("-", "")) for s in batch}
            if -1 in found.values():
                found = {c: insert.find(c) for c in found}
            orders.append(sorted(found, key=found.get))
    tps_of = {str(s.client_id): next(t.pk for t in tps if t.code == s.tps_code) for s in items}
    assert orders == [sorted(tps_of, key=lambda c: (tps_of[c], c))] * 3


def test_a_serialisation_failure_is_run_again_transparently(db):
    """A deadlock victim's transaction is rolled back whole: the write runs again instead of answering 500."""
    from django.db import OperationalError

    from siaga.operations.services.statements import retrying

    class Deadlock(Exception):
        sqlstate = "40P01"

    calls = []

    @retrying
    def write():
        calls.append(1)
        if len(calls) < 3:
            try:
                raise Deadlock("deadlock detected")
            except Deadlock as cause:
                raise OperationalError("deadlock detected") from cause
        return "stored"

    assert connection.in_atomic_block  # the test's own transaction: a retry is impossible inside it...
    with pytest.raises(OperationalError):
        write()
    calls.clear()
    connection.in_atomic_block = False  # ...so pretend, for this pure check, that the write owns its transaction
    try:
        assert write() == "stored" and len(calls) == 3
    finally:
        connection.in_atomic_block = True


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="threads need separate connections to a server database (SQLite serialises writers)")
def test_overlapping_batches_in_different_orders_never_deadlock(user, fresh_tps):
    from django.db import connections

    tps = fresh_tps(10, area="74.72")
    rng = random.Random(19)
    kinds = ("logistik", "buka", "pemungutan", "penghitungan", "selesai")
    pool = [{"client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "tps_code": t.code, "kind": kind,
             "at": f"2024-02-14T{7 + i:02d}:00:00+08:00"} for t in tps for i, kind in enumerate(kinds)]  # 50
    batches = [rng.sample(pool, 50) for _ in range(24)]  # each the whole pool, in its own order
    batches += [rng.sample(pool, 25) for _ in range(8)]
    admin, token, results = user("admin"), {}, []

    def in_thread(work):
        def run():
            try:
                work()
            finally:
                connections.close_all()
        t = threading.Thread(target=run)
        t.start()
        t.join()

    in_thread(lambda: token.setdefault("raw", token_issue(actor=admin, user=admin, name="deadlock")[1]))
    barrier = threading.Barrier(len(batches))

    def send(events):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token['raw']}")
        try:
            barrier.wait()
            r = client.post(BATCH, json.dumps({"events": events}), content_type="application/json")
            results.append((r.status_code, r.json() if r.status_code == 200 else r.content))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(events,)) for events in batches]
    ids = [row["client_id"] for row in pool]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(status for status, _ in results) == [200] * len(batches), results
        assert sum(body["accepted"] for _, body in results) == len(pool)
        assert sum(body["duplicates"] for _, body in results) == sum(map(len, batches)) - len(pool)
        assert sum(body["rejected"] for _, body in results) == 0
        assert TpsEvent.objects.filter(client_id__in=ids).count() == len(pool)
        assert sorted(TpsStatus.objects.filter(pk__in=[t.pk for t in tps]).values_list("events", flat=True)) == \
            [5] * len(tps)
    finally:
        def cleanup():
            from siaga.accounts.models import ApiToken

            TpsEvent.objects.filter(client_id__in=ids).delete()
            for row in TpsStatus.objects.filter(pk__in=[t.pk for t in tps]):
                tally.apply({row.kecamatan_code: tally.delta(tally.contribution(row), {})})
                row.delete()
            ApiToken.objects.filter(user=admin, name="deadlock").delete()
        in_thread(cleanup)


# --- issue 20: an SMS sender needs a phone number -----------------------------------------------------------------

@pytest.mark.parametrize("phone", ["notaphone", "", "021-555-1234", "0812", "+1 415 555 0100", "0812-3456-789x"])
def test_sms_sender_without_a_mobile_number_is_refused(db, capsys, phone):
    from siaga.cli import main
    from siaga.operations.models import SmsSender

    before = SmsSender.objects.count()
    with pytest.raises(SystemExit) as exit_:
        main(["operations", "sms-sender", phone, "polres.kolaka"])
    assert exit_.value.code != 0
    err = capsys.readouterr().err
    assert "bukan nomor ponsel Indonesia" in err and "Traceback" not in err
    assert SmsSender.objects.count() == before


def test_sms_sender_with_an_indonesian_mobile_number_is_stored(db, capsys):
    from siaga.cli import main
    from siaga.operations.models import SmsSender

    with pytest.raises(SystemExit) as exit_:
        main(["operations", "sms-sender", "+62 812-3456-7890", "polres.kolaka"])
    assert exit_.value.code == 0
    assert json.loads(capsys.readouterr().out) == {"phone": "6281234567890", "user": "polres.kolaka"}
    assert SmsSender.objects.get(phone="6281234567890").user.username == "polres.kolaka"
