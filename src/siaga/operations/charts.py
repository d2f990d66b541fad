"""The voting-day charts, drawn by siaga.core.charts with the page's language and number format."""

from django.utils.formats import date_format, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _, gettext_lazy

from siaga.core import tps_state
from siaga.core.charts import PALETTE, Series, bar_chart, line_chart, stacked_bar_chart, wide_and_narrow
from siaga.operations.models import Category

MILESTONE_LABELS = {tps_state.OPENED: gettext_lazy("TPS opened"), tps_state.COUNTING: gettext_lazy("Counting started"),
                    tps_state.FINISHED: gettext_lazy("Counting finished")}
MILESTONE_COLOURS = {tps_state.OPENED: "#0072B2", tps_state.COUNTING: "#E69F00", tps_state.FINISHED: "#009E73"}


def _percent(value):
    return number_format(value, 1 if not float(value).is_integer() else 0)


def _count(value):
    return number_format(value, 0, force_grouping=True)


def progress_line_chart(timeline, *, chart_id="progress-time"):
    """% of the area's TPS past each milestone at each hour of voting day."""
    lines = [(Series(str(MILESTONE_LABELS[stage]), MILESTONE_COLOURS[stage]), values)
             for stage, values in timeline["series"].items()]
    return mark_safe(line_chart(
        lines, timeline["labels"], chart_id=chart_id, fmt=_percent,
        title=_("Voting-day progress: share of TPS reported, by hour"),
        desc=_("Lines per milestone: the share of the area's TPS that reported it by each hour, local time.")))


def progress_child_chart(rows, *, chart_id="progress-areas", stage=None):
    """% of TPS that reported ``stage`` per child area (progress_by_child rows); by default the furthest milestone
    any TPS has reported, so the chart shows where the day stands."""
    if stage is None:
        stage = next((s for s in reversed(MILESTONE_LABELS) if any(r["reported"][s] for r in rows)), tps_state.OPENED)
        rows = sorted(rows, key=lambda r: (r["percent"][stage], r["code"]))
    return mark_safe(wide_and_narrow(
        bar_chart, [(r["name"], r["percent"][stage]) for r in rows], chart_id=chart_id, fmt=_percent, max_value=100,
        colour=MILESTONE_COLOURS[stage],
        title=_("Share of TPS reported per area: %(milestone)s (%%)") % {"milestone": MILESTONE_LABELS[stage]},
        desc=_("One bar per area, the least reported first.")))


def incidents_chart(data, *, chart_id="incidents-time"):
    """Incidents per day, stacked by category."""
    categories = sorted(data["categories"], key=lambda c: -sum(data["categories"][c]))
    labels = dict(Category.choices)
    series = [Series(str(labels.get(c, c)), PALETTE[i % len(PALETTE)]) for i, c in enumerate(categories)]
    label = (lambda t: t.strftime("%H:00")) if data["unit"] == "hour" else (lambda d: date_format(d, "j M"))
    rows = [(label(bucket), [data["categories"][c][i] for c in categories]) for i, bucket in enumerate(data["buckets"])]
    return mark_safe(wide_and_narrow(
        stacked_bar_chart, rows, series, chart_id=chart_id, fmt=_count, bar_height=14, gap=4,
        title=_("Incidents per hour by category") if data["unit"] == "hour" else _("Incidents per day by category"),
        desc=_("Stacked bars over time, one colour per category.")))
