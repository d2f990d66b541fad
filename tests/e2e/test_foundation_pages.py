"""The demo's pages in headless Chromium: sign-in, region browser, map without internet, TPS list and detail."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_sign_in_page_speaks_indonesian_and_rejects_a_wrong_password(page):
    page.goto("/masuk/")
    assert page.locator("h1").inner_text() == "Masuk"
    page.fill("input[name=username]", "intelkam")
    page.fill("input[name=password]", "keliru")
    page.click("button[type=submit].primary")
    assert "Nama pengguna atau kata sandi salah" in page.locator("[role=alert]").inner_text()


def test_dashboard_counts_sultra_tps(sign_in):
    page = sign_in("intelkam")
    count = page.get_by_test_id("tps-count").inner_text()
    assert int(count.replace(".", "").replace(",", "")) == 8154


def test_region_browser_walks_down_to_a_desa(sign_in):
    page = sign_in("intelkam")
    page.click("text=Wilayah")
    assert "Sulawesi Tenggara" in page.locator("h1").inner_text()
    page.get_by_test_id("children").get_by_role("link", name="Kabupaten Kolaka", exact=True).click()
    assert page.locator("h1").inner_text().startswith("Kabupaten Kolaka")
    page.get_by_test_id("children").locator("a").first.click()   # a kecamatan
    page.get_by_test_id("children").locator("a").first.click()   # a desa
    assert page.locator("h2").first.inner_text() == "TPS"
    assert page.locator("table.list tbody tr").count() >= 1


def test_map_draws_boundaries_and_tps_from_local_assets_only(sign_in, server):
    page = sign_in("polres.kolaka")
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto("/peta/")
    page.wait_for_selector("#map[data-points_loaded]", state="attached")
    map_el = page.locator("#map")
    # Kolaka's 12 kecamatan are drawn and its TPS are points; nothing came from outside.
    assert int(map_el.get_attribute("data-regions")) == 12
    assert int(map_el.get_attribute("data-points_loaded")) > 100
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1   # drawn, not only fetched
    assert all(url.startswith(server["url"]) for url in requested), requested
    assert not page.failed_requests


def test_tps_list_search_and_detail(sign_in):
    page = sign_in("intelkam")
    page.goto("/tps/?wilayah=74.71")
    total = int(re.sub(r"\D", "", page.get_by_test_id("result-count").inner_text()))
    assert total > 100
    page.fill("input[name=q]", "TPS 001")
    page.click("form.filters button")
    filtered = int(re.sub(r"\D", "", page.get_by_test_id("result-count").inner_text()))
    assert 0 < filtered < total
    page.locator("table.list tbody a").first.click()
    assert re.fullmatch(r"\d+.*", page.get_by_test_id("voters").inner_text())
    assert page.locator("#map").count() == 1


def test_polres_user_cannot_open_another_kabkota(sign_in):
    page = sign_in("polres.kolaka")
    response = page.goto("/wilayah/74.02/")
    assert response.status == 404


def test_english_can_be_chosen(sign_in):
    page = sign_in("intelkam")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("header nav").inner_text().startswith("Dashboard")
    assert "Regions" in page.locator("header nav").inner_text()
