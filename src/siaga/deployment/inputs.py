"""Planner inputs from the database: TPS with their class, units, people, patterns.

Everything here is read through the viewer's scope, so a Polres planning its
own area only ever sees its own TPS and units.
"""

import hashlib
from dataclasses import dataclass, field

from siaga import features
from siaga.accounts.scope import area_contains
from siaga.core import planner
from siaga.deployment.models import POST_KINDS, AvailabilityWindow, PatternRule, Personnel, Unit, WindowKind
from siaga.regions.models import Access
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

    @property
    def classes(self) -> dict[str, int]:
        """Every TPS class other than kurang rawan, keyed by TPS id (JSON keys are text)."""
        return {str(t.id): t.klass for t in self.tps if t.klass != planner.KURANG_RAWAN}

    @property
    def class_hash(self) -> str:
        text = ";".join(f"{t.id}:{t.klass}" for t in sorted(self.tps, key=lambda t: t.id))
        return hashlib.sha256(text.encode()).hexdigest()


def tps_classes(*, viewer, area) -> dict[int, int]:
    """The risk app's class of each scored TPS in the area (empty when the risk app is absent)."""
    risk = features.module("risk", "selectors")
    if risk is None:
        return {}
    return dict(risk.tps_risk_list(viewer=viewer, area=area).values_list("tps_id", "klass").iterator(5000))


def class_changes_since(*, viewer, area, when) -> set[int]:
    """TPS whose class changed after ``when`` (the risk app's history; none without it)."""
    risk = features.module("risk", "selectors")
    if risk is None or when is None:
        return set()
    return set(risk.class_changes_since(viewer=viewer, when=when, area=area).values_list("tps_id", flat=True))


def tps_nodes(*, viewer, area, overrides=None) -> tuple[list[planner.TpsNode], dict[int, str]]:
    """TPS of the area with coordinates; unscored TPS are khusus when special, else kurang rawan."""
    scored = tps_classes(viewer=viewer, area=area)
    overrides = {int(k): int(v) for k, v in (overrides or {}).items()}
    nodes, codes = [], {}
    rows = tps_list(viewer=viewer, area=area).exclude(lat=None).order_by("pk").values_list(
        "pk", "code", "desa_id", "kecamatan_code", "kabkota_code", "lat", "lng", "special", "access")
    for pk, code, desa, kec, kab, lat, lng, special, access in rows.iterator(5000):
        default = planner.KHUSUS if special else planner.KURANG_RAWAN
        klass = overrides.get(pk, scored.get(pk, default))
        nodes.append(planner.TpsNode(pk, code, desa, kec, kab, lat, lng, klass, access in ISLAND_ACCESS))
        codes[pk] = code
    return nodes, codes


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


def patterns_of(pattern_set) -> tuple[dict[int, planner.Pattern], dict[int, int]]:
    patterns, tni = {}, {}
    for r in PatternRule.objects.filter(pattern_set=pattern_set):
        patterns[r.klass] = planner.Pattern(r.klass, r.polri_per_post, r.tps_per_post_max, r.tps_per_post_min,
                                            r.linmas_per_tps, r.allow_neighbour_desa)
        tni[r.klass] = r.tni_per_post if pattern_set.tni_assist else 0
    return patterns, tni


def plan_inputs(*, viewer, area, pattern_set, overrides=None, strengths=None, duty_window=None) -> PlanInputs:
    from siaga.deployment.selectors import unit_list

    tps, codes = tps_nodes(viewer=viewer, area=area, overrides=overrides)
    rows = [u for u in unit_list(viewer=viewer, kinds=POST_KINDS) if area_contains(area, u.area_code)]
    units = planner_units(rows, tps, strengths)
    patterns, tni = patterns_of(pattern_set)
    persons = planner_persons([u.pk for u in rows], duty_window)
    return PlanInputs(area=area, tps=tps, codes=codes, units=units, unit_rows={u.pk: u for u in rows},
                      persons=persons, patterns=patterns, tni_per_post=tni,
                      strengths=effective_strengths(units, persons))


def effective_strengths(units, persons) -> dict[str, int]:
    """What each unit can field: its available people when it keeps a roster, else its count."""
    listed, ready = {p.unit_id for p in persons}, {}
    for p in persons:
        ready[p.unit_id] = ready.get(p.unit_id, 0) + bool(p.available)
    return {str(u.id): ready.get(u.id, 0) if u.id in listed else u.available for u in units}
