"""The Dit Intelkam journey in headless Chromium: an analyst writes an LI, the Lapinhar picks it up, and a
money-politics case is opened from it and forwarded to Sentra Gakkumdu, where its legal clock runs."""

import pytest

pytestmark = pytest.mark.browser

TITLE = "Serangan fajar direncanakan di Desa Ngapaah"


def test_analyst_writes_an_li_the_lapinhar_picks_it_up_and_a_case_goes_to_gakkumdu(sign_in):
    page = sign_in("intelkam")
    page.click("header nav >> text=Intelijen")
    page.click("text=Tulis LI")
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=area_code]", "74.05.01")
    page.fill("input[name=day]", "2024-11-26")
    page.fill("input[name=source]", "Informan warga")
    page.select_option("select[name=source_reliability]", "B")
    page.select_option("select[name=credibility]", "2")
    page.fill("textarea[name=facts]", "Tim sukses menyiapkan amplop untuk dibagikan subuh sebelum pemungutan.")
    page.select_option("select[name=classification]", "rahasia")
    page.get_by_test_id("li-submit").click()
    number = page.get_by_test_id("number").inner_text()
    assert number.startswith("R/LI-") and number.endswith("/XI/2024/Ditintelkam")

    page.goto("/intelijen/lapinhar/?day=2024-11-26&area=74.05")
    page.get_by_test_id("compile").click()
    assert TITLE in page.get_by_test_id("lapinhar-li").inner_text()
    assert "Kabupaten Konawe Selatan" in page.content()  # the area by name
    page.get_by_test_id("lapinhar-li").get_by_role("link", name=number).click()

    form = page.get_by_test_id("case-from-li")
    form.locator("select[name=kind]").select_option("politik_uang")
    form.locator("input[name=area_code]").fill("74.05.01.1002")
    form.locator("textarea[name=subjects]").fill("La Ode Sabar (tim sukses)")
    page.get_by_test_id("case-open").click()
    assert page.get_by_test_id("case-kind").inner_text() == "Politik uang"
    assert number in page.get_by_test_id("case-products").inner_text()
    assert "Politik uang di Desa Ngapaah" in page.get_by_test_id("duplicates").inner_text()  # the demo's case

    forward = page.get_by_test_id("case-forward")
    forward.locator("select[name=election]").select_option("pilkada")
    forward.locator("select[name=origin]").select_option("temuan")
    forward.locator("input[name=reported_on]").fill("2024-11-27")
    page.get_by_test_id("case-forward-submit").click()
    assert page.get_by_test_id("case-status").inner_text() == "Diteruskan ke Sentra Gakkumdu"
    page.get_by_test_id("case-gakkumdu").click()
    assert TITLE in page.get_by_test_id("gakkumdu-clocks").inner_text()  # Bawaslu's study clock has started
