"""Deployment planner: group TPS into guard posts and staff them with police.

Pipeline (all pure, deterministic for the same input):

1. ``group_posts`` turns classified TPS into posts following the security
   pattern (pola pengamanan) of each class.
2. ``plan_optimal`` solves a minimum-cost flow from units to posts per
   province; ``plan_greedy`` is the by-hand baseline on the same network and
   cost model, so their totals compare directly.
3. ``replan`` re-solves only the provinces touched by a change; ``plan_diff``
   lists the resulting moves. ``place_reserves`` sites Brimob/Dalmas reserves.
4. ``assign_support`` sends TNI (perbantuan) to the posts whose pattern asks
   for them: a maximum flow of least travel.

Posts are TPS posts or guard objects (KPU/Bawaslu offices, recapitulation
venues, warehouses, campaign events, escorts...): ``Post.kind`` says which;
the network treats both alike. Reserve units (Brimob, Dalmas) keep
``reserve_share`` of their people back as the Polda reserve (rounded up); the
rest join the Polda pool for BKO.

Network per province (costs are integer metres of travel-equivalent):

    own Polsek ──────────────── travel ──────────────────────┐
    other Polsek of own Polres ─ travel + own_polres_penalty ─┤
    own Polres HQ ───────────── travel + own_polres_penalty ─┼──> post (demand = polri_required)
    Polda pool (BKO) ────────── travel + bko_penalty ────────┤
    shortfall ──────────────── penalty by class ────────────┘

Other Polsek are limited to the ``neighbour_polsek`` nearest to keep arcs
sparse. Provinces never share units, so each is an independent problem; this
is what makes national scale (820k TPS) tractable and re-planning local.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

import numpy as np
from ortools.graph.python import min_cost_flow

from siaga.core.codes import parent_code
from siaga.core.geo import TravelModel, haversine_km

KURANG_RAWAN, RAWAN, SANGAT_RAWAN, KHUSUS = 0, 1, 2, 3
CLASS_NAMES = {KURANG_RAWAN: "kurang_rawan", RAWAN: "rawan", SANGAT_RAWAN: "sangat_rawan", KHUSUS: "khusus"}
UNIT_KINDS = ("polsek", "polres", "polda", "brimob", "dalmas", "tni", "linmas")
RESERVE_KINDS = ("brimob", "dalmas")
TPS_KIND = "tps"


class PlanningError(ValueError):
    """Invalid planning input; ``messages`` holds the text per language."""

    def __init__(self, id_message: str, en_message: str):
        super().__init__(id_message)
        self.messages = {"id": id_message, "en": en_message}


@dataclass(frozen=True)
class TpsNode:
    id: int
    code: str
    desa: str
    kecamatan: str
    kabkota: str
    lat: float
    lng: float
    klass: int
    island: bool = False


@dataclass(frozen=True)
class Pattern:
    """Security pattern of one class: Polri per post, TPS per post, Linmas per TPS."""

    klass: int
    polri_per_post: int
    tps_per_post_max: int
    tps_per_post_min: int
    linmas_per_tps: int
    allow_neighbour_desa: bool = False


# Pemilu 2024 figures (domain.md): kurang rawan 2 police for 4-8 TPS; rawan
# 2-2-4; sangat rawan and khusus 2-1-2. Linmas is 2 per TPS everywhere.
DEFAULT_PATTERNS: Mapping[int, Pattern] = {
    KURANG_RAWAN: Pattern(KURANG_RAWAN, 2, 8, 4, 2, allow_neighbour_desa=True),
    RAWAN: Pattern(RAWAN, 2, 2, 2, 2),
    SANGAT_RAWAN: Pattern(SANGAT_RAWAN, 2, 1, 1, 2),
    KHUSUS: Pattern(KHUSUS, 2, 1, 1, 2),
}


@dataclass(frozen=True)
class Unit:
    """A unit supplying personnel. ``area_code``: kecamatan for a Polsek,
    kab/kota for a Polres, province for a Polda."""

    id: int
    code: str
    kind: str
    parent_id: int | None
    area_code: str
    lat: float
    lng: float
    available: int
    island: bool = False

    @property
    def province(self) -> str:
        return self.area_code.split(".")[0]


@dataclass(frozen=True)
class Person:
    """A named officer. ``available`` is a flag or a tuple of (start, end)
    windows; with windows the person counts when one covers the duty window."""

    id: int
    unit_id: int
    available: bool | tuple[tuple[Any, Any], ...] = True


@dataclass(frozen=True)
class Post:
    id: int  # the smallest TPS id in the post: stable when other areas change
    klass: int
    tps_ids: tuple[int, ...]
    lat: float
    lng: float
    desa: str  # a post spanning neighbour desa names the desa of its first TPS
    kecamatan: str
    kabkota: str
    polri_required: int
    linmas_required: int
    island: bool = False
    kind: str = TPS_KIND  # "tps" or a guard object kind; an object post has no TPS

    @property
    def province(self) -> str:
        return self.kabkota.split(".")[0]


def _default_weights() -> dict[int, int]:
    return {KURANG_RAWAN: 1, RAWAN: 2, SANGAT_RAWAN: 3, KHUSUS: 3}


@dataclass(frozen=True)
class PlannerConfig:
    travel: TravelModel = TravelModel()
    own_polres_penalty_km: float = 10.0  # leaving the post's own Polsek
    bko_penalty_km: float = 100.0  # drawing on the Polda pool
    neighbour_polsek: int = 3  # nearest other Polsek offered to each post
    # Shortfall priority: a higher weight is filled first, whatever the travel.
    shortfall_weight: Mapping[int, int] = field(default_factory=_default_weights)
    pool_kinds: tuple[str, ...] = ("polda",)
    duty_window: tuple[Any, Any] | None = None
    # Share of each reserve unit (Brimob, Dalmas) held back as the Polda reserve; the rest is BKO-able.
    reserve_share: float = 1.0
    reserve_kinds: tuple[str, ...] = RESERVE_KINDS


class Assignment(NamedTuple):
    post_id: int
    unit_id: int
    count: int


class PersonAssignment(NamedTuple):
    post_id: int
    person_id: int


class BkoOrder(NamedTuple):
    from_unit: int
    to_polres: int
    count: int


class Move(NamedTuple):
    unit_id: int
    from_post: int | None  # None: newly drawn from the unit
    to_post: int | None  # None: released back to the unit
    count: int


@dataclass(frozen=True)
class ProvincePlan:
    province: str
    posts: tuple[Post, ...]
    unit_ids: frozenset[int]
    assignments: tuple[Assignment, ...]
    person_assignments: tuple[PersonAssignment, ...]
    shortfall_by_unit: Mapping[int, int]
    bko: tuple[BkoOrder, ...]
    travel_m: int
    cost: int
    status: str
    reserve: Mapping[int, int] = field(default_factory=dict)  # reserve unit id -> people held back


@dataclass(frozen=True)
class Plan:
    method: str  # "optimal" or "greedy"
    config: PlannerConfig
    parts: Mapping[str, ProvincePlan]  # by province code

    @cached_property
    def posts(self) -> list[Post]:
        return [p for part in self.parts.values() for p in part.posts]

    @cached_property
    def assignments(self) -> list[Assignment]:
        return [a for part in self.parts.values() for a in part.assignments]

    @cached_property
    def person_assignments(self) -> list[PersonAssignment]:
        return [a for part in self.parts.values() for a in part.person_assignments]

    @cached_property
    def shortfall_by_unit(self) -> dict[int, int]:
        """Polres id -> Polri required minus assigned on its posts (only > 0)."""
        return {k: v for part in self.parts.values() for k, v in part.shortfall_by_unit.items()}

    @cached_property
    def reserve(self) -> dict[int, int]:
        """Reserve unit id -> people held back as the Polda reserve."""
        return {k: v for part in self.parts.values() for k, v in part.reserve.items()}

    @cached_property
    def bko(self) -> list[BkoOrder]:
        return [b for part in self.parts.values() for b in part.bko]

    @property
    def total_travel_km(self) -> float:
        return sum(part.travel_m for part in self.parts.values()) / 1000.0

    @property
    def total_cost(self) -> int:
        """The objective: travel, penalties and shortfall penalties (metres)."""
        return sum(part.cost for part in self.parts.values())

    @property
    def status(self) -> str:
        """OPTIMAL for a solved plan, FEASIBLE for the greedy baseline."""
        return "OPTIMAL" if self.method == "optimal" else "FEASIBLE"

    def assigned_by_post(self) -> Counter:
        counts: Counter = Counter()
        for a in self.assignments:
            counts[a.post_id] += a.count
        return counts

    def summary(self) -> dict:
        assigned = self.assigned_by_post()
        by_class = {
            name: {"tps": 0, "posts": 0, "polri_required": 0, "polri_assigned": 0}
            for name in CLASS_NAMES.values()
        }
        by_kind: dict[str, dict[str, int]] = {}
        for post in self.posts:
            row = by_class[CLASS_NAMES[post.klass]]
            row["tps"] += len(post.tps_ids)
            row["posts"] += 1
            row["polri_required"] += post.polri_required
            row["polri_assigned"] += assigned[post.id]
            kind = by_kind.setdefault(post.kind, {"posts": 0, "polri_required": 0, "polri_assigned": 0})
            kind["posts"] += 1
            kind["polri_required"] += post.polri_required
            kind["polri_assigned"] += assigned[post.id]
        return {
            "posts": len(self.posts),
            "posts_by_kind": {k: v["posts"] for k, v in sorted(by_kind.items())},
            "by_kind": dict(sorted(by_kind.items())),
            "reserve": sum(self.reserve.values()),
            "tps": sum(r["tps"] for r in by_class.values()),
            "polri_required": sum(r["polri_required"] for r in by_class.values()),
            "polri_assigned": sum(r["polri_assigned"] for r in by_class.values()),
            "linmas_required": sum(p.linmas_required for p in self.posts),
            "shortfall": sum(self.shortfall_by_unit.values()),
            "bko": sum(b.count for b in self.bko),
            "total_travel_km": self.total_travel_km,
            "status": self.status,
            "by_class": by_class,
        }


# --------------------------------------------------------------------------
# Posts


def _group_ids(*columns: np.ndarray) -> np.ndarray:
    """Dense ids of the distinct rows of integer ``columns``, in lexicographic order."""
    key = np.zeros(len(columns[0]), np.int64)
    for col in columns:
        col = np.asarray(col, np.int64) - int(np.min(col))
        # Re-densify at each step so the mixed-radix key stays below n**2.
        key = np.unique(key * (int(col.max()) + 1) + col, return_inverse=True)[1]
    return key


def _codes(values: list[str]) -> np.ndarray:
    """Dense ids of region codes, in code order."""
    index = {code: i for i, code in enumerate(sorted(set(values)))}
    return np.fromiter((index[v] for v in values), np.int64, len(values))


def _run_axis_key(run: np.ndarray, lat: np.ndarray, lng: np.ndarray, at_lat, at_lng) -> np.ndarray:
    """Position of (at_lat, at_lng) along the principal axis of its run's TPS.

    Settlements stretch along roads, rivers and coasts, so consecutive slices
    along the main axis are compact; computed for all runs at once."""
    n_runs = int(run.max()) + 1
    size = np.bincount(run, minlength=n_runs)
    mlat = np.bincount(run, lat, n_runs) / size
    mlng = np.bincount(run, lng, n_runs) / size
    kx = np.cos(np.radians(mlat))
    x, y = (lng - mlng[run]) * kx[run], lat - mlat[run]
    sxx, syy, sxy = (np.bincount(run, w, n_runs) for w in (x * x, y * y, x * y))
    theta = 0.5 * np.arctan2(2 * sxy, sxx - syy)[run]
    ax, ay = (at_lng - mlng[run]) * kx[run], at_lat - mlat[run]
    return ax * np.cos(theta) + ay * np.sin(theta)


def group_posts(tps: Iterable[TpsNode], patterns: Mapping[int, Pattern] = DEFAULT_PATTERNS) -> list[Post]:
    """Group TPS of one class (and island flag) into posts.

    A run is the TPS of one class in one desa; with ``allow_neighbour_desa``,
    desa too small for the pattern's minimum join one run per kecamatan,
    desa kept together. Each run is ordered along its principal axis and cut
    into the fewest consecutive chunks within the pattern's maximum, sizes
    differing by at most one: that gives the largest smallest chunk, so the
    minimum is met whenever any grouping could meet it."""
    items = sorted(tps, key=attrgetter("code", "id"))
    if not items:
        return []
    unknown = sorted({t.klass for t in items} - set(patterns))
    bad = sorted(c for c in patterns if patterns[c].tps_per_post_max < 1)
    if unknown or bad:
        raise PlanningError(
            f"Pola pengamanan tidak ada atau tidak sah untuk kelas {unknown + bad}",
            f"Security pattern missing or invalid for class {unknown + bad}",
        )
    n = len(items)
    if len({t.id for t in items}) != n:
        raise PlanningError("ID TPS ganda", "Duplicate TPS ids")
    lat = np.fromiter((t.lat for t in items), float, n)
    lng = np.fromiter((t.lng for t in items), float, n)
    klass = np.fromiter((t.klass for t in items), np.int64, n)
    island = np.fromiter((t.island for t in items), bool, n)
    desa = _codes([t.desa for t in items])
    bucket = _group_ids(_codes([t.kabkota for t in items]), _codes([t.kecamatan for t in items]), klass, island)

    classes, cls = np.unique(klass, return_inverse=True)
    per_class = [patterns[int(c)] for c in classes]
    max_size = np.array([p.tps_per_post_max for p in per_class])[cls]
    min_size = np.array([p.tps_per_post_min for p in per_class])[cls]
    merge = np.array([p.allow_neighbour_desa for p in per_class])[cls]

    bucket_desa = _group_ids(bucket, desa)
    small = merge & (np.bincount(bucket_desa)[bucket_desa] < min_size)
    run = _group_ids(bucket, np.where(small, -1, desa))  # a bucket's merged small desa sort first
    key = _run_axis_key(run, lat, lng, lat, lng)
    desa_lat = (np.bincount(bucket_desa, lat) / np.bincount(bucket_desa))[bucket_desa]
    desa_lng = (np.bincount(bucket_desa, lng) / np.bincount(bucket_desa))[bucket_desa]
    key = np.where(small, _run_axis_key(run, lat, lng, desa_lat, desa_lng), key)
    order = np.lexsort((np.arange(n), desa, key, run))  # last key is the primary one

    run_sorted = run[order]
    starts = np.flatnonzero(np.r_[True, run_sorted[1:] != run_sorted[:-1]])
    length = np.diff(np.r_[starts, n])
    run_max = max_size[order][starts]
    groups = -(-length // run_max)
    base, extra = length // groups, length % groups
    rank = np.arange(n) - np.repeat(starts, length)  # position inside the run
    rank_base, rank_extra = np.repeat(base, length), np.repeat(extra, length)
    big_part = rank_extra * (rank_base + 1)  # the first `extra` chunks hold one more
    chunk = np.where(
        rank < big_part, rank // (rank_base + 1), rank_extra + (rank - big_part) // np.maximum(rank_base, 1)
    )
    chunk += np.repeat(np.cumsum(groups) - groups, length)

    post_starts = np.flatnonzero(np.r_[True, chunk[1:] != chunk[:-1]])
    sizes = np.diff(np.r_[post_starts, n])
    ids = np.fromiter((t.id for t in items), np.int64, n)[order]
    mean_lat = np.add.reduceat(lat[order], post_starts) / sizes
    mean_lng = np.add.reduceat(lng[order], post_starts) / sizes
    first_ids = np.minimum.reduceat(ids, post_starts).tolist()
    posts = []
    columns = (post_starts.tolist(), sizes.tolist(), first_ids, mean_lat.tolist(), mean_lng.tolist())
    for s, size, pid, plat, plng in zip(*columns):
        first = items[order[s]]
        pattern = patterns[first.klass]
        posts.append(
            Post(
                id=pid,  # smallest TPS id: stable when other areas change
                klass=first.klass,
                tps_ids=tuple(ids[s : s + size].tolist()),
                lat=plat,
                lng=plng,
                desa=first.desa,
                kecamatan=first.kecamatan,
                kabkota=first.kabkota,
                polri_required=pattern.polri_per_post,
                linmas_required=pattern.linmas_per_tps * size,
                island=first.island,
            )
        )
    posts.sort(key=attrgetter("id"))
    return posts


# --------------------------------------------------------------------------
# Capacity and persons


def person_is_available(person: Person, duty_window: tuple[Any, Any] | None) -> bool:
    if isinstance(person.available, bool):
        return person.available
    windows = tuple(person.available)
    if duty_window is None:
        return bool(windows)
    start, end = duty_window
    return any(ws <= start and end <= we for ws, we in windows)


def _available_people(persons: Iterable[Person] | None, duty_window) -> tuple[set[int], dict[int, list[int]]]:
    """Units that list named people, and each unit's available people by id."""
    listed: set[int] = set()
    ready: dict[int, list[int]] = defaultdict(list)
    seen: set[int] = set()
    for person in sorted(persons or (), key=lambda p: p.id):
        if person.id in seen:
            raise PlanningError(f"Personel {person.id} tercatat dua kali", f"Person {person.id} listed twice")
        seen.add(person.id)
        listed.add(person.unit_id)
        if person_is_available(person, duty_window):
            ready[person.unit_id].append(person.id)
    return listed, ready


def _capacity(unit: Unit, listed: set[int], ready: dict[int, list[int]]) -> int:
    """Named people, when a unit lists them, are the truth about its strength."""
    if unit.id in listed:
        return len(ready.get(unit.id, ()))
    if unit.available < 0:
        raise PlanningError(
            f"Jumlah personel tersedia unit {unit.code} negatif", f"Unit {unit.code} has negative availability"
        )
    return unit.available


# --------------------------------------------------------------------------
# Network


@dataclass
class _Network:
    province: str
    posts: list[Post]
    units: list[Unit]
    capacity: np.ndarray  # per unit
    owner: np.ndarray  # per post: index (into units) of its Polres
    arc_post: np.ndarray
    arc_unit: np.ndarray
    arc_travel: np.ndarray  # metres
    arc_cost: np.ndarray  # metres incl. organisational penalties
    arc_pool: np.ndarray  # bool: BKO arc
    required: np.ndarray  # per post
    penalty: np.ndarray  # per post: shortfall cost per missing person


def _planning_units(units: Iterable[Unit], config: PlannerConfig) -> list[Unit]:
    kinds = {"polsek", "polres", *config.pool_kinds, *config.reserve_kinds}
    return [u for u in units if u.kind in kinds]


def _by_province(posts: Iterable[Post], units: Iterable[Unit], config: PlannerConfig):
    posts_by, units_by = defaultdict(list), defaultdict(list)
    seen_posts, seen_units = set(), set()
    for p in posts:
        if p.id in seen_posts:
            raise PlanningError(f"ID pos {p.id} ganda", f"Duplicate post id {p.id}")
        seen_posts.add(p.id)
        posts_by[p.province].append(p)
    for u in _planning_units(units, config):
        if u.id in seen_units:
            raise PlanningError(f"ID unit {u.id} ganda", f"Duplicate unit id {u.id}")
        seen_units.add(u.id)
        units_by[u.province].append(u)
    return posts_by, units_by


def _build_network(province, posts, units, capacity: Mapping[int, int], config: PlannerConfig) -> _Network:
    posts = sorted(posts, key=lambda p: p.id)
    units = sorted(units, key=lambda u: u.id)
    index = {u.id: i for i, u in enumerate(units)}
    cap = np.array([capacity[u.id] for u in units], dtype=np.int64)

    polres_by_kab: dict[str, int] = {}
    for i, u in enumerate(units):
        if u.kind == "polres":
            polres_by_kab.setdefault(u.area_code, i)
    polsek_polres: dict[int, int] = {}
    polsek_by_kec: dict[str, list[int]] = defaultdict(list)
    for i, u in enumerate(units):
        if u.kind != "polsek":
            continue
        polsek_by_kec[u.area_code].append(i)
        parent = index.get(u.parent_id) if u.parent_id is not None else None
        if parent is not None and units[parent].kind == "polres":
            polsek_polres[i] = parent
        elif parent_code(u.area_code) in polres_by_kab:
            polsek_polres[i] = polres_by_kab[parent_code(u.area_code)]

    owner, missing = [], set()
    for p in posts:
        r = polres_by_kab.get(p.kabkota)
        if r is None:  # a Polres may cover a neighbouring kab/kota through its Polsek
            r = next((polsek_polres[s] for s in polsek_by_kec.get(p.kecamatan, ()) if s in polsek_polres), None)
        if r is None:
            missing.add(p.kabkota)
        owner.append(r)
    if missing:
        codes = ", ".join(sorted(missing))
        raise PlanningError(f"Tidak ada Polres untuk kab/kota {codes}", f"No Polres covers kab/kota {codes}")
    owner_arr = np.array(owner, dtype=np.int64)

    plat = np.array([p.lat for p in posts])
    plng = np.array([p.lng for p in posts])
    pisl = np.array([p.island for p in posts])
    kec_ids = {code: i for i, code in enumerate(sorted({p.kecamatan for p in posts}))}
    pkec = np.array([kec_ids[p.kecamatan] for p in posts])
    ulat = np.array([u.lat for u in units])
    ulng = np.array([u.lng for u in units])
    uisl = np.array([u.island for u in units])
    ukec = np.array([kec_ids.get(u.area_code, -1) for u in units])

    travel = config.travel
    own_pen = round(config.own_polres_penalty_km * 1000)
    bko_pen = round(config.bko_penalty_km * 1000)
    parts: list[tuple[np.ndarray, ...]] = []  # (post, unit, travel, cost, is_bko) per arc

    def travel_m(pidx, uidx):
        cost = travel.cost_points_km(ulat[uidx], ulng[uidx], uisl[uidx], plat[pidx], plng[pidx], pisl[pidx])
        return np.rint(cost * 1000).astype(np.int64)

    polsek_of: dict[int, list[int]] = defaultdict(list)
    for s, r in sorted(polsek_polres.items()):
        if cap[s] > 0:
            polsek_of[r].append(s)
    for r in np.unique(owner_arr):
        pidx = np.flatnonzero(owner_arr == r)
        sidx = np.array(polsek_of.get(int(r), []), dtype=np.int64)
        if len(sidx):
            tm = travel_m(pidx[:, None], sidx[None, :])
            own = pkec[pidx][:, None] == ukec[sidx][None, :]
            keep = own.copy()
            k = min(config.neighbour_polsek, len(sidx))
            if k > 0:
                nearest = np.argsort(np.where(own, np.iinfo(np.int64).max, tm), axis=1, kind="stable")[:, :k]
                np.put_along_axis(keep, nearest, True, axis=1)
            rows, cols = np.nonzero(keep)
            t = tm[rows, cols]
            parts.append((pidx[rows], sidx[cols], t, t + np.where(own[rows, cols], 0, own_pen), np.zeros(len(t), bool)))
        if cap[r] > 0:
            t = travel_m(pidx, np.full(len(pidx), r))
            parts.append((pidx, np.full(len(pidx), r), t, t + own_pen, np.zeros(len(t), bool)))
    all_posts = np.arange(len(posts))
    for i, u in enumerate(units):
        if (u.kind in config.pool_kinds or u.kind in config.reserve_kinds) and cap[i] > 0:
            t = travel_m(all_posts, np.full(len(posts), i))
            parts.append((all_posts, np.full(len(posts), i), t, t + bko_pen, np.ones(len(t), bool)))

    def cat(j, dtype):
        return np.concatenate([p[j] for p in parts]).astype(dtype) if parts else np.zeros(0, dtype)

    arc_cost = cat(3, np.int64)
    required = np.array([p.polri_required for p in posts], dtype=np.int64)
    # Any simple cycle in the residual graph crosses at most 2*min(U, P) + 2
    # unit-post arcs, so a class gap of `base` outweighs every possible travel
    # saving: a higher class is never left short to save travel elsewhere.
    base = (int(arc_cost.max(initial=0)) + 1) * (2 * min(len(units), len(posts)) + 4)
    try:
        weights = [config.shortfall_weight[p.klass] for p in posts]
    except KeyError as exc:
        raise PlanningError(f"Bobot kekurangan kelas {exc} tidak ada", f"No shortfall weight for class {exc}")
    if any(w < 1 for w in weights):
        raise PlanningError("Bobot kekurangan harus >= 1", "Shortfall weights must be >= 1")
    penalty = base * np.array(weights, dtype=np.int64)
    return _Network(
        province, posts, units, cap, owner_arr, cat(0, np.int64), cat(1, np.int64), cat(2, np.int64),
        arc_cost, cat(4, bool), required, penalty,
    )  # fmt: skip


# --------------------------------------------------------------------------
# Solvers


def _solve_flow(net: _Network) -> tuple[np.ndarray, str]:
    n_units, n_posts = len(net.units), len(net.posts)
    short, surplus = n_units + n_posts, n_units + n_posts + 1
    post_nodes = np.arange(n_units, n_units + n_posts)
    unit_nodes = np.arange(n_units)
    need, have = int(net.required.sum()), int(net.capacity.sum())
    smcf = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([net.arc_unit, np.full(n_posts, short), unit_nodes, [short]])
    heads = np.concatenate([net.arc_post + n_units, post_nodes, np.full(n_units, surplus), [surplus]])
    caps = np.concatenate([net.required[net.arc_post], net.required, net.capacity, [need]])
    costs = np.concatenate([net.arc_cost, net.penalty, np.zeros(n_units + 1, np.int64)])
    smcf.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs.astype(np.int64)
    )
    nodes = np.arange(n_units + n_posts + 2, dtype=np.int32)
    supplies = np.concatenate([net.capacity, -net.required, [need, -have]]).astype(np.int64)
    smcf.set_nodes_supplies(nodes, supplies)
    status = smcf.solve()
    name = status.name if hasattr(status, "name") else str(status)
    if status != smcf.OPTIMAL:
        raise PlanningError(
            f"Solver tidak menemukan solusi optimal untuk provinsi {net.province} ({name})",
            f"Solver found no optimal solution for province {net.province} ({name})",
        )
    flows = smcf.flows(np.arange(len(net.arc_post))).astype(np.int64)
    return flows, "OPTIMAL"


def _solve_greedy(net: _Network) -> tuple[np.ndarray, str]:
    """Posts by priority (shortfall weight, class, id); each takes the cheapest
    candidate units with capacity left - what a planner does by hand."""
    order = sorted(range(len(net.posts)), key=lambda i: (-net.penalty[i], -net.posts[i].klass, net.posts[i].id))
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    unit_ids = np.array([u.id for u in net.units], np.int64)
    arcs = np.lexsort((unit_ids[net.arc_unit], net.arc_cost, rank[net.arc_post])) if len(net.arc_post) else []
    need = net.required.tolist()
    left = net.capacity.tolist()
    ap, au = net.arc_post.tolist(), net.arc_unit.tolist()
    flows = [0] * len(ap)
    for a in np.asarray(arcs).tolist():
        p, u = ap[a], au[a]
        take = min(need[p], left[u])
        if take > 0:
            flows[a] = take
            need[p] -= take
            left[u] -= take
    return np.array(flows, np.int64), "FEASIBLE"


def _province_plan(net: _Network, flows: np.ndarray, status: str, ready: Mapping[int, list[int]],
                   reserve: Mapping[int, int]) -> ProvincePlan:
    used = np.flatnonzero(flows > 0)
    pair_counts: Counter = Counter()
    for a in used.tolist():
        pair_counts[(net.posts[net.arc_post[a]].id, net.units[net.arc_unit[a]].id)] += int(flows[a])
    assignments = tuple(Assignment(p, u, c) for (p, u), c in sorted(pair_counts.items()))

    # Named people in id order, posts in id order: deterministic, nobody twice.
    queues = {u.id: iter(ready[u.id]) for u in net.units if u.id in ready}
    person_assignments = tuple(
        PersonAssignment(a.post_id, next(queues[a.unit_id]))
        for a in assignments
        if a.unit_id in queues
        for _ in range(a.count)
    )

    assigned = np.bincount(net.arc_post[used], weights=flows[used], minlength=len(net.posts)).astype(np.int64)
    short = net.required - assigned
    shortfall: Counter = Counter()
    for i in np.flatnonzero(short > 0).tolist():
        shortfall[net.units[net.owner[i]].id] += int(short[i])
    bko: Counter = Counter()
    for a in used[net.arc_pool[used]].tolist():
        bko[(net.units[net.arc_unit[a]].id, net.units[net.owner[net.arc_post[a]]].id)] += int(flows[a])
    cost = int(np.dot(flows, net.arc_cost)) + sum(int(s) * int(p) for s, p in zip(short, net.penalty) if s > 0)
    return ProvincePlan(
        province=net.province,
        posts=tuple(net.posts),
        unit_ids=frozenset(u.id for u in net.units),
        assignments=assignments,
        person_assignments=person_assignments,
        shortfall_by_unit=dict(sorted(shortfall.items())),
        bko=tuple(BkoOrder(f, t, c) for (f, t), c in sorted(bko.items())),
        travel_m=int(np.dot(flows, net.arc_travel)),
        cost=cost,
        status=status,
        reserve=dict(sorted((k, v) for k, v in reserve.items() if v > 0)),
    )


def _plan(method, posts, units, persons, config, provinces=None) -> dict[str, ProvincePlan]:
    posts_by, units_by = _by_province(posts, units, config)
    listed, ready = _available_people(persons, config.duty_window)
    solve = _solve_flow if method == "optimal" else _solve_greedy
    parts = {}
    for prov in sorted(posts_by):
        if provinces is not None and prov not in provinces:
            continue
        prov_units = units_by.get(prov, [])
        capacity = {u.id: _capacity(u, listed, ready) for u in prov_units}
        reserve = {u.id: held_back(capacity[u.id], config.reserve_share) for u in prov_units
                   if u.kind in config.reserve_kinds}
        capacity = {k: v - reserve.get(k, 0) for k, v in capacity.items()}
        # Held-back people are the last of the unit's list: those who would be drawn first go to posts.
        ready_now = {k: v[: len(v) - reserve[k]] if reserve.get(k) else v for k, v in ready.items()}
        net = _build_network(prov, posts_by[prov], prov_units, capacity, config)
        flows, status = solve(net)
        parts[prov] = _province_plan(net, flows, status, ready_now, reserve)
    return parts


def held_back(available: int, share: float) -> int:
    """People of a reserve unit kept as the Polda reserve: ``share`` of them, rounded up."""
    if not 0.0 <= share <= 1.0:
        raise PlanningError("Porsi cadangan harus antara 0 dan 1", "The reserve share must be between 0 and 1")
    return min(available, math.ceil(available * share - 1e-9))


def plan_optimal(
    posts: Iterable[Post],
    units: Iterable[Unit],
    *,
    persons: Iterable[Person] | None = None,
    config: PlannerConfig | None = None,
) -> Plan:
    """Minimum-cost staffing of every post, one min-cost flow per province."""
    config = config or PlannerConfig()
    return Plan("optimal", config, _plan("optimal", posts, units, persons, config))


def plan_greedy(
    posts: Iterable[Post],
    units: Iterable[Unit],
    config: PlannerConfig | None = None,
    *,
    persons: Iterable[Person] | None = None,
) -> Plan:
    """The by-hand baseline on the same network and costs as ``plan_optimal``."""
    config = config or PlannerConfig()
    return Plan("greedy", config, _plan("greedy", posts, units, persons, config))


# --------------------------------------------------------------------------
# Re-planning


def replan(
    previous: Plan,
    posts: Iterable[Post],
    units: Iterable[Unit],
    *,
    persons: Iterable[Person] | None = None,
    config: PlannerConfig | None = None,
    changed_post_ids: Iterable[int] = (),
    changed_unit_ids: Iterable[int] = (),
) -> Plan:
    """Re-solve only the provinces a change touches; keep the others as they were.

    A province is re-solved when it holds a changed post or unit (now or in
    the previous plan) or is new. A person's change is reported through their
    unit's id. Provinces are independent problems, so the result equals a full
    ``plan_optimal`` on the new input when every change is listed."""
    config = config or previous.config
    posts, units = list(posts), list(units)
    changed_posts, changed_units = set(changed_post_ids), set(changed_unit_ids)
    current = {p.province for p in posts}
    affected = current - set(previous.parts)
    affected |= {p.province for p in posts if p.id in changed_posts}
    affected |= {u.province for u in _planning_units(units, config) if u.id in changed_units}
    for prov, part in previous.parts.items():
        if changed_units & part.unit_ids or any(p.id in changed_posts for p in part.posts):
            affected.add(prov)
    affected &= current
    solved = _plan("optimal", posts, units, persons, config, provinces=affected)
    parts = {prov: solved[prov] if prov in affected else previous.parts[prov] for prov in sorted(current)}
    return Plan("optimal", config, parts)


def plan_diff(old: Plan, new: Plan) -> list[Move]:
    """Moves turning ``old`` into ``new``, per unit: people leaving one post
    are matched to posts gaining people, in post-id order."""
    before = {(a.unit_id, a.post_id): a.count for a in old.assignments}
    after = {(a.unit_id, a.post_id): a.count for a in new.assignments}
    losses, gains = defaultdict(list), defaultdict(list)
    for unit, post in sorted(before.keys() | after.keys()):
        delta = after.get((unit, post), 0) - before.get((unit, post), 0)
        if delta < 0:
            losses[unit].append([post, -delta])
        elif delta > 0:
            gains[unit].append([post, delta])
    moves = []
    for unit in sorted(losses.keys() | gains.keys()):
        out, inc = losses[unit], gains[unit]
        i = j = 0
        while i < len(out) and j < len(inc):
            n = min(out[i][1], inc[j][1])
            moves.append(Move(unit, out[i][0], inc[j][0], n))
            out[i][1] -= n
            inc[j][1] -= n
            i += out[i][1] == 0
            j += inc[j][1] == 0
        moves += [Move(unit, post, None, n) for post, n in out[i:]]
        moves += [Move(unit, None, post, n) for post, n in inc[j:]]
    return moves


# --------------------------------------------------------------------------
# Reserves


@dataclass(frozen=True)
class ReservePlacement:
    sites: tuple[int, ...]  # chosen site ids, in the order picked
    newly_covered: tuple[int, ...]  # TPS each pick added
    uncovered: tuple[int, ...]  # TPS ids out of reach of every chosen site


def place_reserves(
    tps: Sequence[TpsNode],
    candidate_sites: Sequence[Unit],
    k: int,
    max_response_km: float,
    travel: TravelModel = TravelModel(),
) -> ReservePlacement:
    """Choose up to ``k`` reserve sites (Brimob/Dalmas) covering most TPS.

    Greedy maximum coverage: repeatedly take the site reaching the most TPS
    not yet covered (ties: lower id), using the same travel cost as the
    planner. It is within (1 - 1/e) of the best possible coverage, and lazy
    evaluation keeps it fast since a site's gain only ever shrinks."""
    tps = sorted(tps, key=lambda t: t.id)
    sites = sorted(candidate_sites, key=lambda s: s.id)
    lat = np.array([t.lat for t in tps])
    lng = np.array([t.lng for t in tps])
    isl = np.array([t.island for t in tps], bool)
    by_lat = np.argsort(lat, kind="stable")
    sorted_lat = lat[by_lat]
    # Road cost >= straight km * road_factor, so a latitude band prunes safely.
    band_deg = max_response_km / max(travel.road_factor, 1e-9) / 110.5 + 1e-9
    reach = []
    for s in sites:
        lo, hi = np.searchsorted(sorted_lat, [s.lat - band_deg, s.lat + band_deg + 1e-12])
        idx = by_lat[lo:hi]
        cost = travel.cost_km(haversine_km(s.lat, s.lng, lat[idx], lng[idx]), isl[idx], s.island)
        reach.append(np.sort(idx[np.asarray(cost) <= max_response_km]))
    covered = np.zeros(len(tps), bool)
    heap = [(-len(r), s.id, i) for i, (s, r) in enumerate(zip(sites, reach))]
    heapq.heapify(heap)
    chosen, gains = [], []
    while heap and len(chosen) < k:
        neg, sid, i = heapq.heappop(heap)
        gain = int(np.count_nonzero(~covered[reach[i]]))
        if gain == 0:
            continue
        if gain == -neg:  # fresh value still on top: the true best
            chosen.append(sid)
            gains.append(gain)
            covered[reach[i]] = True
        else:
            heapq.heappush(heap, (-gain, sid, i))
    uncovered = tuple(tps[i].id for i in np.flatnonzero(~covered).tolist())
    return ReservePlacement(tuple(chosen), tuple(gains), uncovered)


# --------------------------------------------------------------------------
# Assisting forces (TNI perbantuan)


@dataclass(frozen=True)
class SupportPlan:
    assignments: tuple[Assignment, ...]
    shortfall: int  # people asked for and not sent
    travel_m: int


def assign_support(
    posts: Iterable[Post],
    demand: Mapping[int, int],
    units: Iterable[Unit],
    travel: TravelModel = TravelModel(),
) -> SupportPlan:
    """Send assisting units (TNI) to the posts asking for them (``demand``: post id -> people).

    Per province, as many people as units and demand allow, and among those
    the least total travel (a maximum flow of minimum cost); units never
    cross a province, as for Polri."""
    posts = sorted((p for p in posts if demand.get(p.id, 0) > 0), key=attrgetter("id"))
    units = sorted((u for u in units if u.available > 0), key=attrgetter("id"))
    out: list[Assignment] = []
    asked = sum(demand[p.id] for p in posts)
    sent = travel_m = 0
    for prov in sorted({p.province for p in posts}):
        pp = [p for p in posts if p.province == prov]
        uu = [u for u in units if u.province == prov]
        if not uu:
            continue
        n_u, n_p = len(uu), len(pp)
        source, sink = n_u + n_p, n_u + n_p + 1
        smcf = min_cost_flow.SimpleMinCostFlow()
        arcs = []
        for i, u in enumerate(uu):
            smcf.add_arc_with_capacity_and_unit_cost(source, i, u.available, 0)
            for j, p in enumerate(pp):
                metres = int(round(float(travel.cost_points_km(u.lat, u.lng, u.island, p.lat, p.lng, p.island)) * 1000))
                arcs.append((smcf.add_arc_with_capacity_and_unit_cost(i, n_u + j, demand[p.id], metres), u, p,
                             metres))
        for j, p in enumerate(pp):
            smcf.add_arc_with_capacity_and_unit_cost(n_u + j, sink, demand[p.id], 0)
        smcf.set_node_supply(source, sum(u.available for u in uu))
        smcf.set_node_supply(sink, -sum(demand[p.id] for p in pp))
        status = smcf.solve_max_flow_with_min_cost()
        if status != smcf.OPTIMAL:
            raise PlanningError(f"Solver gagal untuk perbantuan provinsi {prov}",
                                f"Solver failed for assisting forces in province {prov}")
        for arc, u, p, metres in arcs:
            flow = smcf.flow(arc)
            if flow:
                out.append(Assignment(p.id, u.id, int(flow)))
                sent += flow
                travel_m += flow * metres
    return SupportPlan(tuple(sorted(out)), asked - sent, travel_m)
