"""TPS events through the service and the API: summary rows, out-of-order arrival, idempotent retries."""

import threading
from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection

from siaga.operations import services, tally
from siaga.operations.models import TpsEvent, TpsStatus

T0 = datetime(2024, 2, 13, 22, 0, tzinfo=timezone.utc)


def test_summary_row_follows_events_and_rederives_when_one_arrives_late(user, fresh_tps, cid):
    admin, (tps,) = user("admin"), fresh_tps()
    for kind, minutes in (("logistik", 0), ("penghitungan", 430)):
        services.tps_event_record(actor=admin, client_id=cid(), tps_code=tps.code, kind=kind,
                                  at=T0 + timedelta(minutes=minutes))
    row = TpsStatus.objects.get(pk=tps.pk)
    assert row.stage == "penghitungan" and row.opened_at == T0 + timedelta(minutes=430)
    # The opening report was queued on a phone and arrives last: its event time wins.
    services.tps_event_record(actor=admin, client_id=cid(), tps_code=tps.code, kind="buka",
                              at=T0 + timedelta(minutes=70))
    row.refresh_from_db()
    assert (row.stage, row.opened_at, row.events, row.anomalies) == \
        ("penghitungan", T0 + timedelta(minutes=70), 3, 0)
    assert row.last_event_at == T0 + timedelta(minutes=430)


def test_same_client_id_is_stored_once_and_answers_the_original(client_as, fresh_tps, cid):
    (tps,) = fresh_tps()
    client, body = client_as("admin"), {"client_id": str(cid()), "tps_code": tps.code, "kind": "buka"}
    first = client.post("/api/operations/events", body, content_type="application/json")
    again = client.post("/api/operations/events", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and again.json()["created"] is False
    assert TpsEvent.objects.filter(client_id=body["client_id"]).count() == 1
    assert TpsStatus.objects.get(pk=tps.pk).events == 1


def test_unknown_tps_and_kind_are_refused_with_the_reason(client_as, cid):
    client = client_as("admin")
    r = client.post("/api/operations/events", {"client_id": str(cid()), "tps_code": "7401999999999", "kind": "buka"},
                    content_type="application/json")
    assert r.status_code == 400 and "TPS 7401999999999 tidak ditemukan" in r.json()["detail"]
    r = client.post("/api/operations/events", {"client_id": str(cid()), "tps_code": "7401999999999",
                                               "kind": "meledak"}, content_type="application/json")
    assert r.status_code == 400 and "Jenis laporan 'meledak' tidak dikenal" in r.json()["detail"]


def test_partner_may_not_report(client_as, fresh_tps, cid):
    (tps,) = fresh_tps()
    r = client_as("kpu").post("/api/operations/events", {"client_id": str(cid()), "tps_code": tps.code,
                                                         "kind": "buka"}, content_type="application/json")
    assert r.status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="threads need separate connections to a server database; on SQLite the same race is "
                           "driven over HTTP in tests/e2e/test_operations_pages.py")
def test_concurrent_retries_from_threads_store_one_event(user, fresh_tps, cid):
    from django.db import connections

    admin, (tps,) = user("admin"), fresh_tps(area="74.71")
    client_id, results, barrier = cid(), [], threading.Barrier(8)

    def retry():
        barrier.wait()
        try:
            event, created = services.tps_event_record(actor=admin, client_id=client_id, tps_code=tps.code,
                                                       kind="buka")
            results.append((event.pk, created))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(8)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) == 8 and len({pk for pk, _ in results}) == 1
        assert sum(created for _, created in results) == 1
    finally:
        # The threads committed on their own connections: remove what they wrote.
        def cleanup():
            TpsEvent.objects.filter(client_id=client_id).delete()
            row = TpsStatus.objects.filter(pk=tps.pk).first()
            if row is not None:  # take the row out of its kecamatan's counters too
                tally.apply({row.kecamatan_code: tally.delta(tally.contribution(row), {})})
                row.delete()
            connections.close_all()
        t = threading.Thread(target=cleanup)
        t.start()
        t.join()
