"""The field report form and what it sends: the officer's posts, the TPS check, GPS and photo with a report,
refusals in the user's language, one stored report per client id, photos read only within scope."""

import base64
import struct
import uuid
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

import siaga.operations
from siaga.deployment.models import Plan, PlanPersonAssignment
from siaga.operations.models import FieldOfficer, Incident, IncidentPhoto, TpsEvent, TpsEventPhoto
from siaga.operations.services.field import PHOTO_MAX_BYTES

EVENTS, INCIDENTS = "/api/operations/events", "/api/operations/incidents"
OTHER_AREA_TPS = "7402012001001"  # Konawe: outside the demo field officer's kecamatan (74.01.01)


def png(width=2, height=2) -> bytes:
    """A real PNG (red pixels), built by hand so the test needs no image library."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def data_url(raw: bytes, kind="image/png") -> str:
    return f"data:{kind};base64," + base64.b64encode(raw).decode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(user):
    return user("petugas")


@pytest.fixture
def own_tps(officer):
    """The TPS of the demo officer's post, straight from the plan (the reference the form must match)."""
    person = FieldOfficer.objects.get(user=officer).person
    plan = Plan.objects.filter(area_code="74").first()
    posts = PlanPersonAssignment.objects.filter(plan=plan, person=person).select_related("post")
    return sorted(c for a in posts for c in a.post.tps_codes)


@pytest.fixture
def as_officer(client, officer):
    client.force_login(officer)
    return client


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_demo_has_a_field_officer_with_a_post_in_their_own_kecamatan(officer, own_tps):
    assert officer.role == "petugas" and officer.agency.code == "POLSEK-74.01.01"
    assert own_tps and all(code.startswith("74010") for code in own_tps)


def test_the_form_offers_exactly_the_officers_post_tps_with_their_names(as_officer, officer, own_tps):
    from siaga.operations.field_posts import field_posts
    from siaga.regions.models import Tps

    html = as_officer.get(reverse("operations:field")).content.decode()
    posts = field_posts(viewer=officer)
    assert sorted(t["code"] for p in posts for t in p["tps"]) == own_tps
    first = Tps.objects.select_related("desa").get(code=own_tps[0], election="pemilu")
    assert f'<option value="{first.code}">{first.name} · {first.desa.name}, ' in html  # TPS name shown
    assert 'id="field-posts" type="application/json"' in html
    for words in ("Ringan", "Sedang", "Berat", "Kritis"):  # severity explained in words, in Indonesian
        assert words in html
    assert "alert(" not in (Path(siaga.operations.__file__).parent / "static/operations/field.js").read_text()


def test_a_user_without_a_post_types_the_code(client_as):
    html = client_as("polres.kolaka").get(reverse("operations:field")).content.decode()
    assert 'id="tps-select"' not in html and 'id="tps"' in html and "belum punya pos" in html


def test_tps_check_names_the_officers_tps_and_refuses_others_in_the_users_language(as_officer, own_tps):
    ok = as_officer.get(f"/api/operations/tps-check/{own_tps[0]}")
    assert ok.status_code == 200 and ok.json()["code"] == own_tps[0] and ok.json()["label"].startswith("TPS ")
    out = as_officer.get(f"/api/operations/tps-check/{OTHER_AREA_TPS}")
    assert out.status_code == 404 and out.json()["detail"] == f"TPS {OTHER_AREA_TPS} tidak ditemukan di wilayah Anda."
    short = as_officer.get("/api/operations/tps-check/74010")
    assert short.status_code == 400 and short.json()["detail"] == "Kode TPS terdiri dari 13 angka."
    english(as_officer)
    out = as_officer.get(f"/api/operations/tps-check/{OTHER_AREA_TPS}")
    assert out.json()["detail"] == f"TPS {OTHER_AREA_TPS} is not in your area."
    assert as_officer.get("/api/operations/tps-check/74010").json()["detail"] == "A TPS code has 13 digits."


def test_an_out_of_area_report_is_refused_with_a_clear_message_in_both_languages(as_officer):
    body = {"client_id": str(uuid.uuid4()), "tps_code": OTHER_AREA_TPS, "kind": "buka"}
    r = as_officer.post(EVENTS, body, content_type="application/json")
    assert r.status_code == 400 and r.json()["detail"] == f"TPS {OTHER_AREA_TPS} tidak ditemukan di wilayah Anda."
    english(as_officer)
    r = as_officer.post(EVENTS, {**body, "client_id": str(uuid.uuid4())}, content_type="application/json")
    assert r.status_code == 400 and r.json()["detail"] == f"TPS {OTHER_AREA_TPS} is not in your area."
    assert not TpsEvent.objects.filter(tps__code=OTHER_AREA_TPS, reporter__username="petugas").exists()


def test_a_report_with_gps_and_photo_is_stored_once_with_both(as_officer, own_tps):
    raw = png()
    body = {"client_id": str(uuid.uuid4()), "tps_code": own_tps[0], "kind": "penghitungan",
            "gps_lat": -4.0512, "gps_lng": 121.6071, "gps_accuracy": 12, "photo": data_url(raw), "note": "ok"}
    first = as_officer.post(EVENTS, body, content_type="application/json")
    again = as_officer.post(EVENTS, body, content_type="application/json")  # a double tap or a retry
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and again.json()["created"] is False
    event = TpsEvent.objects.get(client_id=body["client_id"])
    assert (event.gps_lat, event.gps_lng, event.gps_accuracy_m) == (-4.0512, 121.6071, 12.0)
    photo = TpsEventPhoto.objects.get(event=event)
    assert (photo.content_type, photo.size, photo.file.read()) == ("image/png", len(raw), raw)
    assert TpsEventPhoto.objects.filter(event__client_id=body["client_id"]).count() == 1


@pytest.mark.parametrize("photo, words", [
    (data_url(b"GIF89a" + b"\x00" * 32, "image/gif"), "bukan foto JPEG atau PNG"),
    (data_url(b"\x89PNG\r\n\x1a\n" + b"\x00" * (PHOTO_MAX_BYTES + 1 - 8)), "terlalu besar"),
    ("data:image/png;base64,@@not-base64@@", "tidak dapat dibaca"),
])
def test_a_bad_photo_refuses_the_whole_report(as_officer, own_tps, photo, words):
    body = {"client_id": str(uuid.uuid4()), "tps_code": own_tps[0], "kind": "selesai", "photo": photo}
    r = as_officer.post(EVENTS, body, content_type="application/json")
    assert r.status_code == 400 and words in r.json()["detail"]
    assert not TpsEvent.objects.filter(client_id=body["client_id"]).exists()


def test_a_photo_of_exactly_the_limit_is_accepted(as_officer, own_tps):
    raw = b"\xff\xd8\xff" + b"\x00" * (PHOTO_MAX_BYTES - 3)
    body = {"client_id": str(uuid.uuid4()), "tps_code": own_tps[0], "kind": "selesai", "photo": data_url(raw)}
    assert as_officer.post(EVENTS, body, content_type="application/json").status_code == 201
    assert TpsEventPhoto.objects.get(event__client_id=body["client_id"]).size == PHOTO_MAX_BYTES


@pytest.mark.parametrize("gps", [{"gps_lat": 91, "gps_lng": 121}, {"gps_lat": -4.0}, {"gps_lat": -4, "gps_lng": 121,
                                                                                      "gps_accuracy": -1}])
def test_an_impossible_gps_fix_refuses_the_report(as_officer, own_tps, gps):
    body = {"client_id": str(uuid.uuid4()), "tps_code": own_tps[0], "kind": "selesai", **gps}
    r = as_officer.post(EVENTS, body, content_type="application/json")
    assert r.status_code == 400 and "GPS" in r.json()["detail"]
    assert not TpsEvent.objects.filter(client_id=body["client_id"]).exists()


def test_an_incident_keeps_the_phones_gps_apart_from_its_place_and_its_photo(as_officer, own_tps):
    body = {"client_id": str(uuid.uuid4()), "tps_code": own_tps[0], "category": "bentrok", "severity": 2,
            "description": "Adu mulut di depan TPS", "gps_lat": -4.05, "gps_lng": 121.6, "gps_accuracy": 30,
            "photo": data_url(png())}
    r = as_officer.post(INCIDENTS, body, content_type="application/json")
    again = as_officer.post(INCIDENTS, body, content_type="application/json")
    assert (r.status_code, again.status_code) == (201, 200)
    incident = Incident.objects.get(client_id=body["client_id"])
    assert (incident.gps_lat, incident.gps_lng, incident.gps_accuracy_m) == (-4.05, 121.6, 30.0)
    assert (incident.lat, incident.lng) == (incident.tps.lat, incident.tps.lng)  # the place stays the TPS
    assert IncidentPhoto.objects.filter(incident=incident, content_type="image/png").count() == 1
    page = as_officer.get(reverse("operations:incident_detail", args=[incident.pk])).content.decode()
    assert 'data-testid="reporter-gps"' in page and "-4,05000" in page


def test_photos_and_positions_are_read_only_within_scope(as_officer, own_tps, client_as, user):
    body = {"client_id": str(uuid.uuid4()), "tps_code": own_tps[1], "kind": "selesai", "gps_lat": -4.06,
            "gps_lng": 121.61, "gps_accuracy": 8, "photo": data_url(png())}
    event_id = as_officer.post(EVENTS, body, content_type="application/json").json()["id"]
    url = reverse("operations:event_photo", args=[event_id])
    mine = as_officer.get(url)
    assert mine.status_code == 200 and mine["Content-Type"] == "image/png"
    listing = as_officer.get(reverse("operations:field_reports")).content.decode()
    assert body["client_id"] in listing and "m dari TPS" in listing and url in listing
    assert client_as("kapolda").get(url).status_code == 200  # the Polda sees its province
    from siaga.accounts.models import Agency, Role
    from siaga.accounts.services import user_upsert

    user_upsert(actor=None, username="polres.konawe.t", password="", role=Role.OPERATOR,
                agency=Agency.objects.get(code="POLRES-74.02"))
    assert client_as("polres.konawe.t").get(url).status_code == 404  # another kab/kota
    assert body["client_id"] not in client_as("polres.konawe.t").get(reverse("operations:field_reports")).content.decode()
    assert client_as("kpu").get(url).status_code == 404  # a partner agency: officers' positions are police data


def test_a_batch_stores_each_events_gps_and_refuses_an_impossible_one_alone(as_officer, own_tps):
    good, bad = str(uuid.uuid4()), str(uuid.uuid4())
    r = as_officer.post(f"{EVENTS}/batch", {"events": [
        {"client_id": good, "tps_code": own_tps[2], "kind": "logistik", "gps_lat": -4.07, "gps_lng": 121.62,
         "gps_accuracy": 20},
        {"client_id": bad, "tps_code": own_tps[2], "kind": "buka", "gps_lat": -4.07, "gps_lng": 181}]},
        content_type="application/json")
    assert (r.json()["accepted"], r.json()["rejected"]) == (1, 1)
    assert "GPS" in r.json()["results"][1]["detail"]
    assert TpsEvent.objects.get(client_id=good).gps_accuracy_m == 20.0
    assert not TpsEvent.objects.filter(client_id=bad).exists()


def test_a_sign_in_is_tied_to_one_roster_entry_and_that_is_audited(officer, user):
    from siaga.accounts.models import AuditLog
    from siaga.operations.services import Rejected
    from siaga.operations.services.field import field_officer_link

    nrp = FieldOfficer.objects.get(user=officer).person.nrp
    other = user("polres.kolaka")
    with pytest.raises(Rejected, match=f"NRP {nrp} sudah dipakai akun petugas"):
        field_officer_link(actor=other, user=other, nrp=nrp)
    with pytest.raises(Rejected, match="Tidak ada personel dengan NRP 00000000"):
        field_officer_link(actor=other, user=other, nrp="00000000")
    assert not FieldOfficer.objects.filter(user=other).exists()
    assert AuditLog.objects.filter(action="field_officer.link", object_id="petugas").count() == 1  # the demo's
