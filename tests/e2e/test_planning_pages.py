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


SETUP = """
import sys, django
django.setup()
sys.path.insert(0, {tests!r})
from renpam_data import pemilu_operation
from siaga.cli import cli_actor
print(pemilu_operation(cli_actor()).pk)
"""


def test_plan_version_review_approve_and_officer_sheet_on_a_phone(sign_in, server, browser):
    """Drafted by Intelkam, reviewed by the administrator, approved by the Kapolda; then an officer's
    assignment sheet on a phone-sized screen."""
    import subprocess
    import sys
    from pathlib import Path

    tests = str(Path(__file__).resolve().parents[1] / "planning")
    pk = subprocess.run([sys.executable, "-c", SETUP.format(tests=tests)], env=server["env"], check=True,
                        capture_output=True, text=True).stdout.strip().splitlines()[-1]
    page = sign_in("intelkam")
    page.goto(f"/rencana/{pk}/")
    assert "8.154" in page.get_by_test_id("figures").inner_text()
    page.get_by_test_id("new-version").click()
    assert "Konsep" in page.get_by_test_id("versions").inner_text()
    assert page.get_by_test_id("review").count() == 0  # analysts draft, commanders sign
    for user, button, state in (("admin", "review", "Diperiksa"), ("kapolda", "approve", "Disahkan")):
        page.context.clear_cookies()
        page = sign_in(user)
        page.goto(f"/rencana/{pk}/")
        page.get_by_test_id(button).click()
        assert state in page.get_by_test_id("versions").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Sprin (PDF)").click()
    assert download.value.suggested_filename == f"sprin-{pk}.pdf"
    page.get_by_role("link", name="Lembar tugas personel").click()
    assert page.get_by_test_id("sheet").count() > 0
    nrp = page.get_by_test_id("sheet").first.locator("h2 .muted").inner_text().removeprefix("NRP ")
    phone = browser.new_context(base_url=server["url"], locale="id-ID", viewport={"width": 390, "height": 844},
                                storage_state=page.context.storage_state())
    small = phone.new_page()
    small.goto(f"/rencana/{pk}/lembar-tugas/?nrp={nrp}")
    assert small.get_by_test_id("sheet").count() == 1
    assert "Komandan pos" in small.get_by_test_id("sheet").inner_text()
    # the sheet itself needs no sideways scrolling (the site's top navigation is the web app's own)
    assert small.evaluate("Math.max(...Array.from(document.querySelectorAll('main *'))"
                          ".map(e => e.getBoundingClientRect().right))") <= 390
    small.screenshot(path=str(Path(__file__).resolve().parents[2] / "test-artifacts" / "sheet-phone.png"),
                     full_page=True)
    phone.close()
    # a download ends its navigation: the browser reports that request as aborted
    assert not [url for url in page.failed_requests if not url.endswith(f"/rencana/{pk}/sprin.pdf")]
