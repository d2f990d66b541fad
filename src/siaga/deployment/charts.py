"""The deployment charts, drawn by siaga.core.charts with the page's language and number format."""

from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from siaga.core.charts import Series, stacked_bar_chart, wide_and_narrow


def _fmt(value):
    return number_format(value, 0, force_grouping=True)


def shortfall_chart(rows, *, chart_id="shortfall"):
    """Per unit (unit_table rows): its own officers, BKO received and the shortfall, stacked to the need.
    The largest shortfall first, then the largest need."""
    rows = sorted((r for r in rows if r["unit"].kind != "polda"),
                  key=lambda r: (-r["shortfall"], -r["required"], r["unit"].code))
    series = [Series(_("Own officers"), "#0072B2"), Series(_("BKO received"), "#56B4E9"),
              Series(_("Shortfall"), "#D55E00")]
    bars = [(r["unit"].name, [min(r["own"], r["required"]), min(r["bko"], max(0, r["required"] - r["own"])),
                              r["shortfall"]]) for r in rows]
    return mark_safe(wide_and_narrow(
        stacked_bar_chart, bars, series, chart_id=chart_id, fmt=_fmt,
        title=_("Personnel need per unit: assigned (incl. BKO) and shortfall"),
        desc=_("Each bar is the unit's need: its own officers, BKO received, and the shortfall.")))
