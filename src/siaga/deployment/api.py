"""JSON API of the deployment app (thin: parse, call a selector or service, shape)."""

import json

from ninja import Router, Schema
from ninja.errors import HttpError

from siaga.core.planner import CLASS_NAMES, PlanningError
from siaga.deployment import selectors, services
from siaga.regions.api import feature_collection

router = Router(tags=["deployment"])


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    area_code: str
    strength: int
    available: int


class PlanIn(Schema):
    area: str
    operation: str | None = None
    method: str = "optimal"


@router.get("/units", response=list[UnitOut])
def units(request, area: str = ""):
    return list(selectors.unit_list(viewer=request.auth, area=area or None))


@router.get("/plans/latest")
def plan_latest(request, area: str = ""):
    plan = selectors.plan_latest(viewer=request.auth, area=area or None)
    if plan is None:
        return {"plan": None}
    return {"plan": plan.pk, "area": plan.area_code, "created_at": plan.created_at, "incremental": plan.incremental,
            "pattern_version": plan.pattern_set.version, "class_hash": plan.class_hash,
            **selectors.plan_summary(viewer=request.auth, plan=plan, area=area or None)}


@router.post("/plans")
def plan_create(request, payload: PlanIn):
    try:
        plan = services.plan_generate(actor=request.auth, area=payload.area, operation=payload.operation,
                                      method=payload.method)
    except PlanningError as exc:  # an area the planner cannot plan (no Polres, no pattern): the caller's input
        raise HttpError(400, exc.messages["id"]) from exc
    return {"plan": plan.pk, "moves": plan.moves, **plan.summary}


@router.get("/plans/{pk}/posts", summary="Posts of a plan as GeoJSON points with their assignments")
def plan_posts(request, pk: int, area: str = ""):
    plan = selectors.plan_get(viewer=request.auth, pk=pk)
    posts = list(selectors.plan_posts(viewer=request.auth, plan=plan, area=area or None))
    units: dict[int, list] = {}
    for a in selectors.plan_assignments(viewer=request.auth, plan=plan, area=area or None):
        units.setdefault(a.post_id, []).append([a.unit.code, a.count])
    people = selectors.plan_people(viewer=request.auth, plan=plan, post_ids=[p.pk for p in posts])
    return feature_collection(
        '{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},"properties":%s}'
        % (p.lng, p.lat, json.dumps({
            "pos": p.key, "jenis": p.kind, "nama": p.name, "kelas": CLASS_NAMES[p.klass], "tps": p.tps_codes, "polri": p.polri_required,
            "ditugaskan": p.polri_assigned, "linmas": p.linmas_required, "unit": units.get(p.pk, []),
            "personel": [f"{rank} {name}" for _nrp, rank, name in people.get(p.pk, ())]}))
        for p in posts)
