"""The vulnerability charts, drawn by siaga.core.charts with the page's language and number format."""

from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from siaga.core.charts import CLASS_COLOURS, Series, stacked_bar_chart, wide_and_narrow
from siaga.risk.presenters import class_label


def _fmt(value):
    return number_format(value, 0, force_grouping=True)


# The classes drawn, worst first so that their segments line up at the start of each bar. Kurang rawan TPS (nine in
# ten) are left to the table beside the chart: drawn, they would shrink a kab/kota's 5 sangat rawan TPS to 2 pixels.
DRAWN = (2, 1, 3)


def class_distribution_chart(areas, *, chart_id="risk-classes"):
    """TPS sangat rawan, rawan and khusus for each area (AreaRisk rows, already in the order to show)."""
    series = [Series(class_label(i), CLASS_COLOURS[i]) for i in DRAWN]
    rows = [(a.region.name, [a.sangat_rawan, a.rawan, a.khusus]) for a in areas]
    return mark_safe(wide_and_narrow(
        stacked_bar_chart, rows, series, chart_id=chart_id, fmt=_fmt,
        title=_("Vulnerable TPS per area: sangat rawan, rawan and khusus"),
        desc=_("Stacked bars per area, the most sangat rawan TPS first; kurang rawan TPS are in the table.")))
