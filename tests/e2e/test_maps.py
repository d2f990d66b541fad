"""Maps that speak (issue 18): every map page in Chromium draws the region outlines offline, colours areas at the
overview zoom, shows clustered points once zoomed in, has a legend of swatches, labels and counts that filters the
points, and the sangat rawan list beside the risk map leads to the TPS on the map. Screenshots at both sizes."""

import re

import pytest

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
# page -> (map element, whether it colours areas at the overview zoom)
MAP_PAGES = {
    "/kerawanan/": ("#risk-map", True),
    "/peta/": ("#map", True),
    "/operasi/": ("#map", True),
    "/personel/": ("#map", True),
    "/kotak-suara/": ("#custody-map", False),
    "/kotak-suara/pengawalan/": ("#custody-map", False),
}
# Fill colours of the drawn areas, read from the Leaflet layers (an evaluate, not a wait: CSP has no eval).
AREA_FILLS = """() => {
  const fills = [];
  SiagaMap.maps[0].eachLayer((l) => { if (l.feature && l.feature.properties.induk !== undefined && l.options.fill)
    fills.push(l.options.fillColor); });
  return fills;
}"""
LEGEND_ROWS = """(root) => Array.from(root.querySelectorAll("[data-key]")).map((row) => {
  const sw = row.querySelector(".swatch");
  return {key: row.dataset.key, label: row.dataset.label || row.textContent.trim(),
          colour: sw ? getComputedStyle(sw).backgroundColor : null,
          count: (row.querySelector(".count") || {}).textContent};
})"""


def signed_in(browser, server, size, username="kapolda"):
    context = browser.new_context(base_url=server["url"], locale="id-ID", viewport=dict(zip(("width", "height"),
                                                                                         SIZES[size])))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto("/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "siaga-demo-2024")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")
    return page


def ready(page, url, selector):
    page.goto(url)
    page.wait_for_selector(f"{selector}[data-ready]", state="attached")
    return page.locator(selector)


def legend_rows(page, name):
    return page.eval_on_selector(f"[data-legend={name}]", LEGEND_ROWS)


def count(text):
    return int(re.sub(r"\D", "", text or "") or 0)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("url", MAP_PAGES)
def test_map_page_draws_outlines_legend_and_fits_the_screen(browser, server, url, size):
    selector, areas = MAP_PAGES[url]
    page = signed_in(browser, server, size)
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    el = ready(page, url, selector)
    # Outlines of the 17 kab/kota and 221 kecamatan, drawn (a canvas in their own pane), nothing from outside.
    assert el.get_attribute("data-outlines2") == "17" and el.get_attribute("data-outlines3") == "221"
    assert page.locator(f"{selector} .leaflet-outlines-pane canvas").count() == 1
    # ... and painted at the map's size (a page-wide max-width once squeezed Leaflet's canvases to nothing).
    for canvas in page.locator(f"{selector} canvas").all():
        assert canvas.evaluate("(c) => c.getBoundingClientRect().width") >= el.evaluate("(m) => m.clientWidth")
    assert all(u.startswith(server["url"]) for u in requested), [u for u in requested if not u.startswith(server["url"])]
    # A real legend: each row a coloured swatch, words (not a raw code) and a number.
    rows = legend_rows(page, "points")
    assert rows
    for row in rows:
        assert row["colour"] not in (None, "rgba(0, 0, 0, 0)"), row
        assert row["label"] and "_" not in row["label"], row
        assert re.fullmatch(r"[\d.]+", row["count"]), row
    assert len({r["colour"] for r in rows}) == len(rows)   # one colour per class or state
    if areas:
        assert el.get_attribute("data-mode") == "areas"
        area_rows = legend_rows(page, "areas")
        assert sum(count(r["count"]) for r in area_rows) == int(el.get_attribute("data-areas_loaded")) == 17
        fills = page.evaluate(AREA_FILLS)
        # Every area filled with one of its legend's colours (the canvas reports them as given: compare as rgb).
        legend_colours = {r["colour"] for r in area_rows}
        rgb = [page.evaluate("(c) => { const d = document.createElement('i'); d.style.color = c; "
                             "document.body.appendChild(d); const v = getComputedStyle(d).color; d.remove(); "
                             "return v; }", f) for f in fills]
        assert len(rgb) == 17 and set(rgb) <= legend_colours, (set(rgb), legend_colours)
    # The map and its legend fit the phone: nothing wider than the screen.
    wrap = page.locator(".map-wrap")
    assert wrap.evaluate("(w) => w.scrollWidth <= w.clientWidth + 1")
    assert page.evaluate("() => document.querySelector('.map-wrap').getBoundingClientRect().right") <= SIZES[size][0]
    el.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    name = url.strip("/").replace("/", "-")
    page.screenshot(path=str(ARTIFACTS / f"map-{name}-{size}.png"))
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("url", [u for u, (_, areas) in MAP_PAGES.items() if areas])
def test_zooming_in_shows_clustered_points_and_the_legend_filters_them(browser, server, url):
    selector, _ = MAP_PAGES[url]
    page = signed_in(browser, server, "desktop")
    el = ready(page, url, selector)
    assert page.locator(".siaga-cluster").count() == 0    # the overview is the choropleth
    el.scroll_into_view_if_needed()
    page.click(f"{selector} .leaflet-control-zoom-in")
    page.wait_for_selector(f"{selector}[data-mode=points]", state="attached")
    page.wait_for_selector(".siaga-cluster", state="attached")
    rows = legend_rows(page, "points")
    visible = int(el.get_attribute("data-points_visible"))
    assert visible == sum(count(r["count"]) for r in rows) > 0
    # Unchecking the most frequent class or state hides exactly its points.
    biggest = max(rows, key=lambda r: count(r["count"]))
    page.uncheck(f"[data-legend=points] [data-key='{biggest['key']}'] input")
    page.wait_for_selector(f"{selector}[data-points_visible='{visible - count(biggest['count'])}']", state="attached")
    assert page.errors == []
    page.context.close()


def test_sangat_rawan_list_leads_to_the_tps_on_the_map(browser, server):
    page = signed_in(browser, server, "desktop")
    el = ready(page, "/kerawanan/", "#risk-map")
    links = page.locator("[data-testid=sangat-rawan-list] a[data-focus]")
    sangat = next(r for r in legend_rows(page, "points") if r["key"] == "2")
    assert links.count() == count(sangat["count"]) > 0  # every sangat rawan TPS of the legend is listed
    first = links.first
    code, name = first.get_attribute("data-focus"), first.inner_text()
    first.click()
    page.wait_for_selector(f"#risk-map[data-focused='{code}']", state="attached")
    assert el.get_attribute("data-mode") == "points"
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert name in popup and code in popup and "Sangat rawan" in popup
    # The same link without the script's help (a new tab, a shared link) opens the map on that TPS.
    page.goto("/kerawanan/" + first.get_attribute("href"))
    page.wait_for_selector(f"#risk-map[data-focused='{code}']", state="attached")
    assert page.errors == []
    page.context.close()


def test_command_post_map_filters_by_last_report_and_lists_overdue_tps(browser, server):
    page = signed_in(browser, server, "desktop")
    el = ready(page, "/operasi/", "#map")
    total = int(el.get_attribute("data-points_visible"))
    reporting = sum(count(r["count"]) for r in legend_rows(page, "points") if r["key"] not in ("persiapan",))
    assert 0 < reporting < total    # the demo's voting day has begun somewhere
    page.select_option("[data-filter=since]", "-60")   # no report for over an hour: the silent TPS
    page.wait_for_selector(f"#map:not([data-points_visible='{total}'])", state="attached")
    silent = int(el.get_attribute("data-points_visible"))
    assert 0 < silent < total
    # The overdue list beside the map (the demo's day has none flagged: the Django test sweeps and checks it).
    overdue = page.get_by_test_id("overdue-list")
    assert count(page.get_by_test_id("overdue-total").inner_text()) == overdue.locator("a[data-focus]").count()
    page.context.close()


def test_polres_map_is_its_kabkota_only(browser, server):
    page = signed_in(browser, server, "desktop", "polres.kolaka")
    el = ready(page, "/kerawanan/", "#risk-map")
    assert el.get_attribute("data-outlines2") == "1" and el.get_attribute("data-outlines3") == "12"
    assert el.get_attribute("data-areas_loaded") == "12"
    assert sum(count(r["count"]) for r in legend_rows(page, "areas")) == 12
    page.context.close()
