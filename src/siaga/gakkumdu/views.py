"""The Sentra Gakkumdu pages: every case's clock, with each member's actions on their own steps; one case's
history."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siaga.gakkumdu import rules, selectors, services
from siaga.gakkumdu.access import member_kind
from siaga.gakkumdu.clock import local_zone
from siaga.gakkumdu.models import Origin


def _errors(request, exc):
    messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))


def _member(user):
    kind = member_kind(user)
    if kind is None:
        raise PermissionDenied(_("This page is for members of Sentra Gakkumdu"))
    return kind


@login_required
def index(request):
    kind = _member(request.user)
    rows = selectors.case_clocks(viewer=request.user, now=timezone.now())
    return render(request, "gakkumdu/index.html", {
        "open_rows": [r for r in rows if r["deadline"] is not None],
        "closed_rows": [r for r in rows if r["deadline"] is None],
        "can_register": kind in (rules.BAWASLU, rules.POLRI), "origins": Origin.choices,
        "elections": rules.ELECTIONS, "today": timezone.localdate(),
        "now_local": timezone.now().astimezone(local_zone()).strftime("%Y-%m-%dT%H:%M")})


@login_required
def case_detail(request, pk):
    """One case: its current clock and the full history of its steps, each with its deadline met or missed."""
    case = selectors.case_get(viewer=request.user, pk=pk)
    clock = [r for r in selectors.case_clocks(viewer=request.user, now=timezone.now()) if r["id"] == case.pk]
    return render(request, "gakkumdu/case.html", {
        "case": case, "row": clock[0] if clock else None,
        "history": selectors.case_history(viewer=request.user, case=case)})


@login_required
@require_POST
def register(request):
    _member(request.user)
    form = request.POST
    try:
        known_on = datetime.strptime(form.get("known_on", ""), "%Y-%m-%d").date()
        reported_on = datetime.strptime(form.get("reported_on", ""), "%Y-%m-%d").date()
        services.gakkumdu_register(
            actor=request.user, election=form.get("election", ""), origin=form.get("origin", ""),
            title=form.get("title", ""), summary=form.get("summary", ""), known_on=known_on,
            reported_on=reported_on, region_code=form.get("region_code", "").strip())
    except ValueError:
        messages.error(request, _("Invalid date"))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("gakkumdu:index")


@login_required
@require_POST
def advance(request, pk):
    case = selectors.case_get(viewer=request.user, pk=pk)
    try:
        text = request.POST.get("at", "")
        at = timezone.make_aware(datetime.strptime(text, "%Y-%m-%dT%H:%M"), local_zone()) if text else None
        services.gakkumdu_advance(actor=request.user, case=case, to=request.POST.get("to", ""), at=at,
                                  note=request.POST.get("note", ""))
    except ValueError:
        messages.error(request, _("Invalid time"))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("gakkumdu:index")
