"""Weather holds on escort sea legs: when a marine forecast closes the link a planned sea leg sails, the leg
is held until the first later day the forecast leaves it open (else a day later), which moves the mission's
ETA (missions.mission_eta_hours adds the hold). A calmer forecast lifts a hold it set. Called by transport's
forecast registry after each forecast import (registered in CustodyConfig.ready)."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from siaga.accounts.services import audit_record
from siaga.core import transport as core
from siaga.core.geo import haversine_km
from siaga.custody.models import MissionLeg
from siaga.transport import selectors as transport

PORT_MATCH_KM = 10.0  # a leg's end within this of a port sails from/to it
REASON_PREFIX = "cuaca: "


def _nearest_port(lat, lng, ports):
    best = min(ports, key=lambda p: haversine_km(lat, lng, p.lat, p.lng), default=None)
    if best is None or haversine_km(lat, lng, best.lat, best.lng) > PORT_MATCH_KM:
        return None
    return best.code


def leg_link(leg, ports, links) -> core.Link | None:
    """The civil link a sea leg sails (its ends at the link's two ports), or None."""
    if leg.mode != "sea" or len(leg.path or []) < 2:
        return None
    a = _nearest_port(*leg.path[0], ports)
    b = _nearest_port(*leg.path[-1], ports)
    if a is None or b is None:
        return None
    return next((lk for lk in links.values() if not lk.contingency and {lk.a, lk.b} == {a, b}), None)


def _reopens(link, day, forecasts, tz):
    days = sorted({f.day for f in forecasts if f.day > day})
    for d in days:
        if not core.closures([link], forecasts, d):
            first = min(link.departures) if link.departures else "06:00"
            h, m = (int(x) for x in first.split(":"))
            return datetime.combine(d, time(h, m), tzinfo=tz)
    return datetime.combine(day + timedelta(days=1), time(6, 0), tzinfo=tz)


def apply_forecast_holds(*, days, actor=None) -> int:
    """Hold (or release) the open sea legs planned on ``days``; returns how many legs changed."""
    ports = list(transport.ports().values())
    links = transport.links()
    if not ports or not links:
        return 0
    forecasts = transport.forecasts()
    tz = timezone.get_current_timezone()
    changed = 0
    legs = MissionLeg.objects.filter(mode="sea", actual_arrive=None).select_related("mission")
    with transaction.atomic():
        for leg in legs:
            day = timezone.localtime(leg.planned_depart, tz).date()
            if day not in days:
                continue
            link = leg_link(leg, ports, links)
            if link is None:
                continue
            reason = core.closures([link], forecasts, day).get(link.code)
            before = {"hold": str(leg.hold_until), "reason": leg.hold_reason}
            if reason:
                until = _reopens(link, day, forecasts, tz)
                text = (REASON_PREFIX + f"{link.code} ditutup, {reason}")[:200]
                if leg.hold_until == until and leg.hold_reason == text:
                    continue
                leg.hold_until, leg.hold_reason = until, text
            elif leg.hold_reason.startswith(REASON_PREFIX):
                leg.hold_until, leg.hold_reason = None, ""
            else:
                continue
            leg.save(update_fields=["hold_until", "hold_reason"])
            changed += 1
            audit_record(actor=actor, action="custody.mission.weather_hold", obj_type="custody_mission",
                         obj_id=leg.mission.code, area_code=leg.mission.area_code, before=before,
                         after={"hold": str(leg.hold_until), "reason": leg.hold_reason, "link": link.code})
    return changed
