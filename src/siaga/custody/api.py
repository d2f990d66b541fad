"""Custody API for field devices: handovers (two-party, offline sync), seals, positions, reads."""

from datetime import datetime

from django.core.exceptions import ValidationError
from ninja import Router, Schema
from ninja.errors import HttpError

from siaga.accounts.models import User
from siaga.custody import selectors, services
from siaga.custody.missions import mission_eta_hours

router = Router(tags=["custody"])


def _invalid(exc: ValidationError):
    raise HttpError(400, "; ".join(exc.messages))


class HandoverIn(Schema):
    client_id: str
    client_seq: int = 0
    device: str = ""
    at: datetime
    item_codes: list[str]
    from_node: str
    to_node: str
    receiver: str | None = None  # username of a receiver with an account
    receiver_name: str = ""
    seals_seen: dict[str, list[str]] = {}
    forms: dict[str, str] = {}  # result and recap forms handed over: form code -> its number
    condition: str = ""
    escort: str = ""
    signature: str = ""
    received_codes: list[str] | None = None


class HandoverOut(Schema):
    client_id: str
    state: str
    from_node: str
    to_node: str
    receiver_name: str
    items: list[str]


class ConfirmIn(Schema):
    code: str = ""
    signature: str = ""
    received_codes: list[str] | None = None


def _out(h):
    return {"client_id": h.client_id, "state": h.state, "from_node": h.from_node.code, "to_node": h.to_node.code,
            "receiver_name": h.receiver_name, "items": sorted(h.items.values_list("code", flat=True))}


def _receiver(username):
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise HttpError(400, f"Penerima tidak dikenal / unknown receiver: {username}")
    return user


@router.post("/handovers", response=HandoverOut)
def handover_create(request, payload: HandoverIn):
    """The giver's confirmation; the receiver confirms with their device, the code shown there, or a signature."""
    try:
        handover, _code = services.handover_offer(
            actor=request.auth, receiver=_receiver(payload.receiver),
            **payload.dict(exclude={"receiver", "signature", "received_codes"}))
        if payload.signature:
            handover = services.handover_confirm(actor=request.auth, handover=handover, signature=payload.signature,
                                                 received_codes=payload.received_codes)
    except ValidationError as exc:
        _invalid(exc)
    return _out(handover)


@router.post("/handovers/{client_id}/confirm", response=HandoverOut)
def handover_confirm(request, client_id: str, payload: ConfirmIn):
    """The receiver's confirmation: a wrong code is counted; 5 lock the handover, 10 by one user answer 429."""
    handover = selectors.handover_get(viewer=request.auth, client_id=client_id)
    try:
        handover = services.handover_confirm(actor=request.auth, handover=handover, **payload.dict())
    except ValidationError as exc:
        _invalid(exc)
    except services.CodeRefused as exc:
        raise HttpError(exc.status, str(exc)) from None
    return _out(handover)


@router.get("/handovers/waiting", response=list[HandoverOut])
def handovers_waiting(request):
    """Handovers naming me as receiver."""
    return [_out(h) for h in selectors.handovers_waiting_for(viewer=request.auth)]


@router.post("/handovers/{client_id}/code")
def handover_code(request, client_id: str):
    """A one-time code for the receiver's own device to show the giver."""
    handover = selectors.handover_get(viewer=request.auth, client_id=client_id)
    return {"code": services.handover_code_for(viewer=request.auth, handover=handover)}


@router.post("/sync")
def sync(request, payload: list[HandoverIn]):
    """Handovers recorded offline, applied in device order; records already stored are skipped."""
    records = []
    for record in payload:
        data = record.dict()
        data["receiver"] = _receiver(data["receiver"])
        records.append(data)
    try:
        results = services.handover_sync(actor=request.auth, records=records)
    except ValidationError as exc:
        _invalid(exc)
    return [{"client_id": cid, "result": result} for cid, result in results]


class ItemOut(Schema):
    code: str
    kind: str
    race: str
    node: str | None
    holder: str
    seals: list[str]
    head_seq: int


@router.get("/items", response=list[ItemOut])
def items(request, node: str = "", search: str = "", limit: int = 200):
    node_row = selectors.node_get(viewer=request.auth, code=node) if node else None
    rows = selectors.item_list(viewer=request.auth, node=node_row, search=search)[:max(1, min(limit, 1000))]
    return [{**{f: getattr(i, f) for f in ("code", "kind", "race", "holder", "seals", "head_seq")},
             "node": i.node.code if i.node_id else None} for i in rows]


@router.get("/items/{code}/journey")
def journey(request, code: str):
    data = selectors.item_journey(viewer=request.auth, item=selectors.item_get(viewer=request.auth, code=code))
    return {"item": code, "at": data["at"], "path": data["path"],
            "events": [{"seq": seq, "hash": h, "event": ev} for seq, h, ev in data["events"]]}


class PositionIn(Schema):
    client_id: str
    at: datetime
    lat: float
    lng: float


@router.post("/missions/{code}/positions")
def position(request, code: str, payload: PositionIn):
    mission = selectors.mission_get(viewer=request.auth, code=code)
    report, created = services.position_report(actor=request.auth, mission=mission, **payload.dict())
    return {"client_id": report.client_id, "stored": created, "off_route_km": report.off_route_km,
            "eta_hours": mission_eta_hours(mission)}


@router.get("/missions")
def missions(request):
    out = []
    for m in selectors.mission_list(viewer=request.auth):
        out.append({"code": m.code, "name": m.name, "status": m.status, "eta_hours": mission_eta_hours(m),
                    "legs": [{"mode": leg.mode, "origin": leg.origin, "destination": leg.destination,
                              "path": leg.path, "arrived": leg.actual_arrive is not None} for leg in m.legs.all()],
                    "positions": [[p.lat, p.lng] for p in m.positions.all()]})
    return out


@router.get("/anomalies")
def anomalies(request, state: str = "open"):
    return [{"id": a.pk, "kind": a.kind, "state": a.state, "area": a.area_code, "detail": a.detail,
             "item": a.item.code if a.item_id else None, "node": a.node.code if a.node_id else None,
             "raised_at": a.raised_at} for a in selectors.anomaly_list(viewer=request.auth, state=state)[:500]]


@router.get("/where")
def where(request, kind: str = "", area: str = ""):
    return selectors.where_items_are(viewer=request.auth, kind=kind or None, area=area or None)


@router.get("/checkpoints", auth=None)
def checkpoints(request):
    """Public: roots, counts and times only."""
    return list(selectors.checkpoint_list()[:200])


@router.get("/checkpoints/key", auth=None)
def checkpoint_key(request):
    """Public: the Ed25519 key that signs the checkpoints (pass it to the standalone verifier's --key)."""
    from siaga.custody.keys import custody_key

    return {"public_key": custody_key().public_hex}
