"""Distances and the travel-cost model used by deployment planning.

Travel cost is deliberately simple so that planners can reason about it:

    cost_km = great_circle_km * road_factor  (+ sea_penalty_km when crossing)

``road_factor`` turns straight-line distance into a road estimate (1.3 is a
common detour index for rural road networks). A crossing happens when the TPS
is on an island and the unit is not: the boat trip is charged as a fixed
km-equivalent, because ferry time depends on schedules, not distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def haversine_km(lat1, lng1, lat2, lng2):
    """Great-circle distance in km; accepts scalars or broadcastable arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lng2) - np.asarray(lng1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(km) if np.ndim(km) == 0 else km


@dataclass(frozen=True)
class TravelModel:
    road_factor: float = 1.3
    sea_penalty_km: float = 50.0

    def cost_km(self, km, tps_island, unit_island):
        """Travel cost (km-equivalent) for great-circle ``km``; arrays broadcast."""
        crossing = np.logical_and(tps_island, np.logical_not(unit_island))
        return np.asarray(km) * self.road_factor + np.where(crossing, self.sea_penalty_km, 0.0)

    def cost_points_km(self, lat1, lng1, island1, lat2, lng2, island2):
        """Cost (km-equivalent) from units at (lat1, lng1) to posts at (lat2, lng2); arrays broadcast.
        The planner calls this one: a network model (siaga.core.transport.NetworkTravel) overrides it."""
        return self.cost_km(haversine_km(lat1, lng1, lat2, lng2), island2, island1)

    def cost_between(self, lat1, lng1, island1, lat2, lng2, island2) -> float:
        """Cost from a unit at (lat1, lng1) to a TPS or post at (lat2, lng2)."""
        return float(self.cost_km(haversine_km(lat1, lng1, lat2, lng2), island2, island1))
