"""Reads of the transport app. Ports, links, landmasses and forecasts are public reference data of the
province (no agency scope: every viewer sees the same sea); the viewer is taken for the uniform signature."""

from datetime import date

import shapely
from django.db.models import Count, Max

from siaga.core import transport as core
from siaga.regions.models import Region, Tps
from siaga.transport.models import Landmass, Link, MarineForecast, Port

_cache: dict = {}


def _stamp(province_code):
    lm = Landmass.objects.filter(province_code=province_code).aggregate(n=Count("pk"), m=Max("pk"))
    return (tuple(lm.values()), tuple(Port.objects.aggregate(n=Count("pk"), m=Max("updated")).values()),
            tuple(Link.objects.aggregate(n=Count("pk"), m=Max("updated")).values()),
            tuple(MarineForecast.objects.aggregate(n=Count("pk"), m=Max("updated")).values()))


def landmasses(province_code: str) -> core.Landmasses | None:
    rows = list(Landmass.objects.filter(province_code=province_code).order_by("index"))
    if not rows:
        return None
    found = core.Landmasses([shapely.from_wkb(bytes(r.wkb)) for r in rows], [r.name for r in rows])
    return found


def forecasts(days=None) -> list[core.Forecast]:
    qs = MarineForecast.objects.all()
    if days is not None:
        qs = qs.filter(day__in=list(days))
    return [core.Forecast(f.area_id, f.day, f.wave_max_m, f.wind_max_kn, f.wave_class) for f in qs]


def closed_links(day: date) -> dict[str, str]:
    return core.closures([lk.as_core() for lk in Link.objects.all()], forecasts([day]), day)


def network(*, viewer=None, province_code: str, day: date | None = None, contingency=False) -> core.Network | None:
    """The province's network with the links the forecast of ``day`` closes (None: nothing loaded)."""
    key = (province_code, day, contingency, _stamp(province_code))
    if key in _cache:
        return _cache[key]
    masses = landmasses(province_code)
    ports = [core.Port(p.code, p.name, p.lat, p.lng) for p in Port.objects.all()]
    if masses is None or not ports:
        return None
    base = _cache.get(("base", key[3], province_code))
    if base is None:
        base = core.Network(ports, [lk.as_core() for lk in Link.objects.select_related(None)], masses)
        _cache.clear()
        _cache[("base", key[3], province_code)] = base
    closed = closed_links(day) if day else {}
    net = base.with_closed(closed, contingency=contingency) if closed or contingency else base
    net.closed_reasons = closed
    _cache[key] = net
    return net


def links(*, viewer=None) -> dict[str, core.Link]:
    return {lk.code: lk.as_core() for lk in Link.objects.all()}


def ports(*, viewer=None) -> dict[str, Port]:
    return Port.objects.in_bulk()


def place(*, viewer=None, code: str) -> tuple[str, float, float] | None:
    """(name, lat, lng) of a port code, TPS code (Pemilu first, then Pilkada) or region code."""
    port = Port.objects.filter(code=code).first()
    if port:
        return port.name, port.lat, port.lng
    digits = code.replace(".", "")
    if digits.isdigit() and len(digits) == 13:
        for election in ("pemilu", "pilkada"):
            tps = Tps.objects.filter(code=digits, election=election).select_related("desa").first()
            if tps:
                lat, lng = (tps.lat, tps.lng) if tps.lat is not None else (tps.desa.lat, tps.desa.lng)
                if lat is not None:
                    return f"TPS {tps.code}", lat, lng
    region = Region.objects.filter(code=code).exclude(lat=None).first()
    if region:
        return region.name, region.lat, region.lng
    return None


def link_features(*, viewer=None, day: date | None = None) -> dict:
    """Links as GeoJSON lines for the command map, each with its closure on ``day``."""
    closed = closed_links(day) if day else {}
    feats = []
    for lk in Link.objects.select_related("from_port", "to_port"):
        a, b = lk.from_port, lk.to_port
        feats.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[a.lng, a.lat],
                                                                                             [b.lng, b.lat]]},
                      "properties": {"code": lk.code, "name": lk.name or f"{a.name} - {b.name}",
                                     "operator": lk.operator, "minutes": lk.minutes,
                                     "closed": lk.code in closed, "reason": closed.get(lk.code, "")}})
    return {"type": "FeatureCollection", "features": feats}


def _later_window(route: core.Route, after: date) -> str | None:
    """The first forecast day after ``after`` on which none of the route's links is closed."""
    codes = {g.link for g in route.legs if g.link}
    all_links = [lk.as_core() for lk in Link.objects.filter(code__in=codes)]
    days = sorted(set(MarineForecast.objects.filter(day__gt=after).values_list("day", flat=True)))
    fc = forecasts(days)
    for d in days:
        if not core.closures(all_links, fc, d):
            return d.isoformat()
    return None


def route_between(*, viewer=None, province_code: str, frm, to, at=None) -> dict | None:
    """The route between two (name, lat, lng) places; with ``at`` (a datetime) the forecast of that day closes
    links: the answer then names the closures, the alternative (civil, else Polairud/TNI AL), or a later window."""
    base = network(viewer=viewer, province_code=province_code)
    if base is None:
        return None
    (fname, flat, flng), (tname, tlat, tlng) = frm, to
    normal = base.route(flat, flng, tlat, tlng, frm=fname, to=tname)
    out = {"from": fname, "to": tname, "closed": [], "alternative": None, "contingency": False,
           "later_window": None, "reachable": normal is not None}
    if normal is None:
        return out
    out.update(normal.as_dict())
    if at is None:
        return out
    all_links = links(viewer=viewer)
    out["legs"] = _timed(normal, all_links, at)
    out["arrive"] = out["legs"][-1]["arrive"] if out["legs"] else at.isoformat(timespec="minutes")
    day = at.date()
    now = network(viewer=viewer, province_code=province_code, day=day)
    hit = {g.link: now.closed_reasons[g.link] for g in normal.legs if g.link in now.closed_reasons}
    if not hit:
        return out
    out["closed"] = [{"link": k, "reason": v} for k, v in hit.items()]
    alt = now.route(flat, flng, tlat, tlng, frm=fname, to=tname)
    if alt is None:
        alt = network(viewer=viewer, province_code=province_code, day=day, contingency=True).route(
            flat, flng, tlat, tlng, frm=fname, to=tname)
        out["contingency"] = alt is not None
    if alt is not None:
        legs = _timed(alt, all_links, at)
        out["alternative"] = {**alt.as_dict(), "legs": legs, "arrive": legs[-1]["arrive"] if legs else None}
    out["later_window"] = _later_window(normal, day)
    out["reachable"] = alt is not None
    return out


def _timed(route, all_links, at):
    return [{**g, "depart": g["depart"].isoformat(timespec="minutes"), "arrive": g["arrive"].isoformat(timespec="minutes")}
            for g in core.timed_legs(route, all_links, at)]
