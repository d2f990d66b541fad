"""Planner inputs from the database: one election's TPS with their class, guarded objects, units,
people, patterns, Linmas rosters.

Everything here is read through the viewer's scope, so a Polres planning its
own area only ever sees its own TPS and units. Nothing is dropped silently: a
TPS without coordinates stands at its desa's point (listed in
``located_at_desa``), and a TPS that cannot be planned at all is kept in
``unplanned`` with its reason.
"""

import hashlib
from dataclasses import dataclass, field

from siaga import features
from siaga.accounts.scope import area_contains
from siaga.core import planner
from siaga.deployment.models import (
    POST_KINDS, RESERVE_KINDS, AvailabilityWindow, LinmasRoster, ObjectPattern, PatternRule, Personnel,
    Unit, UnitKind, WindowKind,
)
from siaga.regions.models import Access, Region
from siaga.regions.selectors import tps_list

# Sea crossing: the planner charges a boat trip for TPS that need one.
ISLAND_ACCESS = (Access.ISLAND, Access.BOAT)


@dataclass
class PlanInputs:
    area: str
    tps: list[planner.TpsNode]
    codes: dict[int, str]  # TPS id -> code
    units: list[planner.Unit]
    unit_rows: dict[int, Unit]
    persons: list[planner.Person]
    patterns: dict[int, planner.Pattern]
    tni_per_post: dict[int, int]
    strengths: dict[int, int] = field(default_factory=dict)
    election: str = "pemilu"
    objects: list[planner.Post] = field(default_factory=list)  # guarded objects as posts (id = -object pk)
    object_names: dict[int, str] = field(default_factory=dict)  # object post id -> name
    object_tni: dict[int, int] = field(default_factory=dict)  # object post id -> TNI asked
    tps_total: int = 0  # every TPS of the election in the area, planned or not
    located_at_desa: list[str] = field(default_factory=list)  # TPS codes placed at their desa's point
    unplanned: list[dict] = field(default_factory=list)  # [{code, reason}] TPS or objects not planned
    tni_units: list[planner.Unit] = field(default_factory=list)
    linmas_roster: dict[str, int] = field(default_factory=dict)  # desa code -> Linmas on the roster
    reserve_share: float = 1.0
    operation_id: int | None = None  # the planning app's operation, recorded with a stored plan

    @property
    def classes(self) -> dict[str, int]:
        """Every TPS class other than kurang rawan, keyed by TPS id (JSON keys are text)."""
        return {str(t.id): t.klass for t in self.tps if t.klass != planner.KURANG_RAWAN}

    @property
    def class_hash(self) -> str:
        text = ";".join(f"{t.id}:{t.klass}" for t in sorted(self.tps, key=lambda t: t.id))
        return hashlib.sha256(text.encode()).hexdigest()


def tps_classes(*, viewer, area, election=None) -> dict[int, int]:
    """The risk app's class of each scored TPS in the area (empty when the risk app is absent)."""
    risk = features.module("risk", "selectors")
    if risk is None:
        return {}
    return dict(risk.tps_risk_list(viewer=viewer, area=area, election=election).values_list("tps_id", "klass")
                .iterator(5000))


def class_changes_since(*, viewer, area, when) -> set[int]:
    """TPS whose class changed after ``when`` (the risk app's history; none without it)."""
    risk = features.module("risk", "selectors")
    if risk is None or when is None:
        return set()
    return set(risk.class_changes_since(viewer=viewer, when=when, area=area).values_list("tps_id", flat=True))


@dataclass
class TpsSet:
    nodes: list[planner.TpsNode]
    codes: dict[int, str]
    total: int
    located_at_desa: list[dict]  # [{code, at}]: TPS placed at the point of region ``at``
    unlocated: list[str]  # no coordinates and no point for its desa, kecamatan or kab/kota


def tps_set(*, viewer, area, election="pemilu", overrides=None) -> TpsSet:
    """The election's TPS of the area; unscored TPS are khusus when special, else kurang rawan. A TPS
    without coordinates stands at its desa's point (its kecamatan's, then kab/kota's, when the desa has
    none) and is listed; one with no point at all is listed apart."""
    scored = tps_classes(viewer=viewer, area=area, election=election)
    overrides = {int(k): int(v) for k, v in (overrides or {}).items()}
    out = TpsSet([], {}, 0, [], [])
    rows = list(tps_list(viewer=viewer, area=area, election=election).order_by("pk").values_list(
        "pk", "code", "desa_id", "kecamatan_code", "kabkota_code", "lat", "lng", "special", "access")
        .iterator(5000))
    missing = {r[2] for r in rows if r[5] is None or r[6] is None}
    regions = {c for desa in missing for c in (desa, desa[:8], desa[:5])}
    points = {code: (lat, lng) for code, lat, lng in Region.objects.filter(code__in=regions)
              .exclude(lat=None).exclude(lng=None).values_list("code", "lat", "lng")} if missing else {}
    desa_point = {}
    for desa in missing:
        at = next((c for c in (desa, desa[:8], desa[:5]) if c in points), None)
        if at:
            desa_point[desa] = (at, *points[at])
    for pk, code, desa, kec, kab, lat, lng, special, access in rows:
        out.total += 1
        if lat is None or lng is None:
            if desa not in desa_point:
                out.unlocated.append(code)
                continue
            at, lat, lng = desa_point[desa]
            out.located_at_desa.append({"code": code, "at": at})
        default = planner.KHUSUS if special else planner.KURANG_RAWAN
        klass = overrides.get(pk, scored.get(pk, default))
        out.nodes.append(planner.TpsNode(pk, code, desa, kec, kab, lat, lng, klass, access in ISLAND_ACCESS))
        out.codes[pk] = code
    return out


def tps_nodes(*, viewer, area, election="pemilu", overrides=None) -> tuple[list[planner.TpsNode], dict[int, str]]:
    found = tps_set(viewer=viewer, area=area, election=election, overrides=overrides)
    return found.nodes, found.codes


def planner_units(rows, tps, strengths=None) -> list[planner.Unit]:
    """Units as the planner wants them. A unit is on an island when most TPS of its area are; a unit
    without a recorded location stands at the centre of its area's TPS."""
    strengths = {int(k): int(v) for k, v in (strengths or {}).items()}
    areas: dict[str, list[float]] = {}  # code -> [island TPS, TPS, sum lat, sum lng]
    for t in tps:
        for code in (t.kecamatan, t.kabkota, t.kabkota[:2]):
            acc = areas.setdefault(code, [0, 0, 0.0, 0.0])
            acc[0] += t.island
            acc[1] += 1
            acc[2] += t.lat
            acc[3] += t.lng
    units = []
    for u in rows:
        isl, total, slat, slng = areas.get(u.area_code, (0, 0, 0.0, 0.0))
        lat, lng = (u.lat, u.lng) if u.lat is not None and u.lng is not None else (
            (slat / total, slng / total) if total else (None, None))
        if lat is None:
            continue  # no location and no TPS around it: nothing it could reach
        units.append(planner.Unit(u.pk, u.code, u.kind, u.parent_id, u.area_code, lat, lng,
                                  strengths.get(u.pk, u.available), bool(total and 2 * isl > total)))
    return units


def person_available(windows, duty_window) -> bool:
    """Off on leave or other duty overlapping the duty window; with shifts, on only when one covers it."""
    if duty_window is None:
        return True
    start, end = duty_window
    shifts = [w for w in windows if w.kind == WindowKind.SHIFT]
    if any(w.start < end and start < w.end for w in windows if w.kind != WindowKind.SHIFT):
        return False
    return not shifts or any(w.start <= start and end <= w.end for w in shifts)


def planner_persons(unit_ids, duty_window) -> list[planner.Person]:
    windows: dict[int, list] = {}
    for w in AvailabilityWindow.objects.filter(person__unit_id__in=unit_ids):
        windows.setdefault(w.person_id, []).append(w)
    return [planner.Person(pk, unit_id, person_available(windows.get(pk, ()), duty_window))
            for pk, unit_id in Personnel.objects.filter(unit_id__in=unit_ids).values_list("pk", "unit_id")]


def object_posts(*, viewer, area, election, pattern_set) -> tuple[list[planner.Post], dict, dict, list[dict]]:
    """Guarded objects of the area for this election and operation as posts (id = -object pk), with their
    names, the TNI each asks for, and those without a pattern for their kind and class."""
    from siaga.deployment.selectors import guard_object_list

    rules = {(r.kind, r.klass): r for r in ObjectPattern.objects.filter(pattern_set=pattern_set)}
    posts, names, tni, unplanned = [], {}, {}, []
    for o in guard_object_list(viewer=viewer, area=area, election=election, operation=pattern_set.operation):
        rule = rules.get((o.kind, o.klass))
        if rule is None or rule.polri_per_object == 0 and rule.tni_per_object == 0:
            unplanned.append({"code": o.code, "name": o.name, "kind": o.kind, "reason": "no_pattern"})
            continue
        post = planner.Post(-o.pk, o.klass, (), o.lat, o.lng, "", o.kecamatan_code, o.kabkota_code,
                            rule.polri_per_object, 0, False, o.kind)
        posts.append(post)
        names[post.id] = o.name
        tni[post.id] = rule.tni_per_object if pattern_set.tni_assist else 0
    return posts, names, tni, unplanned


def linmas_roster(area) -> dict[str, int]:
    rows = LinmasRoster.objects.all()
    if area and len(area) < 13:
        rows = rows.filter(desa_code__startswith=area + ".")
    return dict(rows.values_list("desa_code", "count"))


def patterns_of(pattern_set) -> tuple[dict[int, planner.Pattern], dict[int, int]]:
    patterns, tni = {}, {}
    for r in PatternRule.objects.filter(pattern_set=pattern_set):
        patterns[r.klass] = planner.Pattern(r.klass, r.polri_per_post, r.tps_per_post_max, r.tps_per_post_min,
                                            r.linmas_per_tps, r.allow_neighbour_desa)
        tni[r.klass] = r.tni_per_post if pattern_set.tni_assist else 0
    return patterns, tni


def plan_inputs(*, viewer, area, pattern_set, election="pemilu", overrides=None, strengths=None,
                duty_window=None) -> PlanInputs:
    """Everything the planner needs for one election in one area. TPS the planner could not take (no
    place, no pattern for their class, no Polres for their kab/kota) go to ``unplanned`` with the reason."""
    from siaga.deployment.selectors import unit_list

    found = tps_set(viewer=viewer, area=area, election=election, overrides=overrides)
    rows = [u for u in unit_list(viewer=viewer, kinds=(*POST_KINDS, *RESERVE_KINDS))
            if area_contains(area, u.area_code) or (u.kind in RESERVE_KINDS and area_contains(u.area_code, area))]
    units = planner_units(rows, found.nodes, strengths)
    patterns, tni = patterns_of(pattern_set)
    objects, names, object_tni, unplanned = object_posts(viewer=viewer, area=area, election=election,
                                                         pattern_set=pattern_set)
    unplanned = [{"code": c, "reason": "no_location"} for c in found.unlocated] + unplanned
    covered_kab = {u.area_code for u in units if u.kind == "polres"} | {u.area_code[:5] for u in units
                                                                         if u.kind == "polsek"}
    tps = []
    for t in found.nodes:
        reason = "no_pattern" if t.klass not in patterns else "no_polres" if t.kabkota not in covered_kab else None
        if reason:
            unplanned.append({"code": t.code, "reason": reason})
        else:
            tps.append(t)
    unplanned += [{"code": f"OBJ{-o.id}", "name": names[o.id], "kind": o.kind, "reason": "no_polres"} for o in objects
                  if o.kabkota not in covered_kab]
    objects = [o for o in objects if o.kabkota in covered_kab]
    persons = planner_persons([u.pk for u in rows], duty_window)
    tni_rows = [u for u in unit_list(viewer=viewer, kinds=(UnitKind.TNI,))
                if area_contains(area, u.area_code) or area_contains(u.area_code, area)]
    return PlanInputs(area=area, tps=tps, codes=found.codes, units=units, unit_rows={u.pk: u for u in rows},
                      persons=persons, patterns=patterns, tni_per_post=tni,
                      strengths=effective_strengths(units, persons), election=election, objects=objects,
                      object_names=names, object_tni=object_tni, tps_total=found.total,
                      located_at_desa=found.located_at_desa, unplanned=unplanned,
                      tni_units=planner_units(tni_rows, found.nodes), linmas_roster=linmas_roster(area),
                      reserve_share=pattern_set.reserve_share)


def effective_strengths(units, persons) -> dict[str, int]:
    """What each unit can field: its available people when it keeps a roster, else its count."""
    listed, ready = {p.unit_id for p in persons}, {}
    for p in persons:
        ready[p.unit_id] = ready.get(p.unit_id, 0) + bool(p.available)
    return {str(u.id): ready.get(u.id, 0) if u.id in listed else u.available for u in units}
