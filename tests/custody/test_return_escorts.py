"""Escort missions per return leg of the recapitulation chain (PPS -> PPK -> KPU kab/kota -> KPU provinsi) in
the windows of the Pemilu 2024 calendar, routed over the transport network; escort ETAs over the network for a
leg between two islands, with the weather hold on top (hand-checked)."""

from datetime import datetime, timedelta

import pytest

from siaga.core.geo import haversine_km
from siaga.custody import services
from siaga.custody.escort_math import SPEED_KMH
from siaga.custody.missions import mission_eta_hours
from siaga.custody.models import Item, Mission
from siaga.custody.routes import LOCAL

WAKATOBI = "74.07"
BAU, WNC = (-5.4620, 122.6060), (-5.3250, 123.5400)  # Pelabuhan Murhum Baubau, Pelabuhan Wanci


def _handover(admin, box, origin, dest, at, cid, forms=None, mission=None):
    h, _code = services.handover_offer(actor=admin, client_id=cid, item_codes=[box.code], from_node=origin,
                                       to_node=dest, at=at, receiver_name="Penerima", forms=forms, mission=mission)
    return services.handover_confirm(actor=admin, handover=h, signature="ttd penerima")


def test_a_box_walked_to_the_kpu_provinsi_has_an_escort_mission_for_each_return_leg(user, client_id):
    admin = user("admin")
    # The demo planned Wakatobi's return escorts; planning again creates nothing (idempotent).
    again = services.return_escorts_plan(actor=admin, kabkota_code=WAKATOBI, election="pemilu")
    assert again["created"] == 0 and again["existing"] > 3
    box = (Item.objects.filter(kabkota_code=WAKATOBI, election="pemilu", kind="box", head_seq=1,
                               kecamatan_code="74.07.04").select_related("tps").order_by("code").first())
    kpu, ppk, pps = f"KPU-{WAKATOBI}", f"PPK-{box.kecamatan_code}", f"PPS-{box.desa_code}"
    tps, prov = f"TPS-{box.tps.code}", "KPUPROV-74"
    # Pemilu 2024: kecamatan recap 15 Feb - 2 Mar, kab/kota recap 17 Feb - 5 Mar (planning.demo's calendar).
    expected = {pps: (ppk, datetime(2024, 2, 15, 8, 0), datetime(2024, 2, 16)),
                ppk: (kpu, datetime(2024, 3, 2, 8, 0), datetime(2024, 3, 3)),
                kpu: (prov, datetime(2024, 3, 5, 8, 0), datetime(2024, 3, 6))}
    missions = {}
    for origin, (dest, depart, due_day) in expected.items():
        m = Mission.objects.get(code=f"KAWAL-PEMILU-{origin}")
        legs = list(m.legs.all())
        assert m.items.filter(pk=box.pk).exists()
        assert legs[0].planned_depart == depart.replace(tzinfo=LOCAL)
        assert m.due_at == (due_day + timedelta(days=1)).replace(tzinfo=LOCAL) - timedelta(microseconds=1)
        assert all(a.planned_arrive <= b.planned_depart for a, b in zip(legs, legs[1:]))
        missions[origin] = m
    # Binongko -> KPU Wakatobi crosses by boat (Popalia -> Usuku -> Ambeua); KPU -> province sails to Kendari.
    assert [g.mode for g in missions[ppk].legs.all()].count("sea") >= 2
    to_prov = list(missions[kpu].legs.all())
    assert to_prov[-2].destination == "Pelabuhan Kendari (Kota Lama)" and to_prov[-2].boat == "Kapal motor"
    # Wanci -> Kendari sails Mon/Wed/Fri 20:00 (720 min): leaving Tue 5 Mar the box reaches Kendari on Thu 7 Mar
    # 08:00, after the 6 Mar deadline: the plan shows the window cannot be met on the scheduled ship.
    assert to_prov[-2].planned_arrive == datetime(2024, 3, 7, 8, 0, tzinfo=LOCAL) > missions[kpu].due_at
    # Walk the box, each return leg with its escort mission.
    when = datetime(2024, 2, 6, 9, 0, tzinfo=LOCAL)
    for origin, dest in ((kpu, ppk), (ppk, pps), (pps, tps)):
        when += timedelta(hours=6)
        _handover(admin, box, origin, dest, when, client_id())
    _handover(admin, box, tps, pps, datetime(2024, 2, 15, 2, 0, tzinfo=LOCAL), client_id(), {"c_hasil": "C-1"})
    forms = {pps: {"c_hasil": "C-1"}, ppk: {"d_hasil_kec": "DK-1", "d_kejadian_khusus": "DKK-1"},
             kpu: {"d_hasil_kab": "DKAB-1", "d_kejadian_khusus": "DKKAB-1"}}
    for origin, (dest, depart, _due) in expected.items():
        h = _handover(admin, box, origin, dest, depart.replace(tzinfo=LOCAL) + timedelta(hours=4), client_id(),
                      forms[origin], missions[origin])
        assert h.mission_id == missions[origin].pk
    box.refresh_from_db()
    assert box.node.code == prov
    assert set(box.missions.values_list("code", flat=True)) >= {f"KAWAL-PEMILU-{o}" for o in expected}


@pytest.fixture
def sea_leg(user):
    start = datetime(2024, 2, 14, 8, 0, tzinfo=LOCAL)
    mission = services.mission_create(
        actor=user("admin"), code="KAWAL-TEST-BAU-WNC", name="Baubau - Wanci", area_code="74.72",
        legs=[{"mode": "sea", "origin": "Baubau", "destination": "Wanci", "path": [list(BAU), list(WNC)],
               "planned_depart": start, "planned_arrive": start + timedelta(hours=10)}])
    services.position_report(actor=user("admin"), mission=mission, client_id="t-bau-wnc", at=start,
                             lat=BAU[0], lng=BAU[1])
    return mission, start


def test_a_sea_leg_eta_is_the_network_crossing_not_a_flat_speed(sea_leg):
    mission, start = sea_leg
    # Baubau -> Wanci on the network: the BAU-WNC motor boat, 570 min = 9.5 h (both ends at the ports).
    assert mission_eta_hours(mission) == pytest.approx(9.5)
    flat = float(haversine_km(*BAU, *WNC)) / SPEED_KMH["sea"]  # the straight line at 15 km/h: ~6.9 h
    assert abs(flat - 9.5) > 2
    # A weather hold of a day adds to it.
    leg = mission.legs.get()
    leg.hold_until, leg.hold_reason = start + timedelta(hours=24), "cuaca: BAU-WNC ditutup"
    leg.save()
    assert mission_eta_hours(mission) == pytest.approx(24 + 9.5)


def test_without_a_network_the_flat_speed_stays(sea_leg, monkeypatch):
    monkeypatch.setattr("siaga.transport.selectors.network", lambda **kw: None)
    mission, _ = sea_leg
    assert mission_eta_hours(mission) == pytest.approx(float(haversine_km(*BAU, *WNC)) / 15)
