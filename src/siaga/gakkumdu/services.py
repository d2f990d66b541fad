"""Writes of Sentra Gakkumdu cases: one transaction each, every change audited."""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.accounts.services import audit_record
from siaga.gakkumdu import rules
from siaga.gakkumdu.access import require_act, require_register
from siaga.gakkumdu.clock import case_clock, local_zone
from siaga.gakkumdu.models import CaseEvent, GakkumduCase, Origin
from siaga.regions.selectors import region_get


def _state(case):
    return {"election": case.election, "origin": case.origin, "title": case.title, "area_code": case.area_code,
            "known_on": case.known_on.isoformat(), "reported_on": case.reported_on.isoformat(),
            "step": case.step, "step_started_at": case.step_started_at.isoformat(),
            "file_returned": case.file_returned, "source_ref": case.source_ref}


def _event(case, actor, step_from, step_to, at, note=""):
    CaseEvent.objects.create(case=case, step_from=step_from, step_to=step_to, at=at,
                             actor=actor if actor is not None and actor.pk else None,
                             actor_name=getattr(actor, "username", None) or "system", note=note)


@transaction.atomic
def gakkumdu_register(*, actor, election, origin, title, summary, known_on: date, reported_on: date, region_code,
                      source_ref="") -> GakkumduCase:
    """Register a report (laporan) or finding (temuan) at the Sentra: the Bawaslu study starts at once.

    Refused when filed after the legal filing period counted from the day the event became known."""
    problems = []
    if election not in rules.ELECTIONS:
        problems.append(_("The election must be pemilu or pilkada, not '%(value)s'") % {"value": election})
    if origin not in Origin.values:
        problems.append(_("The origin must be laporan or temuan, not '%(value)s'") % {"value": origin})
    if not (title or "").strip():
        problems.append(_("The case title is required"))
    if not isinstance(known_on, date) or not isinstance(reported_on, date):
        problems.append(_("The day the event became known and the report date are required"))
    elif reported_on < known_on:
        problems.append(_("The report date cannot be before the day the event became known"))
    elif reported_on > timezone.localdate():
        problems.append(_("The report date cannot be in the future"))
    if problems:
        raise ValidationError(problems)
    require_register(actor, region_code)
    try:
        region = region_get(viewer=actor, code=region_code)
    except Http404:
        raise ValidationError(_("Area %(code)s is unknown or outside your area") % {"code": region_code})
    filing = rules.FILING[(election, origin)]
    last = rules.due_date(filing, known_on)
    if reported_on > last:
        raise ValidationError((_("The report is past the limit of %(period)s since the event became known "
                                 "(%(article)s): the limit was %(last)s") if origin == "laporan" else
                              _("The finding is past the limit of %(period)s since the event became known "
                                "(%(article)s): the limit was %(last)s"))
                              % {"period": filing.label, "article": filing.article, "last": last.isoformat()})
    tz = local_zone()
    case = GakkumduCase.objects.create(
        election=election, origin=origin, title=title.strip(), summary=summary or "", source_ref=source_ref or "",
        area_code=region.code, known_on=known_on, reported_on=reported_on, step=rules.KAJIAN,
        step_started_at=datetime.combine(reported_on, time(0, 0), tzinfo=tz), registered_by=actor,
        registered_agency=actor.agency)
    _event(case, actor, "", rules.KAJIAN, case.step_started_at, note=f"{origin} terdaftar")
    audit_record(actor=actor, action="gakkumdu.register", obj_type="gakkumdu_case", obj_id=case.pk,
                 area_code=case.area_code, after=_state(case))
    return case


@transaction.atomic
def gakkumdu_advance(*, actor, case, to, at: datetime | None = None, note="") -> GakkumduCase:
    """Move a case from its step to the next one (`to`), on `at` (default now).

    Only the agency whose step it is may act; a step past its deadline is void and cannot move on
    (except the appeal window, which simply closes); the prosecutor returns a file once, within its period."""
    case = GakkumduCase.objects.select_for_update().get(pk=case.pk)
    require_act(actor, case.step, case.area_code)
    allowed = rules.NEXT.get(case.step, ())
    if to not in allowed:
        raise ValidationError(_("From step '%(step)s' a case can only go to: %(allowed)s (not '%(to)s')")
                              % {"step": case.step, "allowed": ", ".join(allowed) or "-", "to": to})
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at, local_zone())
    if at > timezone.now():
        raise ValidationError(_("The time of the action cannot be in the future"))
    clock = case_clock(case, at)
    if at < clock.start:
        raise ValidationError(_("The time of the action is before this step started (%(start)s)")
                              % {"start": clock.start.isoformat()})
    if clock.expired and clock.rule.lapses:
        raise ValidationError(_("The deadline of step '%(step)s' (%(period)s, %(article)s) passed on %(deadline)s: "
                                "the step is void")
                              % {"step": case.step, "period": clock.rule.label, "article": clock.rule.article,
                                 "deadline": clock.deadline.isoformat()})
    if to == rules.PERBAIKAN:
        if case.file_returned:
            raise ValidationError(_("A case file can be returned only once"))
        window = rules.RETURN_WITHIN[case.election]
        if at > rules.due(window, case.step_started_at, local_zone()):
            raise ValidationError(_("The file is returned past %(period)s since it was received (%(article)s)")
                                  % {"period": window.label, "article": window.article})
        case.file_returned = True
    before = _state(case)
    step_from = case.step
    case.step = to
    case.step_started_at = at
    case.save()
    _event(case, actor, step_from, to, at, note=note)
    audit_record(actor=actor, action="gakkumdu.advance", obj_type="gakkumdu_case", obj_id=case.pk,
                 area_code=case.area_code, before=before, after=_state(case), note=note)
    return case
