"""Current values of the plan's KPIs, computed from Siaga's own data.

Each KPI source has one provider in `siaga.planning.providers`: planning's own
(mitigations done on time) and deployment's (TPS guarded, shortfall closed) are
registered by PlanningConfig.ready(); coordination (action items on time), custody
(escort coverage) and operations (response time) live on higher floors and register
theirs in their own ready(). A provider answers None when it has nothing to count
(the page then says "no data"); a missing provider stops Siaga at start-up.
"""

from datetime import date

from siaga.core.kpi import DueItem, on_time_share
from siaga.planning.models import KpiSource, Mitigation, WorkStatus
from siaga.planning.providers import kpi_provider, register_kpi


def due_items(rows, done_status):
    """(due_on, done_on, status) rows as DueItems; an item counts as done only in `done_status`."""
    return [DueItem(due=due, done=done if status == done_status else None) for due, done, status in rows]


def mitigations_on_time(*, viewer, operation, mitigation=None, today: date):
    rows = Mitigation.objects.filter(threat__operation=operation).exclude(status=WorkStatus.CANCELLED)
    if mitigation is not None:
        rows = rows.filter(pk=mitigation.pk)
    return on_time_share(due_items(rows.values_list("due_on", "done_on", "status"), WorkStatus.DONE), today)


def by_operation(func):
    """A provider from `func(*, viewer, operation)`, for an indicator of the whole operation."""
    return lambda *, viewer, operation, **_: func(viewer=viewer, operation=operation)


def register_own():
    """Planning's own provider and those of deployment (a lower floor, imported directly)."""
    from siaga.deployment.selectors import kpi_shortfall_closed, kpi_tps_guarded

    register_kpi(KpiSource.MITIGATIONS_ON_TIME, mitigations_on_time)
    register_kpi(KpiSource.TPS_GUARDED, by_operation(kpi_tps_guarded))
    register_kpi(KpiSource.SHORTFALL_CLOSED, by_operation(kpi_shortfall_closed))


def kpi_value(kpi, *, viewer, today: date) -> float | None:
    return kpi_provider(kpi.source)(viewer=viewer, operation=kpi.operation, mitigation=kpi.mitigation, today=today)
