"""Escort geometry on hand-computed cases, plus properties."""

import math

import pytest
from hypothesis import given, strategies as st

from siaga.core.geo import EARTH_RADIUS_KM
from siaga.custody.escort_math import SPEED_KMH, Leg, Stop, dispatch_order, distance_to_path, eta_hours, path_km

KM_PER_DEG = EARTH_RADIUS_KM * math.pi / 180  # 111.195 km


def test_distance_to_a_meridian_segment_is_the_longitude_gap():
    # Path along the equator from lng 0 to 1; point 0.1 deg north above lng 0.5.
    dist, along = distance_to_path(0.1, 0.5, [(0.0, 0.0), (0.0, 1.0)])
    assert dist == pytest.approx(0.1 * KM_PER_DEG, rel=1e-6)  # 11.12 km
    assert along == pytest.approx(0.5 * KM_PER_DEG, rel=1e-6)  # 55.60 km


def test_point_beyond_the_end_measures_to_the_end_point():
    dist, along = distance_to_path(0.0, 1.5, [(0.0, 0.0), (0.0, 1.0)])
    assert dist == pytest.approx(0.5 * KM_PER_DEG, rel=1e-3)
    assert along == pytest.approx(KM_PER_DEG, rel=1e-6)


def test_eta_land_then_sea_by_hand():
    # Halfway along a 1-degree land leg (55.6 km left at 40 km/h), then 1 degree by sea at 15 km/h.
    legs = [Leg("land", [(0.0, 0.0), (0.0, 1.0)]), Leg("sea", [(0.0, 1.0), (0.0, 2.0)])]
    expected = 0.5 * KM_PER_DEG / SPEED_KMH["land"] + KM_PER_DEG / SPEED_KMH["sea"]  # 1.39 + 7.41 h
    assert eta_hours(0.0, 0.5, legs, 0) == pytest.approx(expected, rel=1e-6)
    assert eta_hours(0.0, 2.0, legs, 1) == pytest.approx(0.0, abs=1e-9)


def test_dispatch_islands_first_then_farthest():
    stops = [Stop("near", 0.0, 0.1, False), Stop("far", 0.0, 1.0, False), Stop("isle-near", 0.0, 0.2, True),
             Stop("isle-far", 0.0, 0.9, True)]
    assert dispatch_order(stops, 0.0, 0.0) == ["isle-far", "isle-near", "far", "near"]


coords = st.tuples(st.floats(-10, 10), st.floats(110, 130))


@given(st.lists(coords, min_size=2, max_size=6), coords)
def test_distance_never_exceeds_distance_to_any_vertex(path, point):
    dist, along = distance_to_path(point[0], point[1], path)
    nearest_vertex = min(distance_to_path(point[0], point[1], [v])[0] for v in path)
    assert dist <= nearest_vertex * 1.01 + 1e-6
    assert -1e-9 <= along <= path_km(path) + 1e-6


@given(st.lists(coords, min_size=2, max_size=6))
def test_a_point_on_the_path_is_on_route(path):
    a, b = path[0], path[1]
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    assert distance_to_path(mid[0], mid[1], path)[0] < 0.01 * max(1.0, path_km(path[:2]))


@given(st.lists(st.tuples(st.text(min_size=1, max_size=4), coords, st.booleans()), max_size=20, unique_by=lambda s: s[0]))
def test_dispatch_order_is_a_permutation_with_islands_first(raw):
    stops = [Stop(k, c[0], c[1], isle) for k, c, isle in raw]
    order = dispatch_order(stops, -4.0, 122.5)
    assert sorted(order) == sorted(s.key for s in stops)
    island = {s.key: s.island for s in stops}
    flags = [island[k] for k in order]
    assert flags == sorted(flags, reverse=True)


def test_a_leg_with_a_network_duration_counts_its_share_left_by_distance():
    # Land leg along the equator lng 0 -> 1 (111.2 km at 40 km/h = 2.78 h), then a sea leg lng 1 -> 2 whose
    # network crossing takes 9.5 h (not 111.2 km / 15 km/h = 7.41 h).
    legs = [Leg("land", [(0.0, 0.0), (0.0, 1.0)]), Leg("sea", [(0.0, 1.0), (0.0, 2.0)])]
    hours = eta_hours(0.0, 0.0, legs, 0, leg_hours=[None, 9.5])
    assert hours == pytest.approx(KM_PER_DEG / 40 + 9.5, rel=1e-6)
    # A quarter of the way across the sea leg: three quarters of 9.5 h are left.
    assert eta_hours(0.0, 1.25, legs, 1, leg_hours=[None, 9.5]) == pytest.approx(0.75 * 9.5, rel=1e-6)
    assert eta_hours(0.0, 1.25, legs, 1) == pytest.approx(0.75 * KM_PER_DEG / 15, rel=1e-6)
