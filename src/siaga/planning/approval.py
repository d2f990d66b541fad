"""The approval trail of a Rencana Pengamanan: draft -> reviewed -> approved, each step audited.

Who may do what (Polri only, inside the operation's area):
  draft    planners (access.EDITOR_ROLES);
  review   commanders and administrators (Karo Ops, Kapolda);
  approve  commanders and administrators of the organising unit (or its superiors), not the reviewer
           (four eyes).
Approval renders the document once as the approver (DOCX and PDF), stores the bytes with their
SHA-256 and gives the plan its agenda number; an approved version's document is those bytes forever.
"""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from siaga.accounts.models import AgencyKind, Role
from siaga.accounts.scope import area_contains, user_area
from siaga.accounts.services import audit_record
from siaga.planning.access import require_editor
from siaga.planning.document import plan_content, plan_document
from siaga.planning.models import PlanVersion, VersionState
from siaga.planning.renpam.render import render
from siaga.planning.renpam.figures import operation_plan

SIGNING_ROLES = {Role.COMMANDER, Role.ADMIN}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def may_sign(user, operation) -> bool:
    """Commanders and administrators of Polri whose area covers the operation's."""
    polri = user.agency_id is None or user.agency.kind == AgencyKind.POLRI
    return polri and user.role in SIGNING_ROLES and area_contains(user_area(user), operation.area_code)


def _require_sign(user, operation):
    if not may_sign(user, operation):
        raise PermissionDenied("Hanya pimpinan Polri (Karo Ops, Kapolda) yang dapat memeriksa atau mengesahkan "
                               "rencana pengamanan ini")


def _state(version):
    return {"number": version.number, "state": version.state, "deployment_plan": version.deployment_plan_id,
            "sha256_docx": version.sha256_docx or None, "sha256_pdf": version.sha256_pdf or None,
            "number_seq": version.number_seq}


def _audit(actor, version, action, before):
    audit_record(actor=actor, action=action, obj_type="plan_version", obj_id=version.pk,
                 area_code=version.operation.area_code, before=before, after=_state(version))


@transaction.atomic
def version_draft(*, actor, operation) -> PlanVersion:
    """A new draft on the newest deployment plan of the operation's election."""
    require_editor(actor, operation.area_code)
    last = PlanVersion.objects.select_for_update().filter(operation=operation).aggregate(n=Max("number"))["n"] or 0
    version = PlanVersion.objects.create(
        operation=operation, number=last + 1, created_by=actor,
        deployment_plan=operation_plan(viewer=actor, operation=operation, area=operation.area_code))
    _audit(actor, version, "plan_version.draft", None)
    return version


def _locked(version):
    return PlanVersion.objects.select_for_update().select_related("operation__organiser").get(pk=version.pk)


@transaction.atomic
def version_review(*, actor, version) -> PlanVersion:
    version = _locked(version)
    _require_sign(actor, version.operation)
    if version.state != VersionState.DRAFT:
        raise ValidationError(f"Versi {version.number} sudah {version.get_state_display().lower()}: hanya konsep "
                              "yang dapat diperiksa")
    before = _state(version)
    version.state, version.reviewed_at, version.reviewed_by = VersionState.REVIEWED, timezone.now(), actor
    version.save(update_fields=["state", "reviewed_at", "reviewed_by"])
    _audit(actor, version, "plan_version.review", before)
    return version


@transaction.atomic
def version_approve(*, actor, version) -> PlanVersion:
    version = _locked(version)
    _require_sign(actor, version.operation)
    if version.state != VersionState.REVIEWED:
        raise ValidationError(f"Versi {version.number} harus diperiksa sebelum disahkan")
    if version.reviewed_by_id == actor.pk:
        raise PermissionDenied("Pemeriksa tidak dapat mengesahkan versi yang diperiksanya sendiri")
    before = _state(version)
    now = timezone.now()
    organiser = version.operation.organiser
    version.number_seq = 1 + PlanVersion.objects.filter(
        state=VersionState.APPROVED, operation__organiser=organiser, approved_at__year=now.year).count()
    version.state, version.approved_at, version.approved_by = VersionState.APPROVED, now, actor
    when = timezone.localdate(now)
    content = plan_content(viewer=actor, operation=version.operation, version=version, when=when)
    with translation.override("id"):
        version.document_docx, version.document_pdf = render(content, "docx"), render(content, "pdf")
    version.classification = content["classification"]
    version.sha256_docx, version.sha256_pdf = sha256(version.document_docx), sha256(version.document_pdf)
    version.save()
    _audit(actor, version, "plan_version.approve", before)
    return version


def version_document(*, viewer, version, fmt) -> bytes:
    """An approved version's stored bytes (checked against the recorded hash); a draft's live rendering."""
    if version.state == VersionState.APPROVED and not may_read_stored(viewer):
        raise PermissionDenied("Dokumen yang telah disahkan hanya untuk Polri")
    if version.state != VersionState.APPROVED:
        return plan_document(viewer=viewer, operation=version.operation, fmt=fmt, version=version)
    data = bytes(version.document_docx if fmt == "docx" else version.document_pdf)
    if sha256(data) != (version.sha256_docx if fmt == "docx" else version.sha256_pdf):
        raise ValidationError(f"Dokumen versi {version.number} tidak cocok dengan hash yang tercatat")
    return data


def may_read_stored(user) -> bool:
    """An approved document was rendered for its approver (with what the approver may read): only Polri
    readers take it whole; partners read the live plan through their own selectors."""
    return user.agency_id is None or user.agency.kind == AgencyKind.POLRI


def versions_of(*, viewer, operation):
    return PlanVersion.objects.filter(operation=operation).select_related(
        "created_by", "reviewed_by", "approved_by").defer("document_docx", "document_pdf")


def latest_approved(operation):
    return (PlanVersion.objects.filter(operation=operation, state=VersionState.APPROVED)
            .defer("document_docx", "document_pdf").order_by("-number").first())
