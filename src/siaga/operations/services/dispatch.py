"""Dispatch: sending a Polri agency or a reserve team to an incident, and the unit's steps after that."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from siaga.accounts.services import audit_record
from siaga.operations import selectors, workflow
from siaga.operations.broker import publish_after_commit
from siaga.operations.models import Dispatch
from siaga.operations.services.common import Rejected, require
from siaga.operations.services.incidents import _locked_incident

ACK_MINUTES = 10


@transaction.atomic
def dispatch_create(*, actor, incident_id, unit_code, now=None):
    """Send a Polri agency or a reserve team (deployment Unit code, Brimob/Dalmas) to an incident; it must
    acknowledge within ACK_MINUTES. A reserve's dispatch records the reserve and its agency as ``unit``."""
    from siaga.deployment.models import RESERVE_KINDS, Unit

    require(actor, "dispatch")
    incident = _locked_incident(actor, incident_id)
    # Lock the reserve so that two commanders cannot both send its last team.
    list(Unit.objects.select_for_update().filter(code=unit_code, kind__in=RESERVE_KINDS).values_list("pk"))
    matches = [s for s in selectors.dispatch_suggestions(viewer=actor, incident=incident, limit=None) if s["code"] == unit_code]
    choice = next((s for s in matches if s["reserve_id"] is None), matches[0] if matches else None)
    if choice is None:
        raise Rejected(f"Satuan {unit_code} tidak tersedia atau di luar wilayah Anda.")
    now = now or timezone.now()
    dispatch = Dispatch.objects.create(incident=incident, unit_id=choice["id"], reserve_id=choice["reserve_id"],
                                       distance_km=choice["distance_km"], eta_minutes=choice["eta_minutes"],
                                       dispatched_at=now, ack_deadline=now + timedelta(minutes=ACK_MINUTES),
                                       dispatched_by=actor)
    audit_record(actor=actor, action="dispatch.create", obj_type="dispatch", obj_id=dispatch.pk,
                 area_code=incident.kecamatan_code,
                 after={"incident": incident.pk, "unit": unit_code, "kind": choice["kind"],
                        "agency": dispatch.unit.code, "eta_minutes": round(choice["eta_minutes"], 1)})
    publish_after_commit({"type": "dispatch", "id": dispatch.pk, "incident": incident.pk, "status": dispatch.status,
                          "area": incident.kecamatan_code})
    return dispatch


DISPATCH_STEPS = {"ack": ("dikirim", "diterima", "acknowledged_at"), "arrive": ("diterima", "tiba", "arrived_at"),
                  "finish": ("tiba", "selesai", None)}


@transaction.atomic
def dispatch_update(*, actor, dispatch_id, step, outcome="", now=None):
    require(actor, "dispatch_step")
    dispatch = selectors.dispatch_get(viewer=actor, pk=dispatch_id)
    dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if step not in DISPATCH_STEPS:
        raise Rejected(f"Langkah '{step}' tidak dikenal; pilih: ack, arrive, finish.")
    source, target, field = DISPATCH_STEPS[step]
    if dispatch.status != source:
        raise workflow.IllegalTransition(f"Pengiriman berstatus '{dispatch.status}' tidak bisa ke '{target}'.")
    before = {"status": dispatch.status}
    dispatch.status = target
    if field:
        setattr(dispatch, field, now or timezone.now())
    if outcome:
        dispatch.outcome = outcome
    dispatch.save()
    audit_record(actor=actor, action=f"dispatch.{step}", obj_type="dispatch", obj_id=dispatch.pk,
                 area_code=dispatch.incident.kecamatan_code, before=before,
                 after={"status": target, "outcome": dispatch.outcome})
    publish_after_commit({"type": "dispatch", "id": dispatch.pk, "incident": dispatch.incident_id,
                          "status": target, "area": dispatch.incident.kecamatan_code})
    return dispatch

