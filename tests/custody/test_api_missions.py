"""API: offline sync idempotent over HTTP, scope on reads, public checkpoints; escort positions and alerts."""

import json
from datetime import timedelta

from siaga.custody import services
from siaga.custody.missions import mission_eta_hours
from siaga.custody.models import Anomaly, Mission, PositionReport


def test_sync_over_http_is_idempotent_and_reads_are_scoped(client_as, warehouse_tps, at):
    _, boxes = warehouse_tps
    record = {"client_id": "api-1", "client_seq": 1, "device": "hp", "at": at.isoformat(),
              "item_codes": [b.code for b in boxes], "from_node": f"KPU-{boxes[0].kabkota_code}",
              "to_node": f"PPK-{boxes[0].kecamatan_code}", "receiver_name": "Ketua PPK", "signature": "ttd"}
    client = client_as("admin")
    first = client.post("/api/custody/sync", json.dumps([record]), content_type="application/json")
    again = client.post("/api/custody/sync", json.dumps([record]), content_type="application/json")
    assert first.json() == [{"client_id": "api-1", "result": "stored"}]
    assert again.json() == [{"client_id": "api-1", "result": "duplicate"}]
    journey = client.get(f"/api/custody/items/{boxes[0].code}/journey").json()
    assert [e["event"]["kind"] for e in journey["events"]] == ["registered", "handover"]
    # Polres Kolaka (74.01) cannot see a Konawe (74.02) box.
    assert client_as("polres.kolaka").get(f"/api/custody/items/{boxes[0].code}/journey").status_code == 404


def test_unknown_item_is_a_clear_400(client_as, at):
    record = {"client_id": "api-bad", "at": at.isoformat(), "item_codes": ["TIDAK-ADA"], "from_node": "KPU-74.02",
              "to_node": "PPK-74.02.01", "receiver_name": "x"}
    response = client_as("admin").post("/api/custody/handovers", json.dumps(record), content_type="application/json")
    assert response.status_code == 400 and "TIDAK-ADA" in response.json()["detail"]


def test_public_checkpoints_need_no_sign_in(client, db):
    rows = client.get("/api/custody/checkpoints").json()
    assert rows and set(rows[0]) == {"seq", "at", "root", "item_count", "event_count", "hash", "prev_hash"}
    assert client.get("/kotak-suara/checkpoint/").status_code == 200


def test_escort_positions_dedup_alert_off_route_and_give_an_eta(user):
    admin = user("admin")
    mission = Mission.objects.get(code="KAWAL-74.07-01")
    sea = mission.legs.get(position=1)
    last = mission.positions.order_by("-at").first()
    at = last.at + timedelta(minutes=30)
    on_path = sea.path[1]
    report, created = services.position_report(actor=admin, mission=mission, client_id="pos-x", at=at,
                                               lat=on_path[0], lng=on_path[1])
    again, created_again = services.position_report(actor=admin, mission=mission, client_id="pos-x", at=at,
                                                     lat=on_path[0], lng=on_path[1])
    assert created and not created_again and report.pk == again.pk
    assert PositionReport.objects.filter(client_id="pos-x").count() == 1
    assert report.off_route_km < 0.01
    eta = mission_eta_hours(mission)
    assert 0 < eta < 24
    # 0.1 degree north of a vertex of the sea leg: at most 11.1 km from the path (the vertex), and more
    # than the 2 km threshold unless the leg runs almost due north there (it runs south-east in the demo).
    services.position_report(actor=admin, mission=mission, client_id="pos-y", at=at + timedelta(minutes=5),
                             lat=on_path[0] + 0.1, lng=on_path[1])
    alert = Anomaly.objects.get(kind="off_route", key=f"off_route:{mission.code}", state="open")
    assert mission.off_route_km < alert.detail["km"] <= 11.12
