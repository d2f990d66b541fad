"""Server-side SVG charts: horizontal bars, stacked bars and lines, as plain strings.

Pure Python and no JavaScript, so the charts render under the strict CSP, print, and work offline.
Colours are SVG presentation attributes (allowed by a CSP without 'unsafe-inline' styles). Every
chart carries a <title> and <desc> for screen readers, and each mark its own <title> with the figure,
so the numbers stay readable without the picture. Callers pass labels already translated and numbers
already formatted for display (``fmt``), which keeps this module free of Django.
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# Colour-blind-safe palette (Okabe-Ito), darkest text colour for contrast on white.
PALETTE = ("#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
CLASS_COLOURS = ("#009E73", "#E69F00", "#D55E00", "#7B3294")  # kurang rawan, rawan, sangat rawan, khusus
TEXT = "#1a1a1a"
GRID = "#c8c8c8"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _open(width: int, height: int, title: str, desc: str, chart_id: str, css: str = "chart") -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="{css}" data-chart="{chart_id}" {FONT}>',
            f'<title id="{chart_id}-t">{escape(title)}</title>', f'<desc id="{chart_id}-d">{escape(desc)}</desc>']


CHAR_WIDTH = 7.2  # average width of a 12 px system-ui glyph, to size label columns and wrap the legend
LEGEND_LINE = 18


def _legend_layout(series: list[Series], x: int, width: int) -> list[tuple[Series, float, int]]:
    """(series, x, line) of each legend entry, wrapping to a new line at the chart's right edge."""
    out, cx, line = [], float(x), 0
    for s in series:
        size = 24 + CHAR_WIDTH * len(s.name)
        if cx > x and cx + size > width:
            cx, line = float(x), line + 1
        out.append((s, cx, line))
        cx += size
    return out


def _legend(layout, top: int) -> list[str]:
    out = []
    for s, x, line in layout:
        y = top + LEGEND_LINE * line
        out.append(f'<rect x="{x:.1f}" y="{y - 10}" width="12" height="12" fill="{s.colour}"/>'
                   f'<text x="{x + 16:.1f}" y="{y}" fill="{TEXT}">{escape(s.name)}</text>')
    return out


def _label_width(labels, smallest=60, largest=230) -> int:
    return int(min(largest, max(smallest, 10 + CHAR_WIDTH * max((len(label) for label in labels), default=0))))


def bar_chart(items, *, title, desc="", chart_id="bars", colour=PALETTE[0], fmt=_number, width=560,
              label_width=None, bar_height=20, gap=6, max_value=None, narrow=False):
    """Horizontal bars, one per (label, value); bar length is proportional to the value."""
    return stacked_bar_chart([(label, [value]) for label, value in items], [Series("", colour)], title=title,
                             desc=desc, chart_id=chart_id, fmt=fmt, width=width, label_width=label_width,
                             bar_height=bar_height, gap=gap, max_value=max_value, legend=False, narrow=narrow)


NARROW_WIDTH = 340  # a phone's column at scale 1: labels go above their bars instead of beside them


def stacked_bar_chart(rows, series, *, title, desc="", chart_id="stacked", fmt=_number, width=560, label_width=None,
                      bar_height=20, gap=6, max_value=None, legend=True, narrow=False):
    """Horizontal stacked bars: rows of (label, [value per series]); the total is written after each bar.

    ``narrow`` draws the phone layout: the label on its own line above the bar, both full width."""
    rows = [(label, [max(0.0, float(v)) for v in values]) for label, values in rows]
    top = max_value or max([sum(v) for _l, v in rows] + [0]) or 1
    if narrow:
        width, label_width, label_h, bar_height = NARROW_WIDTH, 0, 15, min(bar_height, 14)
    else:
        label_width, label_h = label_width or _label_width(label for label, _v in rows), 0
    layout = _legend_layout(series, 4, width) if legend and len(series) > 1 else []
    legend_h = (max(line for _s, _x, line in layout) + 1) * LEGEND_LINE + 4 if layout else 0
    plot = width - label_width - 50
    height = legend_h + len(rows) * (label_h + bar_height + gap) + gap + 2
    out = _open(width, height, title, desc, chart_id, "chart narrow" if narrow else "chart wide")
    out += _legend(layout, 14)
    y = legend_h + gap
    for label, values in rows:
        if narrow:
            out.append(f'<g class="bar-row"><text x="0" y="{y + 11}" fill="{TEXT}">{escape(label)}</text>')
            y += label_h
        else:
            out.append(f'<g class="bar-row"><text x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" '
                       f'text-anchor="end" fill="{TEXT}">{escape(label)}</text>')
        x = float(label_width)
        for value, s in zip(values, series):
            w = plot * value / top
            name = f"{s.name}: " if s.name else ""
            out.append(f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{bar_height}" fill="{s.colour}" '
                       f'data-value="{value:g}"><title>{escape(f"{label} · {name}{fmt(value)}")}</title></rect>')
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + bar_height * 0.7:.1f}" fill="{TEXT}">{escape(fmt(sum(values)))}'
                   f'</text></g>')
        y += bar_height + gap
    out.append("</svg>")
    return "".join(out)


def line_chart(lines, x_labels, *, title, desc="", chart_id="lines", y_max=100.0, y_unit="%", fmt=_number,
               width=480, height=240):
    """Lines over shared x positions: lines is [(Series, [value or None per x label])]; y runs 0..y_max."""
    layout = _legend_layout([s for s, _v in lines], 4, width)
    left, right, bottom = 44, 18, 28
    top = (max((line for _s, _x, line in layout), default=0) + 1) * LEGEND_LINE + 12
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(x_labels) - 1, 1)
    out = _open(width, height, title, desc, chart_id)
    out += _legend(layout, 16)
    for i in range(5):  # horizontal grid with its values
        value = y_max * i / 4
        y = top + plot_h - plot_h * i / 4
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">'
                   f'{escape(fmt(value))}{escape(y_unit)}</text>')
    step = max(1, len(x_labels) // 8)
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == len(x_labels) - 1:
            out.append(f'<text x="{left + plot_w * i / n:.1f}" y="{height - 8}" text-anchor="middle" '
                       f'fill="{TEXT}">{escape(label)}</text>')
    for s, values in lines:
        points = [(left + plot_w * i / n, top + plot_h - plot_h * min(v, y_max) / y_max, x_labels[i], v)
                  for i, v in enumerate(values) if v is not None]
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _l, _v in points)
        out.append(f'<g class="line" data-series={quoteattr(s.name)}><polyline points="{path}" fill="none" '
                   f'stroke="{s.colour}" stroke-width="2.5"/>')
        for x, y, label, v in points:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{s.colour}" data-value="{v:g}">'
                       f'<title>{escape(f"{s.name} · {label}: {fmt(v)}{y_unit}")}</title></circle>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def wide_and_narrow(draw, *args, chart_id, **kwargs) -> str:
    """The chart twice, for wide screens and for phones (labels above the bars); the page's style sheet shows one
    (.chart.wide / .chart.narrow), and the hidden one is hidden from screen readers too."""
    return draw(*args, chart_id=chart_id, **kwargs) + draw(*args, chart_id=f"{chart_id}-n", narrow=True, **kwargs)
