"""Pages of voting day: command post, incidents, field reporting, unit board, after-action report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from siaga.core.geo import haversine_km
from siaga.operations import authority, charts, field_posts, labels, map_labels, report, selectors, services, workflow
from siaga.operations.models import Category
from siaga.readreplica import replica_reads
from siaga.regions.outlines import choropleth_level
from siaga.regions.selectors import page_area

ACTION_BUTTONS = {"verify": gettext_lazy("Verify"), "assign": gettext_lazy("Assign"),
                  "act": gettext_lazy("Action taken"), "close": gettext_lazy("Close"),
                  "invalidate": gettext_lazy("Invalidate"), "reopen": gettext_lazy("Reopen")}


OVERDUE_LISTED = 100  # beside the command-post map; the table below and the API have the rest


def _area(request):
    return page_area(viewer=request.user, requested=request.GET.get("wilayah"))


@login_required
@replica_reads
def command(request):
    area = _area(request)
    return render(request, "operations/command.html", {
        "area": area, "summary": selectors.summary(viewer=request.user, area=area or None),
        "feed": selectors.incidents(viewer=request.user, area=area or None)[:20],
        "missed": selectors.missed_checkins(viewer=request.user, area=area or None)[:50],
        "missed_total": selectors.missed_checkins(viewer=request.user, area=area or None).count(),
        "overdue": [(m, map_labels.STAGE_LABELS.get(m.milestone, m.milestone)) for m in selectors.missed_checkins(
            viewer=request.user, area=area or None).select_related("tps__desa")[:OVERDUE_LISTED]],
        "map_legend": map_labels.legend(), "area_level": choropleth_level(area or ""),
        **_progress(request.user, area or None),
    })


def _progress(viewer, area):
    """Voting-day progress per level with its charts, the call list of missing reports, incidents over time."""
    timeline = selectors.progress_timeline(viewer=viewer, area=area)
    children = selectors.progress_by_child(viewer=viewer, area=area)
    over_time = selectors.incidents_over_time(viewer=viewer, area=area)
    return {"timeline": timeline, "progress_children": children,
            "progress_chart": charts.progress_line_chart(timeline) if timeline else None,
            "progress_child_chart": charts.progress_child_chart(children) if children else None,
            "calls": selectors.missing_reports(viewer=viewer, area=area, limit=200),
            "incidents_chart": charts.incidents_chart(over_time) if over_time["categories"] else None}


@login_required
def incident_index(request):
    rows = selectors.incidents(viewer=request.user, area=request.GET.get("wilayah") or None)
    if status := request.GET.get("status"):
        rows = rows.filter(status=status)
    return render(request, "operations/incident_list.html", {
        "incidents": rows[:200], "statuses": dict(labels.IncidentStatus.choices), "status": status, "now": timezone.now()})


@login_required
def incident_detail(request, pk):
    incident = selectors.incident_get(viewer=request.user, pk=pk)
    may = authority.allowed(request.user)  # only the buttons the authority table lets this user press
    return render(request, "operations/incident_detail.html", {
        "incident": incident, "now": timezone.now(), "status_label": incident.get_status_display(),
        "may": may,
        "actions": [(a, ACTION_BUTTONS[a]) for a in workflow.allowed_actions(incident.status) if a in may],
        "due": workflow.response_due(incident.reported_at, incident.severity),
        "overdue": workflow.is_overdue(incident.reported_at, incident.severity, incident.action_at, timezone.now()),
        "duplicates": services.duplicate_candidates(incident).filter(
            pk__in=selectors.incidents(viewer=request.user).values("pk")),
        "suggestions": selectors.dispatch_suggestions(viewer=request.user, incident=incident)
        if "dispatch" in may else [],
        "dispatches": selectors.open_dispatches(viewer=request.user, incident=incident),
        "units": selectors.police_units(viewer=request.user).order_by("code"),
    })


@login_required
@require_POST
def incident_act(request, pk):
    """One form for every step on an incident: workflow action, merge, publish, lock, dispatch, photo."""
    post, user = request.POST, request.user
    try:
        action = post.get("action", "")
        if action == "merge":
            services.incident_merge(actor=user, incident_id=pk, into_id=int(post.get("into", 0)))
        elif action == "publish":
            services.incident_publish(actor=user, incident_id=pk)
        elif action in ("lock", "unlock"):
            services.incident_lock(actor=user, incident_id=pk, release=action == "unlock")
        elif action == "dispatch":
            services.dispatch_create(actor=user, incident_id=pk, unit_code=post.get("unit", ""))
        elif action == "photo":
            if "photo" not in request.FILES:
                raise services.Rejected(_("Choose a photo first."))
            services.incident_photo_add(actor=user, incident_id=pk, upload=request.FILES["photo"])
        else:
            assign_to = None
            if action == "assign":
                assign_to = selectors.police_units(viewer=user).filter(code=post.get("unit", "")).first()
            services.incident_transition(actor=user, incident_id=pk, action=action, note=post.get("note", ""),
                                         assign_to=assign_to)
        messages.success(request, _("Saved."))
    except (workflow.IllegalTransition, services.Rejected, PermissionDenied) as problem:
        messages.error(request, str(problem) or _("Access denied."))
    return redirect("operations:incident_detail", pk=pk)


# The status reports of the form, in the order of the day, with the words officers use.
FIELD_KINDS = [("logistik", gettext_lazy("Logistics received")), ("buka", gettext_lazy("Opened")),
               ("pemungutan", gettext_lazy("Voting")), ("penghitungan", gettext_lazy("Counting")),
               ("selesai", gettext_lazy("Finished")), ("serah", gettext_lazy("Boxes handed over")),
               ("gangguan", gettext_lazy("Disturbed")), ("ditunda", gettext_lazy("Suspended")),
               ("lanjut", gettext_lazy("Resumed"))]
# What each severity means on the ground, and the command post's response target (workflow).
SEVERITY_WORDS = {1: gettext_lazy("Minor: voting goes on undisturbed"),
                  2: gettext_lazy("Moderate: disturbs voting; the officers at the TPS can handle it"),
                  3: gettext_lazy("Serious: needs help from another unit"),
                  4: gettext_lazy("Critical: lives at risk or voting has stopped")}


@login_required
def field_report(request):
    """The officer's report form: their posts' TPS to choose from, GPS and photo, an outbox that works offline."""
    return render(request, "operations/field.html", {
        "categories": Category.choices, "kinds": FIELD_KINDS, "posts": field_posts.field_posts(viewer=request.user),
        "severities": [(level, words, workflow.RESPONSE_TARGET_MINUTES[level])
                       for level, words in SEVERITY_WORDS.items()],
    })


@login_required
def event_photo(request, pk):
    """A TPS report's photo, to whoever may see that TPS."""
    photo = selectors.event_photo_get(viewer=request.user, event_id=pk)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type,
                        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})


@login_required
def field_reports(request):
    """The latest field reports of the viewer's area with where the phone was (GPS) and their photos."""
    kinds = dict(FIELD_KINDS)
    rows = []
    for event in selectors.field_reports(viewer=request.user)[:100]:
        tps = event.tps
        away = None  # how far the phone was from the TPS it reported for, in metres
        if event.gps_lat is not None and tps.lat is not None:
            away = round(float(haversine_km(event.gps_lat, event.gps_lng, tps.lat, tps.lng)) * 1000)
        rows.append({"event": event, "kind": kinds.get(event.kind, event.kind), "away": away,
                     "photo": getattr(event, "photo", None)})
    return render(request, "operations/field_reports.html", {"rows": rows})


def service_worker(request):
    """Served from /operasi/ so that it may control the field page and cache it for offline use."""
    response = render(request, "operations/sw.js", content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def unit_board(request):
    return render(request, "operations/units.html", {"rows": selectors.unit_board(viewer=request.user)})


@login_required
@replica_reads
def after_action(request):
    area = _area(request)
    data = report.after_action(viewer=request.user, area=area or None)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        return FileResponse(report.to_xlsx(data), as_attachment=True, filename=f"laporan-operasi-{area}.xlsx")
    if fmt == "pdf":
        return HttpResponse(report.to_pdf(data), content_type="application/pdf",
                            headers={"Content-Disposition": f'attachment; filename="laporan-operasi-{area}.pdf"'})
    return render(request, "operations/after_action.html", {"data": data, "area": area})


@login_required
def revotes(request):
    """Re-votes (PSU/PSL/PSS) of the area with their expected check-ins; those who may (KPU, Polri command)
    put a TPS into re-voting here."""
    from django.core.exceptions import ValidationError

    from siaga.operations.forms import RevoteForm

    area = _area(request)
    allowed = authority.may(request.user, "revote")
    form = RevoteForm(request.POST or None) if allowed else None
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied(_("Your role or agency may not declare a re-vote."))
        if form.is_valid():
            try:
                revote, made = services.revote_declare(actor=request.user, **form.cleaned_data)
            except ValidationError as problem:
                form.add_error(None, problem)
            else:
                messages.success(request, _("TPS %(tps)s goes to %(kind)s on %(date)s: %(items)s new custody items.")
                                 % {"tps": revote.tps.code, "kind": revote.kind.upper(),
                                    "date": revote.new_date.isoformat(), "items": len(made["items"])})
                return redirect(f"{request.path}?wilayah={area}")
    from siaga.core import checkins

    labels_ = {checkins.ON_TIME: _("on time"), checkins.LATE: _("late"), checkins.MISSING: _("missing"),
               checkins.PENDING: _("pending")}
    rows = [(r, [c | {"label": labels_[c["status"]]} for c in selectors.revote_checkins(r)])
            for r in selectors.revote_list(viewer=request.user, area=area or None)]
    return render(request, "operations/revotes.html", {"area": area, "rows": rows, "form": form})
