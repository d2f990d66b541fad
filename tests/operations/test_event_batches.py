"""Batches of TPS events: each submission stands alone, a batch costs a fixed number of statements, and the
summary rows it leaves are exactly those of the same events sent one by one."""

import json
from datetime import datetime, timedelta, timezone

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings, strategies as st

from siaga.accounts.services import token_issue
from siaga.core import tps_state
from siaga.operations import services, tally
from siaga.operations.models import StatusTally, TpsEvent, TpsStatus
from siaga.regions.models import Tps

T0 = datetime(2024, 2, 13, 22, 0, tzinfo=timezone.utc)
ROW_FIELDS = ("stage", "last_event_at", "disturbed", "suspended", "opened_at", "counting_at", "finished_at",
              "events", "anomalies")


def _row(tps):
    return TpsStatus.objects.filter(pk=tps.pk).values(*ROW_FIELDS).first()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), st.sampled_from(tps_state.EVENT_KINDS), st.integers(0, 600)),
                min_size=1, max_size=12))
def test_a_batch_leaves_the_same_summary_rows_as_the_same_events_one_by_one(user, fresh_tps, cid, steps):
    admin = user("admin")
    singles, batched = fresh_tps(3), fresh_tps(6)[3:]
    for index, kind, minutes in steps:
        services.tps_event_record(actor=admin, client_id=cid(), tps_code=singles[index].code, kind=kind,
                                  at=T0 + timedelta(minutes=minutes))
    outcomes = services.tps_events_record(actor=admin, submissions=[
        services.Submission(cid(), batched[index].code, kind, T0 + timedelta(minutes=minutes))
        for index, kind, minutes in steps])
    assert all(o.created for o in outcomes)
    for one, other in zip(singles, batched):
        assert _row(one) == _row(other)
    kecamatan = {t.kecamatan_code for t in singles + batched}
    counters = {r.pop("kecamatan_code"): r for r in
                StatusTally.objects.filter(kecamatan_code__in=kecamatan).values("kecamatan_code", *tally.COLUMNS)}
    assert counters == {k: {c: v[c] for c in tally.COLUMNS}
                        for k, v in tally.recount(TpsStatus.objects.filter(kecamatan_code__in=kecamatan)).items()}


def test_each_submission_stands_alone_refusals_retries_and_repeats(polsek_user, cid):
    polsek = polsek_user  # its own kecamatan only
    own = list(Tps.objects.filter(election="pemilu", kecamatan_code="74.01.04").order_by("-code")[:2])
    events = {t.pk: getattr(TpsStatus.objects.filter(pk=t.pk).first(), "events", 0) for t in own}
    other = Tps.objects.filter(election="pemilu", kabkota_code="74.01").exclude(kecamatan_code="74.01.04").first()
    stored_before, repeated = cid(), cid()
    services.tps_event_record(actor=polsek, client_id=stored_before, tps_code=own[0].code, kind="logistik", at=T0)
    submissions = [
        services.Submission(cid(), own[0].code, "buka", T0 + timedelta(minutes=5)),
        services.Submission(cid(), own[1].code, "terbang", T0),                       # unknown kind
        services.Submission(cid(), other.code, "buka", T0),                           # outside the area
        services.Submission(stored_before, own[0].code, "logistik", T0),              # a retry
        services.Submission(repeated, own[1].code, "logistik", T0),
        services.Submission(repeated, own[1].code, "logistik", T0),                   # repeated in the batch
    ]
    outcomes = services.tps_events_record(actor=polsek, submissions=submissions)
    assert [o.created for o in outcomes] == [True, False, False, False, True, False]
    assert "terbang" in outcomes[1].problem and other.code in outcomes[2].problem
    assert outcomes[3].problem is None and outcomes[3].event.kind == "logistik"
    assert outcomes[5].event.pk == outcomes[4].event.pk
    assert TpsEvent.objects.filter(client_id=repeated).count() == 1
    assert not TpsEvent.objects.filter(tps=other, reporter=polsek).exists()
    assert TpsStatus.objects.get(pk=own[0].pk).events == events[own[0].pk] + 2
    assert TpsStatus.objects.get(pk=own[1].pk).events == events[own[1].pk] + 1


def _statements(queries):
    """The first word of each statement; an executemany (logged as "N times: SQL") counts once."""
    words = [q["sql"].split(" times: ", 1)[-1].split()[0].upper() for q in queries.captured_queries]
    return [w for w in words if w not in ("SAVEPOINT", "RELEASE")]


def test_a_batch_costs_the_same_statements_whatever_its_size(user, cid):
    admin = user("admin")
    admin.agency  # the authority check reads the agency once per user object (the token cache keeps it)
    kecamatan = ["74.10.01", "74.10.02"]
    tps = [t for k in kecamatan for t in Tps.objects.filter(election="pemilu", kecamatan_code=k).exclude(
        pk__in=TpsStatus.objects.values("pk")).order_by("code")[:6]]
    seen = []
    for chosen in (tps[0:1] + tps[6:7], tps[1:6] + tps[7:12]):
        with CaptureQueriesContext(connection) as queries:
            services.tps_events_record(actor=admin, submissions=[
                services.Submission(cid(), t.code, kind, T0) for t in chosen for kind in ("logistik", "buka")])
        seen.append(_statements(queries))
    # TPS look-up, their provinces' voting days (the plausible time window), events, which summary rows exist,
    # the missing ones and their kecamatan counters, rows locked and updated, counters updated: 2 events or 20,
    # 2 TPS or 10, 2 kecamatan.
    assert seen[0] == ["SELECT", "SELECT", "INSERT", "SELECT", "INSERT", "INSERT", "SELECT", "UPDATE", "UPDATE"]
    assert seen[1] == seen[0]


def test_the_batch_api_answers_each_event_in_order(user, fresh_tps, cid):
    petugas = user("polres.kolaka")
    tps = Tps.objects.filter(election="pemilu", kabkota_code=petugas.area_code).exclude(
        pk__in=TpsStatus.objects.values("pk")).order_by("code").first()
    _, raw = token_issue(actor=petugas, user=petugas, name="batch")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    first = str(cid())
    body = {"events": [{"client_id": first, "tps_code": tps.code, "kind": "logistik"},
                       {"client_id": str(cid()), "tps_code": tps.code, "kind": "buka"},
                       {"client_id": str(cid()), "tps_code": "7499999999999", "kind": "buka"}]}
    answer = client.post("/api/operations/events/batch", json.dumps(body), content_type="application/json")
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert (data["accepted"], data["duplicates"], data["rejected"]) == (2, 0, 1)
    assert [r["created"] for r in data["results"]] == [True, True, False]
    assert data["results"][1]["stage"] == "buka" and "7499999999999" in data["results"][2]["detail"]
    again = client.post("/api/operations/events/batch", json.dumps(body), content_type="application/json").json()
    assert (again["accepted"], again["duplicates"], again["rejected"]) == (0, 2, 1)
    assert again["results"][0]["id"] == data["results"][0]["id"] == TpsEvent.objects.get(client_id=first).pk
    too_many = {"events": [{"client_id": str(cid()), "tps_code": tps.code, "kind": "buka"}] * 501}
    refused = client.post("/api/operations/events/batch", json.dumps(too_many), content_type="application/json")
    assert refused.status_code == 422 and TpsStatus.objects.get(pk=tps.pk).events == 2


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(max_size=40).filter(lambda t: "\x00" not in t),
                          st.one_of(st.none(), st.tuples(st.floats(-11, 6), st.floats(95, 141), st.floats(1, 500))),
                          st.booleans()), min_size=2, max_size=8))
def test_a_batch_stores_each_event_as_sent(user, fresh_tps, cid, items):
    """Several events go to PostgreSQL as one array per column: notes with quotes, braces, commas, backslashes or
    the word NULL, missing and present GPS fixes and flags come back exactly as sent, each on its own row."""
    admin = user("admin")
    tps = fresh_tps(1)[0]
    sent = [services.Submission(cid(), tps.code, "logistik", T0 + timedelta(minutes=i), note, exercise,
                                *(gps or (None, None, None))) for i, (note, gps, exercise) in enumerate(items)]
    outcomes = services.tps_events_record(actor=admin, submissions=sent)
    assert all(o.created for o in outcomes)
    stored = {str(e.client_id): e for e in TpsEvent.objects.filter(client_id__in=[s.client_id for s in sent])}
    for s in sent:
        e = stored[str(s.client_id)]
        assert (e.note, e.exercise, e.at, e.tps_id, e.reporter_id) == (s.note, s.exercise, s.at, tps.pk, admin.pk)
        assert (e.gps_lat, e.gps_lng, e.gps_accuracy_m) == (s.gps_lat, s.gps_lng, s.gps_accuracy_m)
