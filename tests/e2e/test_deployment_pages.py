"""The deployment pages in Chromium: posts on the map, the unit table, the what-if mode, roster names by agency."""

import re


def test_plan_page_map_table_and_whatif(page, sign_in):
    sign_in("admin")
    page.goto("/personel/?wilayah=74.01")
    page.wait_for_selector("#map[data-posts]:not([data-posts='0'])", state="attached")
    assert int(page.locator("#map").get_attribute("data-posts")) > 10
    assert page.locator("[data-testid=unit-table] tbody tr").count() > 5
    page.goto("/personel/simulasi/?wilayah=74.01")
    page.fill("[data-testid=whatif-strengths]", "POLRES-74.01=0")
    page.click("[data-testid=whatif-run]")
    page.wait_for_selector("[data-testid=whatif-result]")
    assert re.fullmatch(r"\d+", page.locator("[data-testid=whatif-shortfall]").inner_text().strip())
    assert not page.failed_requests


def test_partner_sees_counts_not_names(page, sign_in):
    sign_in("kpu")
    page.goto("/personel/unit/")
    assert page.locator("[data-testid=names-hidden]").count() == 1
    assert page.locator("[data-testid=roster]").count() == 0
