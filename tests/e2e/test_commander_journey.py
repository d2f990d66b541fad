"""The commander's journey: from sign-in, the sangat rawan TPS and the Polres with the largest shortfall are one
click away each, and their figures equal what `siaga risk score` and `siaga plan deploy` print.

Screenshots: test-artifacts/commander-home-1366.png and -390.png (the README's picture of the home).
"""

import json
import subprocess
import sys

import pytest

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def siaga(server, *args):
    done = subprocess.run([sys.executable, "-m", "siaga", *args], env=server["env"], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def number(text):
    return int(text.strip().replace(".", "").replace(",", ""))


class Clicks:
    """Counts the clicks a person makes after signing in."""

    def __init__(self, page):
        self.page, self.n = page, 0

    def click(self, locator):
        self.n += 1
        locator.click()
        self.page.wait_for_load_state()


def test_commander_reaches_sangat_rawan_tps_and_largest_shortfall_in_two_clicks(page, sign_in, server):
    scored = siaga(server, "risk", "score", "--province", "74", "--json")
    deployed = siaga(server, "plan", "deploy", "--province", "74", "--json")
    polres = [u for u in deployed["unit_table"] if u["unit"].startswith("POLRES-")]
    worst = max(polres, key=lambda u: u["shortfall"])
    assert worst["shortfall"] > 0

    sign_in("kapolda")
    page.set_viewport_size({"width": 1366, "height": 768})
    # the home itself carries the province figures of both commands
    assert number(page.get_by_test_id("sangat-rawan-count").inner_text()) == scored["by_class"]["sangat_rawan"]
    assert number(page.get_by_test_id("home-shortfall").inner_text()) == deployed["shortfall"]
    assert number(page.get_by_test_id("home-assigned").inner_text()) == deployed["polri_assigned"]
    assert number(page.get_by_test_id("home-bko").inner_text()) == deployed["bko"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "commander-home-1366.png"))

    # one click: the sangat rawan TPS list, as many rows as the score counted
    clicks = Clicks(page)
    clicks.click(page.get_by_test_id("sangat-rawan-link"))
    assert number(page.get_by_test_id("tps-list-count").inner_text()) == scored["by_class"]["sangat_rawan"]
    assert page.locator("[data-testid=tps-risk-list] tbody tr").count() == scored["by_class"]["sangat_rawan"]
    assert "Sangat rawan" in page.locator("h1").inner_text()
    assert clicks.n <= 2

    # from the home again, one click: the Polres with the largest shortfall, with the plan's figures
    page.go_back()
    page.wait_for_load_state()
    clicks = Clicks(page)
    link = page.get_by_test_id("worst-shortfall-link")
    assert link.inner_text() == worst["name"]
    clicks.click(link)
    assert clicks.n <= 2
    assert number(page.get_by_test_id("shortfall").inner_text()) == worst["shortfall"]
    assert number(page.get_by_test_id("required").inner_text()) == worst["required"]
    assert number(page.get_by_test_id("assigned").inner_text()) == worst["assigned"]
    assert worst["assigned"] == worst["own"] + worst["bko"]
    assert not [u for u in page.failed_requests if "stream" not in u]


def test_commander_home_fits_a_phone(page, sign_in):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("kapolda")
    # nothing in the page's content is wider than the screen outside its own scroll container
    too_wide = page.locator("main [data-testid=home-risk], main [data-testid=home-personnel]")
    assert too_wide.count() == 2
    for i in range(too_wide.count()):
        box = too_wide.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1
    assert page.locator("svg.chart[role=img]").count() >= 3
    page.screenshot(path=str(ARTIFACTS / "commander-home-390.png"))
