"""Reads of Sentra Gakkumdu cases, scoped to the viewer: Sentra members (Bawaslu, Polri, Kejaksaan) see the
cases in their area; everyone else sees none."""

from django.http import Http404

from siaga.accounts.scope import code_q
from siaga.gakkumdu import rules
from siaga.gakkumdu.access import can_act, member_kind
from siaga.gakkumdu.clock import case_clock, local_zone, step_deadline
from siaga.gakkumdu.models import GakkumduCase, Step
from siaga.regions.models import Region


def case_list(*, viewer, open_only=False, election=None):
    if member_kind(viewer) is None:
        return GakkumduCase.objects.none()
    rows = GakkumduCase.objects.filter(code_q(viewer, "area_code"))
    if open_only:
        rows = rows.filter(step__in=rules.OPEN_STEPS)
    if election:
        rows = rows.filter(election=election)
    return rows


def case_get(*, viewer, pk) -> GakkumduCase:
    case = case_list(viewer=viewer).filter(pk=pk).first()
    if case is None:
        raise Http404(pk)
    return case


def _row(case, now, viewer, names):
    clock = case_clock(case, now)
    tz = local_zone()
    row = {"id": case.pk, "title": case.title, "election": case.election, "origin": case.origin,
           "area_code": case.area_code, "area_name": names.get(case.area_code, case.area_code),
           "known_on": case.known_on, "reported_on": case.reported_on, "step": case.step,
           "step_label": str(Step(case.step).label), "actor": rules.ACTOR_OF.get(case.step),
           "next_steps": [{"step": s, "label": str(Step(s).label)} for s in rules.NEXT.get(case.step, ())]
           if can_act(viewer, case.step) else [],
           "deadline": None, "days_left": None, "hours_left": None, "rule": None, "article": None,
           "status": "selesai" if case.step == rules.SELESAI else "dihentikan" if case.step == rules.DIHENTIKAN
           else None, "warning": False, "expired": False, "uncertain": False, "verified": None}
    if clock:
        row.update(deadline=clock.deadline.astimezone(tz), days_left=clock.days_left, hours_left=clock.hours_left,
                   rule=clock.rule.label, article=clock.rule.article, status=clock.status, warning=clock.warning,
                   expired=clock.expired, uncertain=clock.uncertain, verified=clock.rule.verified)
    return row


def case_clocks(*, viewer, now, open_only=False, election=None) -> list[dict]:
    """Each case with its current step's clock: the one source of the page, the API and the CLI.
    Expired first, then by the nearest deadline."""
    cases = list(case_list(viewer=viewer, open_only=open_only, election=election))
    names = dict(Region.objects.filter(code__in={c.area_code for c in cases}).values_list("code", "name"))
    rows = [_row(c, now, viewer, names) for c in cases]
    far = now.max.replace(tzinfo=now.tzinfo)
    rows.sort(key=lambda r: (r["deadline"] is None, not r["expired"], r["deadline"] or far, r["id"]))
    return rows


def case_history(*, viewer, case) -> list[dict]:
    """Every move of a case the viewer may see (case_get scopes it): from, to, when, who, note, and whether the
    step left was moved on within its legal deadline (None for the registration and for steps without one)."""
    tz = local_zone()
    rows, started = [], None
    for event in case.events.select_related("actor").order_by("at", "id"):
        rule, deadline = step_deadline(case, event.step_from, started) if event.step_from else (None, None)
        rows.append({"from": event.step_from, "from_label": str(Step(event.step_from).label) if event.step_from
                     else "", "to": event.step_to, "to_label": str(Step(event.step_to).label),
                     "at": event.at.astimezone(tz), "note": event.note,
                     "who": (event.actor.get_full_name() if event.actor else "") or event.actor_name,
                     "deadline": deadline.astimezone(tz) if deadline else None,
                     "rule": rule.label if rule else None, "article": rule.article if rule else None,
                     "met": (event.at <= deadline) if deadline else None})
        started = event.at
    return rows
