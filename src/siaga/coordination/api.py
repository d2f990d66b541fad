"""JSON API of coordination (thin). Report reads go through the clearance-checked, logged selectors."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Router, Schema

from siaga.accounts.schemas import Problem
from siaga.coordination import selectors, services

router = Router(tags=["coordination"])


class ReportOut(Schema):
    id: int
    title: str
    text: str
    area_code: str
    grade: str
    classification: str
    author_agency: str
    created_at: datetime

    @staticmethod
    def resolve_author_agency(obj):
        return obj.author_agency.code


class ReportIn(Schema):
    title: str
    text: str
    area_code: str
    source_reliability: str
    credibility: int
    classification: str
    shared_agencies: list[str] = []
    shared_roles: list[str] = []


class ReferralOut(Schema):
    id: int
    subject: str
    reason: str
    from_agency: str
    to_agency: str
    deadline: date
    status: str
    outcome: str
    escalated_to: str | None

    @staticmethod
    def resolve_from_agency(obj):
        return obj.from_agency.code

    @staticmethod
    def resolve_to_agency(obj):
        return obj.to_agency.code

    @staticmethod
    def resolve_escalated_to(obj):
        return obj.escalated_to.code if obj.escalated_to else None


class ActionItemOut(Schema):
    id: int
    text: str
    owner: str
    person: str
    due_on: date
    status: str
    meeting_id: int

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.code


@router.get("/reports", response=list[ReportOut])
def reports(request, q: str = ""):
    return services.reports_open(reader=request.auth, search=q, via="api")


@router.get("/reports/{pk}", response=ReportOut)
def report(request, pk: int):
    return services.report_open(reader=request.auth, pk=pk, via="api")


@router.post("/reports", response={201: ReportOut, 400: Problem})
def report_submit(request, body: ReportIn):
    agencies = list(selectors.agency_choices(viewer=request.auth).filter(code__in=body.shared_agencies))
    missing = sorted(set(body.shared_agencies) - {a.code for a in agencies})
    if missing:
        return 400, {"detail": [f"Instansi tidak dikenal atau di luar wilayah Anda: {', '.join(missing)}"]}
    try:
        report = services.report_submit(
            actor=request.auth, title=body.title, text=body.text, area_code=body.area_code,
            source_reliability=body.source_reliability, credibility=body.credibility,
            classification=body.classification, shared_agencies=agencies, shared_roles=body.shared_roles)
    except ValidationError as exc:
        return 400, {"detail": exc.messages}
    return 201, report


@router.get("/referrals", response=list[ReferralOut])
def referrals(request, overdue: bool = False):
    return list(selectors.referral_list(viewer=request.auth, overdue_on=timezone.localdate() if overdue else None))


@router.post("/referrals/{pk}/acknowledge", response=ReferralOut)
def referral_acknowledge(request, pk: int):
    referral = selectors.referral_get(viewer=request.auth, pk=pk)
    return services.referral_acknowledge(actor=request.auth, referral=referral)


@router.get("/action-items", response=list[ActionItemOut])
def action_items(request, overdue: bool = False):
    return list(selectors.action_item_list(viewer=request.auth,
                                           overdue_on=timezone.localdate() if overdue else None))
