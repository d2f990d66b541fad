"""Writes of coordination records: one transaction each, every change audited."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from siaga.accounts.models import Role
from siaga.accounts.scope import can_see_area
from siaga.accounts.services import audit_record
from siaga.planning.access import require_agency_member, require_editor
from siaga.coordination import selectors
from siaga.coordination.clearance import LEVEL, clearance, reader_of, reads_log, shares_add
from siaga.coordination.models import (ActionItem, ActionStatus, Attendance, Classification, Decision, IntelReport,
                                       Liaison, Meeting, Referral, ReferralStatus, ReportRead)

RELIABILITY = "ABCDEF"
CREDIBILITY = range(1, 7)


def _iso(value):
    return value.isoformat() if value else None


@transaction.atomic
def liaison_upsert(*, actor, agency, name, position="", phone=""):
    require_agency_member(actor, agency)
    liaison = Liaison.objects.filter(agency=agency, name=name).first()
    before = {"position": liaison.position, "phone": liaison.phone} if liaison else None
    after = {"position": position, "phone": phone}
    if before == after:
        return liaison
    liaison, _ = Liaison.objects.update_or_create(agency=agency, name=name, defaults=after)
    audit_record(actor=actor, action="liaison.upsert", obj_type="liaison", obj_id=liaison.pk,
                 area_code=agency.area_code, before=before, after={"agency": agency.code, "name": name, **after})
    return liaison


def _meeting_state(meeting):
    return {"kind": meeting.kind, "title": meeting.title, "held_at": _iso(meeting.held_at), "place": meeting.place,
            "organiser": meeting.organiser.code, "agenda": meeting.agenda, "minutes": meeting.minutes,
            "attendees": sorted(a.agency.code for a in meeting.attendance_set.select_related("agency")),
            "decisions": [d.text for d in meeting.decisions.all()]}


@transaction.atomic
def meeting_record(*, actor, kind, title, held_at, place, organiser, area_code, agenda="", minutes="",
                   attendees=(), decisions=(), operation=None):
    """A meeting with its attendees [(agency, people)] and decisions [text]."""
    require_editor(actor, area_code)
    meeting = Meeting.objects.create(kind=kind, title=title, held_at=held_at, place=place, organiser=organiser,
                                     area_code=area_code, agenda=agenda, minutes=minutes, operation=operation)
    for agency, people in attendees:
        Attendance.objects.create(meeting=meeting, agency=agency, people=people)
    for text in decisions:
        Decision.objects.create(meeting=meeting, text=text)
    audit_record(actor=actor, action="meeting.record", obj_type="meeting", obj_id=meeting.pk, area_code=area_code,
                 after=_meeting_state(meeting))
    return meeting


def _item_state(item):
    return {"text": item.text, "owner": item.owner.code, "person": item.person, "due_on": _iso(item.due_on),
            "status": item.status, "done_on": _iso(item.done_on), "evidence": item.evidence}


@transaction.atomic
def action_item_add(*, actor, meeting, text, owner, due_on, person="", decision=None):
    require_editor(actor, meeting.area_code)
    item = ActionItem.objects.create(meeting=meeting, text=text, owner=owner, person=person, due_on=due_on,
                                     decision=decision)
    audit_record(actor=actor, action="action_item.add", obj_type="action_item", obj_id=item.pk,
                 area_code=meeting.area_code, after=_item_state(item))
    return item


@transaction.atomic
def action_item_update(*, actor, item, status, evidence="", done_on: date | None = None):
    """Mark an item done (with evidence) or cancelled; only its owner agency or Polri staff above it."""
    require_agency_member(actor, item.owner)
    if status not in ActionStatus.values:
        raise ValidationError(f"Status tidak dikenal: {status}")
    if status == ActionStatus.DONE and not evidence.strip():
        raise ValidationError("Tindak lanjut selesai memerlukan bukti (evidence)")
    item = ActionItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    before = _item_state(item)
    item.status = status
    item.evidence = evidence
    item.done_on = (done_on or timezone.localdate()) if status == ActionStatus.DONE else None
    item.save()
    audit_record(actor=actor, action="action_item.update", obj_type="action_item", obj_id=item.pk,
                 area_code=item.meeting.area_code, before=before, after=_item_state(item))
    return item


def _report_state(report):
    return {"title": report.title, "area_code": report.area_code, "classification": report.classification,
            "grade": report.grade, "author_agency": report.author_agency.code,
            "stage": report.stage.kind if report.stage else None,
            "shared_agencies": sorted(a.code for a in report.shared_agencies.all()), "shared_roles": report.roles,
            "threats": sorted(t.pk for t in report.threats.all())}


def _check_report(actor, *, area_code, source_reliability, credibility, classification, shared_roles):
    problems = []
    if source_reliability not in RELIABILITY or len(source_reliability) != 1:
        problems.append(f"Keandalan sumber harus A-F, bukan '{source_reliability}'")
    if credibility not in CREDIBILITY:
        problems.append(f"Kredibilitas informasi harus 1-6, bukan '{credibility}'")
    if classification not in Classification.values:
        problems.append(f"Klasifikasi harus biasa, terbatas atau rahasia, bukan '{classification}'")
    elif LEVEL[classification] > clearance(reader_of(actor)):
        problems.append(f"Anda tidak berwenang membuat laporan '{classification}'")
    unknown = [r for r in shared_roles if r not in Role.values]
    if unknown:
        problems.append(f"Peran tidak dikenal: {', '.join(unknown)}")
    if problems:
        raise ValidationError(problems)
    if not can_see_area(actor, area_code):
        raise PermissionDenied(f"Wilayah {area_code} di luar wilayah Anda")


@transaction.atomic
def report_submit(*, actor, title, text, area_code, source_reliability, credibility, classification,
                  shared_agencies=(), shared_roles=(), stage=None, threats=(), created_at=None):
    """File a laporan informasi under the author's agency; classification at most the author's clearance."""
    if actor.agency is None:
        raise PermissionDenied("Laporan informasi memerlukan instansi penulis")
    _check_report(actor, area_code=area_code, source_reliability=source_reliability, credibility=credibility,
                  classification=classification, shared_roles=shared_roles)
    report = IntelReport.objects.create(
        title=title, text=text, area_code=area_code, stage=stage, source_reliability=source_reliability,
        credibility=credibility, classification=classification, author_agency=actor.agency, author=actor,
        shared_roles="," + ",".join(sorted(set(shared_roles))) + "," if shared_roles else "",
        created_at=created_at or timezone.now())
    report.shared_agencies.set(shared_agencies)
    report.threats.set(threats)
    audit_record(actor=actor, action="intel_report.submit", obj_type="intel_report", obj_id=report.pk,
                 area_code=area_code, after=_report_state(report))
    return report


@transaction.atomic
def report_share(*, actor, report, agencies=(), roles=()):
    """Add agencies or roles to a report's sharing; only its author agency (or Polri editors above it)."""
    require_agency_member(actor, report.author_agency)
    _check_report(actor, area_code=report.area_code, source_reliability=report.source_reliability,
                  credibility=report.credibility, classification=report.classification, shared_roles=roles)
    before = _report_state(report)
    shares_add(report, agencies=agencies, roles=roles)
    audit_record(actor=actor, action="intel_report.share", obj_type="intel_report", obj_id=report.pk,
                 area_code=report.area_code, before=before, after=_report_state(report))
    return report


def report_reads_log(*, reader, reports, via):
    """The access log of intelligence reports (reads are not changes, so not in the audit trail)."""
    reads_log(ReportRead, "report", reader=reader, objects=reports, via=via)


def reports_open(*, reader, via, **filters) -> list[IntelReport]:
    """The reports `selectors.report_list(**filters)` gives the reader, each read logged with its channel."""
    reports = list(selectors.report_list(viewer=reader, **filters))
    report_reads_log(reader=reader, reports=reports, via=via)
    return reports


def report_open(*, reader, pk, via="page") -> IntelReport:
    """One report for the reader (404 when unreadable), its read logged."""
    report = selectors.report_get(viewer=reader, pk=pk)
    report_reads_log(reader=reader, reports=[report], via=via)
    return report


def _referral_state(referral):
    return {"from": referral.from_agency.code, "to": referral.to_agency.code, "subject": referral.subject,
            "deadline": _iso(referral.deadline), "status": referral.status,
            "acknowledged_at": _iso(referral.acknowledged_at), "outcome": referral.outcome,
            "escalated_to": referral.escalated_to.code if referral.escalated_to else None}


@transaction.atomic
def referral_send(*, actor, from_agency, to_agency, subject, reason, deadline, area_code, created_at=None):
    require_agency_member(actor, from_agency)
    if from_agency.pk == to_agency.pk:
        raise ValidationError("Instansi tujuan harus berbeda dari pengirim")
    if not subject.strip() or not reason.strip():
        raise ValidationError("Isi rujukan (apa) dan alasannya (mengapa) wajib diisi")
    referral = Referral.objects.create(from_agency=from_agency, to_agency=to_agency, subject=subject, reason=reason,
                                       deadline=deadline, area_code=area_code,
                                       created_at=created_at or timezone.now())
    audit_record(actor=actor, action="referral.send", obj_type="referral", obj_id=referral.pk, area_code=area_code,
                 after=_referral_state(referral))
    return referral


def _referral_change(actor, referral, action, change):
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    before = _referral_state(referral)
    change(referral)
    referral.save()
    audit_record(actor=actor, action=action, obj_type="referral", obj_id=referral.pk, area_code=referral.area_code,
                 before=before, after=_referral_state(referral))
    return referral


@transaction.atomic
def referral_acknowledge(*, actor, referral, at=None):
    require_agency_member(actor, referral.to_agency)
    if referral.acknowledged_at is not None:
        return referral

    def acknowledge(r):
        r.acknowledged_at = at or timezone.now()
        if r.status == ReferralStatus.SENT:
            r.status = ReferralStatus.ACKNOWLEDGED
    return _referral_change(actor, referral, "referral.acknowledge", acknowledge)


@transaction.atomic
def referral_close(*, actor, referral, outcome, at=None):
    require_agency_member(actor, referral.to_agency)
    if not outcome.strip():
        raise ValidationError("Hasil tindak lanjut wajib diisi")

    def close(r):
        r.outcome = outcome
        r.status = ReferralStatus.CLOSED
        r.closed_at = at or timezone.now()
        r.acknowledged_at = r.acknowledged_at or r.closed_at
    return _referral_change(actor, referral, "referral.close", close)


def is_overdue(referral, today: date) -> bool:
    return referral.status in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED) and referral.deadline < today


@transaction.atomic
def referrals_escalate(*, actor, today: date) -> list[Referral]:
    """Escalate every overdue open referral in the actor's area to the recipient's parent agency
    (or the sender's when the recipient has none): status, audit entry, visible to that parent."""
    escalated = []
    for referral in selectors.referral_list(viewer=actor).filter(deadline__lt=today).select_related(
            "to_agency__parent", "from_agency__parent"):
        if not is_overdue(referral, today):
            continue

        def escalate(r):
            r.status = ReferralStatus.ESCALATED
            r.escalated_at = timezone.now()
            r.escalated_to = r.to_agency.parent or r.from_agency.parent
        escalated.append(_referral_change(actor, referral, "referral.escalate", escalate))
    return escalated
