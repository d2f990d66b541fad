"""Incidents: reports from the field, the command workflow (verify ... close, merge, lock), publishing to
partner agencies, photos. Who may take each step is the authority table's (authority.py)."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from siaga import features
from siaga.accounts.scope import can_see_area
from siaga.accounts.services import audit_record
from siaga.core.codes import CodeError, normalize_region_code
from siaga.operations import selectors, workflow
from siaga.operations.broker import publish_after_commit
from siaga.operations.models import Category, Channel, Incident, IncidentPhoto
from siaga.operations.services.common import (Conflict, Rejected, drill_run, point_problem, require, time_problem,
                                              tps_in_area, voting_days)
from siaga.operations.services.field import PHOTO_MAX_BYTES, gps_checked, photo_decoded

PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
SEVERITIES = (1, 2, 3, 4)


def incident_snapshot(incident: Incident) -> dict:
    return {"status": incident.status, "category": incident.category, "severity": incident.severity,
            "assigned_to": incident.assigned_to.code if incident.assigned_to_id else None,
            "published": incident.published_at is not None, "duplicate_of": incident.duplicate_of_id,
            "tps": incident.tps.code if incident.tps_id else None}


def _incident_message(incident: Incident, change: str) -> dict:
    return {"type": "incident", "id": incident.pk, "change": change, "status": incident.status,
            "severity": incident.severity, "category": incident.category,
            "area": incident.tps.desa_id if incident.tps_id else incident.kecamatan_code,
            "lat": incident.lat, "lng": incident.lng, "exercise": incident.exercise,
            "published": incident.published_at is not None}


def _incident_area(viewer, *, tps_code, area_code, lat, lng):
    """(tps, province, kabkota, kecamatan, lat, lng) for a TPS or a point in a kecamatan."""
    if tps_code:
        tps = tps_in_area(viewer, tps_code)
        return tps, tps.province_code, tps.kabkota_code, tps.kecamatan_code, tps.lat, tps.lng
    try:
        kec = normalize_region_code(area_code or "")
    except CodeError:
        raise Rejected("Lokasi insiden wajib: kode TPS, atau titik (lat/lng) dengan kode kecamatan.")
    if kec.count(".") != 2 or lat is None or lng is None:
        raise Rejected("Insiden tanpa TPS perlu titik lat/lng dan kode kecamatan (contoh 74.05.24).")
    if problem := point_problem(lat, lng):
        raise Rejected(problem)
    if not can_see_area(viewer, kec):
        raise Rejected(f"Kecamatan {kec} di luar wilayah Anda.")
    return None, kec[:2], kec[:5], kec, lat, lng


def incident_report(*, actor, client_id, category, severity, description, tps_code=None, area_code=None, lat=None,
                    lng=None, occurred_at=None, channel=Channel.WEB, exercise=False, drill_id=None,
                    gps=(None, None, None), photo=None):
    """Record an incident once per client id. Returns (incident, created).

    ``gps`` is the reporting phone's (lat, lng, accuracy in metres), kept apart from the incident's place;
    ``photo`` a JPEG/PNG as base64 or a data: URL, stored with it (checked first: a bad one refuses the report).

    The same client id again from the same reporter (still in their area) is a retry and answers the stored
    incident; from anyone else it is a Conflict that reveals nothing of it."""
    require(actor, "report")
    existing = Incident.objects.filter(client_id=client_id).first()
    if existing is not None:
        return _retry(actor, existing, drill_id), False
    try:
        if category not in Category.values:
            raise Rejected(f"Kategori '{category}' tidak dikenal; pilih: {', '.join(Category.values)}.")
        if not isinstance(severity, int) or severity not in SEVERITIES:
            raise Rejected(f"Tingkat keparahan {severity} tidak valid: harus 1 sampai 4.")
        if not (description or "").strip():
            raise Rejected("Uraian insiden wajib diisi.")
        tps, prov, kab, kec, lat, lng = _incident_area(actor, tps_code=tps_code, area_code=area_code, lat=lat, lng=lng)
        if problem := time_problem(occurred_at, voting_days([prov]).get(prov), "Waktu kejadian"):
            raise Rejected(problem)
        gps_lat, gps_lng, gps_accuracy = gps_checked(*gps)
        picture = photo_decoded(photo)
    except Rejected:
        drill_run(drill_id, "rejected")
        raise
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                client_id=client_id, tps=tps, province_code=prov, kabkota_code=kab, kecamatan_code=kec, lat=lat,
                lng=lng, category=category, severity=severity, description=description.strip(), channel=channel,
                reporter=actor, occurred_at=occurred_at or timezone.now(), exercise=exercise or bool(drill_id),
                drill=drill_run(drill_id), gps_lat=gps_lat, gps_lng=gps_lng, gps_accuracy_m=gps_accuracy)
            if picture:
                _photo_store(incident, actor, picture)
            audit_record(actor=actor, action="incident.report", obj_type="incident", obj_id=incident.pk,
                         area_code=tps.desa_id if tps else kec, after=incident_snapshot(incident))
    except IntegrityError:
        existing = Incident.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        return _retry(actor, existing, drill_id), False
    publish_after_commit(_incident_message(incident, "reported"))
    return incident, True


def _retry(actor, existing: Incident, drill_id) -> Incident:
    """The stored incident when this submission is its reporter's retry; else a Conflict without content."""
    area = existing.tps.desa_id if existing.tps_id else existing.kecamatan_code
    if existing.reporter_id != actor.pk or not can_see_area(actor, area):
        drill_run(drill_id, "rejected")
        raise Conflict(existing.client_id)
    drill_run(drill_id, "duplicates")
    return existing


def duplicate_candidates(incident: Incident):
    """Open incidents at the same TPS, same category, within the duplicate window."""
    if not incident.tps_id:
        return Incident.objects.none()
    return (Incident.objects.filter(tps_id=incident.tps_id, category=incident.category,
                                    occurred_at__gte=incident.occurred_at - workflow.DUPLICATE_WINDOW,
                                    occurred_at__lte=incident.occurred_at + workflow.DUPLICATE_WINDOW,
                                    status__in=workflow.OPEN_STATUSES)
            .exclude(pk=incident.pk).order_by("reported_at"))


def _locked_incident(actor, incident_id) -> Incident:
    selectors.incident_get(viewer=actor, pk=incident_id)  # scope check
    incident = Incident.objects.select_for_update(of=("self",)).select_related("tps", "assigned_to").get(pk=incident_id)
    holder = incident.lock_holder_id
    if holder and holder != actor.pk and incident.lock_expires_at > timezone.now():
        raise workflow.IllegalTransition(
            f"Insiden sedang disunting oleh {incident.lock_holder.username} sampai "
            f"{timezone.localtime(incident.lock_expires_at):%H:%M}.")
    return incident


def _save_audited(actor, incident, before, action, note=""):
    incident.save()
    audit_record(actor=actor, action=f"incident.{action}", obj_type="incident", obj_id=incident.pk,
                 area_code=incident.tps.desa_id if incident.tps_id else incident.kecamatan_code,
                 before=before, after=incident_snapshot(incident), note=note)
    publish_after_commit(_incident_message(incident, action))
    return incident


def _raise_tps_vulnerability(actor, incident):
    """Let the risk app raise the TPS class per its rules, when it is installed and the actor may edit risk data."""
    risk = features.module("risk", "services")
    hook = getattr(risk, "incident_recorded", None) if risk else None
    may_edit = getattr(risk, "can_edit", lambda user: True) if risk else None
    if hook and incident.tps_id and not incident.exercise and may_edit(actor):
        hook(actor=actor, tps=incident.tps, at=incident.occurred_at, severity=incident.severity,
             kind=incident.category, description=incident.description, external_ref=f"operations:{incident.pk}")


@transaction.atomic
def incident_transition(*, actor, incident_id, action, note="", assign_to=None, now=None):
    """Move an incident along its workflow; illegal steps raise IllegalTransition with the reason."""
    if action == "merge":
        raise workflow.IllegalTransition("Penggabungan memakai fungsi gabung (pilih insiden induk).")
    if action not in workflow.ACTIONS:
        raise workflow.IllegalTransition(f"Tindakan '{action}' tidak dikenal.")
    require(actor, action)
    incident = _locked_incident(actor, incident_id)
    before = incident_snapshot(incident)
    incident.status = workflow.next_status(incident.status, action)
    now = now or timezone.now()
    if action == "verify":
        incident.verified_at = incident.verified_at or now
    elif action == "assign":
        if assign_to is None:
            raise workflow.IllegalTransition("Penugasan perlu satuan tujuan.")
        incident.assigned_to, incident.assigned_at = assign_to, now
    elif action == "act":
        incident.action_at = now
    elif action == "close":
        incident.closed_at = now
    elif action == "reopen":
        incident.closed_at = None
    _save_audited(actor, incident, before, action, note)
    if action == "verify":
        _raise_tps_vulnerability(actor, incident)
    return incident


@transaction.atomic
def incident_merge(*, actor, incident_id, into_id):
    require(actor, "merge")
    if incident_id == into_id:
        raise workflow.IllegalTransition("Insiden tidak bisa digabung ke dirinya sendiri.")
    primary = _locked_incident(actor, into_id)
    if primary.duplicate_of_id:
        raise workflow.IllegalTransition(f"Insiden #{into_id} sendiri sudah digabung ke #{primary.duplicate_of_id}.")
    incident = _locked_incident(actor, incident_id)
    before = incident_snapshot(incident)
    incident.status = workflow.next_status(incident.status, "merge")
    incident.duplicate_of = primary
    return _save_audited(actor, incident, before, "merge", note=f"digabung ke #{primary.pk}")


@transaction.atomic
def incident_publish(*, actor, incident_id):
    """Share a verified incident with partner agencies (a separate decision from verifying)."""
    require(actor, "publish")
    incident = _locked_incident(actor, incident_id)
    if incident.verified_at is None or incident.status in (workflow.INVALIDATED, workflow.MERGED):
        raise workflow.IllegalTransition("Hanya insiden yang sudah diverifikasi (dan masih sah) yang bisa dibagikan.")
    if incident.published_at:
        return incident
    before = incident_snapshot(incident)
    incident.published_at = timezone.now()
    return _save_audited(actor, incident, before, "publish")


@transaction.atomic
def incident_lock(*, actor, incident_id, release=False):
    """Take (or release) the edit lock for LOCK_MINUTES; refused while someone else holds it."""
    require(actor, "lock")
    incident = _locked_incident(actor, incident_id)
    before = {"lock_holder": incident.lock_holder.username if incident.lock_holder_id else None}
    if release:
        incident.lock_holder, incident.lock_expires_at = None, None
    else:
        incident.lock_holder = actor
        incident.lock_expires_at = timezone.now() + timedelta(minutes=workflow.LOCK_MINUTES)
    incident.save(update_fields=["lock_holder", "lock_expires_at"])
    audit_record(actor=actor, action="incident.unlock" if release else "incident.lock", obj_type="incident",
                 obj_id=incident.pk, area_code=incident.kecamatan_code, before=before,
                 after={"lock_holder": None if release else actor.username,
                        "until": incident.lock_expires_at.isoformat() if incident.lock_expires_at else None})
    return incident


def _sniff_photo(head: bytes) -> str | None:
    for magic, content_type in PHOTO_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def _photo_store(incident, actor, picture) -> IncidentPhoto:
    raw, content_type, ext = picture
    photo = IncidentPhoto(incident=incident, content_type=content_type, size=len(raw), uploaded_by=actor)
    photo.file.save(f"laporan{ext}", ContentFile(raw), save=False)
    photo.save()
    return photo


def incident_photo_add(*, actor, incident_id, upload):
    """Attach a JPEG or PNG photo (at most 5 MB), checked by its content, not its name."""
    require(actor, "photo")
    incident = _locked_incident(actor, incident_id)
    if upload.size > PHOTO_MAX_BYTES:
        raise Rejected(f"Foto {upload.name} terlalu besar ({upload.size // 1024} KB); batas 5 MB.")
    content_type = _sniff_photo(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise Rejected(f"Berkas {upload.name} bukan foto JPEG atau PNG.")
    photo = IncidentPhoto(incident=incident, content_type=content_type, size=upload.size, uploaded_by=actor)
    photo.file.save(upload.name, upload, save=False)
    photo.save()
    audit_record(actor=actor, action="incident.photo", obj_type="incident", obj_id=incident.pk,
                 area_code=incident.kecamatan_code, after={"photo": photo.file.name, "size": photo.size})
    return photo

