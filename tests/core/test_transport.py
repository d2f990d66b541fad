"""Landmasses from the real Sultra desa boundaries, routing by hand on a toy archipelago, closures by BMKG
limits, capacity-respecting sailings, and routing properties (hypothesis)."""

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box, shape

from siaga.core import transport as t
from siaga.core.geo import TravelModel, haversine_km

DATA = Path(__file__).resolve().parents[2] / "src" / "siaga" / "transport" / "data" / "sultra_links.csv"
DAYS = {"sen": 0, "sel": 1, "rab": 2, "kam": 3, "jum": 4, "sab": 5, "min": 6}


@pytest.fixture(scope="module")
def sultra(shared_data):
    # the kab/kota boundaries share the desa coastline and union ten times faster
    masses = t.Landmasses.from_areas(shape(f["geometry"]) for f in json.loads(
        (shared_data / "sultra" / "kabkota_74.geojson").read_text())["features"])
    features = json.loads((shared_data / "sultra" / "desa_74.geojson").read_text())["features"]
    ports, links = [], []
    with DATA.open() as fh:
        for r in csv.DictReader(fh):
            if r["jenis"] == "pelabuhan":
                ports.append(t.Port(r["kode"], r["nama"], float(r["lat"]), float(r["lng"])))
            else:
                links.append(t.Link(r["kode"], r["dari"], r["ke"], r["operator"], float(r["menit"]),
                                    persons=int(r["orang"]), departures=tuple(r["jadwal"].split()),
                                    days=tuple(DAYS[d] for d in r["hari"].split()), sea_area=r["perairan"]))
    centroid = {f["properties"]["kode"]: f["properties"]["centroid"] for f in features}
    return masses, t.Network(ports, links, masses), centroid


def test_sultra_landmasses_separate_the_islands(sultra):
    masses, net, c = sultra
    # kelurahan centroids (lng, lat): Mandonga (Kota Kendari), Wawonii Barat (Konawe Kepulauan), Katobu (Raha,
    # Muna), Wolio (Baubau, Buton), Binongko (Wakatobi)
    codes = {"kendari": "74.71.01.", "wawonii": "74.12.01.", "muna": "74.03.16.", "buton": "74.72.02.",
             "binongko": "74.07.04."}
    first = {k: next(code for code in sorted(c) if code.startswith(v)) for k, v in codes.items()}
    found = {k: int(masses.locate(c[v][1], c[v][0])[0]) for k, v in first.items()}
    assert found["kendari"] == 0  # the mainland is the largest landmass
    assert len(set(found.values())) == len(found)  # each on its own landmass
    assert masses.area_km2[0] > 20000 and 3 < len(masses.polygons) < 400


def test_kendari_to_binongko_goes_by_sea_and_takes_hours(sultra):
    _, net, c = sultra
    lng, lat = c["74.07.04.1005"]  # Taipabu, Binongko
    route = net.route(-3.99, 122.52, lat, lng, frm="Kendari", to="Binongko")
    sea = [g for g in route.legs if g.mode == t.SEA]
    assert sea and sea[-1].to == "BNG"
    assert route.minutes > 6 * 60  # hours, not minutes
    assert route.minutes == pytest.approx(sum(g.minutes for g in route.legs))


def _toy():
    # three islands on the equator, 1 degree apart (the first, larger, is the "mainland"); a port in each
    masses = t.Landmasses([box(0, 0, 0.2, 0.1), box(1, 0, 1.1, 0.1), box(2, 0, 2.1, 0.1)])
    ports = [t.Port("A", "A", 0.05, 0.05), t.Port("B", "B", 0.05, 1.05), t.Port("C", "C", 0.05, 2.05)]
    links = [t.Link("AB", "A", "B", t.SPEEDBOAT, 60, sea_area="x"), t.Link("BC", "B", "C", t.FERRY, 60, sea_area="x"),
             t.Link("AC", "A", "C", t.FERRY, 150, sea_area="y"),
             t.Link("AC-POL", "A", "C", t.POLAIRUD, 200, sea_area="y")]
    return masses, ports, links


def test_hand_computed_shortest_path_and_closures():
    masses, ports, links = _toy()
    net = t.Network(ports, links, masses)
    # A -> C: via B is 60 + 60 = 120 < 150 direct; the Polairud link is for contingencies only
    r = net.route(0.05, 0.05, 0.05, 2.05)
    assert [g.link for g in r.legs] == ["AB", "BC"] and r.minutes == pytest.approx(120)
    # a 1.5 m sea in area x closes the speedboat (limit 1.25 m) but not the ferry (2.5 m)
    fc = [t.Forecast("x", date(2024, 2, 12), 1.5, 10)]
    closed = t.closures(links, fc, date(2024, 2, 12))
    assert set(closed) == {"AB"}
    r = net.with_closed(closed).route(0.05, 0.05, 0.05, 2.05)
    assert [g.link for g in r.legs] == ["AC"] and r.minutes == pytest.approx(150)
    # everything civil closed: no route, unless a Polairud vessel may sail
    shut = net.with_closed({"AB", "AC"})
    assert shut.route(0.05, 0.05, 0.05, 2.05) is None
    assert shut.route(0.05, 1.05, 0.05, 2.05).minutes == pytest.approx(60)  # B -> C still sails
    assert [g.link for g in net.with_closed({"AB", "AC"}, contingency=True)
            .route(0.05, 0.05, 0.05, 2.05).legs] == ["AC-POL"]


def test_land_within_a_landmass_matches_the_distance_model():
    masses, ports, links = _toy()
    travel = t.NetworkTravel(t.Network(ports, links, masses))
    km = haversine_km(0.01, 0.01, 0.09, 0.09)
    got = travel.cost_points_km(0.01, 0.01, False, 0.09, 0.09, False)
    assert float(got) == pytest.approx(TravelModel().cost_km(km, False, False))


def test_sailings_respect_capacity_and_schedules():
    link = t.Link("L", "A", "B", t.SPEEDBOAT, 90, persons=30, departures=("08:00", "13:00"))
    route = t.Route([t.Leg(t.SEA, "A", "B", 90, t.SPEEDBOAT, "L")], 90)
    ready = datetime(2024, 2, 11, 6, 0)
    rows = t.book_sea_movements([("g1", 50, route), ("g2", 20, route)], {"L": link}, ready)
    by_depart = {}
    for r in rows:
        by_depart[r["depart"]] = by_depart.get(r["depart"], 0) + r["persons"]
    assert by_depart == {datetime(2024, 2, 11, 8): 30, datetime(2024, 2, 11, 13): 30,
                         datetime(2024, 2, 12, 8): 10}
    assert all(r["arrive"] - r["depart"] == timedelta(minutes=90) for r in rows)
    # on demand: the boat comes back for the next load (a round trip later)
    boat = t.Link("P", "A", "B", t.FISHING, 60, persons=8)
    rows = t.book_sea_movements([("g", 20, t.Route([t.Leg(t.SEA, "A", "B", 60, t.FISHING, "P")], 60))],
                                {"P": boat}, ready)
    assert [(r["depart"] - ready, r["persons"]) for r in rows] == [
        (timedelta(0), 8), (timedelta(hours=2), 8), (timedelta(hours=4), 4)]


def test_scheduled_departure_on_its_weekdays_only():
    link = t.Link("L", "A", "B", t.MOTOR, 720, departures=("20:00",), days=(0, 2, 4))  # Mon, Wed, Fri
    assert link.next_departure(datetime(2024, 2, 13, 9)) == datetime(2024, 2, 14, 20)  # Tue -> Wed


points = st.tuples(st.sampled_from([0, 1, 2]), st.floats(0.0, 0.1), st.floats(0.0, 0.1))


@settings(max_examples=60, deadline=None)
@given(points, points, points)
def test_routing_is_symmetric_and_obeys_the_triangle_inequality(p, q, r):
    masses, ports, links = _toy()
    net = t.Network(ports, links, masses)

    def minutes(a, b):
        return float(net.minutes(a[1], a[0] + a[2], a[0], b[1], b[0] + b[2], b[0]))

    assert minutes(p, q) == pytest.approx(minutes(q, p), rel=1e-9, abs=1e-9)
    assert minutes(p, r) <= minutes(p, q) + minutes(q, r) + 1e-6
    route = net.route(p[1], p[0] + p[2], r[1], r[0] + r[2])
    assert route.minutes == pytest.approx(minutes(p, r))
