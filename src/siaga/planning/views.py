"""Pages of the security plan: thin views over selectors and services."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from siaga.planning import selectors, services
from siaga.planning.access import is_polri_editor
from siaga.planning.document import FORMATS, plan_document
from siaga.planning.models import ContingencyStep


def _base(request):
    return {"current_stage": selectors.current_stage(request.user), "can_edit": is_polri_editor(request.user)}


@login_required
def index(request):
    operations = selectors.operation_list(viewer=request.user).prefetch_related("stages")
    return render(request, "planning/index.html", {**_base(request), "operations": operations})


@login_required
def operation_detail(request, pk):
    operation = selectors.operation_get(viewer=request.user, pk=pk)
    threats = selectors.threat_list(viewer=request.user, operation=operation).prefetch_related("mitigations")
    return render(request, "planning/operation.html", {
        **_base(request), "operation": operation, "stages": operation.stages.all(),
        "task_forces": operation.task_forces.select_related("lead"),
        "threats": selectors.threats_ranked(threats), "overview": selectors.risk_overview(threats),
        "kpis": selectors.kpi_report(viewer=request.user, operation=operation),
    })


@login_required
def operation_document(request, pk, fmt):
    if fmt not in FORMATS:
        raise Http404(fmt)
    operation = selectors.operation_get(viewer=request.user, pk=pk)
    data = plan_document(viewer=request.user, operation=operation, fmt=fmt)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="rencana-pengamanan-{operation.pk}.{fmt}"'
    return response


@login_required
def stage_edit(request, pk):
    stage = selectors.stage_get(viewer=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.stage_reschedule(actor=request.user, stage=stage,
                                      starts_on=date.fromisoformat(request.POST["starts_on"]),
                                      ends_on=date.fromisoformat(request.POST["ends_on"]))
        except (KeyError, ValueError):
            messages.error(request, "Tanggal tidak valid: gunakan format TTTT-BB-HH")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("planning:operation", pk=stage.operation_id)
    raise Http404


@login_required
def threat_detail(request, pk):
    threat = selectors.threat_get(viewer=request.user, pk=pk)
    return render(request, "planning/threat.html", {
        **_base(request), "threat": threat, "mitigations": threat.mitigations.select_related("owner"),
        "contingencies": threat.contingencies.prefetch_related("steps"),
        "intel": services.threat_reports_open(reader=request.user, threat=threat),
    })


def _act(request, threat_pk, action):
    try:
        action()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("planning:threat", pk=threat_pk)


@login_required
@require_POST
def contingency_activate(request, pk):
    contingency = selectors.contingency_get(viewer=request.user, pk=pk)
    return _act(request, contingency.threat_id, lambda: services.contingency_activate(
        actor=request.user, contingency=contingency, note=request.POST.get("note", "")))


@login_required
@require_POST
def contingency_step(request, pk):
    step = get_object_or_404(ContingencyStep.objects.select_related("contingency"), pk=pk)
    selectors.contingency_get(viewer=request.user, pk=step.contingency_id)
    return _act(request, step.contingency.threat_id,
                lambda: services.contingency_step_done(actor=request.user, step=step))
