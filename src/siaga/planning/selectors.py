"""Reads of operations, stages, threats, KPIs and contingencies, scoped by the viewer's area.

An operation or threat is visible when its area lies inside the viewer's area or
encloses it: a Polres works inside the Polda's operation. Intelligence linked to
a threat is opened through services.threat_reports_open (coordination's clearance and read log).
"""

from datetime import date

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siaga import features
from siaga.accounts.scope import code_q, user_area
from siaga.core import kpi as kpi_math
from siaga.core.risk_matrix import Rated, level_counts, matrix, rank
from siaga.planning.kpi_sources import kpi_value
from siaga.planning.models import Contingency, Kpi, Operation, Stage, Threat


def overlapping_q(viewer, field="area_code") -> Q:
    area = user_area(viewer)
    if not area:
        return Q()
    parts = area.split(".")
    enclosing = [""] + [".".join(parts[:n]) for n in range(1, len(parts))]
    return code_q(viewer, field) | Q(**{f"{field}__in": enclosing})


def operation_list(*, viewer):
    return Operation.objects.filter(overlapping_q(viewer)).select_related("organiser")


def operation_get(*, viewer, pk) -> Operation:
    operation = operation_list(viewer=viewer).filter(pk=pk).first()
    if operation is None:
        raise Http404(pk)
    return operation


def operation_tps_count(viewer, operation) -> int:
    """TPS of the operation's election in its area (as far as the viewer sees)."""
    from siaga.regions.selectors import tps_list

    return tps_list(viewer=viewer, area=operation.area_code or None, election=operation.election).count()


def operation_deploy_target(viewer, operation, area=None) -> dict | None:
    """What the deployment planner takes for an operation: the area (``area`` when given and inside the
    operation's; None when outside) and the pattern set named after the operation (None: the newest)."""
    from siaga.accounts.scope import area_contains
    from siaga.deployment.selectors import pattern_set_current

    area = area or operation.area_code
    if not area or (operation.area_code and not area_contains(operation.area_code, area)):
        return None
    named = pattern_set_current(viewer=viewer, province=area[:2], operation=operation.name)
    return {"area": area, "election": operation.election, "patterns": operation.name if named else None}


def current_stage(viewer, today: date | None = None) -> Stage | None:
    """The stage in progress today in the newest operation the viewer sees, else None."""
    today = today or timezone.localdate()
    return (Stage.objects.filter(operation__in=operation_list(viewer=viewer), starts_on__lte=today,
                                 ends_on__gte=today)
            .select_related("operation").order_by("-operation__starts_on", "-order").first())


def stages_in_progress(viewer, today: date | None = None) -> list[Stage]:
    """Every stage in progress today in the operations the viewer sees (stages overlap: logistics and the
    quiet period), newest operation first."""
    today = today or timezone.localdate()
    return list(Stage.objects.filter(operation__in=operation_list(viewer=viewer), starts_on__lte=today,
                                     ends_on__gte=today).order_by("-operation__starts_on", "order"))


def stage_next(viewer, today: date | None = None) -> Stage | None:
    """The next stage to start after today in the operations the viewer sees (the soonest), else None."""
    today = today or timezone.localdate()
    return (Stage.objects.filter(operation__in=operation_list(viewer=viewer), starts_on__gt=today)
            .select_related("operation").order_by("starts_on", "order").first())


def stage_get(*, viewer, pk) -> Stage:
    stage = Stage.objects.filter(operation__in=operation_list(viewer=viewer), pk=pk).select_related("operation").first()
    if stage is None:
        raise Http404(pk)
    return stage


def threat_list(*, viewer, operation, stage=None, category=None):
    rows = (Threat.objects.filter(operation=operation).filter(overlapping_q(viewer))
            .select_related("stage", "owner"))
    if stage is not None:
        rows = rows.filter(stage=stage)
    if category:
        rows = rows.filter(category=category)
    return rows


def threat_get(*, viewer, pk) -> Threat:
    threat = (Threat.objects.filter(operation__in=operation_list(viewer=viewer)).filter(overlapping_q(viewer))
              .select_related("operation", "stage", "owner").filter(pk=pk).first())
    if threat is None:
        raise Http404(pk)
    return threat


def threats_ranked(threats) -> list[Threat]:
    return [r.key for r in rank(Rated(t, t.likelihood, t.impact) for t in threats)]


def risk_overview(threats) -> dict:
    rated = [Rated(t.pk, t.likelihood, t.impact) for t in threats]
    return {"matrix": matrix(rated), "levels": level_counts(rated)}


def contingency_get(*, viewer, pk) -> Contingency:
    contingency = Contingency.objects.filter(pk=pk).select_related("threat").first()
    if contingency is None:
        raise Http404(pk)
    threat_get(viewer=viewer, pk=contingency.threat_id)
    return contingency


KPI_STATUS = {"met": _("met"), "at_risk": _("at risk"), "missed": _("missed"), "no_data": _("no data")}
KPI_TREND = {"improving": _("improving"), "worsening": _("worsening"), "flat": _("flat"), None: "–"}


def kpi_report(*, viewer, operation, today: date | None = None) -> list[dict]:
    """Each KPI with target, current value (None = no data), status and trend over its snapshots."""
    today = today or timezone.localdate()
    rows = []
    for kpi in Kpi.objects.filter(operation=operation).select_related("mitigation"):
        value = kpi_value(kpi, viewer=viewer, today=today)
        points = [(s.taken_at, s.value) for s in kpi.snapshots.all()]
        rows.append({
            "kpi": kpi, "name": kpi.get_source_display(), "mitigation": kpi.mitigation, "target": kpi.target,
            "unit": kpi.unit, "current": value,
            "status": (status := kpi_math.status(value, kpi.target, kpi.higher_is_better)),
            "trend": (trend := kpi_math.trend(points + [(timezone.now(), value)], kpi.higher_is_better)),
            "status_label": KPI_STATUS[status], "trend_label": KPI_TREND[trend],
            "snapshots": points,
        })
    return rows


def situation_summary(*, viewer, operation) -> dict | None:
    """Vulnerability summary of the operation's own election from the risk app
    (`area_summary(viewer=, area=, election=)`), None when absent."""
    risk = features.module("risk", "selectors")
    func = getattr(risk, "area_summary", None) if risk else None
    return func(viewer=viewer, area=operation.area_code, election=operation.election) if func else None


def personnel_summary(*, viewer, operation) -> dict | None:
    """Personnel summary of the operation's own election from the deployment app
    (`personnel_summary(viewer=, area=, election=)`), None when absent."""
    deployment = features.module("deployment", "selectors")
    func = getattr(deployment, "personnel_summary", None) if deployment else None
    return func(viewer=viewer, area=operation.area_code, election=operation.election) if func else None


def operation_calendar(*, operation_id, election, province_code) -> dict[str, tuple[date, date]]:
    """The stage calendar of one operation (by id), else of the newest operation of the election there."""
    if operation_id:
        rows = Stage.objects.filter(operation_id=operation_id).values_list("kind", "starts_on", "ends_on")
        if calendar := {kind: (start, end) for kind, start, end in rows}:
            return calendar
    return stage_calendar(election=election, area_code=province_code)


def stage_calendar(*, election: str, area_code: str) -> dict[str, tuple[date, date]]:
    """{stage kind: (first day, last day)} of the newest operation of ``election`` whose area holds
    ``area_code``: the dates every deadline of that election is derived from (custody legs, recap guards,
    re-voting). Empty when no operation has a calendar. Not scoped by viewer: the calendar is public
    (the KPU's tahapan) and the deadline machinery reads it for everyone alike."""
    candidates = [area_code[:n] for n in (2, 5, 8, 13) if len(area_code) >= n] + [""]
    operation = (Operation.objects.filter(election=election, area_code__in=candidates, stages__isnull=False)
                 .order_by("-starts_on", "-pk").first())
    if operation is None:
        return {}
    return {kind: (start, end) for kind, start, end in
            operation.stages.values_list("kind", "starts_on", "ends_on")}
