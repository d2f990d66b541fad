"""Meeting and intelligence report pages in headless Chromium, as Polri and as KPU."""

import pytest

pytestmark = pytest.mark.browser

SECRET = "Rencana pengerahan massa ke KPU Muna saat rekapitulasi"


def test_rakernis_with_decisions_and_overdue_dashboard(sign_in):
    page = sign_in("intelkam")
    page.click("header nav >> text=Koordinasi")
    assert "Gelar simulasi pengamanan rekapitulasi di KPU Muna" in page.get_by_test_id("overdue-actions").inner_text()
    page.get_by_test_id("meetings").get_by_role("link", name="Rakernis Dit Intelkam Polda Sultra dan KPU Provinsi Sultra").click()
    assert "KPU Provinsi Sulawesi Tenggara" in page.get_by_test_id("attendees").inner_text()
    assert page.get_by_test_id("decisions").locator("li").count() == 3
    assert "lewat batas waktu" in page.get_by_test_id("action-items").inner_text()


def test_reports_respect_clearance(sign_in):
    page = sign_in("intelkam")
    page.goto("/koordinasi/laporan/")
    assert SECRET in page.get_by_test_id("reports").inner_text()
    page.get_by_role("link", name=SECRET).click()
    assert "rahasia" in page.get_by_test_id("classification").inner_text().lower()  # its label names the code
    page.click("text=Keluar")

    page = sign_in("kpu")
    page.goto("/koordinasi/laporan/")
    assert "terbatas" in page.get_by_test_id("clearance").inner_text().lower()  # its label, e.g. "Terbatas"
    page.fill("input[name=q]", "massa")
    page.click("form.filters button")
    assert SECRET not in page.get_by_test_id("reports").inner_text()
    page.fill("input[name=q]", "")
    page.click("form.filters button")
    listing = page.get_by_test_id("reports").inner_text()
    assert "Sebaran hoaks DPT ganda di media sosial" in listing and SECRET not in listing
