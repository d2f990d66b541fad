"""Coordination pages: dashboard of overdue items, meetings, intelligence reports, referrals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from siaga.accounts.models import AgencyKind
from siaga.accounts.scope import user_area
from siaga.coordination import selectors, services
from siaga.coordination.clearance import LEVEL, clearance, reader_of
from siaga.coordination.models import Classification
from siaga.planning.selectors import current_stage


def _base(request):
    return {"current_stage": current_stage(request.user), "today": timezone.localdate()}


def _errors(request, exc):
    messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))


@login_required
def index(request):
    return render(request, "coordination/index.html", {
        **_base(request), **selectors.dashboard(viewer=request.user, today=timezone.localdate())})


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get(viewer=request.user, pk=pk)
    return render(request, "coordination/meeting.html", {
        **_base(request), "meeting": meeting, "attendance": meeting.attendance_set.select_related("agency"),
        "decisions": meeting.decisions.all(), "items": selectors.action_item_list(viewer=request.user,
                                                                                  meeting=meeting)})


@login_required
@require_POST
def action_item_done(request, pk):
    item = selectors.action_item_get(viewer=request.user, pk=pk)
    try:
        services.action_item_update(actor=request.user, item=item, status="selesai",
                                    evidence=request.POST.get("evidence", ""))
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("coordination:meeting", pk=item.meeting_id)


@login_required
def report_index(request):
    search = request.GET.get("q", "").strip()
    reports = services.reports_open(reader=request.user, search=search, via="search" if search else "list")
    return render(request, "coordination/reports.html", {
        **_base(request), "reports": reports, "search": search,
        "clearance": ["", "biasa", "terbatas", "rahasia"][min(clearance(reader_of(request.user)), 3)]})


@login_required
def report_new(request):
    """Write a laporan informasi and choose the partner agencies that may read it."""
    allowed = [c for c in Classification if LEVEL[c.value] <= clearance(reader_of(request.user))]
    partners = selectors.agency_choices(viewer=request.user).exclude(kind=AgencyKind.POLRI)
    form = request.POST if request.method == "POST" else {"area_code": user_area(request.user)}
    if request.method == "POST":
        try:
            report = services.report_submit(
                actor=request.user, title=form.get("title", "").strip(), text=form.get("text", "").strip(),
                area_code=form.get("area_code", "").strip(), source_reliability=form.get("source_reliability", ""),
                credibility=int(form.get("credibility") or 0), classification=form.get("classification", ""),
                shared_agencies=list(partners.filter(code__in=form.getlist("shared_agencies"))))
        except (ValidationError, PermissionDenied, ValueError) as exc:
            _errors(request, exc)
        else:
            return redirect("coordination:report", pk=report.pk)
    return render(request, "coordination/report_new.html", {
        **_base(request), "form": form, "classifications": allowed, "partners": partners,
        "shared": form.getlist("shared_agencies") if request.method == "POST" else [],
        "reliabilities": services.RELIABILITY, "credibilities": services.CREDIBILITY})


@login_required
def report_detail(request, pk):
    report = services.report_open(reader=request.user, pk=pk)
    return render(request, "coordination/report.html", {
        **_base(request), "report": report, "reads": selectors.report_reads(viewer=request.user, report=report)[:20]})


@login_required
def referral_index(request):
    return render(request, "coordination/referrals.html", {
        **_base(request), "referrals": selectors.referral_list(viewer=request.user)})


@login_required
@require_POST
def referral_acknowledge(request, pk):
    referral = selectors.referral_get(viewer=request.user, pk=pk)
    try:
        services.referral_acknowledge(actor=request.user, referral=referral)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("coordination:referrals")
