"""Writes of the deployment app: one transaction each, an audit record for every change."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from siaga.accounts.models import AgencyKind, Role
from siaga.accounts.scope import require_area
from siaga.accounts.services import audit_record
from siaga.deployment import plans
from siaga.deployment.inputs import plan_inputs
from siaga.deployment.models import (
    ObjectPattern, PatternRule, PatternSet, Plan, PlanAssignment, PlanBko, PlanPersonAssignment, PlanPost, Unit,
)
from siaga.deployment.selectors import pattern_set_current
from siaga.deployment.shifts import shift_summary

PLANNER_ROLES = {Role.ADMIN, Role.COMMANDER, Role.OPERATOR}
RULE_FIELDS = ("polri_per_post", "tps_per_post_min", "tps_per_post_max", "linmas_per_tps", "tni_per_post",
               "allow_neighbour_desa")
UNIT_FIELDS = ("name", "kind", "area_code", "lat", "lng", "strength", "available", "parent_id", "agency_id")


def require_planner(user, area):
    """Only Polri planners (or agency-less system accounts) change deployment data, inside their area."""
    if user.role not in PLANNER_ROLES or (user.agency_id and user.agency.kind != AgencyKind.POLRI):
        raise PermissionDenied(user.username)
    require_area(user, area)


def _unit_state(unit):
    return {f: getattr(unit, f) for f in UNIT_FIELDS}


@transaction.atomic
def unit_upsert(*, actor, code, name, kind, agency, area_code, lat=None, lng=None, strength=0, available=0,
                parent=None):
    require_planner(actor, area_code)
    unit = Unit.objects.filter(code=code).first()
    before = _unit_state(unit) if unit else None
    values = dict(name=name, kind=kind, agency=agency, area_code=area_code, province_code=area_code[:2], lat=lat,
                  lng=lng, strength=strength, available=available, parent=parent)
    unit = unit or Unit(code=code)
    for key, value in values.items():
        setattr(unit, key, value)
    after = _unit_state(unit)
    if before != after:
        unit.updated_at = timezone.now()
        unit.save()
        audit_record(actor=actor, action="unit.upsert", obj_type="deployment_unit", obj_id=code,
                     area_code=area_code, before=before, after=after)
    return unit


@transaction.atomic
def unit_strength_set(*, actor, unit, available, strength=None):
    """Change how many of a unit's people are available (and its total strength)."""
    require_planner(actor, unit.area_code)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = {"strength": unit.strength, "available": unit.available}
    unit.available = int(available)
    unit.strength = max(unit.available, int(strength if strength is not None else unit.strength))
    after = {"strength": unit.strength, "available": unit.available}
    if before != after:
        unit.updated_at = timezone.now()
        unit.save(update_fields=["strength", "available", "updated_at"])
        audit_record(actor=actor, action="unit.strength", obj_type="deployment_unit", obj_id=unit.code,
                     area_code=unit.area_code, before=before, after=after)
    return unit


def _utc(when):
    return when.astimezone(datetime.timezone.utc).isoformat() if when else None


def _rules_state(rules):
    return {str(r["klass"]): {f: r.get(f, 0 if f != "allow_neighbour_desa" else False) for f in RULE_FIELDS}
            for r in sorted(rules, key=lambda r: r["klass"])}


@transaction.atomic
def pattern_set_save(*, actor, province_code, operation, rules, tni_assist=False, note="", duty_window=None,
                     object_rules=None, election=None, reserve_share=None):
    """Store the patterns as a new version unless they equal the version in force (idempotent).

    The voting-day duty window, the object patterns ({kind, klass, polri_per_object, tni_per_object}),
    the election and the reserve share carry over from the version in force unless given."""
    require_planner(actor, province_code)
    current = (PatternSet.objects.select_for_update().filter(province_code=province_code, operation=operation)
               .order_by("-version").first())
    if duty_window is None and current is not None:
        duty_window = (current.duty_start, current.duty_end)
    duty_window = duty_window or (None, None)
    if object_rules is None:
        object_rules = _object_rules(current) if current is not None else []
    if election is None:
        election = current.election if current is not None else ""
    if reserve_share is None:
        reserve_share = current.reserve_share if current is not None else 1.0
    after = {"tni_assist": tni_assist, "duty": [_utc(t) for t in duty_window],
             "rules": _rules_state(rules), "objects": _object_state(object_rules), "election": election,
             "reserve_share": float(reserve_share)}
    before = None
    if current is not None:
        before = {"tni_assist": current.tni_assist,
                  "duty": [_utc(t) for t in (current.duty_start, current.duty_end)],
                  "rules": _rules_state([{"klass": r.klass, **{f: getattr(r, f) for f in RULE_FIELDS}}
                                         for r in current.rules.all()]),
                  "objects": _object_state(_object_rules(current)), "election": current.election,
                  "reserve_share": current.reserve_share}
        if before == after:
            return current, False
    pattern_set = PatternSet.objects.create(province_code=province_code, operation=operation,
                                            version=(current.version + 1) if current else 1,
                                            tni_assist=tni_assist, note=note, created_by=actor,
                                            duty_start=duty_window[0], duty_end=duty_window[1], election=election,
                                            reserve_share=reserve_share)
    ObjectPattern.objects.bulk_create(ObjectPattern(pattern_set=pattern_set, **r) for r in object_rules)
    PatternRule.objects.bulk_create(PatternRule(pattern_set=pattern_set, klass=r["klass"],
                                                **{f: r.get(f, 0 if f != "allow_neighbour_desa" else False)
                                                   for f in RULE_FIELDS}) for r in rules)
    audit_record(actor=actor, action="pattern.version", obj_type="pattern_set",
                 obj_id=f"{province_code}/{operation}/v{pattern_set.version}", area_code=province_code,
                 before=before, after=after, note=note)
    return pattern_set, True


OBJECT_FIELDS = ("kind", "klass", "polri_per_object", "tni_per_object")


def _object_rules(pattern_set):
    return [{f: getattr(r, f) for f in OBJECT_FIELDS} for r in pattern_set.object_rules.all()]


def _object_state(rules):
    return sorted([r["kind"], int(r["klass"]), int(r["polri_per_object"]), int(r.get("tni_per_object", 0))]
                  for r in rules)


def plan_compute(*, viewer, area, operation=None, method="optimal", overrides=None, strengths=None,
                 duty_window=None, incremental=True, election=None, operation_id=None, travel=None):
    """Compute a plan without storing it (the what-if mode and the stored plan both start here).

    ``operation`` names the pattern set (default: the newest); ``election`` whose TPS are planned (default:
    the pattern set's, else pemilu). ``operation_id`` is the planning app's operation, only recorded.
    ``travel``: the travel model (planning passes the transport network's when one is loaded); None: the
    distance model of siaga.core.geo."""
    from siaga.deployment.selectors import plan_latest

    pattern_set = pattern_set_current(viewer=viewer, province=area[:2], operation=operation)
    if pattern_set is None:
        raise plans.planner.PlanningError("Belum ada pola pengamanan untuk provinsi ini",
                                          "No security pattern for this province yet")
    if duty_window is None and pattern_set.duty_start and pattern_set.duty_end:
        duty_window = (pattern_set.duty_start, pattern_set.duty_end)
    election = election or pattern_set.election or "pemilu"
    previous = plan_latest(viewer=viewer, area=area, election=election) if incremental else None
    if previous is not None and (previous.area_code != area or previous.pattern_set_id != pattern_set.pk):
        previous = None
    inputs = plan_inputs(viewer=viewer, area=area, pattern_set=pattern_set, election=election,
                         overrides=overrides, strengths=strengths, duty_window=duty_window)
    inputs.operation_id = operation_id
    changed = plans.inputs_class_changes(viewer, area, previous)
    config = plans.planner.PlannerConfig(reserve_share=inputs.reserve_share, travel=travel) if travel else None
    computed = plans.compute(inputs, method=method, previous=previous, changed_tps=changed, config=config)
    return computed, pattern_set, previous


@transaction.atomic
def plan_generate(*, actor, area, operation=None, method="optimal", overrides=None, duty_window=None,
                  incremental=True, election=None, operation_id=None, travel=None):
    """Compute and store a plan for ``area`` (a Polres plans its kab/kota, the Polda the province)."""
    require_planner(actor, area)
    computed, pattern_set, previous = plan_compute(viewer=actor, area=area, operation=operation, method=method,
                                                   overrides=overrides, duty_window=duty_window,
                                                   incremental=incremental, election=election,
                                                   operation_id=operation_id, travel=travel)
    return plan_store(actor=actor, computed=computed, pattern_set=pattern_set, previous=previous,
                      overrides=overrides)


def plan_store(*, actor, computed, pattern_set, previous, overrides=None):
    inputs, result = computed.inputs, computed.plan
    post_codes = {p.id: inputs.codes[p.tps_ids[0]] if p.tps_ids else inputs.object_names[p.id]
                  for p in result.posts}
    moves = []
    if previous is not None:
        old = plans.stored_as_planner_plan(previous, result.config)
        unit_codes = {u.id: u.code for u in inputs.units}
        moves = plans.moves_between(old, result, unit_codes, {**plans.post_codes_of(previous), **post_codes})
    plan = Plan.objects.create(
        area_code=inputs.area, province_code=inputs.area[:2], election=inputs.election,
        operation_id=inputs.operation_id, method=result.method, status=result.status,
        pattern_set=pattern_set, class_hash=inputs.class_hash, classes=inputs.classes,
        class_overrides={str(k): int(v) for k, v in (overrides or {}).items()}, strengths=inputs.strengths,
        summary=computed.summary(), shortfall_by_unit={str(k): v for k, v in result.shortfall_by_unit.items()},
        moves=moves, travel_m=sum(p.travel_m for p in result.parts.values()), cost=result.total_cost,
        previous=previous, incremental=computed.incremental, created_by=actor)
    assigned = result.assigned_by_post()
    tni_got: dict[int, int] = {}
    for a in computed.tni.assignments:
        tni_got[a.post_id] = tni_got.get(a.post_id, 0) + a.count
    rows = PlanPost.objects.bulk_create([
        PlanPost(plan=plan, key=p.id, kind=p.kind, name=inputs.object_names.get(p.id, ""), klass=p.klass,
                 tps_ids=list(p.tps_ids), tps_codes=[inputs.codes[t] for t in p.tps_ids], lat=p.lat, lng=p.lng,
                 desa_code=p.desa, kecamatan_code=p.kecamatan, kabkota_code=p.kabkota, island=p.island,
                 polri_required=p.polri_required, polri_assigned=assigned[p.id], linmas_required=p.linmas_required,
                 tni_required=computed.tni_demand.get(p.id, 0), tni_assigned=tni_got.get(p.id, 0),
                 linmas_assigned=computed.linmas.get(p.id, 0))
        for p in result.posts], batch_size=2000)
    post_pk = {r.key: r.pk for r in rows}
    pool = {b.from_unit for b in result.bko}
    PlanAssignment.objects.bulk_create([
        PlanAssignment(plan=plan, post_id=post_pk[a.post_id], unit_id=a.unit_id, count=a.count,
                       bko=a.unit_id in pool) for a in result.assignments], batch_size=5000)
    PlanPersonAssignment.objects.bulk_create([
        PlanPersonAssignment(plan=plan, post_id=post_pk[a.post_id], person_id=a.person_id)
        for a in result.person_assignments], batch_size=5000)
    PlanBko.objects.bulk_create([PlanBko(plan=plan, from_unit_id=b.from_unit, to_unit_id=b.to_polres,
                                         count=b.count) for b in result.bko])
    plan.summary = {**plan.summary, **shift_summary(plan)}
    plan.save(update_fields=["summary"])
    audit_record(actor=actor, action="plan.generate", obj_type="deployment_plan", obj_id=plan.pk,
                 area_code=plan.area_code, before={"plan": previous.pk} if previous else None,
                 after={"pattern_set": pattern_set.pk, "pattern_version": pattern_set.version,
                        "class_hash": plan.class_hash, "incremental": plan.incremental, "moves": len(moves),
                        **{k: v for k, v in plan.summary.items() if not isinstance(v, (dict, list))}})
    return plan


OBJECT_STATE = ("kind", "name", "area_code", "kabkota_code", "kecamatan_code", "lat", "lng", "klass", "election",
                "operation", "starts_on", "ends_on")


@transaction.atomic
def guard_object_upsert(*, actor, code, kind, name, area_code, kabkota_code, lat, lng, klass=0, kecamatan_code="",
                        election="", operation="", starts_on=None, ends_on=None):
    """Create or change a guarded object (KPU/Bawaslu office, PPK venue, warehouse, campaign event...)."""
    from siaga.deployment.models import GuardObject

    require_planner(actor, kabkota_code)
    obj = GuardObject.objects.select_for_update().filter(code=code).first()
    before = {f: getattr(obj, f) for f in OBJECT_STATE} if obj else None
    obj = obj or GuardObject(code=code)
    values = dict(kind=kind, name=name, area_code=area_code, kabkota_code=kabkota_code,
                  kecamatan_code=kecamatan_code or "", lat=float(lat), lng=float(lng), klass=int(klass),
                  election=election or "", operation=operation or "", starts_on=starts_on, ends_on=ends_on)
    for key, value in values.items():
        setattr(obj, key, value)
    obj.province_code = kabkota_code[:2]
    after = {f: getattr(obj, f) for f in OBJECT_STATE}
    if before != after:
        obj.updated_at = timezone.now()
        obj.save()
        audit_record(actor=actor, action="guard_object.upsert", obj_type="guard_object", obj_id=code,
                     area_code=kabkota_code, before=_jsonable(before), after=_jsonable(after))
    return obj


def _jsonable(state):
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in state.items()} if state else None


@transaction.atomic
def linmas_roster_set(*, actor, counts):
    """Set the Linmas count of each desa ({desa code: count}); returns (created, updated, unchanged)."""
    from siaga.deployment.models import LinmasRoster

    created = updated = unchanged = 0
    current = dict(LinmasRoster.objects.filter(desa_code__in=list(counts)).values_list("desa_code", "count"))
    for desa, count in sorted(counts.items()):
        require_planner(actor, desa)
        if desa not in current:
            LinmasRoster.objects.create(desa_code=desa, count=count)
            created += 1
        elif current[desa] != count:
            LinmasRoster.objects.filter(desa_code=desa).update(count=count, updated_at=timezone.now())
            updated += 1
        else:
            unchanged += 1
    if created or updated:
        audit_record(actor=actor, action="linmas.roster", obj_type="linmas_roster", obj_id=f"{len(counts)} desa",
                     area_code=_common_area(counts), before=None,
                     after={"created": created, "updated": updated})
    return created, updated, unchanged


def _common_area(codes):
    """The kab/kota all codes lie in, else their province, else nothing (national)."""
    for size in (5, 2):
        if len({c[:size] for c in codes}) == 1:
            return next(iter(codes))[:size]
    return ""


REVOTE_POLRI = 2  # officers at a re-vote TPS: the sangat rawan pattern (2 Polri for 1 TPS, domain.md)
REVOTE_LINMAS = 2


@transaction.atomic
def revote_post_add(*, actor, tps, election, round_no, on_date, kind_label):
    """A guard post for a TPS going to re-voting, in the newest plan of its election covering it: a dated
    guarded object (kind ``tps_ulang``) whose shifts are the TPS windows on ``on_date``. Returns the plan post,
    or None when no plan covers the TPS yet (the object is still stored: the next plan guards it)."""
    obj = guard_object_upsert(
        actor=actor, code=f"ULANG-{tps.code}-{round_no}", kind="tps_ulang",
        name=f"{kind_label} {tps.name} ({tps.code})", area_code=tps.desa_id, kabkota_code=tps.kabkota_code,
        kecamatan_code=tps.kecamatan_code, lat=tps.lat or 0.0, lng=tps.lng or 0.0, klass=3, election=election,
        starts_on=on_date, ends_on=on_date)
    plan = (Plan.objects.filter(election=election, province_code=tps.province_code)
            .filter(area_code__in=[tps.province_code, tps.kabkota_code]).order_by("-created_at", "-id").first())
    if plan is None:
        return None
    post, created = PlanPost.objects.get_or_create(plan=plan, key=-obj.pk, defaults=dict(
        kind="tps_ulang", name=obj.name, klass=3, tps_ids=[tps.pk], tps_codes=[tps.code], lat=obj.lat, lng=obj.lng,
        desa_code=tps.desa_id, kecamatan_code=tps.kecamatan_code, kabkota_code=tps.kabkota_code,
        polri_required=REVOTE_POLRI, linmas_required=REVOTE_LINMAS))
    if created:
        audit_record(actor=actor, action="plan.post.add", obj_type="plan", obj_id=plan.pk, area_code=tps.kabkota_code,
                     after={"post": post.key, "kind": "tps_ulang", "tps": tps.code, "date": on_date.isoformat(),
                            "polri_required": REVOTE_POLRI})
    return post
