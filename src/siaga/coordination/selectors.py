"""Reads of coordination records. Every function takes the viewer and applies their area,
agency and (for intelligence reports) clearance; every report read is logged."""

from datetime import date

from django.db.models import Q
from django.http import Http404

from siaga.accounts.models import Agency, AgencyKind
from siaga.accounts.scope import code_q
from siaga.planning.access import is_polri_editor
from siaga.coordination.clearance import reader_of, readable_q
from siaga.planning.selectors import overlapping_q
from siaga.coordination.models import (ActionItem, ActionStatus, IntelReport, Liaison, Meeting, Referral,
                                       ReferralStatus)


_overlapping = overlapping_q


# Intelligence reports -------------------------------------------------------------

def _readable(viewer):
    reader = reader_of(viewer)
    shared = IntelReport.shared_agencies.through.objects.filter(agency_id=reader.agency_id).values("intelreport_id")
    return IntelReport.objects.filter(readable_q(reader, shared))


def report_list(*, viewer, search="", threat=None, stage=None):
    """Reports the viewer may read, newest first. A read shown to someone goes through
    services.reports_open, which logs it (a selector only reads)."""
    rows = _readable(viewer).select_related("author_agency", "stage")
    if search:
        rows = rows.filter(Q(title__icontains=search) | Q(text__icontains=search))
    if threat is not None:
        rows = rows.filter(threats=threat)
    if stage is not None:
        rows = rows.filter(stage=stage)
    return rows


def report_get(*, viewer, pk) -> IntelReport:
    """One report, or 404 when it does not exist or the viewer may not read it (existence is not revealed)."""
    report = _readable(viewer).select_related("author_agency", "stage").filter(pk=pk).first()
    if report is None:
        raise Http404(pk)
    return report


def report_reads(*, viewer, report):
    """Who read a report: for its author agency and Polri editors only."""
    if report.author_agency_id != viewer.agency_id and not is_polri_editor(viewer):
        return report.reads.none()
    return report.reads.select_related("reader")


# Meetings and action items ---------------------------------------------------------

def _meetings(viewer):
    """Polri sees the meetings in its area; partners only those they organised or attended."""
    rows = Meeting.objects.filter(_overlapping(viewer))
    if viewer.agency is None:
        return rows if is_polri_editor(viewer) else rows.none()
    if viewer.agency.kind == AgencyKind.POLRI:
        return rows
    attended = Meeting.attendees.through.objects.filter(agency_id=viewer.agency_id).values("meeting_id")
    return rows.filter(Q(organiser_id=viewer.agency_id) | Q(pk__in=attended))


def meeting_list(*, viewer):
    return _meetings(viewer).select_related("organiser")


def meeting_get(*, viewer, pk) -> Meeting:
    meeting = _meetings(viewer).select_related("organiser").filter(pk=pk).first()
    if meeting is None:
        raise Http404(pk)
    return meeting


def action_item_list(*, viewer, meeting=None, overdue_on: date | None = None):
    rows = ActionItem.objects.filter(meeting__in=_meetings(viewer)).select_related("owner", "meeting")
    if meeting is not None:
        rows = rows.filter(meeting=meeting)
    if overdue_on is not None:
        rows = rows.filter(status=ActionStatus.OPEN, due_on__lt=overdue_on)
    return rows


def action_item_get(*, viewer, pk) -> ActionItem:
    item = action_item_list(viewer=viewer).filter(pk=pk).first()
    if item is None:
        raise Http404(pk)
    return item


# Referrals -------------------------------------------------------------------------

def _referrals(viewer):
    rows = Referral.objects.filter(_overlapping(viewer))
    if viewer.agency_id is None:
        return rows
    own = [viewer.agency_id]
    # A parent agency sees its children's referrals (a Polda its Polres', two levels down).
    involved = (Q(from_agency_id__in=own) | Q(to_agency_id__in=own) | Q(escalated_to_id__in=own)
                | Q(from_agency__parent_id__in=own) | Q(to_agency__parent_id__in=own)
                | Q(from_agency__parent__parent_id__in=own) | Q(to_agency__parent__parent_id__in=own))
    return rows.filter(involved)


def referral_list(*, viewer, overdue_on: date | None = None):
    rows = _referrals(viewer).select_related("from_agency", "to_agency", "escalated_to")
    if overdue_on is not None:
        rows = rows.filter(status__in=[ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED, ReferralStatus.ESCALATED],
                           deadline__lt=overdue_on)
    return rows


def referral_get(*, viewer, pk) -> Referral:
    referral = referral_list(viewer=viewer).filter(pk=pk).first()
    if referral is None:
        raise Http404(pk)
    return referral


def liaison_list(*, viewer):
    return Liaison.objects.filter(code_q(viewer, "agency__area_code")).select_related("agency")


def agency_choices(*, viewer):
    """Agencies a viewer may address (share with, refer to): those whose area overlaps theirs."""
    return Agency.objects.filter(_overlapping(viewer)).order_by("code")


def dashboard(*, viewer, today: date) -> dict:
    return {
        "overdue_actions": list(action_item_list(viewer=viewer, overdue_on=today)),
        "overdue_referrals": list(referral_list(viewer=viewer, overdue_on=today)),
        "meetings": list(meeting_list(viewer=viewer)[:10]),
        "liaisons": list(liaison_list(viewer=viewer)),
    }

