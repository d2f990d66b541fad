"""The vulnerability charts, drawn by siaga.core.charts with the page's language and number format."""

from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from siaga.core.charts import CLASS_COLOURS, Series, stacked_bar_chart
from siaga.risk.presenters import class_label


def _fmt(value):
    return number_format(value, 0, force_grouping=True)


def class_distribution_chart(areas, *, chart_id="risk-classes"):
    """TPS per class for each area (AreaRisk rows, already in the order to show)."""
    series = [Series(class_label(i), CLASS_COLOURS[i]) for i in range(4)]
    rows = [(a.region.name, [a.kurang_rawan, a.rawan, a.sangat_rawan, a.khusus]) for a in areas]
    return mark_safe(stacked_bar_chart(
        rows, series, title=_("TPS per vulnerability class"), chart_id=chart_id, fmt=_fmt,
        desc=_("Stacked bars per area, the most sangat rawan TPS first.")))
