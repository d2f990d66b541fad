"""Dispatch suggests the Polda's reserves (Brimob, Dalmas) next to Polri agencies, by travel time, per team."""

import math

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from siaga.accounts.models import Agency, AgencyKind, AgencyLevel, AuditLog, Role, User
from siaga.core.geo import EARTH_RADIUS_KM, haversine_km
from siaga.deployment.models import Unit
from siaga.operations import selectors, services
from siaga.operations.models import Dispatch

# A point at sea east of Buton, kecamatan 74.01.04 as its area; every demo unit is further than 3 km away.
POINT = (-4.6, 123.6)
KM_LAT = math.degrees(1 / EARTH_RADIUS_KM)  # one km due north along a meridian


@pytest.fixture
def incident(user, cid):
    def make(area="74.01.04", point=POINT):
        found, _ = services.incident_report(actor=user("admin"), client_id=cid(), category="kerusuhan", severity=4,
                                            description="Massa merusak TPS", area_code=area, lat=point[0],
                                            lng=point[1])
        return found
    return make


def _place(model, code, km_north):
    model.objects.filter(code=code).update(lat=POINT[0] + km_north * KM_LAT, lng=POINT[1])


def _codes(viewer, incident):
    return [s["code"] for s in selectors.dispatch_suggestions(viewer=viewer, incident=incident, limit=None)]


def test_the_nearer_brimob_comes_before_a_polsek_with_its_eta(user, incident):
    admin, found = user("admin"), incident()
    nearest_before = min(haversine_km(POINT[0], POINT[1], a.lat, a.lng)
                         for a in selectors.police_units(viewer=admin))
    assert nearest_before > 3  # nothing of the demo competes with the two placed below
    _place(Agency, "POLSEK-74.01.04", 3)
    _place(Unit, "BRIMOB-74", 1)
    first, second = selectors.dispatch_suggestions(viewer=admin, incident=found)[:2]
    # Hand check: 1 km x 1.3 road factor / 40 km/h x 60 = 1.95 min; 3 km -> 5.85 min.
    with translation.override("id"):
        assert (first["code"], first["kind"], str(first["kind_label"])) == ("BRIMOB-74", "brimob", "Cadangan Brimob")
    assert first["distance_km"] == pytest.approx(1.0) and first["eta_minutes"] == pytest.approx(1.95)
    assert first["teams_left"] == 420 // selectors.TEAM_SIZE == 14
    assert (second["code"], second["kind"]) == ("POLSEK-74.01.04", "polsek")
    assert second["eta_minutes"] == pytest.approx(5.85) and second["reserve_id"] is None


def test_a_reserve_with_every_team_out_is_not_suggested(user, incident):
    admin, found, other = user("admin"), incident(), incident()
    Unit.objects.filter(code="DALMAS-74").update(available=2 * selectors.TEAM_SIZE + 29)  # two teams
    first = services.dispatch_create(actor=admin, incident_id=found.pk, unit_code="DALMAS-74")
    services.dispatch_create(actor=admin, incident_id=other.pk, unit_code="DALMAS-74")
    assert "DALMAS-74" not in _codes(admin, found)
    with pytest.raises(services.Rejected, match="DALMAS-74 tidak tersedia"):
        services.dispatch_create(actor=admin, incident_id=found.pk, unit_code="DALMAS-74")
    board = {row["unit"].code: row for row in selectors.unit_board(viewer=admin)}
    assert (board["DALMAS-74"]["teams"], board["DALMAS-74"]["teams_left"]) == (2, 0)
    assert len(board["DALMAS-74"]["dispatches"]) == 2
    # A finished dispatch frees its team again.
    for step in ("ack", "arrive", "finish"):
        services.dispatch_update(actor=admin, dispatch_id=first.pk, step=step)
    assert "DALMAS-74" in _codes(admin, found)


def test_dispatching_a_reserve_records_it_with_its_agency_and_an_audit_row(user, incident):
    admin, found = user("admin"), incident()
    dispatch = services.dispatch_create(actor=admin, incident_id=found.pk, unit_code="BRIMOB-74")
    dispatch.refresh_from_db()
    assert dispatch.reserve.code == "BRIMOB-74" and dispatch.unit.code == "POLDA-74"
    audit = AuditLog.objects.get(action="dispatch.create", object_id=str(dispatch.pk))
    assert audit.after["unit"] == "BRIMOB-74" and audit.after["agency"] == "POLDA-74"
    assert audit.after["kind"] == "brimob" and audit.before is None
    # The reserve's dispatch does not tie up its Polda (placed on the map here), and Brimob still has 13 teams.
    _place(Agency, "POLDA-74", 50)
    suggestions = {s["code"]: s for s in selectors.dispatch_suggestions(viewer=admin, incident=found, limit=None)}
    assert "POLDA-74" in suggestions and suggestions["BRIMOB-74"]["teams_left"] == 13


def test_reserves_stay_in_their_province(user, incident):
    admin, found = user("admin"), incident()
    polda = Agency.objects.create(code="POLDA-73", name="Polda Sulsel", kind=AgencyKind.POLRI,
                                  level=AgencyLevel.PROVINCE, area_code="73")
    Unit.objects.create(code="BRIMOB-73", name="Sat Brimob Polda Sulsel", kind="brimob", agency=polda,
                        area_code="73.71", province_code="73", lat=POINT[0], lng=POINT[1], available=300)
    # Right on the incident, but another province's reserve: not offered, and cannot be sent by code.
    assert "BRIMOB-73" not in _codes(admin, found) and "BRIMOB-74" in _codes(admin, found)
    with pytest.raises(services.Rejected, match="BRIMOB-73 tidak tersedia"):
        services.dispatch_create(actor=admin, incident_id=found.pk, unit_code="BRIMOB-73")
    national = User.objects.create(username="mabes", role=Role.COMMANDER, area_code="", agency=polda)
    assert "BRIMOB-73" not in _codes(national, found) and "BRIMOB-74" in _codes(national, found)
    sulsel = User.objects.create(username="polda.sulsel", role=Role.COMMANDER, area_code="73", agency=polda)
    board = [row["unit"].code for row in selectors.unit_board(viewer=sulsel)]
    assert "BRIMOB-73" in board and "BRIMOB-74" not in board


def test_a_polsek_operator_may_call_the_polda_reserve_to_its_own_area(polsek_user, incident):
    found = incident(area="74.01.04")
    codes = _codes(polsek_user, found)
    assert {"BRIMOB-74", "DALMAS-74"} <= set(codes) and "POLSEK-74.01.05" not in codes
    dispatch = services.dispatch_create(actor=polsek_user, incident_id=found.pk, unit_code="BRIMOB-74")
    assert Dispatch.objects.get(pk=dispatch.pk).reserve.code == "BRIMOB-74"


def test_partners_cannot_send_a_reserve(user, incident):
    with pytest.raises(PermissionDenied):
        services.dispatch_create(actor=user("kpu"), incident_id=incident().pk, unit_code="BRIMOB-74")


def test_page_and_api_show_the_reserve_and_send_it(client_as, incident):
    found = incident()
    client = client_as("kapolda")
    page = client.get(f"/operasi/insiden/{found.pk}/").content.decode()
    assert "Cadangan Brimob" in page and 'value="BRIMOB-74"' in page
    client.post(f"/operasi/insiden/{found.pk}/aksi/", {"action": "dispatch", "unit": "BRIMOB-74"})
    assert Dispatch.objects.get(incident=found).reserve.code == "BRIMOB-74"
    api = client.get(f"/api/operations/incidents/{found.pk}/dispatch-suggestions").json()
    # Both reserves sit in Kendari, behind the five nearer Polsek, and are listed after them all the same.
    assert [s["kind"] for s in api[5:]] == ["brimob", "dalmas"] and api[4]["kind"] == "polsek"
    dalmas = next(s for s in api if s["code"] == "DALMAS-74")
    assert (dalmas["kind"], dalmas["kind_label"], dalmas["teams_left"]) == ("dalmas", "Cadangan Dalmas", 6)
    sent = client.post(f"/api/operations/incidents/{found.pk}/dispatch", {"unit": "DALMAS-74"},
                       content_type="application/json")
    assert sent.status_code == 201 and (sent.json()["agency"], sent.json()["reserve"]) == ("POLDA-74", "DALMAS-74")
    board = client.get("/operasi/unit/").content.decode()
    assert "Cadangan Brimob" in board and "13 dari 14 tim siaga" in board
