"""The threat register and a contingency in headless Chromium."""

import pytest

pytestmark = pytest.mark.browser


def test_threat_register_and_contingency_activation(sign_in):
    page = sign_in("kapolda")
    page.click("header nav >> text=Rencana")
    assert page.locator("h1").inner_text() == "Rencana pengamanan"
    assert "Tahapan saat ini" in page.get_by_test_id("current-stage").inner_text()
    page.get_by_role("link", name="Operasi Mantap Praja Anoa 2024").click()
    threats = page.get_by_test_id("threats")
    assert "Kerusuhan di kantor KPU Muna saat rekapitulasi" in threats.inner_text()
    assert "Pemungutan dan penghitungan suara" in page.get_by_test_id("stages").inner_text()
    assert "Tindak lanjut selesai tepat waktu" in page.get_by_test_id("kpis").inner_text()
    threats.get_by_role("link", name="Kerusuhan di kantor KPU Muna saat rekapitulasi").click()
    assert page.get_by_test_id("risk").inner_text().startswith("3×5 = 15")
    card = page.get_by_test_id("contingency").first
    card.get_by_role("button", name="Aktifkan").click()
    card = page.get_by_test_id("contingency").first
    assert "Aktif" in card.inner_text()
    card.get_by_role("button", name="Selesai").first.click()
    assert page.get_by_test_id("step-done").count() == 1
    assert not page.failed_requests
