"""Escort mission state from its rows: current leg, off-route distance, ETA (maths in escort_math)."""

from siaga.custody.escort_math import Leg, distance_to_path, eta_hours


def current_leg(mission, at):
    """The first leg not yet arrived (by actual arrival), else the last one."""
    legs = list(mission.legs.all())
    for leg in legs:
        if leg.actual_arrive is None or leg.actual_arrive > at:
            return leg
    return legs[-1] if legs else None


def off_route_km(leg, lat, lng) -> float:
    return distance_to_path(lat, lng, leg.path)[0]


def mission_eta_hours(mission, position=None):
    """Hours to arrival from the last position report (None before the first report or once arrived)."""
    position = position or mission.positions.order_by("-at", "-pk").first()
    if position is None:
        return None
    legs = list(mission.legs.all())
    leg = current_leg(mission, position.at)
    if leg is None or (leg.actual_arrive and leg.actual_arrive <= position.at):
        return 0.0
    plans = [Leg(row.mode, row.path) for row in legs]
    hold = 0.0
    if leg.hold_until and leg.hold_until > position.at:
        hold = (leg.hold_until - position.at).total_seconds() / 3600
    return hold + eta_hours(position.lat, position.lng, plans, legs.index(leg))
