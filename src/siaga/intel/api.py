"""JSON API of intel (thin): LIs under clearance (each read logged, via="api"), alerts, cases."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema

from siaga.accounts.schemas import Problem
from siaga.intel import selectors, services

router = Router(tags=["intel"])


class ProductOut(Schema):
    id: int
    kind: str
    number: str
    title: str
    area_code: str
    day: date
    classification: str
    grade: str
    source: str
    facts: str
    analysis: str
    assessment: str
    recommendation: str
    author_agency: str
    created_at: datetime

    @staticmethod
    def resolve_author_agency(obj):
        return obj.author_agency.code


class LiIn(Schema):
    title: str
    area_code: str
    day: date
    classification: str
    source: str
    source_reliability: str
    credibility: int
    facts: str
    analysis: str = ""
    assessment: str = ""
    recommendation: str = ""


class AlertOut(Schema):
    id: int
    rule: str
    area_code: str
    fired_on: date
    value: int
    previous: int
    reason: str
    referral_id: int | None
    cleared_on: date | None

    @staticmethod
    def resolve_rule(obj):
        return obj.rule.name


class CaseOut(Schema):
    id: int
    kind: str
    title: str
    area_code: str
    occurred_on: date
    status: str
    subjects: list[str]
    gakkumdu_id: int | None

    @staticmethod
    def resolve_subjects(obj):
        return obj.subject_list


@router.get("/li", response=list[ProductOut])
def li_list(request, area: str = "", day: date | None = None):
    return services.products_open(reader=request.auth, via="api", kind="li", area=area or None, day=day)


@router.get("/li/{pk}", response=ProductOut)
def li_get(request, pk: int):
    return services.product_open(reader=request.auth, pk=pk, via="api")


@router.post("/li", response={201: ProductOut, 400: Problem, 403: Problem})
def li_create(request, body: LiIn):
    try:
        product = services.li_create(actor=request.auth, **body.dict())
    except ValidationError as exc:
        return 400, {"detail": exc.messages}
    except PermissionDenied as exc:
        return 403, {"detail": [str(exc)]}
    return 201, product


@router.get("/alerts", response=list[AlertOut])
def alerts(request, open_only: bool = True):
    return list(selectors.alert_list(viewer=request.auth, open_only=open_only))


@router.get("/cases", response=list[CaseOut])
def cases(request, kind: str = ""):
    return list(selectors.case_list(viewer=request.auth, kind=kind or None))
