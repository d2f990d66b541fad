"""The transport app on the demo database (real Sultra boundaries): file loads with line numbers, all or
nothing and idempotent; routes by sea in hours; a forecast closes links (alternative, or none); escort sea
legs held by the weather move their ETA; BKO to island kab/kota planned as sea movements within capacity."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase

from siaga.core.importkit import ImportRejected
from siaga.transport import selectors
from siaga.transport.models import Link, MarineForecast, Port
from siaga.transport.network_import import network_import
from siaga.transport.weather_import import forecast_import

DATA = Path(__file__).resolve().parents[2] / "src" / "siaga" / "transport" / "data"
WITA = ZoneInfo("Asia/Makassar")
HEADER = "jenis,kode,nama,lat,lng,dari,ke,operator,menit,orang,jadwal,perairan\n"


def test_load_errors_name_their_lines_and_write_nothing(user):
    text = (HEADER + "pelabuhan,XA,Dermaga A,-4.0,122.5,,,,,,,\n"
            "pelabuhan,XB,Dermaga B,-95,122.6,,,,,,,\n"  # line 3: latitude out of range
            "lintasan,XA-XZ,A - Z,,,XA,XZ,speedboat,60,20,08:00,perairan-kendari\n"  # line 4: unknown port
            "lintasan,XA-XB,A - B,,,XA,XB,kano,6O,20,8h,perairan-kendari\n")  # line 5: operator, minutes, time
    before = (Port.objects.count(), Link.objects.count())
    with pytest.raises(ImportRejected) as exc:
        network_import(actor=user("admin"), data=text.encode(), filename="salah.csv")
    got = {(p.line, p.code) for p in exc.value.problems}
    assert got == {(3, "bad_lat"), (4, "unknown_port"), (5, "bad_operator"), (5, "bad_number"), (5, "bad_time")}
    assert (Port.objects.count(), Link.objects.count()) == before


def test_reload_of_the_demo_file_changes_nothing(user):
    counts = network_import(actor=user("admin"), data=(DATA / "sultra_links.csv").read_bytes(), filename="x.csv")
    assert counts["ports"]["created"] == counts["ports"]["updated"] == 0
    assert counts["links"]["unchanged"] == Link.objects.count() >= 13


def test_geojson_loads_ports_and_links(user):
    doc = ('{"type":"FeatureCollection","features":['
           '{"type":"Feature","geometry":{"type":"Point","coordinates":[122.6,-4.0]},"properties":{"kode":"GJ1","nama":"G1"}},'
           '{"type":"Feature","geometry":{"type":"LineString","coordinates":[[122.6,-4.0],[122.94,-4.07]]},'
           '"properties":{"kode":"GJ1-LGR","dari":"GJ1","ke":"LGR","operator":"perahu","menit":"95"}}]}')
    counts = network_import(actor=user("admin"), data=doc.encode(), filename="n.geojson")
    assert counts["ports"]["created"] == 1 and counts["links"]["created"] == 1
    assert Link.objects.get(code="GJ1-LGR").operator == "fishing"


def _binongko_tps():
    from siaga.regions.models import Tps

    return Tps.objects.filter(kecamatan_code="74.07.04", election="pemilu").exclude(lat=None).first()


def test_kendari_to_a_binongko_tps_goes_by_sea_in_hours(db):
    tps = _binongko_tps()
    out = selectors.route_between(province_code="74", frm=selectors.place(code="74.71"),
                                  to=selectors.place(code=tps.code))
    assert any(leg["mode"] == "sea" for leg in out["legs"]) and out["legs"][-2]["to"] == "BNG"
    assert out["minutes"] > 8 * 60


@pytest.fixture
def monsoon(user):
    return forecast_import(actor=user("admin"), data=(DATA / "sultra_forecast_example.csv").read_bytes(),
                           filename="bmkg.csv")


def test_forecast_closure_gives_the_alternative_or_says_none_exists(monsoon):
    assert monsoon["created"] == 10 and MarineForecast.objects.count() == 10
    at = datetime(2024, 2, 12, 7, 0, tzinfo=WITA)
    langara = selectors.route_between(province_code="74", frm=selectors.place(code="74.71"),
                                      to=selectors.place(code="LGR"), at=at)
    assert [c["link"] for c in langara["closed"]] == ["KDI-LGR"]  # 2.5 m waves > speedboat limit 1.25 m
    assert langara["contingency"] and langara["alternative"]["legs"][-1]["operator"] == "polairud"
    binongko = selectors.route_between(province_code="74", frm=selectors.place(code="74.71"),
                                       to=selectors.place(code=_binongko_tps().code), at=at)
    assert binongko["alternative"] is None and not binongko["reachable"]
    assert binongko["later_window"] == "2024-02-13"


def test_escort_eta_moves_when_the_forecast_closes_its_sea_leg(user):
    from siaga.custody import services
    from siaga.custody.missions import mission_eta_hours

    admin = user("admin")
    kdi, lgr = Port.objects.get(code="KDI"), Port.objects.get(code="LGR")
    depart = datetime(2024, 2, 12, 8, 0, tzinfo=WITA)
    mission = services.mission_create(actor=admin, code="KAWAL-UJI-LAUT", name="Uji Langara", area_code="74.12", legs=[
        {"mode": "sea", "origin": kdi.name, "destination": lgr.name, "path": [[kdi.lat, kdi.lng], [lgr.lat, lgr.lng]],
         "boat": "speedboat", "planned_depart": depart, "planned_arrive": depart + timedelta(minutes=105)}])
    services.position_report(actor=admin, mission=mission, client_id="uji-laut-1", at=depart - timedelta(hours=1),
                             lat=kdi.lat, lng=kdi.lng)
    calm = mission_eta_hours(mission)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the listener runs after commit
        forecast_import(actor=admin, data=(DATA / "sultra_forecast_example.csv").read_bytes(), filename="b.csv")
    leg = mission.legs.get()
    assert leg.hold_until == datetime(2024, 2, 13, 8, 0, tzinfo=WITA)  # the first sailing of the calm day
    assert "KDI-LGR" in leg.hold_reason
    assert mission_eta_hours(mission) == pytest.approx(calm + 25.0)  # held from 07:00 to 08:00 the next day


def test_only_province_staff_load_the_network_and_the_forecast(user):
    """A Polres operator or a partner is refused before the file is read; nothing is written."""
    from django.core.exceptions import PermissionDenied

    before = (Port.objects.count(), MarineForecast.objects.count())
    for who in ("polres.kolaka", "kpu"):
        with pytest.raises(PermissionDenied):
            network_import(actor=user(who), data=(DATA / "sultra_links.csv").read_bytes(), filename="x.csv")
        with pytest.raises(PermissionDenied):
            forecast_import(actor=user(who), data=(DATA / "sultra_forecast_example.csv").read_bytes(),
                            filename="x.csv")
    assert (Port.objects.count(), MarineForecast.objects.count()) == before
