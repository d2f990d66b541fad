"""The vulnerability map and the TPS risk page in headless Chromium."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_risk_map_colours_areas_and_tps_then_opens_a_tps(sign_in, server):
    page = sign_in("polres.kolaka")
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto("/kerawanan/")
    page.wait_for_selector("#risk-map[data-points_loaded]", state="attached")
    page.wait_for_selector("#risk-map[data-areas_loaded]", state="attached")
    el = page.locator("#risk-map")
    assert int(el.get_attribute("data-areas_loaded")) == 12  # Kolaka's kecamatan
    every_class = int(el.get_attribute("data-points_loaded"))
    assert every_class > 100
    assert "Indeks Kerawanan Siaga" in page.get_by_test_id("area-index").inner_text()
    assert "IKP Bawaslu" in page.get_by_test_id("ikp").inner_text()
    assert all(url.startswith(server["url"]) for url in requested), requested
    assert not page.failed_requests
    # Only rawan and worse: fewer points.
    page.check("input[name=kelas][value='1']")
    page.check("input[name=kelas][value='2']")
    page.click("form.filters button")
    page.wait_for_url("**kelas=2**")
    page.wait_for_selector("#risk-map[data-points_loaded]", state="attached")
    assert 0 < int(page.locator("#risk-map").get_attribute("data-points_loaded")) < every_class


def test_tps_risk_page_shows_class_explanation_and_takes_a_correction(sign_in):
    page = sign_in("intelkam")
    page.goto("/kerawanan/ringkasan/")
    assert page.get_by_test_id("summary").locator("tbody tr").count() == 17
    page.goto("/api/risk/tps-points?area=74.03&klass=2")
    code = re.search(r'"kode": "(\d{13})"', page.content()).group(1)
    page.goto(f"/kerawanan/tps/{code}/")
    assert page.get_by_test_id("risk-class").inner_text() == "Sangat rawan"
    assert page.get_by_test_id("contributions").locator("tbody tr").count() >= 1  # what decided it (one criterion may)
    value = page.locator("select[name=indicator] option", has_text="P24.LIS.01").get_attribute("value")
    page.select_option("select[name=indicator]", value=value)
    page.fill("input[name=value]", "1")
    page.click("[data-testid=observation-form] button")
    assert "P24.LIS.01" in page.get_by_test_id("observations").inner_text()
    assert "Sangat rawan" in page.get_by_test_id("risk-class").inner_text()


def test_election_selector_switches_the_map_to_pilkada_and_opens_a_pilkada_tps(sign_in):
    """The same area in Pilkada: its own TPS count and points, and a point opens the Pilkada TPS's page."""
    page = sign_in("polres.kolaka")
    page.goto("/kerawanan/")
    page.wait_for_selector("#risk-map[data-points_loaded]", state="attached")
    pemilu_total = int(page.locator("#risk-map").get_attribute("data-total"))
    page.select_option("[data-testid=election-select]", "pilkada")
    page.click("form.filters button")
    page.wait_for_url("**pemilihan=pilkada**")
    page.wait_for_selector("#risk-map[data-points_loaded]", state="attached")
    el = page.locator("#risk-map")
    pilkada_total = int(el.get_attribute("data-total"))
    assert 0 < pilkada_total < pemilu_total
    assert 0 < int(el.get_attribute("data-points_loaded")) <= pilkada_total
    assert "pemilihan=pilkada" in el.get_attribute("data-tps-query")
    page.goto("/api/risk/tps-points?area=74.01&klass=0&pemilihan=pilkada")
    code = re.search(r'"kode": "(\d{13})"', page.content()).group(1)
    page.goto(f"/kerawanan/tps/{code}/?pemilihan=pilkada")
    assert page.get_by_test_id("risk-election").inner_text() == "Pilkada"
    assert page.locator("select[name=indicator] option", has_text="K24.").count() > 0
