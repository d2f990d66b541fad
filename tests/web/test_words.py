"""Words, not codes (issue 18): labels for stored values, region names with their codes, Indonesian numbers,
one local time zone written on every page, breadcrumbs inside the viewer's area, error pages in the
user's language."""


import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from siaga.core import tps_state
from siaga.operations import labels, workflow
from siaga.operations.stream import labelled

pytestmark = pytest.mark.django_db


def render(text, lang="id", **context):
    with translation.override(lang), timezone.override("Asia/Makassar"):
        return Template("{% load siaga_ui %}" + text).render(Context(context)).strip()


def test_numbers_are_grouped_the_indonesian_way_and_identifiers_are_not():
    assert render("{{ n }} · {{ x }}", n=241763, x=38.32) == "241.763 · 38,32"
    assert render("{{ n }} · {{ x }}", lang="en", n=241763, x=38.32) == "241,763 · 38.32"
    assert render("{% load l10n %}/operasi/insiden/{{ pk|unlocalize }}/", pk=12345) == "/operasi/insiden/12345/"


def test_regions_show_their_name_with_the_code_as_secondary_text():
    assert render('{{ "74.01"|area_name }}') == 'Kabupaten Kolaka <span class="code">74.01</span>'
    assert render('{{ ""|area_name }}') == "Seluruh Indonesia"
    assert render('{{ "kabupaten"|region_kind }} · {{ "kota"|region_kind }}', lang="en") == \
        "Regency (kabupaten) · City (kota)"


def test_stage_status_and_class_codes_become_labels_in_both_languages():
    assert render('{{ "serah"|stage_label }} · {{ 2|class_label }} · {{ "sangat_rawan"|class_label }}') == \
        "Diserahkan · Sangat rawan · Sangat rawan"
    assert render('{{ "serah"|stage_label }} · {{ 2|class_label }}', lang="en") == \
        "Handed over · Highly vulnerable"
    assert render('{{ "rahasia"|choice:"coordination.Classification" }}', lang="en") == "Secret (rahasia)"


def test_every_stored_stage_and_status_has_a_label():
    assert set(labels.TpsStage.values) == set(tps_state.STAGES + tps_state.FLAG_EVENTS)
    assert set(labels.IncidentStatus.values) == set(workflow.STATUS_LABELS)
    from siaga.operations.services.dispatch import DISPATCH_STEPS

    assert {s for step in DISPATCH_STEPS.values() for s in step[:2]} == set(labels.DispatchStatus.values)


def test_live_feed_messages_carry_labels_in_the_viewers_language():
    message = {"type": "incident", "id": 4, "status": "baru", "category": "bentrok", "severity": 4}
    with translation.override("en"):
        shown = labelled(message)
    assert (shown["status_label"], shown["category_label"]) == ("New", "Supporter clash")
    with translation.override("id"):
        assert labelled({"type": "tps", "tps": "x", "stage": "serah"})["stage_label"] == "Diserahkan"
    assert "status_label" not in message  # the broadcast message itself is left as published


def test_stored_utc_times_are_shown_in_the_pages_zone():
    # 01:00 UTC is 09:00 WITA (UTC+8).
    assert render('{{ v|detail_value }}', v="2024-02-14T01:00:00Z") == "14 Feb 2024 09:00"
    assert render('{{ v|detail_key }}: {{ w|detail_key }}', v="expected", w="seal_replaced") == \
        "seharusnya: segel diganti"
    assert render('{{ v|detail_value }}', v="bukan waktu") == "bukan waktu"


def test_every_page_names_its_time_zone_from_the_viewers_province(client_as, user):
    page = client_as("polres.kolaka").get("/").content.decode()
    assert "Semua waktu dalam WITA (UTC+8)" in page
    jakarta = user("polres.kolaka")
    jakarta.area_code = "31"
    jakarta.save()
    client = client_as("polres.kolaka")
    assert "WIB (UTC+7)" in client.get("/").content.decode()
    assert timezone.get_current_timezone_name() == "Asia/Makassar"  # the request's zone did not leak


def test_breadcrumbs_stay_inside_the_viewers_area(client_as):
    page = client_as("polres.kolaka").get("/wilayah/74.01.04/").content.decode()
    crumbs = page[page.index('class="crumbs"'):page.index("</nav>", page.index('class="crumbs"'))]
    assert 'href="/wilayah/74/"' not in crumbs and "Sulawesi Tenggara" in crumbs
    assert 'href="/wilayah/74.01/"' in crumbs


def test_error_pages_speak_the_users_language(client_as):
    client = client_as("polres.kolaka")
    missing = client.get("/tidak-ada/")
    assert missing.status_code == 404 and "Halaman tidak ditemukan" in missing.content.decode()
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/tidak-ada/").content.decode()
    outside = client.get("/wilayah/74/")
    assert outside.status_code in (403, 404) and "Not Found" not in outside.content.decode()
