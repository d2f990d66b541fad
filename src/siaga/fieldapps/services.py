"""Writes of the field apps: devices (add, revoke, seen) and received submissions.

A submission becomes a Siaga record through the service the JSON API calls for the same thing (operations'
tps_event_record and incident_report, custody's handover_offer): one implementation. Its instanceID is the
record's client id, so a resubmission, or the same instance from two requests at once, is stored once by
those services' unique client ids; the Submission row (unique instance_id) keeps the raw XML for audit.
"""

import base64
import hashlib
import secrets
import uuid
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.accounts.models import Role
from siaga.accounts.scope import can_see_area
from siaga.accounts.services import audit_record
from siaga.custody.services import handover_offer
from siaga.fieldapps import auth
from siaga.fieldapps.models import Attachment, Device, Submission, SyncCursor
from siaga.fieldapps.openrosa import Unreadable, geopoint, instance_read, repeated
from siaga.operations.models import Channel
from siaga.operations.selectors import voting_election
from siaga.operations.services import Conflict, Rejected, incident_report, out_of_area, tps_event_record
from siaga.regions.selectors import tps_get_by_code

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
DEVICE_MANAGERS = {Role.ADMIN, Role.COMMANDER, Role.OPERATOR}
SEEN_EVERY_SECONDS = 60


class Refused(Exception):
    """A submission that is not stored; ``status`` is the HTTP answer, the message (Indonesian) says why."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


# --- devices -------------------------------------------------------------------------------------------------

def _may_manage(actor, user) -> bool:
    same_kind = actor.agency_id is None or (user.agency_id is not None and user.agency.kind == actor.agency.kind)
    return actor.pk == user.pk or (actor.role in DEVICE_MANAGERS and same_kind
                                   and can_see_area(actor, user.area_code or ""))


def device_add(*, actor, user, name):
    """A new device key for ``user``; returns (device, key). The key is shown once and never stored."""
    if not _may_manage(actor, user):
        raise PermissionDenied(_("You may not manage the devices of %(user)s.") % {"user": user.username})
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationError(_("Name the device."))
    if Device.objects.filter(user=user, name=name).exists():
        raise ValidationError(_("%(user)s already has a device named %(name)s.") % {"user": user.username,
                                                                                  "name": name})
    key = "odk_" + secrets.token_urlsafe(24)
    with transaction.atomic():
        device = Device.objects.create(user=user, name=name, key_hash=auth.key_hash(key),
                                       digest_ha1=auth.digest_ha1(user.username, key), prefix=key[:8])
        audit_record(actor=actor, action="odk.device.add", obj_type="odk_device", obj_id=device.pk,
                     area_code=user.area_code or "", after={"user": user.username, "name": name})
    return device, key


def device_revoke(*, actor, device):
    if not _may_manage(actor, device.user):
        raise PermissionDenied(_("You may not manage the devices of %(user)s.") % {"user": device.user.username})
    if device.revoked_at is not None:
        return device
    with transaction.atomic():
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="odk.device.revoke", obj_type="odk_device", obj_id=device.pk,
                     area_code=device.user.area_code or "", after={"user": device.user.username,
                                                                   "name": device.name})
    return device


def device_seen(device, form_id="", submitted=False) -> None:
    """Last seen and the last form used (at most one write a minute per device unless it submitted)."""
    now = timezone.now()
    if not submitted and device.last_seen_at and (now - device.last_seen_at).total_seconds() < SEEN_EVERY_SECONDS:
        return
    changes = {"last_seen_at": now}
    if form_id:
        changes["last_form"] = form_id
    if submitted:
        changes["submissions"] = F("submissions") + 1
    Device.objects.filter(pk=device.pk).update(**changes)
    device.last_seen_at = now


# --- submissions ---------------------------------------------------------------------------------------------

def client_uuid(instance_id: str) -> uuid.UUID:
    """The client id of the record an instance becomes: its own UUID (uuid:...), else one derived from it."""
    try:
        return uuid.UUID(instance_id.removeprefix("uuid:"))
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, "odk-instance:" + instance_id)


def _when(text):
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise Refused(_("The time %(value)s cannot be read.") % {"value": text}) from None


def _photo(answers, files, name="foto"):
    filename = answers.get(name) or ""
    if not filename:
        return None
    if filename not in files:
        raise Refused(_("The photo %(name)s is named in the form but was not sent.") % {"name": filename})
    return base64.b64encode(files[filename][0]).decode()


def _checkin(actor, inst, files, device):
    a = inst.answers
    event, _created = tps_event_record(
        actor=actor, client_id=client_uuid(inst.instance_id), tps_code=a.get("tps", ""), kind=a.get("tahap", ""),
        at=_when(a.get("start")), channel=Channel.FIELD, note=a.get("catatan", ""), gps=geopoint(a.get("gps")),
        photo=_photo(a, files))
    return "tps_event", event.pk, event.tps.desa_id


def _incident(actor, inst, files, device):
    a = inst.answers
    try:
        severity = int(a.get("keparahan") or 0)
    except ValueError:
        severity = 0
    incident, _created = incident_report(
        actor=actor, client_id=client_uuid(inst.instance_id), category=a.get("kategori", ""), severity=severity,
        description=a.get("uraian", ""), tps_code=a.get("tps") or None, occurred_at=_when(a.get("waktu")),
        channel=Channel.FIELD, gps=geopoint(a.get("gps")), photo=_photo(a, files))
    return "incident", incident.pk, incident.tps.desa_id if incident.tps_id else incident.kecamatan_code


def _handover(actor, inst, files, device):
    a = inst.answers
    boxes = [box for box in repeated(a.get("kotak")) if isinstance(box, dict) and box.get("kode")]
    seals = {box["kode"]: box["segel"].split() for box in boxes if box.get("segel")}
    handover, _code = handover_offer(
        actor=actor, client_id="odk-" + str(client_uuid(inst.instance_id)), item_codes=[b["kode"] for b in boxes],
        from_node=a.get("dari", ""), to_node=a.get("ke", ""), at=_when(a.get("end")) or timezone.now(),
        receiver_name=a.get("penerima", ""), seals_seen=seals, condition=a.get("kondisi", ""),
        escort=a.get("pengawal", ""), device=device.name if device else "odk")
    return "custody_handover", handover.client_id, handover.from_node.area_code


def _psu(actor, inst, files, device):
    """A PSU (re-voting) report is what the officer saw: kept as the submission itself, in the officer's area."""
    code = inst.answers.get("tps", "")
    try:
        tps = tps_get_by_code(viewer=actor, code=code, election=voting_election(str(code)))
    except Http404:
        raise Refused(out_of_area(code), status=403) from None
    if not (inst.answers.get("dilihat") or "").strip():
        raise Refused(_("Describe what you saw."))
    return "psu_report", inst.instance_id, tps.desa_id


HANDLERS = {"siaga_checkin": _checkin, "siaga_insiden": _incident, "siaga_serah_terima": _handover,
            "siaga_psu": _psu}


def _checked_files(files: dict) -> dict:
    for name, (raw, _type) in files.items():
        if len(raw) > ATTACHMENT_MAX_BYTES:
            raise Refused(_("The attachment %(name)s is too large (%(kb)s KB); the limit is 10 MB.")
                          % {"name": name, "kb": len(raw) // 1024}, status=413)
    return files


def _record(actor, inst, files, device):
    try:
        return HANDLERS[inst.form_id](actor, inst, files, device)
    except Conflict as exc:
        raise Refused(str(exc), status=409) from None
    except Rejected as exc:
        message = str(exc)
        raise Refused(message, status=403 if message == out_of_area(inst.answers.get("tps", "")) else 400) from None
    except PermissionDenied as exc:
        raise Refused(str(exc), status=403) from None
    except ValidationError as exc:
        raise Refused("; ".join(exc.messages)) from None


def submission_receive(*, actor, xml: bytes, files=None, device=None, source="openrosa", form_id=None):
    """Store one submitted instance as its Siaga record; returns (Submission, created). Refused when it cannot be.

    ``files``: attachment name -> (bytes, content type); ``form_id`` reads the instance as that Siaga form (a
    form published under another id on a Central server). Nothing is stored for a refused submission."""
    try:
        inst = instance_read(xml)
    except Unreadable:
        raise Refused(_("The submission cannot be read (no valid XForm instance).")) from None
    inst.form_id = form_id or inst.form_id
    if inst.form_id not in HANDLERS:
        raise Refused(_("Form %(form)s is not a Siaga form.") % {"form": inst.form_id}, status=404)
    files = _checked_files(files or {})
    stored = Submission.objects.filter(instance_id=inst.instance_id).first()
    if stored is not None:
        return _resent(actor, stored, files), False
    record_type, record_id, area = _record(actor, inst, files, device)
    try:
        with transaction.atomic():
            sub = Submission.objects.create(
                instance_id=inst.instance_id, form_id=inst.form_id, form_version=inst.version[:32], user=actor,
                device=device, source=source[:200], xml=xml.decode("utf-8", "replace"),
                xml_sha256=hashlib.sha256(xml).hexdigest(), record_type=record_type, record_id=str(record_id),
                area_code=area or "", data=inst.answers)
            _attachments_store(sub, files)
            audit_record(actor=actor, action="odk.submission", obj_type=record_type, obj_id=record_id,
                         area_code=area or "", after={"form": inst.form_id, "version": inst.version,
                                                      "instance": inst.instance_id, "source": source,
                                                      "device": device.name if device else None,
                                                      "attachments": sorted(files)})
    except IntegrityError:  # the same instance stored by a concurrent request
        return _resent(actor, Submission.objects.get(instance_id=inst.instance_id), files), False
    if device is not None:
        device_seen(device, inst.form_id, submitted=True)
    return sub, True


def _attachments_store(sub, files) -> None:
    have = set(sub.attachments.values_list("name", flat=True)) if sub.pk else set()
    for name, (raw, content_type) in sorted(files.items()):
        if name[:200] in have:
            continue
        attachment = Attachment(submission=sub, name=name[:200], content_type=content_type[:100], size=len(raw),
                                sha256=hashlib.sha256(raw).hexdigest())
        attachment.file.save(name, ContentFile(raw), save=False)
        attachment.save()


def _resent(actor, stored, files):
    """A resubmission of a stored instance by its sender: nothing is recorded again. Collect splits a large
    submission into several POSTs of the same instance, so attachments not yet kept are added to the audit copy."""
    if stored.user_id != actor.pk:
        raise Refused(_("This instance was already sent by another user."), status=409)
    if files:
        try:
            with transaction.atomic():
                _attachments_store(stored, files)
        except IntegrityError:  # a concurrent resend kept the same file
            pass
    return stored



def central_sync(*, actor, central, project, form, as_form=None) -> dict:
    """Pull the submissions of one form from an ODK Central server (a central.Central) and record the new ones,
    as ``actor`` (whose area bounds them). Idempotent: an instance already stored is skipped by its instanceID,
    and the cursor (newest createdAt seen) saves fetching old ones again. Returns counts and the refusals."""
    siaga_form = as_form or form
    if siaga_form not in HANDLERS:
        raise Refused(_("Form %(form)s is not a Siaga form.") % {"form": siaga_form}, status=404)
    cursor, _new = SyncCursor.objects.get_or_create(server=central.base, project=str(project), form_id=form)
    counts = {"seen": 0, "stored": 0, "already": 0, "refused": 0, "problems": []}
    newest = cursor.last_created_at
    for row in central.submissions(project, form):
        instance_id, created_at = row.get("instanceId", ""), row.get("createdAt") or ""
        if not instance_id or (cursor.last_created_at and created_at <= cursor.last_created_at):
            continue
        counts["seen"] += 1
        if Submission.objects.filter(instance_id=instance_id).exists():
            counts["already"] += 1
        else:
            xml = central.submission_xml(project, form, instance_id)
            try:
                _sub, created = submission_receive(actor=actor, xml=xml, source=central.base[:200],
                                                   files=central.attachments(project, form, instance_id),
                                                   form_id=siaga_form)
                counts["stored" if created else "already"] += 1
            except Refused as refused:
                counts["refused"] += 1
                counts["problems"].append({"instance": instance_id, "reason": str(refused)})
                continue  # not past the cursor: fixed data (a user with the area) can pull it again
        newest = max(newest, created_at)
    if not counts["refused"]:
        SyncCursor.objects.filter(pk=cursor.pk).update(last_created_at=newest, pulled=cursor.pulled + counts["stored"])
    return counts
