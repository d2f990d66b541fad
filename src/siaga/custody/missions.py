"""Escort mission state from its rows: current leg, off-route distance, ETA (maths in escort_math).

A leg whose two ends stand on different landmasses takes the transport network's travel time (ports, links,
land to and from the ports) instead of a flat boat speed over the straight line; with no network loaded the
flat speeds of escort_math apply."""

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
    network_hours = leg_network_hours(mission.area_code[:2], legs)
    hold = 0.0
    if leg.hold_until and leg.hold_until > position.at:
        hold = (leg.hold_until - position.at).total_seconds() / 3600
    return hold + eta_hours(position.lat, position.lng, plans, legs.index(leg), leg_hours=network_hours)


def leg_network_hours(province_code, legs) -> list[float | None]:
    """Per leg, the network's hours between its two ends when they lie on different landmasses, else None."""
    from siaga.transport.selectors import network

    out: list[float | None] = [None] * len(legs)
    ends = [(i, row.path[0], row.path[-1]) for i, row in enumerate(legs) if len(row.path or []) >= 2]
    if not ends:
        return out
    net = network(province_code=province_code)
    if net is None:
        return out
    where = net.landmasses.locate([p[0] for _i, a, b in ends for p in (a, b)],
                                  [p[1] for _i, a, b in ends for p in (a, b)])
    for k, (i, a, b) in enumerate(ends):
        if where[2 * k] != where[2 * k + 1]:
            found = net.route(a[0], a[1], b[0], b[1])
            out[i] = found.minutes / 60 if found is not None else None
    return out
