"""Travel over land and sea: landmasses, ports, links, closures by weather, shortest paths.

Plain data in, plain data out (no Django). The model, kept simple enough to reason about:

* **Landmasses.** The union of the area polygons (kab/kota or desa: one coastline), healed by a ~110 m buffer (published boundaries
  leave slivers between neighbours; the straits of Sultra are wider: Buton and Muna stay apart), split
  into its polygons. The largest is mainland Sulawesi; each other polygon is an island (Wawonii, Muna,
  Buton, Kabaena, Wangi-Wangi, Kaledupa, Tomia, Binongko, ...). A point stands on the landmass that
  contains it, else on the nearest one (a TPS plotted in the water of its coastal desa).
* **Land.** Within one landmass: straight line x ``detour`` at a speed by landmass size (mainland 40
  km/h, large islands 35, small islands 20: tracks and motorbikes). No road graph is loaded.
* **Sea.** Ports sit on landmasses; links join ports with a crossing time, an operator kind, a capacity,
  a schedule (departure times, weekdays) or on demand, and wave/wind limits (BMKG guidance per boat kind
  by default). A landmass without a port is reached by an on-demand fishing boat from the nearest port
  (``LANDING``): nothing is unreachable, but it costs what a perahu costs. Links of Polairud and TNI AL
  vessels are contingency only: normal routes never use them; they are the alternative when civil
  links are closed.
* **Paths.** A graph of ports and landings (sea links, plus land edges between the ports of one
  landmass); all-pairs minutes by Floyd-Warshall (networkx). Point to point: land when both stand on
  one landmass, else min over (port a of the origin's landmass, port b of the destination's) of
  land(origin, a) + D[a, b] + land(b, destination), vectorised over many pairs at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np
import shapely
from shapely import STRtree

from siaga.core.geo import haversine_km

SEA, LAND, RIVER = "sea", "land", "river"
MODES = (SEA, LAND, RIVER)
FERRY, EXPRESS, SPEEDBOAT, MOTOR, FISHING, POLAIRUD, TNI_AL = (
    "ferry", "express", "speedboat", "motor", "fishing", "polairud", "tni_al")
OPERATORS = (FERRY, EXPRESS, SPEEDBOAT, MOTOR, FISHING, POLAIRUD, TNI_AL)
CONTINGENCY = frozenset({POLAIRUD, TNI_AL})
# BMKG guidance on risk to shipping (domain.md): fishing boats 1.25 m / 15 kn, barges 1.5 m / 16 kn, ferries
# 2.5 m / 21 kn, large ships 4 m / 27 kn. Speedboats go with fishing boats; express and wooden motor boats
# with the barge class; a Polairud patrol boat with ferries; a TNI AL vessel with large ships (our reading).
LIMITS: Mapping[str, tuple[float, float]] = {
    FISHING: (1.25, 15.0), SPEEDBOAT: (1.25, 15.0), EXPRESS: (1.5, 16.0), MOTOR: (1.5, 16.0),
    FERRY: (2.5, 21.0), POLAIRUD: (2.5, 21.0), TNI_AL: (4.0, 27.0)}
# BMKG wave-height classes (m): name -> (low, high).
WAVE_CLASSES: Mapping[str, tuple[float, float]] = {
    "tenang": (0.1, 0.5), "rendah": (0.5, 1.25), "sedang": (1.25, 2.5), "tinggi": (2.5, 4.0),
    "sangat_tinggi": (4.0, 6.0), "ekstrem": (6.0, 9.0), "sangat_ekstrem": (9.0, 14.0)}
LANDING = "~"  # prefix of the synthetic landing of a landmass without a port
FAR_DEG, OUTSIDE_KM2 = 0.05, 1e9  # ~5.5 km; an outside land is driven at mainland speed
LANDING_KMH, LANDING_DETOUR, LANDING_BOARD_MIN = 15.0, 1.2, 30.0
INF = float("inf")


@dataclass(frozen=True)
class Port:
    code: str
    name: str
    lat: float
    lng: float


@dataclass(frozen=True)
class Link:
    code: str
    a: str  # port codes
    b: str
    operator: str
    minutes: float
    mode: str = SEA
    persons: int = 0  # capacity per sailing
    boxes: int = 0
    departures: tuple[str, ...] = ()  # "HH:MM" local time; empty = on demand
    days: tuple[int, ...] = ()  # weekdays (0 = Monday) it sails; empty = every day
    wave_limit_m: float | None = None
    wind_limit_kn: float | None = None
    sea_area: str = ""

    @property
    def limits(self) -> tuple[float, float]:
        wave, wind = LIMITS.get(self.operator, LIMITS[FISHING])
        return (self.wave_limit_m if self.wave_limit_m is not None else wave,
                self.wind_limit_kn if self.wind_limit_kn is not None else wind)

    @property
    def contingency(self) -> bool:
        return self.operator in CONTINGENCY

    @property
    def on_demand(self) -> bool:
        return not self.departures

    def sails_on(self, day: date) -> bool:
        return not self.days or day.weekday() in self.days

    def next_departure(self, at: datetime) -> datetime:
        """The first sailing at or after ``at`` (``at`` itself when on demand)."""
        if self.on_demand:
            return at
        for offset in range(8):
            day = at.date() + timedelta(days=offset)
            if not self.sails_on(day):
                continue
            for hhmm in sorted(self.departures):
                h, m = (int(x) for x in hhmm.split(":"))
                when = datetime.combine(day, datetime.min.time(), at.tzinfo).replace(hour=h, minute=m)
                if when >= at:
                    return when
        return at  # a schedule that never sails is refused at load; be safe


@dataclass(frozen=True)
class Forecast:
    area: str
    day: date
    wave_max_m: float
    wind_max_kn: float
    wave_class: str = ""


def closures(links: Iterable[Link], forecasts: Iterable[Forecast], day: date) -> dict[str, str]:
    """Link code -> reason, for the links whose limits the forecast of ``day`` for their sea area exceeds."""
    worst: dict[str, tuple[float, float, str]] = {}
    for f in forecasts:
        if f.day == day:
            w = worst.get(f.area, (0.0, 0.0, ""))
            worst[f.area] = (max(w[0], f.wave_max_m), max(w[1], f.wind_max_kn), f.wave_class or w[2])
    out = {}
    for link in links:
        if link.mode != SEA or link.sea_area not in worst:
            continue
        wave, wind, klass = worst[link.sea_area]
        wave_lim, wind_lim = link.limits
        if wave > wave_lim or wind > wind_lim:
            out[link.code] = (f"{link.sea_area} {day.isoformat()}: gelombang {wave:g} m (batas {wave_lim:g}), "
                              f"angin {wind:g} kn (batas {wind_lim:g})")
    return out


# --------------------------------------------------------------------------- landmasses


@dataclass(frozen=True)
class LandModel:
    detour: float = 1.3
    mainland_kmh: float = 40.0
    island_kmh: float = 35.0
    small_island_kmh: float = 20.0
    small_island_km2: float = 500.0

    def kmh(self, area_km2: float, mainland: bool) -> float:
        if mainland:
            return self.mainland_kmh
        return self.island_kmh if area_km2 >= self.small_island_km2 else self.small_island_kmh


class Landmasses:
    """Polygons (lng/lat), largest first: index 0 is the mainland."""

    def __init__(self, polygons: Sequence, names: Sequence[str] | None = None):
        order = sorted(range(len(polygons)), key=lambda i: -polygons[i].area)
        self.polygons = [polygons[i] for i in order]
        self.names = [names[i] for i in order] if names else [f"#{i}" for i in range(len(order))]
        self.tree = STRtree(self.polygons)
        for p in self.polygons:
            shapely.prepare(p)
        self.bounds = [p.bounds for p in self.polygons]
        # km² at the latitude of each polygon (degrees² x 111.32² x cos(lat))
        self.area_km2 = np.array([p.area * 111.32 ** 2 * np.cos(np.radians(p.centroid.y)) for p in self.polygons])

    @classmethod
    def from_areas(cls, geometries: Iterable, heal_deg: float = 0.001) -> Landmasses:
        """Landmasses from area polygons (desa boundaries): union healed by ``heal_deg``, split in parts."""
        geoms = [shapely.make_valid(g) for g in geometries if g is not None and not g.is_empty]
        union = shapely.unary_union(shapely.buffer(np.array(geoms, dtype=object), heal_deg)) if geoms else None
        parts = [] if union is None else [g for g in shapely.get_parts(union) if g.geom_type == "Polygon"]
        return cls(parts)

    def locate(self, lat, lng) -> np.ndarray:
        """Index of the landmass each point stands on (containing, else nearest); -1 with no landmass."""
        lat, lng = np.atleast_1d(np.asarray(lat, float)), np.atleast_1d(np.asarray(lng, float))
        out = np.full(len(lat), -1, dtype=np.int64)
        if not self.polygons or not len(lat):
            return out
        points = shapely.points(lng, lat)
        for i, poly in enumerate(self.polygons):  # largest first: most points are settled by the mainland
            x0, y0, x1, y1 = self.bounds[i]
            cand = np.flatnonzero((out < 0) & (lng >= x0) & (lng <= x1) & (lat >= y0) & (lat <= y1))
            if len(cand):
                inside = shapely.contains_xy(poly, lng[cand], lat[cand])
                out[cand[inside]] = i
        miss = np.flatnonzero(out < 0)
        if len(miss):
            src, hit = self.tree.query_nearest(points[miss], all_matches=False)
            out[miss[src]] = hit
        return out

    def representative(self, index: int) -> tuple[float, float]:
        p = self.polygons[index].representative_point()
        return p.y, p.x


# --------------------------------------------------------------------------- network


@dataclass(frozen=True)
class Leg:
    mode: str
    frm: str
    to: str
    minutes: float
    operator: str = ""
    link: str = ""


@dataclass
class Route:
    legs: list[Leg]
    minutes: float
    closed: dict[str, str] = field(default_factory=dict)  # closed links the normal route would take

    def as_dict(self) -> dict:
        return {"minutes": round(self.minutes), "hours": round(self.minutes / 60, 1),
                "legs": [{"mode": g.mode, "from": g.frm, "to": g.to, "minutes": round(g.minutes),
                          "operator": g.operator, "link": g.link} for g in self.legs]}


class Network:
    """Ports, links and landmasses with a set of closed links; all-pairs between ports computed once."""

    def __init__(self, ports: Sequence[Port], links: Sequence[Link], landmasses: Landmasses, *,
                 closed: Iterable[str] = (), land: LandModel = LandModel(), contingency: bool = False):
        self.landmasses, self.land = landmasses, land
        self.links = {lk.code: lk for lk in links}
        self.closed = frozenset(closed)
        self.contingency = contingency
        nodes = list(ports)
        lm = [int(x) for x in landmasses.locate([p.lat for p in ports], [p.lng for p in ports])] if ports else []
        # a port far from every loaded landmass (Bajoe, in Sulawesi Selatan) stands on a land of its own
        self.area_km2 = landmasses.area_km2
        for k, p in enumerate(ports):
            if lm[k] >= 0 and shapely.distance(shapely.points(p.lng, p.lat), landmasses.polygons[lm[k]]) > FAR_DEG:
                lm[k] = len(self.area_km2)
                self.area_km2 = np.append(self.area_km2, OUTSIDE_KM2)
        with_port = set(lm)
        # one landing per landmass without a port, joined to the nearest port by an on-demand perahu
        self.landing_links: list[Link] = []
        if ports:
            plat, plng = np.array([p.lat for p in ports]), np.array([p.lng for p in ports])
            for i in range(len(landmasses.polygons)):
                if i in with_port:
                    continue
                lat, lng = landmasses.representative(i)
                km = haversine_km(lat, lng, plat, plng)
                near = int(np.argmin(km))
                code = f"{LANDING}{i}"
                nodes.append(Port(code, f"{landmasses.names[i]} (perahu)", lat, lng))
                lm.append(i)
                minutes = float(km[near]) * LANDING_DETOUR / LANDING_KMH * 60 + LANDING_BOARD_MIN
                self.landing_links.append(Link(code, ports[near].code, code, FISHING, minutes))
        self.nodes = nodes
        self.index = {p.code: i for i, p in enumerate(nodes)}
        self.node_lm = np.array(lm, dtype=np.int64)
        self.node_lat = np.array([p.lat for p in nodes])
        self.node_lng = np.array([p.lng for p in nodes])
        self.graph = self._graph()
        order = list(range(len(nodes)))
        self.matrix = (nx.floyd_warshall_numpy(self.graph, nodelist=order, weight="minutes")
                       if nodes else np.zeros((0, 0)))

    def usable(self, link: Link) -> bool:
        return link.code not in self.closed and (self.contingency or not link.contingency)

    def _graph(self) -> nx.Graph:
        g = nx.Graph()
        g.add_nodes_from(range(len(self.nodes)))

        def add(i, j, minutes, mode, operator, code):
            if i == j:
                return
            old = g.get_edge_data(i, j)
            if old is None or minutes < old["minutes"]:
                g.add_edge(i, j, minutes=minutes, mode=mode, operator=operator, link=code)

        for link in [*self.links.values(), *self.landing_links]:
            if link.a in self.index and link.b in self.index and self.usable(link):
                add(self.index[link.a], self.index[link.b], link.minutes, link.mode, link.operator, link.code)
        for m in np.unique(self.node_lm):
            idx = np.flatnonzero(self.node_lm == m)
            for x in idx:
                for y in idx[idx > x]:
                    add(int(x), int(y), self._land_minutes(self.node_lat[x], self.node_lng[x], self.node_lat[y],
                                                           self.node_lng[y], m), LAND, "", "")
        return g

    def with_closed(self, closed: Iterable[str], *, contingency: bool | None = None) -> Network:
        other = object.__new__(Network)
        other.__dict__.update(self.__dict__)
        other.closed = frozenset(closed)
        other.contingency = self.contingency if contingency is None else contingency
        other.graph = other._graph()
        other.matrix = nx.floyd_warshall_numpy(other.graph, nodelist=list(range(len(self.nodes))),
                                               weight="minutes") if self.nodes else np.zeros((0, 0))
        return other

    # ---- land

    def _land_minutes(self, lat1, lng1, lat2, lng2, lm):
        lm = np.asarray(lm)
        area = self.area_km2[np.clip(lm, 0, None)] if len(self.area_km2) else 0.0
        kmh = np.where((lm == 0) | (area >= OUTSIDE_KM2), self.land.mainland_kmh,
                       np.where(area >= self.land.small_island_km2, self.land.island_kmh, self.land.small_island_kmh))
        return haversine_km(lat1, lng1, lat2, lng2) * self.land.detour / kmh * 60.0

    # ---- many pairs at once

    def minutes(self, lat1, lng1, lm1, lat2, lng2, lm2, chunk: int = 4096) -> np.ndarray:
        """Minutes from points 1 to points 2 (arrays broadcast); ``lm`` from ``Landmasses.locate``."""
        lat1, lng1, lm1, lat2, lng2, lm2 = np.broadcast_arrays(*(np.asarray(x) for x in
                                                                 (lat1, lng1, lm1, lat2, lng2, lm2)))
        shape = lat1.shape
        lat1, lng1, lm1, lat2, lng2, lm2 = (x.ravel() for x in (lat1, lng1, lm1, lat2, lng2, lm2))
        out = self._land_minutes(lat1, lng1, lat2, lng2, lm1)
        cross = np.flatnonzero(lm1 != lm2)
        if not len(cross):
            return out.reshape(shape)
        pair = lm1[cross] * (len(self.area_km2) + 1) + lm2[cross]
        order = np.argsort(pair, kind="stable")
        keys, starts = np.unique(pair[order], return_index=True)
        for key, lo, hi in zip(keys, starts, [*starts[1:], len(order)]):
            c = cross[order[lo:hi]]
            a_idx = np.flatnonzero(self.node_lm == lm1[c[0]])
            b_idx = np.flatnonzero(self.node_lm == lm2[c[0]])
            if not len(a_idx) or not len(b_idx):
                out[c] = INF
                continue
            between = self.matrix[np.ix_(a_idx, b_idx)]
            for start in range(0, len(c), chunk):
                cc = c[start:start + chunk]
                to_a = self._land_minutes(lat1[cc, None], lng1[cc, None], self.node_lat[a_idx][None, :],
                                          self.node_lng[a_idx][None, :], lm1[cc, None])
                from_b = self._land_minutes(self.node_lat[b_idx][None, :], self.node_lng[b_idx][None, :],
                                            lat2[cc, None], lng2[cc, None], lm2[cc, None])
                via = np.min(to_a[:, :, None] + between[None, :, :], axis=1)  # to each port b
                out[cc] = np.min(via + from_b, axis=1)
        return out.reshape(shape)

    # ---- one route with its legs

    def route(self, lat1, lng1, lat2, lng2, *, frm: str = "asal", to: str = "tujuan") -> Route | None:
        """The fastest route with its legs, or None when the network has no way through."""
        lm1, lm2 = (int(x) for x in self.landmasses.locate([lat1, lat2], [lng1, lng2]))
        if lm1 == lm2:
            m = float(self._land_minutes(lat1, lng1, lat2, lng2, lm1))
            return Route([Leg(LAND, frm, to, m)], m)
        a_idx = np.flatnonzero(self.node_lm == lm1)
        b_idx = np.flatnonzero(self.node_lm == lm2)
        if not len(a_idx) or not len(b_idx):
            return None
        to_a = self._land_minutes(lat1, lng1, self.node_lat[a_idx], self.node_lng[a_idx], lm1)
        from_b = self._land_minutes(self.node_lat[b_idx], self.node_lng[b_idx], lat2, lng2, lm2)
        total = to_a[:, None] + self.matrix[np.ix_(a_idx, b_idx)] + from_b[None, :]
        i, j = np.unravel_index(int(np.argmin(total)), total.shape)
        if not np.isfinite(total[i, j]):
            return None
        a, b = int(a_idx[i]), int(b_idx[j])
        path = nx.dijkstra_path(self.graph, a, b, weight="minutes")
        legs = []
        if to_a[i] > 0.5:
            legs.append(Leg(LAND, frm, self.nodes[a].code, float(to_a[i])))
        for x, y in zip(path, path[1:]):
            e = self.graph.edges[x, y]
            legs.append(Leg(e["mode"], self.nodes[x].code, self.nodes[y].code, float(e["minutes"]), e["operator"],
                            e["link"]))
        if from_b[j] > 0.5:
            legs.append(Leg(LAND, self.nodes[b].code, to, float(from_b[j])))
        return Route(legs, float(total[i, j]))


def timed_legs(route: Route, links: Mapping[str, Link], start: datetime) -> list[dict]:
    """The route's legs with departure and arrival times, waiting for each scheduled sailing."""
    at, out = start, []
    for leg in route.legs:
        link = links.get(leg.link)
        depart = link.next_departure(at) if link is not None else at
        arrive = depart + timedelta(minutes=leg.minutes)
        out.append({"mode": leg.mode, "from": leg.frm, "to": leg.to, "minutes": round(leg.minutes),
                    "operator": leg.operator, "link": leg.link, "depart": depart, "arrive": arrive})
        at = arrive
    return out


def sailings(link: Link, persons: int, ready: datetime, *, boxes: int = 0, frm: str = "", to: str = "") -> list[dict]:
    """Persons (and boxes) over ``link`` from ``ready``: as many sailings as capacity needs. A scheduled
    link takes its next departures; an on-demand boat comes back for the next load (a round trip)."""
    if persons <= 0 and boxes <= 0:
        return []
    cap_p = link.persons or persons or 1
    cap_b = link.boxes or boxes or 1
    out, left_p, left_b, at = [], persons, boxes, ready
    while left_p > 0 or left_b > 0:
        depart = link.next_departure(at)
        take_p, take_b = min(left_p, cap_p), min(left_b, cap_b)
        arrive = depart + timedelta(minutes=link.minutes)
        out.append({"link": link.code, "operator": link.operator, "from": frm or link.a, "to": to or link.b, "persons": take_p,
                    "boxes": take_b, "capacity": cap_p, "depart": depart, "arrive": arrive})
        left_p, left_b = left_p - take_p, left_b - take_b
        at = depart + timedelta(minutes=2 * link.minutes if link.on_demand else 1)
    return out


@dataclass(frozen=True, eq=False)
class NetworkTravel:
    """The planner's travel model over a network: minutes turned into km-equivalent at ``km_per_minute``
    (40 km/h by default, so that on mainland roads it costs what the plain distance model costs: straight
    km x 1.3). ``cost_km`` (distance only, no places) keeps the plain model for callers without points."""

    network: Network
    km_per_minute: float = 40.0 / 60.0
    road_factor: float = 1.3
    sea_penalty_km: float = 50.0
    _seen: dict = field(default_factory=dict, repr=False)  # (lat, lng) -> landmass, placed once

    def locate(self, lat, lng) -> np.ndarray:
        """Landmass of each point, each distinct point located once per model."""
        lat, lng = np.asarray(lat, float), np.asarray(lng, float)
        pts, inverse = np.unique(np.stack([lat.ravel(), lng.ravel()], axis=1), axis=0, return_inverse=True)
        found = np.array([self._seen.get((a, b), -2) for a, b in pts.tolist()], dtype=np.int64)
        new = np.flatnonzero(found == -2)
        if len(new):
            found[new] = self.network.landmasses.locate(pts[new, 0], pts[new, 1])
            self._seen.update(zip(map(tuple, pts[new].tolist()), found[new].tolist()))
        return found[inverse.ravel()].reshape(lat.shape)

    def cost_km(self, km, tps_island, unit_island):
        crossing = np.logical_and(tps_island, np.logical_not(unit_island))
        return np.asarray(km) * self.road_factor + np.where(crossing, self.sea_penalty_km, 0.0)

    def cost_points_km(self, lat1, lng1, island1, lat2, lng2, island2):
        lat1, lng1, lat2, lng2 = np.broadcast_arrays(*(np.asarray(x, float) for x in (lat1, lng1, lat2, lng2)))
        lm1, lm2 = self.locate(lat1, lng1), self.locate(lat2, lng2)
        minutes = self.network.minutes(lat1, lng1, lm1, lat2, lng2, lm2)
        return np.where(np.isfinite(minutes), minutes, 1e6) * self.km_per_minute


def book_sea_movements(groups: Sequence[tuple[str, int, Route]], links: Mapping[str, Link],
                       ready: datetime) -> list[dict]:
    """Sailings for groups of people (key, persons, route), all ready at ``ready``. Every sea leg books seats
    on its link: a sailing takes at most the link's capacity in persons over all groups, the rest waits for
    the next departure (an on-demand boat comes back: a round trip later). A group's next leg starts when
    its part has arrived. Returns one row per (sailing, group) with depart and arrive."""
    used: dict[tuple[str, str, datetime], int] = {}
    rows = []
    for key, persons, route in groups:
        queue = [(persons, ready, 0)]
        while queue:
            n, at, i = queue.pop(0)
            if i >= len(route.legs) or n <= 0:
                continue
            leg = route.legs[i]
            link = links.get(leg.link)
            if leg.mode != SEA or link is None:
                queue.append((n, at + timedelta(minutes=leg.minutes), i + 1))
                continue
            cap = link.persons or n
            while n > 0:
                depart = link.next_departure(at)
                slot = (link.code, leg.frm, depart)
                room = cap - used.get(slot, 0)
                if room <= 0:
                    at = depart + timedelta(minutes=2 * link.minutes if link.on_demand else 1)
                    continue
                take = min(n, room)
                used[slot] = used.get(slot, 0) + take
                arrive = depart + timedelta(minutes=leg.minutes)
                rows.append({"group": key, "link": link.code, "operator": link.operator, "from": leg.frm,
                             "to": leg.to, "persons": take, "capacity": cap, "depart": depart, "arrive": arrive})
                queue.append((take, arrive, i + 1))
                n -= take
    return rows
