"""Server-side SVG charts: parsed as XML, the marks must be proportional to the figures and carry their labels."""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings, strategies as st

from siaga.core.charts import NARROW_WIDTH, Series, bar_chart, line_chart, stacked_bar_chart, wide_and_narrow

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def rects(root):
    return [r for r in root.iter(f"{{{NS['svg']}}}rect") if r.get("data-value") is not None]


def texts(root):
    return ["".join(t.itertext()) for t in root.iter(f"{{{NS['svg']}}}text")]


def test_bar_lengths_are_proportional_to_the_values_and_labels_are_written():
    root = parse(bar_chart([("Kolaka", 44), ("Konawe", 11), ("Muna", 0)], title="Kekurangan per Polres",
                           chart_id="t"))
    bars = rects(root)
    assert [float(b.get("data-value")) for b in bars] == [44, 11, 0]
    widths = [float(b.get("width")) for b in bars]
    # 44 : 11 is 4 : 1 (to the 2 decimals the chart writes); 0 draws nothing
    assert widths[0] == pytest.approx(4 * widths[1], abs=0.02)
    assert widths[2] == 0
    labels = texts(root)
    assert "Kolaka" in labels and "Konawe" in labels and "Muna" in labels
    assert "44" in labels and "11" in labels  # the figure after each bar


def test_chart_is_an_accessible_image_with_title_description_and_per_bar_titles():
    root = parse(bar_chart([("A", 3)], title="Judul", desc="Uraian", chart_id="c1"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-t c1-d"
    assert root.find("svg:title", NS).text == "Judul" and root.find("svg:title", NS).get("id") == "c1-t"
    assert root.find("svg:desc", NS).text == "Uraian"
    assert rects(root)[0].find("svg:title", NS).text == "A · 3"


def test_stacked_segments_sit_end_to_end_and_the_total_is_written():
    series = [Series("sendiri", "#111111"), Series("BKO", "#222222"), Series("kurang", "#333333")]
    root = parse(stacked_bar_chart([("Polres Kolaka Utara", [90, 46, 44]), ("Polres Buton", [60, 56, 0])], series,
                                   title="t", chart_id="s"))
    bars = rects(root)
    first = bars[:3]
    # each segment starts where the previous one ends
    for left, right in zip(first, first[1:]):
        assert float(right.get("x")) == pytest.approx(float(left.get("x")) + float(left.get("width")), abs=0.02)
    # the longest bar (180) spans the plot; the second (116) is 116/180 of it
    total = [sum(float(b.get("width")) for b in bars[i:i + 3]) for i in (0, 3)]
    assert total[1] / total[0] == pytest.approx(116 / 180, rel=1e-3)
    labels = texts(root)
    assert "180" in labels and "116" in labels
    assert {"sendiri", "BKO", "kurang"} <= set(labels)  # the legend
    assert [b.get("fill") for b in first] == ["#111111", "#222222", "#333333"]


def test_labels_are_escaped_text_never_markup():
    root = parse(bar_chart([('<script>alert(1)</script> & "x"', 1)], title="<b>", chart_id="e"))
    assert root.find("svg:title", NS).text == "<b>"
    assert '<script>alert(1)</script> & "x"' in texts(root)
    assert not list(root.iter("script")) and not list(root.iter(f"{{{NS['svg']}}}script"))


def test_line_points_height_follows_the_percentage_and_gaps_are_skipped():
    hours = ["06:00", "07:00", "08:00", "09:00"]
    root = parse(line_chart([(Series("TPS dibuka", "#0072B2"), [0, 50, 100, None])], hours, title="Progres",
                            chart_id="l"))
    points = [c for c in root.iter(f"{{{NS['svg']}}}circle")]
    assert [float(c.get("data-value")) for c in points] == [0, 50, 100]
    ys = [float(c.get("cy")) for c in points]
    # y grows downwards: 0 % is the baseline, 100 % the top, 50 % halfway
    assert ys[1] == pytest.approx((ys[0] + ys[2]) / 2, abs=0.1)
    assert ys[0] > ys[2]
    assert "TPS dibuka" in texts(root) and "06:00" in texts(root)
    assert points[1].find("svg:title", NS).text == "TPS dibuka · 07:00: 50%"
    polyline = root.find("svg:g/svg:polyline", NS)
    assert len(polyline.get("points").split()) == 3


def test_phone_layout_puts_each_label_above_its_bar_and_keeps_the_proportions():
    both = wide_and_narrow(bar_chart, [("Kabupaten Konawe Kepulauan", 30), ("Kota Kendari", 10)], title="t",
                           chart_id="w")
    wide, narrow = (parse(part) for part in both.replace("</svg><svg", "</svg>\n<svg").split("\n"))
    assert wide.get("class") == "chart wide" and narrow.get("class") == "chart narrow"
    assert wide.get("data-chart") == "w" and narrow.get("data-chart") == "w-n"  # ids stay unique on the page
    assert narrow.get("viewBox").split()[2] == str(NARROW_WIDTH)
    for row in narrow.iter(f"{{{NS['svg']}}}g"):
        label, bar = row.find("svg:text", NS), row.find("svg:rect", NS)
        assert float(label.get("y")) < float(bar.get("y"))  # the label sits above the bar
        assert float(bar.get("x")) == 0
    widths = [float(b.get("width")) for b in rects(narrow)]
    assert widths[0] == pytest.approx(3 * widths[1], abs=0.02)
    assert "Kabupaten Konawe Kepulauan" in texts(narrow)


def test_all_zero_values_draw_empty_bars_without_dividing_by_zero():
    root = parse(bar_chart([("A", 0), ("B", 0)], title="t"))
    assert [float(b.get("width")) for b in rects(root)] == [0, 0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30))
def test_property_bar_widths_are_proportional(values):
    root = parse(bar_chart([(f"r{i}", v) for i, v in enumerate(values)], title="p"))
    widths = [float(b.get("width")) for b in rects(root)]
    top = max(values)
    plot = max(widths)
    for v, w in zip(values, widths):
        expected = plot * v / top if top else 0
        assert w == pytest.approx(expected, abs=0.02)
