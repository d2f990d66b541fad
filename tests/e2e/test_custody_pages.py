"""Custody pages in Chromium on the real demo: where the boxes are, a journey, anomalies, missions, public roots."""

import re


def test_where_boxes_are_journey_and_anomalies(page, sign_in):
    sign_in("admin")
    page.goto("/kotak-suara/")
    assert page.locator("[data-testid=nodes] tr").count() > 10  # one row per KPU warehouse + header
    assert int(page.locator("#custody-map").get_attribute("data-layers")) > 0
    page.goto("/kotak-suara/?kind=tps&q=7401")
    page.locator("[data-testid=found] a", has_text="presiden").first.click()
    page.wait_for_url(re.compile(r"/kotak-suara/barang/"))
    journey = page.locator("[data-testid=journey] tr")
    assert journey.count() >= 3  # header + registered + at least one handover
    assert "registered" in page.locator("[data-testid=journey]").inner_text()
    page.goto("/kotak-suara/anomali/")
    text = page.locator("[data-testid=anomalies]").inner_text()
    assert "S-TIDAK-DIKENAL-01" in text  # the demo's seal mismatch
    assert not page.failed_requests


def test_mission_map_and_public_checkpoints(page, sign_in, browser, server):
    sign_in("kapolda")
    page.goto("/kotak-suara/pengawalan/")
    assert page.locator("[data-testid=mission]").count() >= 1
    assert int(page.locator("#custody-map").get_attribute("data-layers")) >= 2  # two legs at least
    assert not page.failed_requests
    anonymous = browser.new_context(base_url=server["url"]).new_page()
    anonymous.goto("/kotak-suara/checkpoint/")
    assert re.search(r"[0-9a-f]{64}", anonymous.locator("[data-testid=checkpoints]").inner_text())
    anonymous.context.close()
