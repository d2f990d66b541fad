"""The field officer's journey on a phone (390x844): the report form with their post, a report made offline with
a photo and GPS, the outbox, the reconnect that stores it exactly once, a double tap that stores one; and the
handover form that makes the officer read the seals.

Screenshots: test-artifacts/field-*.png.
"""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WHERE = {"latitude": -4.0512, "longitude": 121.6071, "accuracy": 15}
OFFICER = "petugas"  # the demo's PAM TPS officer (operations/demo.py), posted at Towua, Wundulako
POST_TPS = "7401011011001"  # the first TPS of that post, in code order
OTHER_AREA_TPS = "7402012001001"


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"field-{name}.png"), full_page=True)


def photo() -> bytes:
    """A camera-sized JPEG, as a phone would attach it (the form shrinks it to 1600 px)."""
    out = io.BytesIO()
    Image.new("RGB", (2400, 1800), (40, 110, 60)).save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def phone(browser, server):
    context = browser.new_context(base_url=server["url"], locale="id-ID", viewport=PHONE, has_touch=True,
                                  geolocation=WHERE, permissions=["geolocation"])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))  # no alert() anywhere
    page.errors = errors
    yield page
    context.close()


def sign_in(page, username, password="siaga-demo-2024"):
    page.goto("/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/")


def reports_for(page, client_id):
    """The stored reports with this client id, as the field-reports page lists them."""
    page.goto("/operasi/lapor/masuk/")
    return page.locator(f"[data-testid=field-reports] tr[data-client-id='{client_id}']")


def test_the_report_form_opens_from_the_home_page_with_the_post_prefilled(phone):
    sign_in(phone, OFFICER)
    phone.locator("main a[href='/operasi/lapor/']").first.click()
    phone.wait_for_url("**/operasi/lapor/")
    expect(phone.get_by_test_id("tps-select")).to_have_value(POST_TPS)
    expect(phone.get_by_test_id("tps-name")).to_contain_text("TPS 001 · Ngapa, Wundulako")


def test_a_report_made_offline_with_photo_and_gps_waits_then_is_stored_exactly_once(phone):
    sign_in(phone, OFFICER)
    phone.goto("/operasi/lapor/")
    # The post's TPS is chosen already and named, so the officer confirms the place instead of typing it.
    expect(phone.get_by_test_id("tps-select")).to_have_value(POST_TPS)
    expect(phone.get_by_test_id("tps-name")).to_contain_text("TPS 001 · Ngapa, Wundulako")
    expect(phone.get_by_test_id("gps-status")).to_contain_text("Lokasi ditemukan: -4,05120; 121,60710 (± 15 m)")
    expect(phone.get_by_test_id("send")).to_be_disabled()  # nothing to send until the officer says what
    assert phone.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)").endswith("/operasi/sw.js")
    shot(phone, "1-form")

    phone.context.set_offline(True)
    expect(phone.get_by_test_id("net-status")).to_contain_text("Luring")
    # A typed code that is not one of the officer's TPS is refused at once, offline too, and nothing is queued.
    phone.select_option("[data-testid=tps-select]", "")
    phone.fill("#tps", OTHER_AREA_TPS)
    phone.check("input[name=kind][value=buka]")
    phone.click("[data-testid=send]")
    expect(phone.get_by_test_id("form-message")).to_contain_text("tidak dapat diperiksa saat luring")
    expect(phone.get_by_test_id("queue-count")).to_have_text("0")
    phone.select_option("[data-testid=tps-select]", POST_TPS)

    phone.check("input[name=kind][value=penghitungan]")
    phone.set_input_files("[data-testid=photo]", {"name": "tps.jpg", "mimeType": "image/jpeg", "buffer": photo()})
    expect(phone.locator("#photo-preview")).to_be_visible()
    phone.fill("#note", "uji luring dengan foto")
    phone.click("[data-testid=send]")
    expect(phone.get_by_test_id("queue-count")).to_have_text("1")
    waiting = phone.locator("[data-testid=outbox] li[data-state=waiting]")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("menunggu")
    expect(waiting).to_contain_text("dengan foto")
    client_id = waiting.get_attribute("data-client-id")
    body = phone.evaluate(f"JSON.parse(localStorage.getItem('siaga.field.outbox.{OFFICER}'))[0].body")
    assert (body["tps_code"], body["kind"], body["gps_lat"], body["gps_lng"], body["gps_accuracy"]) == \
        (POST_TPS, "penghitungan", -4.0512, 121.6071, 15)
    assert body["photo"].startswith("data:image/jpeg;base64,")
    shot(phone, "2-outbox-waiting")

    phone.context.set_offline(False)
    expect(phone.get_by_test_id("sent-count")).to_have_text("1", timeout=20000)
    expect(phone.get_by_test_id("queue-count")).to_have_text("0")
    expect(phone.locator(f"[data-testid=outbox] li[data-client-id='{client_id}']")).to_have_attribute("data-state",
                                                                                                       "sent")
    shot(phone, "3-outbox-sent")
    stored = reports_for(phone, client_id)
    expect(stored).to_have_count(1)
    expect(stored).to_contain_text("uji luring dengan foto")
    expect(stored).to_contain_text("-4,05120; 121,60710 (± 15 m)")
    expect(stored.locator("img.field-photo-thumb")).to_have_count(1)
    assert stored.locator("img.field-photo-thumb").evaluate("img => img.complete && img.naturalWidth") == 1600
    shot(phone, "4-reports")
    assert not phone.errors


def test_a_double_tap_stores_one_report(phone):
    sign_in(phone, OFFICER)
    phone.goto("/operasi/lapor/")
    phone.check("input[name=kind][value=selesai]")
    phone.fill("#note", "ketuk dua kali")
    phone.get_by_test_id("send").dblclick()
    expect(phone.get_by_test_id("sent-count")).to_have_text("1", timeout=20000)
    expect(phone.locator("[data-testid=outbox] li")).to_have_count(1)
    client_id = phone.locator("[data-testid=outbox] li").get_attribute("data-client-id")
    expect(phone.get_by_test_id("send")).to_be_disabled()  # the next report starts by choosing its kind
    page = reports_for(phone, client_id)
    expect(page).to_have_count(1)
    expect(phone.locator("[data-testid=field-reports] tr", has_text="ketuk dua kali")).to_have_count(1)
    assert not phone.errors


def test_an_incident_needs_its_severity_and_says_what_each_means(phone):
    sign_in(phone, OFFICER)
    phone.goto("/operasi/lapor/")
    phone.check("input[name=kind][value=insiden]")
    expect(phone.locator(".field-severity")).to_contain_text("Kritis: nyawa terancam atau pemungutan terhenti")
    phone.select_option("#category", "intimidasi")
    phone.fill("#description", "Orang tak dikenal meminta salinan C.Hasil")
    phone.click("[data-testid=send]")
    expect(phone.get_by_test_id("form-message")).to_have_text("Pilih tingkat keparahan insiden.")
    expect(phone.get_by_test_id("queue-count")).to_have_text("0")
    phone.check("input[name=severity][value='3']")
    shot(phone, "7-incident")
    phone.click("[data-testid=send]")
    expect(phone.get_by_test_id("sent-count")).to_have_text("1", timeout=20000)
    assert not phone.errors


def test_handover_form_on_the_phone_makes_the_officer_read_the_seals(phone):
    node = "PPS-74.01.01.1001"
    item = "7401011001002-presiden"
    sign_in(phone, "ppk.kolaka")
    phone.goto(f"/kotak-suara/simpul/{node}/")
    form = phone.get_by_test_id("handover-form")
    assert form.locator("input[name=items]:checked").count() == 0
    assert set(form.locator("input[name^='seals-']").evaluate_all("els => els.map(e => e.value)")) == {""}
    assert "Segel" not in phone.get_by_test_id("node-items").inner_text()  # no registry seals beside the form
    form.scroll_into_view_if_needed()
    shot(phone, "5-handover-form")
    form.locator(f"input[name=items][value='{item}']").check()
    form.locator(f"input[name='seals-{item}']").fill("SEGEL-SALAH-1")
    phone.select_option("[data-testid=handover-to]", "TPS-7401011001002")
    phone.fill("#handover-receiver-name", "Ketua KPPS 002")
    phone.click("[data-testid=handover-submit]")
    expect(phone.get_by_test_id("handover-error")).to_contain_text("berbeda dari register")
    expect(phone.get_by_test_id("seal-differs")).to_have_count(1)
    expect(phone.get_by_test_id("confirm-seals")).to_be_visible()
    phone.get_by_test_id("handover-error").scroll_into_view_if_needed()
    shot(phone, "6-handover-seal-differs")
    box = form.bounding_box()  # the page's own navigation is the page shell's; the form fits the phone
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert form.evaluate("f => f.scrollWidth <= f.clientWidth")
    for table in ("reconciliation", "node-items"):  # wide tables scroll inside their own container
        assert phone.get_by_test_id(table).evaluate("t => t.parentElement.clientWidth") <= PHONE["width"]
    assert not phone.errors
