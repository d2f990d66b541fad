"""The voting-day hot path: per-kecamatan counters agree with a recount, few queries per event, cached tokens."""

from datetime import datetime, timedelta, timezone

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings, strategies as st

from siaga.accounts.models import AuditLog
from siaga.accounts.services import token_issue
from siaga.core import tps_state
from siaga.operations import selectors, services, tally
from siaga.operations.models import StatusTally, TpsEvent, TpsStatus
from siaga.regions.models import Tps

T0 = datetime(2024, 2, 13, 22, 0, tzinfo=timezone.utc)
TALLY_COLUMNS = ("kabkota_code", "province_code") + tally.COLUMNS


def _counters(kecamatan_codes):
    return {row.pop("kecamatan_code"): row for row in
            StatusTally.objects.filter(kecamatan_code__in=kecamatan_codes).values("kecamatan_code", *TALLY_COLUMNS)}


def _recount(kecamatan_codes):
    counted = tally.recount(TpsStatus.objects.filter(kecamatan_code__in=kecamatan_codes))
    return {kec: {c: row[c] for c in TALLY_COLUMNS} for kec, row in counted.items()}


def test_contribution_and_delta_by_hand():
    row = TpsStatus(stage="penghitungan", disturbed=True, suspended=False, opened_at=T0, counting_at=T0)
    assert tally.contribution(row) == {"penghitungan": 1, "disturbed": 1, "opened_at": 1, "counting_at": 1}
    before = tally.contribution(TpsStatus(stage="pemungutan", suspended=True, opened_at=T0))
    assert tally.delta(before, tally.contribution(row)) == {"pemungutan": -1, "penghitungan": 1, "suspended": -1,
                                                            "disturbed": 1, "counting_at": 1}
    assert tally.delta({}, {"logistik": 1}) == {"logistik": 1} and tally.delta(before, before) == {}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(tps_state.EVENT_KINDS), st.integers(0, 900)),
                min_size=1, max_size=14))
def test_counters_agree_with_a_recount_after_any_event_sequence(user, cid, steps):
    """Events in any order (late arrivals re-derive the row), over TPS of two kecamatan."""
    admin = user("admin")
    tps = list(Tps.objects.filter(election="pemilu", kecamatan_code="74.10.01").order_by("code")[:2]) + \
        list(Tps.objects.filter(election="pemilu", kecamatan_code="74.10.02").order_by("code")[:2])
    for index, kind, minutes in steps:
        services.tps_event_record(actor=admin, client_id=cid(), tps_code=tps[index].code, kind=kind,
                                  at=T0 + timedelta(minutes=minutes))
    kecamatan = {t.kecamatan_code for t in tps}
    assert _counters(kecamatan) == _recount(kecamatan)
    summary = selectors.status_counts(viewer=admin, area="74.10.01")
    recount = _recount({"74.10.01"})["74.10.01"]
    assert summary == {c: recount[c] for c in tally.COLUMNS}


def test_rebuild_matches_the_counters_kept_by_events(user, fresh_tps, cid):
    admin, tps = user("admin"), fresh_tps(3)
    for t, kind in zip(tps, ("buka", "penghitungan", "gangguan")):
        services.tps_event_record(actor=admin, client_id=cid(), tps_code=t.code, kind=kind, at=T0)
    kept = _counters({t.kecamatan_code for t in tps})
    tally.rebuild(TpsStatus, StatusTally)
    assert _counters({t.kecamatan_code for t in tps}) == kept


def test_summary_counts_equal_the_summary_rows_nationally_and_for_a_desa(user, fresh_tps, cid):
    admin, (tps,) = user("admin"), fresh_tps()
    services.tps_event_record(actor=admin, client_id=cid(), tps_code=tps.code, kind="pemungutan", at=T0)
    summary = selectors.summary(viewer=admin)
    rows = TpsStatus.objects.all()
    assert summary["tps"] == Tps.objects.filter(election="pemilu").count()
    for stage in tps_state.STAGES[1:]:
        assert summary["stages"][stage] == rows.filter(stage=stage).count(), stage
    assert summary["disturbed"] == rows.filter(disturbed=True).count()
    desa = selectors.status_counts(viewer=admin, area=tps.desa_id)
    assert desa["pemungutan"] == TpsStatus.objects.filter(tps__desa_id=tps.desa_id, stage="pemungutan").count() >= 1


def test_a_field_event_costs_a_few_queries_and_is_its_own_audit_trail(user, fresh_tps, cid):
    admin, (tps,) = user("admin"), fresh_tps()
    services.tps_event_record(actor=admin, client_id=cid(), tps_code=tps.code, kind="logistik", at=T0)
    audit_rows = AuditLog.objects.count()
    client_id = cid()
    with CaptureQueriesContext(connection) as queries:
        event, created = services.tps_event_record(actor=admin, client_id=client_id, tps_code=tps.code,
                                                   kind="buka", at=T0 + timedelta(minutes=70))
    statements = [q["sql"].split(" times: ", 1)[-1].split()[0].upper() for q in queries.captured_queries
                  if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]
    # TPS look-up with the scope check, its province's voting day (the plausible time window: T0 is far from
    # today), event insert, summary row locked, its update, the counters.
    assert statements == ["SELECT", "SELECT", "INSERT", "SELECT", "UPDATE", "UPDATE"]
    assert created and AuditLog.objects.count() == audit_rows
    stored = TpsEvent.objects.get(client_id=client_id)
    assert (stored.reporter_id, stored.kind, stored.tps_id, stored.at) == (admin.pk, "buka", tps.pk,
                                                                           T0 + timedelta(minutes=70))
    assert stored.received_at is not None and event.pk == stored.pk


def test_a_retry_answers_the_original_without_touching_the_summary(user, fresh_tps, cid):
    admin, (tps,) = user("admin"), fresh_tps()
    client_id = cid()
    first, created = services.tps_event_record(actor=admin, client_id=client_id, tps_code=tps.code, kind="buka")
    counters = _counters({tps.kecamatan_code})
    again, created_again = services.tps_event_record(actor=admin, client_id=client_id, tps_code=tps.code,
                                                     kind="buka")
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert TpsStatus.objects.get(pk=tps.pk).events == 1 and _counters({tps.kecamatan_code}) == counters


def test_a_token_is_looked_up_once_then_served_from_the_worker_cache(user, fresh_tps, cid):
    admin, (tps,) = user("admin"), fresh_tps()
    _, raw = token_issue(actor=admin, user=admin, name="uji cache")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def post():
        with CaptureQueriesContext(connection) as queries:
            r = client.post("/api/operations/events", {"client_id": str(cid()), "tps_code": tps.code,
                                                       "kind": "gangguan"}, content_type="application/json")
        assert r.status_code == 201, r.content
        return sum("accounts_apitoken" in q["sql"] for q in queries.captured_queries)

    assert post() >= 1 and post() == 0
    bad = client.post("/api/operations/events", {"client_id": str(cid()), "tps_code": tps.code, "kind": "buka"},
                      content_type="application/json", HTTP_AUTHORIZATION="Bearer sg_not-a-token")
    assert bad.status_code == 401
