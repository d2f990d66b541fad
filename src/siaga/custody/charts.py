"""The custody chart, drawn by siaga.core.charts with the page's language and number format."""

from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from siaga.core.charts import Series, stacked_bar_chart, wide_and_narrow
from siaga.custody.models import NodeKind

LEVEL_COLOURS = {"tps": "#D55E00", "pps": "#E69F00", "ppk": "#56B4E9", "kpu": "#009E73", "kpuprov": "#0072B2"}


def custody_progress_chart(rows, *, chart_id="custody-progress"):
    """Items per area by the level holding them now (progress_by_level rows)."""
    labels = dict(NodeKind.choices)
    series = [Series(str(labels[level]), colour) for level, colour in LEVEL_COLOURS.items()]
    rows = [(r["name"], [r["levels"][level] for level in LEVEL_COLOURS]) for r in rows]
    return mark_safe(wide_and_narrow(
        stacked_bar_chart, rows, series, chart_id=chart_id, fmt=lambda v: number_format(v, 0, force_grouping=True),
        title=_("Custody progress: where the items are, per area"),
        desc=_("Stacked bars per area: items still at the TPS, at the PPS, at the PPK, at the KPU kab/kota "
               "warehouse and at the KPU provinsi.")))
