"""Pages of the security plan: thin views over selectors and services."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siaga.deployment.selectors import sees_names
from siaga.planning import approval, selectors, services, sprin
from siaga.planning.access import is_polri_editor
from siaga.planning.document import FORMATS, plan_document
from siaga.planning.models import ContingencyStep, PlanVersion
from siaga.planning.renpam.figures import renpam_figures
from siaga.planning.renpam.fmt import num


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
        "figures": _figure_rows(renpam_figures(request.user, operation)),
        "versions": approval.versions_of(viewer=request.user, operation=operation),
        "may_sign": approval.may_sign(request.user, operation),
        "approved": approval.latest_approved(operation),
        "reads_stored": approval.may_read_stored(request.user),
    })


def _figure_rows(f):
    """The operation's figures as the documents state them (one source: renpam_figures)."""
    rows = [(_("Election"), f.election_label), (_("TPS of this election"), num(f.tps_total)),
            (_("TPS without coordinates"), num(f.tps_no_coordinates)),
            (_("TPS rawan, sangat rawan or khusus"), num(sum(f.classes_total[1:])))]
    if f.plan is not None:
        rows += [(_("Posts"), num(f.posts)), (_("Polri required"), num(f.polri_required)),
                 (_("Polri assigned"), num(f.polri_assigned)), (_("BKO from the Polda"), num(f.bko)),
                 (_("Shortfall"), num(f.shortfall)), (_("TNI required"), num(f.tni_required)),
                 (_("Linmas required"), num(f.linmas_required))]
    else:
        rows.append((_("Deployment plan"), _("not yet made for this election")))
    rows += [(_("Reserves (Brimob, Dalmas)"), num(f.reserve_total)), (_("TNI available"), num(f.tni_available))]
    return rows


def _refused(request, exc):
    messages.error(request, "; ".join(getattr(exc, "messages", None) or [str(exc)]))


@login_required
@require_POST
def version_create(request, pk):
    operation = selectors.operation_get(viewer=request.user, pk=pk)
    try:
        version = approval.version_draft(actor=request.user, operation=operation)
        messages.success(request, f"Versi {version.number} (konsep) dibuat")
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    return redirect("planning:operation", pk=pk)


def _version(request, pk):
    version = get_object_or_404(PlanVersion.objects.select_related("operation"), pk=pk)
    selectors.operation_get(viewer=request.user, pk=version.operation_id)  # scope
    return version


@login_required
@require_POST
def version_step(request, pk, step):
    version = _version(request, pk)
    action = {"periksa": approval.version_review, "sahkan": approval.version_approve}.get(step)
    if action is None:
        raise Http404(step)
    try:
        action(actor=request.user, version=version)
        messages.success(request, f"Versi {version.number} {'diperiksa' if step == 'periksa' else 'disahkan'}")
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    return redirect("planning:operation", pk=version.operation_id)


@login_required
def version_document(request, pk, fmt):
    if fmt not in FORMATS:
        raise Http404(fmt)
    version = _version(request, pk)
    data = approval.version_document(viewer=request.user, version=version, fmt=fmt)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = (f'attachment; filename="rencana-pengamanan-{version.operation_id}-'
                                       f'v{version.number}.{fmt}"')
    return response


@login_required
def sprin_document(request, pk, fmt):
    if fmt not in FORMATS:
        raise Http404(fmt)
    operation = selectors.operation_get(viewer=request.user, pk=pk)
    if not sees_names(request.user):
        raise PermissionDenied("Sprin memuat nama personel: hanya untuk Polri")
    try:
        data = sprin.sprin_document(viewer=request.user, operation=operation, fmt=fmt)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("planning:operation", pk=pk)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="sprin-{operation.pk}.{fmt}"'
    return response


@login_required
def officer_sheets(request, pk):
    """Assignment sheets: an officer (username = NRP) sees their own; planners see every one of their area."""
    operation = selectors.operation_get(viewer=request.user, pk=pk)
    planner = is_polri_editor(request.user)
    if not planner and not sees_names(request.user):
        raise PermissionDenied("Lembar tugas memuat nama personel: hanya untuk Polri")
    nrp = request.GET.get("nrp") if planner else request.user.username
    try:
        sheets = sprin.officer_sheets(viewer=request.user, operation=operation, nrp=nrp or None)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("planning:operation", pk=pk)
    return render(request, "planning/sheets.html", {**_base(request), "operation": operation, "sheets": sheets,
                                                    "planner": planner, "nrp": nrp or ""})


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
