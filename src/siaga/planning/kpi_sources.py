"""Current values of the plan's KPIs, computed from Siaga's own data.

Two indicators come from this app and coordination (mitigations and action items
done on time). The others belong to apps that may be absent: an app provides one
by defining `kpi_<source>(*, viewer, operation) -> float | None` in its
selectors.py (deployment: tps_guarded, shortfall_closed, escort_coverage;
custody: escort_coverage; operations: response_time). Without such a function
the value is None and the page says "no data": nothing is made up.
"""

from datetime import date

from siaga import features
from siaga.core.kpi import DueItem, on_time_share
from siaga.planning.models import KpiSource, Mitigation, WorkStatus

PROVIDERS = {
    KpiSource.TPS_GUARDED: ("deployment",),
    KpiSource.SHORTFALL_CLOSED: ("deployment",),
    KpiSource.ESCORT_COVERAGE: ("custody", "deployment"),
    KpiSource.RESPONSE_TIME: ("operations",),
}


def _due_items(rows, done_status):
    return [DueItem(due=due, done=done if status == done_status else None) for due, done, status in rows]


def mitigations_on_time(*, viewer, operation, mitigation=None, today: date):
    rows = Mitigation.objects.filter(threat__operation=operation).exclude(status=WorkStatus.CANCELLED)
    if mitigation is not None:
        rows = rows.filter(pk=mitigation.pk)
    return on_time_share(_due_items(rows.values_list("due_on", "done_on", "status"), WorkStatus.DONE), today)


def actions_on_time(*, viewer, operation, mitigation=None, today: date):
    coordination = features.module("coordination", "selectors")
    if coordination is None:
        return None
    from siaga.coordination.models import ActionStatus

    rows = (coordination.action_item_list(viewer=viewer).filter(meeting__operation=operation)
            .exclude(status=ActionStatus.CANCELLED).values_list("due_on", "done_on", "status"))
    return on_time_share(_due_items(rows, ActionStatus.DONE), today)


LOCAL = {KpiSource.MITIGATIONS_ON_TIME: mitigations_on_time, KpiSource.ACTIONS_ON_TIME: actions_on_time}


def provider(source: str):
    """The function computing a source's value, or None when no present app provides it."""
    if source in LOCAL:
        return LOCAL[source]
    for label in PROVIDERS.get(source, ()):
        selectors = features.module(label, "selectors")
        if selectors is not None and (func := getattr(selectors, f"kpi_{source}", None)):
            return lambda *, viewer, operation, mitigation=None, today, _f=func: _f(viewer=viewer,
                                                                                    operation=operation)
    return None


def kpi_value(kpi, *, viewer, today: date) -> float | None:
    func = provider(kpi.source)
    if func is None:
        return None
    return func(viewer=viewer, operation=kpi.operation, mitigation=kpi.mitigation, today=today)
