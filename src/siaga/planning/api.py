"""JSON API of the security plan (thin: parse, call a selector or service, shape)."""

from datetime import date

from django.core.exceptions import ValidationError
from ninja import Router, Schema

from siaga.planning import selectors, services
from siaga.accounts.schemas import Problem

router = Router(tags=["planning"])


class StageOut(Schema):
    id: int
    kind: str
    starts_on: date
    ends_on: date


class OperationOut(Schema):
    id: int
    name: str
    election: str
    starts_on: date
    ends_on: date
    area_code: str
    organiser: str
    stages: list[StageOut]

    @staticmethod
    def resolve_organiser(obj):
        return obj.organiser.code

    @staticmethod
    def resolve_stages(obj):
        return list(obj.stages.all())


class ThreatOut(Schema):
    id: int
    title: str
    category: str
    stage: str | None
    area_code: str
    likelihood: int
    impact: int
    score: int
    level: str
    owner: str
    status: str

    @staticmethod
    def resolve_stage(obj):
        return obj.stage.kind if obj.stage else None

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.code


class KpiOut(Schema):
    source: str
    name: str
    target: float
    unit: str
    current: float | None
    status: str
    trend: str | None


class StageDatesIn(Schema):
    starts_on: date
    ends_on: date


@router.get("/operations", response=list[OperationOut])
def operations(request):
    return list(selectors.operation_list(viewer=request.auth).prefetch_related("stages"))


@router.get("/operations/{pk}", response=OperationOut)
def operation(request, pk: int):
    return selectors.operation_get(viewer=request.auth, pk=pk)


@router.get("/current-stage", response={200: StageOut, 204: None})
def current_stage(request):
    stage = selectors.current_stage(request.auth)
    return (200, stage) if stage else (204, None)


@router.get("/operations/{pk}/threats", response=list[ThreatOut])
def threats(request, pk: int):
    operation = selectors.operation_get(viewer=request.auth, pk=pk)
    return selectors.threats_ranked(selectors.threat_list(viewer=request.auth, operation=operation))


@router.get("/operations/{pk}/kpis", response=list[KpiOut])
def kpis(request, pk: int):
    operation = selectors.operation_get(viewer=request.auth, pk=pk)
    return [{**row, "source": row["kpi"].source} for row in selectors.kpi_report(viewer=request.auth,
                                                                                 operation=operation)]


@router.put("/stages/{pk}", response={200: StageOut, 400: Problem})
def stage_reschedule(request, pk: int, body: StageDatesIn):
    stage = selectors.stage_get(viewer=request.auth, pk=pk)
    try:
        return services.stage_reschedule(actor=request.auth, stage=stage, starts_on=body.starts_on,
                                         ends_on=body.ends_on)
    except ValidationError as exc:
        return 400, {"detail": exc.messages}


@router.post("/contingencies/{pk}/activate", response={200: dict, 400: Problem})
def contingency_activate(request, pk: int):
    contingency = selectors.contingency_get(viewer=request.auth, pk=pk)
    try:
        contingency = services.contingency_activate(actor=request.auth, contingency=contingency)
    except ValidationError as exc:
        return 400, {"detail": exc.messages}
    return {"id": contingency.pk, "status": contingency.status, "activated_at": contingency.activated_at}
