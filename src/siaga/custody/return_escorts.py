"""Escort missions planned for the return legs of the recapitulation chain (reads only; the write is
services.return_escorts_plan): PPS -> PPK, PPK -> KPU kab/kota and KPU kab/kota -> KPU provinsi, one mission
per leg, each departing in its window of the election's stage calendar and due by the day routes.Calendar
fixes, over the transport network's route (land and sea legs, waiting for scheduled sailings)."""

from datetime import datetime, time, timedelta

from django.utils import translation

from siaga.core import transport as core
from siaga.custody.escort_math import SPEED_KMH, path_km
from siaga.custody.routes import LOCAL, Calendar, end_of
from siaga.transport.models import OPERATOR_CHOICES

DEPART_AT = time(8, 0)  # the convoy leaves at 08:00 local on the first day of its window
# Return legs escorted: (origin kind, destination kind, stage whose day opens the window).
RETURN_LEGS = (("pps", "ppk"), ("ppk", "kpu"), ("kpu", "kpuprov"))


def window(calendar: Calendar, origin_kind: str, destination_kind: str) -> tuple[datetime, datetime] | None:
    """(departure, deadline) of a return leg from the calendar; None when the calendar lacks the stage.

    PPS -> PPK leaves on the first day of the kecamatan recap (the PPK receives the boxes that day);
    PPK -> KPU kab/kota on the last day of the kecamatan recap; KPU kab/kota -> KPU provinsi on the last day
    of the kab/kota recap. Each is due by the end of the day Calendar.return_due gives its destination."""
    due = calendar.return_due().get(destination_kind)
    opens = {"ppk": calendar.first_day("rekap_kecamatan"), "kpu": calendar.last_day("rekap_kecamatan"),
             "kpuprov": calendar.last_day("rekap_kabkota")}.get(destination_kind)
    if due is None or opens is None:
        return None
    return datetime.combine(opens, DEPART_AT, tzinfo=LOCAL), end_of(due)


def mission_code(election: str, origin_code: str) -> str:
    return f"KAWAL-{election.upper()}-{origin_code}"


def planned_legs(network: core.Network | None, links, origin, destination, depart: datetime) -> list[dict]:
    """MissionLeg rows (mode, origin, destination, path, planned times, boat) from ``origin`` to
    ``destination`` ((name, lat, lng) each): the network's route with its sailings, else one land leg at the
    flat escort speed (no network loaded, or no way through it)."""
    (oname, olat, olng), (dname, dlat, dlng) = origin, destination
    route = network.route(olat, olng, dlat, dlng, frm=oname, to=dname) if network is not None else None
    if route is None:
        hours = path_km([(olat, olng), (dlat, dlng)]) / SPEED_KMH["land"]
        return [{"mode": "land", "origin": oname, "destination": dname, "path": [[olat, olng], [dlat, dlng]],
                 "planned_depart": depart, "planned_arrive": depart + timedelta(hours=hours)}]

    def point(code):
        if code == oname:
            return [olat, olng]
        if code == dname:
            return [dlat, dlng]
        node = network.nodes[network.index[code]]
        return [node.lat, node.lng]

    def label(code):
        return code if code in (oname, dname) else network.nodes[network.index[code]].name

    rows = []
    for leg in core.timed_legs(route, links, depart):
        rows.append({"mode": "land" if leg["mode"] == core.LAND else "sea", "origin": label(leg["from"])[:200],
                     "destination": label(leg["to"])[:200], "path": [point(leg["from"]), point(leg["to"])],
                     "boat": _boat(leg["operator"]), "planned_depart": leg["depart"],
                     "planned_arrive": leg["arrive"]})
    return rows


def _boat(operator) -> str:
    """The leg's boat as the escort's free-text boat field reads it (in Indonesian, like a name typed by a unit)."""
    if not operator:
        return ""
    with translation.override("id"):
        return str(dict(OPERATOR_CHOICES).get(operator, operator))[:120]
