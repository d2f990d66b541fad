"""JSON API of Sentra Gakkumdu (thin): the cases with their clocks, registration, moving a case on."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Router, Schema

from siaga.accounts.schemas import Problem
from siaga.gakkumdu import selectors, services

router = Router(tags=["gakkumdu"])


class GakkumduCaseOut(Schema):
    id: int
    title: str
    election: str
    origin: str
    area_code: str
    area_name: str
    step: str
    step_label: str
    deadline: datetime | None
    days_left: int | None
    hours_left: float | None
    rule: str | None
    article: str | None
    status: str | None
    warning: bool
    expired: bool


class RegisterIn(Schema):
    election: str
    origin: str
    title: str
    summary: str = ""
    known_on: date
    reported_on: date
    region_code: str
    source_ref: str = ""


class AdvanceIn(Schema):
    to: str
    at: datetime | None = None
    note: str = ""


class Moved(Schema):
    id: int
    step: str


@router.get("/cases", response=list[GakkumduCaseOut])
def cases(request, open: bool = False, election: str | None = None):
    return selectors.case_clocks(viewer=request.auth, now=timezone.now(), open_only=open, election=election)


@router.post("/cases", response={201: Moved, 400: Problem, 403: Problem})
def register(request, body: RegisterIn):
    try:
        case = services.gakkumdu_register(actor=request.auth, **body.dict())
    except ValidationError as exc:
        return 400, {"detail": exc.messages}
    except PermissionDenied as exc:
        return 403, {"detail": [str(exc)]}
    return 201, {"id": case.pk, "step": case.step}


@router.post("/cases/{pk}/advance", response={200: Moved, 400: Problem, 403: Problem})
def advance(request, pk: int, body: AdvanceIn):
    case = selectors.case_get(viewer=request.auth, pk=pk)
    try:
        case = services.gakkumdu_advance(actor=request.auth, case=case, to=body.to, at=body.at, note=body.note)
    except ValidationError as exc:
        return 400, {"detail": exc.messages}
    except PermissionDenied as exc:
        return 403, {"detail": [str(exc)]}
    return 200, {"id": case.pk, "step": case.step}
