"""BKO movements to island kab/kota as planned sea movements: the stored plan's BKO orders routed over the
transport network (when one is loaded), each sea leg booked on its link's sailings within capacity.

Planning sits above deployment and transport and is the one place that joins them: the deployment optimiser
gets its travel model from here (``plan_travel``), and the plan document and `siaga plan deploy` read the
sea movements from here (``plan_sea_movements``)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from siaga.core import transport as core
from siaga.core.timezones import WITA, zone_for_province
from siaga.deployment.models import PlanBko
from siaga.regions.models import Region
from siaga.transport import selectors as transport

# BKO forces board on H-3 from 06:00 (in place by H-1, when the ballots reach the TPS).
BOARD_DAYS_BEFORE, BOARD_AT = 3, time(6, 0)
POLLS_OPEN = time(7, 0)  # a sailing arriving later than this on voting day is flagged late


def plan_travel(*, viewer, province_code):
    """The optimiser's travel model: the network's minutes when one is loaded, else None (distance model)."""
    net = transport.network(viewer=viewer, province_code=province_code)
    return core.NetworkTravel(net) if net is not None else None


def _point(unit, centres):
    """Where a unit boards: its own location, else its area's centre; a province unit (Polda) without one sits
    in the provincial capital, by Kemendagri numbering the kota .71 (Kendari for 74)."""
    if unit.lat is not None and unit.lng is not None:
        return unit.lat, unit.lng
    return centres.get(unit.area_code) or centres.get(f"{unit.area_code}.71")


def plan_sea_movements(*, viewer, plan, voting_day) -> list[dict]:
    """One row per sailing: vessel, link, from/to port, persons, capacity, depart, arrive, the units aboard."""
    if plan is None or voting_day is None:
        return []
    province = plan.province_code
    net = transport.network(viewer=viewer, province_code=province)
    if net is None:
        return []
    orders = list(PlanBko.objects.filter(plan=plan).select_related("from_unit", "to_unit").order_by("pk"))
    codes = {c for o in orders for u in (o.from_unit, o.to_unit) for c in (u.area_code, f"{u.area_code}.71")}
    centres = {r.code: (r.lat, r.lng) for r in Region.objects.filter(code__in=codes).exclude(lat=None)}
    groups, names = [], {}
    for o in orders:
        a, b = _point(o.from_unit, centres), _point(o.to_unit, centres)
        if a is None or b is None:
            continue
        route = net.route(*a, *b, frm=o.from_unit.code, to=o.to_unit.code)
        if route is None or not any(g.mode == core.SEA for g in route.legs):
            continue
        key = f"{o.from_unit.code}>{o.to_unit.code}"
        names[key] = (o.from_unit.name, o.to_unit.name)
        groups.append((key, o.count, route))
    ready = datetime.combine(voting_day - timedelta(days=BOARD_DAYS_BEFORE), BOARD_AT,
                             tzinfo=ZoneInfo((zone_for_province(province) or WITA).name))
    rows = core.book_sea_movements(groups, transport.links(viewer=viewer), ready)
    polls_open = datetime.combine(voting_day, POLLS_OPEN, tzinfo=ready.tzinfo)
    ports = transport.ports(viewer=viewer)
    sailings: dict = {}
    for r in rows:
        k = (r["link"], r["from"], r["depart"])
        s = sailings.setdefault(k, {"vessel": r["operator"], "link": r["link"], "from": r["from"],
                                    "from_name": getattr(ports.get(r["from"]), "name", r["from"]),
                                    "to": r["to"], "to_name": getattr(ports.get(r["to"]), "name", r["to"]),
                                    "persons": 0, "capacity": r["capacity"], "depart": r["depart"],
                                    "arrive": r["arrive"], "late": r["arrive"] > polls_open, "units": []})
        s["persons"] += r["persons"]
        frm, to = names[r["group"]]
        s["units"].append({"from_unit": frm, "to_unit": to, "persons": r["persons"]})
    return sorted(sailings.values(), key=lambda s: (s["depart"], s["link"]))


def as_json(movements):
    return [{**m, "depart": m["depart"].isoformat(timespec="minutes"), "arrive": m["arrive"].isoformat(timespec="minutes")}
            for m in movements]


def operation_voting_day(operation):
    """The first day of the operation's voting stage (renpam figures read the same stage)."""
    if operation is None:
        return None
    stage = operation.stages.filter(kind="pemungutan").order_by("starts_on").first()
    return stage.starts_on if stage else None


def contingency_routes(*, viewer, province_code, movements) -> list[dict]:
    """For each link the movements sail: the way round when weather closes it (another civil link, else a
    Polairud/TNI AL vessel), or none: then the movement waits for a later weather window."""
    net = transport.network(viewer=viewer, province_code=province_code)
    if net is None:
        return []
    ports = transport.ports(viewer=viewer)
    out, seen = [], set()
    for m in movements:
        if m["link"] in seen:
            continue
        seen.add(m["link"])
        a, b = ports.get(m["from"]), ports.get(m["to"])
        if a is None or b is None:
            continue
        alt, vessel = None, False
        for contingency in (False, True):
            alt = net.with_closed({m["link"]}, contingency=contingency).route(a.lat, a.lng, b.lat, b.lng,
                                                                             frm=a.code, to=b.code)
            if alt is not None:
                vessel = contingency
                break
        out.append({"link": m["link"], "from_name": a.name, "to_name": b.name,
                    "alternative": alt.as_dict() if alt else None, "vessel": vessel})
    return out
