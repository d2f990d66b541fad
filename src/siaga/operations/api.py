"""JSON API of voting day (thin: parse, call one service or selector, shape).

Field submissions answer 201 when stored and 200 with the original row when
the same reporter sent the same client id for the same place before (a retry);
a client id of someone else's report answers 409 without its content.
"""

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from pydantic import BaseModel

from siaga.operations import field_posts, selectors, services, workflow
from siaga.operations.auth import FIELD_AUTH
from siaga.operations.models import Channel
from siaga.operations.geojson import status_feature_collection
from siaga.readreplica import replica_reads
from siaga.accounts.schemas import Problem

router = Router(tags=["operations"])


# The event schemas are plain pydantic models: JSON in and out needs none of Ninja's attribute look-ups
# (DjangoGetter) that a Schema runs for each of a batch's 500 events.
class EventIn(BaseModel):
    client_id: UUID
    tps_code: str
    kind: str
    at: datetime | None = None
    note: str = ""
    exercise: bool = False
    drill: str | None = None
    gps_lat: float | None = None  # the phone's GPS fix when it reported
    gps_lng: float | None = None
    gps_accuracy: float | None = None  # metres
    photo: str | None = None  # a JPEG or PNG, base64 or a data: URL, at most 5 MB


class EventOut(Schema):
    id: int
    created: bool
    tps_code: str
    kind: str
    stage: str


class EventBatchIn(BaseModel):
    events: list[EventIn] = Field(min_length=1, max_length=services.BATCH_MAX)
    drill: str | None = None


class EventResult(BaseModel):
    client_id: str
    id: int | None
    created: bool
    stage: str | None
    detail: str | None


class EventBatchOut(BaseModel):
    accepted: int
    duplicates: int
    rejected: int
    results: list[EventResult]


class IncidentIn(Schema):
    client_id: UUID
    category: str
    severity: int
    description: str
    tps_code: str | None = None
    area_code: str | None = None
    lat: float | None = None
    lng: float | None = None
    occurred_at: datetime | None = None
    exercise: bool = False
    drill: str | None = None
    gps_lat: float | None = None  # the reporting phone's GPS fix (lat/lng above: the incident's place)
    gps_lng: float | None = None
    gps_accuracy: float | None = None
    photo: str | None = None  # a JPEG or PNG, base64 or a data: URL, at most 5 MB


class IncidentOut(Schema):
    id: int
    created: bool = False
    status: str
    category: str
    severity: int
    description: str
    tps_code: str | None
    kecamatan_code: str
    occurred_at: datetime
    reported_at: datetime
    published: bool
    duplicate_of: int | None
    lock_holder: str | None
    exercise: bool
    possible_duplicates: list[int] = []


class TransitionIn(Schema):
    action: str
    note: str = ""
    assign_to: str | None = None


class DispatchIn(Schema):
    unit: str  # a Polri agency code or a reserve's unit code (BRIMOB-74), as in the suggestions


def _channel(request):
    return Channel.FIELD if request.headers.get("Authorization", "").startswith("Bearer ") else Channel.WEB


def _incident_out(incident, created=False):
    return {"id": incident.pk, "created": created, "status": incident.status, "category": incident.category,
            "severity": incident.severity, "description": incident.description,
            "tps_code": incident.tps.code if incident.tps_id else None, "kecamatan_code": incident.kecamatan_code,
            "occurred_at": incident.occurred_at, "reported_at": incident.reported_at,
            "published": incident.published_at is not None, "duplicate_of": incident.duplicate_of_id,
            "lock_holder": incident.lock_holder.username if incident.lock_holder_id else None,
            "exercise": incident.exercise,
            "possible_duplicates": list(services.duplicate_candidates(incident).values_list("pk", flat=True)[:10])}


@router.post("/events", response={200: EventOut, 201: EventOut, 400: Problem, 409: Problem}, auth=FIELD_AUTH,
             summary="Report a TPS stage or flag")
def event_post(request, payload: EventIn):
    try:
        event, created = services.tps_event_record(
            actor=request.auth, client_id=payload.client_id, tps_code=payload.tps_code, kind=payload.kind,
            at=payload.at, channel=_channel(request), note=payload.note, exercise=payload.exercise,
            drill_id=payload.drill, gps=(payload.gps_lat, payload.gps_lng, payload.gps_accuracy), photo=payload.photo)
    except services.Conflict as problem:
        return 409, {"detail": str(problem)}
    except services.Rejected as problem:
        return 400, {"detail": str(problem)}
    stage = getattr(event, "stage_after", None) or selectors.tps_status(viewer=request.auth, tps=event.tps)["stage"]
    return (201 if created else 200), {"id": event.pk, "created": created, "tps_code": event.tps.code,
                                       "kind": event.kind, "stage": stage}


class TpsCheckOut(Schema):
    code: str
    label: str  # what the form shows to confirm the place: TPS number, desa, kecamatan


@router.get("/tps-check/{code}", response={200: TpsCheckOut, 400: Problem, 404: Problem}, auth=FIELD_AUTH,
            summary="Whether the reporter may report for a TPS code, with its name")
def tps_check(request, code: str):
    """The field form asks before it queues a typed code, so a wrong or out-of-area code is refused at once
    (in the request's language) instead of hours later from the outbox."""
    digits = code.replace(".", "").strip()
    if not (len(digits) == 13 and digits.isdigit()):
        return 400, {"detail": _("A TPS code has 13 digits.")}
    tps = field_posts.field_tps(viewer=request.auth, code=digits)
    if tps is None:
        return 404, {"detail": services.out_of_area(digits)}
    return 200, {"code": tps.code, "label": field_posts.tps_label(tps)}


@router.post("/events/batch", response=EventBatchOut, auth=FIELD_AUTH, summary="Report many TPS events at once")
def event_batch_post(request, payload: EventBatchIn):
    """An offline queue, an SMS aggregator or a partner feed sends up to 500 events in one request (with the
    phone's GPS fix each; photos only one report at a time, POST /events: a batch ignores them). Each is
    stored or refused on its own and answered in order (a refusal says why in `detail`); the reporter's own
    client id already stored for the same TPS is a retry (created false); anyone else's is refused."""
    outcomes = services.tps_events_record(
        actor=request.auth, channel=_channel(request), drill_id=payload.drill,
        submissions=[services.Submission(e.client_id, e.tps_code, e.kind, e.at, e.note, e.exercise, e.gps_lat,
                                         e.gps_lng, e.gps_accuracy) for e in payload.events])
    results = [EventResult(client_id=o.client_id, id=o.event.pk if o.event else None, created=o.created,
                           stage=o.stage, detail=o.problem) for o in outcomes]
    return EventBatchOut(accepted=sum(o.created for o in outcomes),
                         duplicates=sum(bool(o.event and not o.created) for o in outcomes),
                         rejected=sum(bool(o.problem) for o in outcomes), results=results)


@router.post("/incidents", response={200: IncidentOut, 201: IncidentOut, 400: Problem, 409: Problem},
             auth=FIELD_AUTH, summary="Report an incident")
def incident_post(request, payload: IncidentIn):
    try:
        incident, created = services.incident_report(
            actor=request.auth, client_id=payload.client_id, category=payload.category, severity=payload.severity,
            description=payload.description, tps_code=payload.tps_code, area_code=payload.area_code,
            lat=payload.lat, lng=payload.lng, occurred_at=payload.occurred_at, channel=_channel(request),
            exercise=payload.exercise, drill_id=payload.drill,
            gps=(payload.gps_lat, payload.gps_lng, payload.gps_accuracy), photo=payload.photo)
    except services.Conflict as problem:
        return 409, {"detail": str(problem)}
    except services.Rejected as problem:
        return 400, {"detail": str(problem)}
    return (201 if created else 200), _incident_out(incident, created)


@router.get("/incidents", response=list[IncidentOut])
def incident_list(request, area: str = "", status: str = "", limit: int = 100):
    rows = selectors.incidents(viewer=request.auth, area=area or None)
    if status:
        rows = rows.filter(status=status)
    return [_incident_out(i) for i in rows[: max(1, min(limit, 500))]]


@router.get("/incidents/{incident_id}", response=IncidentOut)
def incident_detail(request, incident_id: int):
    return _incident_out(selectors.incident_get(viewer=request.auth, pk=incident_id))


def _workflow_call(call):
    try:
        return 200, _incident_out(call())
    except (workflow.IllegalTransition, services.Rejected) as problem:
        return 409, {"detail": str(problem)}


@router.post("/incidents/{incident_id}/transition", response={200: IncidentOut, 409: Problem})
def incident_transition(request, incident_id: int, payload: TransitionIn):
    if payload.action in workflow.ACTIONS:
        services.require(request.auth, payload.action)  # who may, before which unit: a refusal names no unit
    assign_to = None
    if payload.assign_to:
        assign_to = selectors.police_units(viewer=request.auth).filter(code=payload.assign_to).first()
        if assign_to is None:
            return 409, {"detail": f"Satuan {payload.assign_to} tidak ditemukan di wilayah Anda."}
    return _workflow_call(lambda: services.incident_transition(
        actor=request.auth, incident_id=incident_id, action=payload.action, note=payload.note, assign_to=assign_to))


@router.post("/incidents/{incident_id}/merge/{into_id}", response={200: IncidentOut, 409: Problem})
def incident_merge(request, incident_id: int, into_id: int):
    return _workflow_call(lambda: services.incident_merge(actor=request.auth, incident_id=incident_id,
                                                          into_id=into_id))


@router.post("/incidents/{incident_id}/publish", response={200: IncidentOut, 409: Problem})
def incident_publish(request, incident_id: int):
    return _workflow_call(lambda: services.incident_publish(actor=request.auth, incident_id=incident_id))


@router.post("/incidents/{incident_id}/lock", response={200: IncidentOut, 409: Problem})
def incident_lock(request, incident_id: int, release: bool = False):
    return _workflow_call(lambda: services.incident_lock(actor=request.auth, incident_id=incident_id,
                                                         release=release))


@router.post("/incidents/{incident_id}/photos", response={201: dict, 400: Problem, 409: Problem})
def incident_photo(request, incident_id: int, photo: File[UploadedFile]):
    try:
        saved = services.incident_photo_add(actor=request.auth, incident_id=incident_id, upload=photo)
    except services.Rejected as problem:
        return 400, {"detail": str(problem)}
    except workflow.IllegalTransition as problem:
        return 409, {"detail": str(problem)}
    return 201, {"id": saved.pk, "content_type": saved.content_type, "size": saved.size}


@router.get("/incidents/{incident_id}/dispatch-suggestions")
def dispatch_suggestions(request, incident_id: int):
    incident = selectors.incident_get(viewer=request.auth, pk=incident_id)
    return [{**{k: s[k] for k in ("code", "name", "kind", "distance_km", "eta_minutes")},
             "kind_label": str(s["kind_label"]), "teams_left": s.get("teams_left")}
            for s in selectors.dispatch_suggestions(viewer=request.auth, incident=incident)]


@router.post("/incidents/{incident_id}/dispatch", response={201: dict, 400: Problem, 409: Problem})
def dispatch_post(request, incident_id: int, payload: DispatchIn):
    try:
        d = services.dispatch_create(actor=request.auth, incident_id=incident_id, unit_code=payload.unit)
    except services.Rejected as problem:
        return 400, {"detail": str(problem)}
    except workflow.IllegalTransition as problem:
        return 409, {"detail": str(problem)}
    return 201, {"id": d.pk, "unit": payload.unit, "agency": d.unit.code,
                 "reserve": payload.unit if d.reserve_id else None, "status": d.status,
                 "eta_minutes": round(d.eta_minutes, 1),
                 "ack_deadline": d.ack_deadline.isoformat()}


@router.post("/dispatches/{dispatch_id}/{step}", response={200: dict, 400: Problem, 409: Problem})
def dispatch_step(request, dispatch_id: int, step: str, outcome: str = ""):
    try:
        d = services.dispatch_update(actor=request.auth, dispatch_id=dispatch_id, step=step, outcome=outcome)
    except services.Rejected as problem:
        return 400, {"detail": str(problem)}
    except workflow.IllegalTransition as problem:
        return 409, {"detail": str(problem)}
    return 200, {"id": d.pk, "status": d.status}


@router.get("/summary", summary="Command-post counters for an area")
@replica_reads
def summary(request, area: str = ""):
    return selectors.summary(viewer=request.auth, area=area or None)


@router.get("/map", summary="TPS of an area with their current stage, as GeoJSON")
@replica_reads
def status_map(request, area: str):
    return HttpResponse(status_feature_collection(selectors.status_points(viewer=request.auth, area=area)),
                        content_type="application/geo+json")


@router.get("/sea-links", summary="Sea links as GeoJSON lines, each with its weather closure on a day")
def sea_links(request, day: str = ""):
    from datetime import date

    from django.utils import timezone

    from siaga.transport.selectors import link_features

    try:
        when = date.fromisoformat(day) if day else timezone.localdate()
    except ValueError:
        when = timezone.localdate()
    return link_features(viewer=request.auth, day=when)


@router.get("/units", summary="Unit status board")
def units(request):
    return [{"code": row["unit"].code, "name": row["unit"].name,
             "status": row["dispatch"].status if row["dispatch"] else "siaga",
             "incident": row["dispatch"].incident_id if row["dispatch"] else None}
            for row in selectors.unit_board(viewer=request.auth)]


@router.get("/drills/{run_id}", summary="What the server stored for a drill run")
def drill(request, run_id: str):
    return selectors.drill_stats(viewer=request.auth, run_id=run_id)


@router.post("/sweep", summary="Flag and escalate missing check-ins now")
def sweep(request, province: str):
    if not request.auth.role == "admin":
        raise PermissionDenied("sweep")
    return services.checkin_sweep(actor=request.auth, province_code=province)


@router.post("/sms", auth=None, summary="SMS gateway: one received message (token in X-Gateway-Token)")
def sms_inbound(request):
    gateway = services.sms_gateway_for(request.headers.get("X-Gateway-Token", ""))
    if gateway is None:
        return HttpResponse("Token gateway tidak valid.", status=401, content_type="text/plain; charset=utf-8")
    phone, text = request.POST.get("from", ""), request.POST.get("text", "")
    if not phone:
        return HttpResponse("Nomor pengirim (from) kosong.", status=400, content_type="text/plain; charset=utf-8")
    accepted, reply = services.sms_receive(gateway=gateway, phone=phone, text=text,
                                           message_id=request.POST.get("id") or None)
    return HttpResponse(reply, status=200 if accepted else 422, content_type="text/plain; charset=utf-8")


class RevoteIn(Schema):
    tps_code: str
    kind: str  # psu, psl, pss
    reason: str  # legal ground (operations.models.RevoteReason)
    new_date: date
    recommended_by: str = "panwascam"
    recommendation_number: str
    recommendation_date: date
    decision_number: str
    decision_date: date
    detail: str = ""
    election: str | None = None


def _revote_out(r, made=None) -> dict:
    out = {"id": r.pk, "tps": r.tps.code, "election": r.election, "kind": r.kind, "round": r.round,
           "reason": r.reason, "voting_date": r.voting_date.isoformat(), "new_date": r.new_date.isoformat(),
           "recommended_by": r.recommended_by, "recommendation_number": r.recommendation_number,
           "decision_number": r.decision_number, "decision_date": r.decision_date.isoformat()}
    if made is not None:
        out |= {"custody_items": made["items"], "plan_post": made["post"]}
    return out


@router.post("/revotes", response={201: dict, 400: Problem}, summary="Put a TPS into re-voting (PSU, PSL, PSS)")
def revote_post(request, payload: RevoteIn):
    try:
        revote, made = services.revote_declare(actor=request.auth, tps_code=payload.tps_code, **payload.dict(
            exclude={"tps_code"}))
    except ValidationError as problem:
        return 400, {"detail": "; ".join(problem.messages)}
    return 201, _revote_out(revote, made)


@router.get("/revotes", summary="Re-votes (PSU, PSL, PSS) in the viewer's area")
def revote_index(request, area: str = ""):
    return [_revote_out(r) for r in selectors.revote_list(viewer=request.auth, area=area or None)]
