"""Pure geometry for escort missions: off-route distance, ETA, dispatch order.

No Django here. Paths are lists of (lat, lng). Distances use a local
equirectangular projection around the point being measured, which is exact to
well under 1% over the tens of kilometres of one leg and keeps the maths
readable; leg lengths use the great-circle distance of siaga.core.geo.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from siaga.core.geo import EARTH_RADIUS_KM, haversine_km

# Planning speeds in km/h: escorted trucks on rural roads, small boats.
SPEED_KMH = {"land": 40.0, "sea": 15.0}
_KM_PER_DEG = EARTH_RADIUS_KM * math.pi / 180


def path_km(path: Sequence[Sequence[float]]) -> float:
    return sum(float(haversine_km(a[0], a[1], b[0], b[1])) for a, b in zip(path, path[1:]))


def distance_to_path(lat: float, lng: float, path: Sequence[Sequence[float]]) -> tuple[float, float]:
    """(km from the point to the nearest spot on the path, km along the path to that spot)."""
    if not path:
        raise ValueError("a path needs at least one point")
    if len(path) == 1:
        return float(haversine_km(lat, lng, path[0][0], path[0][1])), 0.0
    cos_lat = math.cos(math.radians(lat))

    def xy(p):
        return (p[1] - lng) * cos_lat * _KM_PER_DEG, (p[0] - lat) * _KM_PER_DEG

    best, best_along, walked = math.inf, 0.0, 0.0
    for a, b in zip(path, path[1:]):
        (ax, ay), (bx, by) = xy(a), xy(b)
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        t = 0.0 if seg2 == 0 else min(1.0, max(0.0, -(ax * dx + ay * dy) / seg2))
        dist = math.hypot(ax + t * dx, ay + t * dy)
        seg_km = float(haversine_km(a[0], a[1], b[0], b[1]))
        if dist < best:
            best, best_along = dist, walked + t * seg_km
        walked += seg_km
    return best, best_along


@dataclass(frozen=True)
class Leg:
    mode: str  # "land" or "sea"
    path: Sequence[Sequence[float]]


def eta_hours(lat: float, lng: float, legs: Sequence[Leg], current: int,
              speeds: dict[str, float] = SPEED_KMH, leg_hours: Sequence[float | None] | None = None) -> float:
    """Hours to the end of the last leg from a position on leg ``current`` (0-based).

    Remaining distance on the current leg is its length minus the distance
    along it to the position; later legs count whole, each at its mode's speed.
    ``leg_hours`` overrides a leg's whole duration (the transport network's
    travel time for a leg between two landmasses): the current leg then
    counts the share of that duration left by distance.
    """
    if not 0 <= current < len(legs):
        raise ValueError("current leg out of range")
    given = list(leg_hours) if leg_hours is not None else [None] * len(legs)

    def whole(i):
        return given[i] if given[i] is not None else path_km(legs[i].path) / speeds[legs[i].mode]

    leg = legs[current]
    _, along = distance_to_path(lat, lng, leg.path)
    length = path_km(leg.path)
    left = max(0.0, length - along)
    hours = left / speeds[leg.mode] if given[current] is None else (
        given[current] * (left / length if length > 0 else 1.0))
    return hours + sum(whole(i) for i in range(current + 1, len(legs)))


@dataclass(frozen=True)
class Stop:
    key: str
    lat: float
    lng: float
    island: bool


def dispatch_order(stops: Sequence[Stop], origin_lat: float, origin_lng: float) -> list[str]:
    """Keys in dispatch order: island stops first, then farthest from the origin first."""
    def rank(stop):
        return (not stop.island, -float(haversine_km(origin_lat, origin_lng, stop.lat, stop.lng)), stop.key)

    return [stop.key for stop in sorted(stops, key=rank)]
