"""ODK Collect's conversation with the OpenRosa endpoints, checked on what the database then holds."""

import hashlib
import re

from django.utils import timezone

from siaga.fieldapps import xlsform
from siaga.fieldapps.models import Attachment, Submission
from siaga.operations.models import Incident, IncidentPhoto, TpsEvent

from .conftest import Collect, instance, jpeg

NOW = lambda: timezone.now().isoformat()  # noqa: E731


def checkin(tps_code, kind="buka", instance_id=None, extra=""):
    return instance("siaga_checkin", f"<start>{NOW()}</start><end>{NOW()}</end><tps>{tps_code}</tps>"
                                     f"<tahap>{kind}</tahap><gps>-4.05 121.6 12 5</gps><foto/><catatan>aman</catatan>"
                                     f"{extra}", instance_id)


def test_form_list_gives_each_form_with_version_hash_and_urls_that_serve_it(collect):
    r = collect.get("formList")
    assert r.status_code == 200 and r["X-OpenRosa-Version"] == "1.0"
    body = r.content.decode()
    assert 'xmlns="http://openrosa.org/xforms/xformsList"' in body
    ids = re.findall(r"<formID>(.*?)</formID>", body)
    assert ids == sorted(xlsform.forms()) and len(ids) == 4
    hashes = re.findall(r"<hash>(md5:[0-9a-f]{32})</hash>", body)
    urls = re.findall(r"<downloadUrl>http://testserver(/odk/forms/.*?/form.xml)</downloadUrl>", body)
    for url, declared in zip(urls, hashes, strict=True):
        xml = collect.get(url.removeprefix("/odk/")).content
        assert declared == "md5:" + hashlib.md5(xml).hexdigest()  # the hash is the served XForm's
    assert body.count("<manifestUrl>") == 4  # every form reads a per-user CSV


def test_manifest_lists_only_the_users_own_tps_and_the_hash_matches_the_file(collect, polsek):
    from siaga.regions.models import Tps

    body = collect.get("forms/siaga_checkin/manifest").content.decode()
    assert 'xmlns="http://openrosa.org/xforms/xformsManifest"' in body
    (declared,) = re.findall(r"<hash>(.*?)</hash>", body)
    (url,) = re.findall(r"<downloadUrl>http://testserver/odk/(.*?)</downloadUrl>", body)
    csv = collect.get(url).content
    assert declared == "md5:" + hashlib.md5(csv).hexdigest()
    codes = [line.split(",")[0] for line in csv.decode().splitlines()[1:]]
    own = set(Tps.objects.filter(election="pemilu", kecamatan_code="74.01.04").values_list("code", flat=True))
    assert codes and set(codes) == own  # the Polsek's kecamatan, nothing else


def test_a_check_in_sent_three_times_is_stored_once(collect, own_tps):
    (tps,) = own_tps()
    xml, instance_id = checkin(tps.code)
    answers = [collect.submit(xml) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 202, 202]
    assert all(b'nature="submit_success"' in a.content for a in answers)
    event = TpsEvent.objects.get(client_id=instance_id.removeprefix("uuid:"))
    assert (event.tps_id, event.kind, event.channel, event.gps_accuracy_m) == (tps.pk, "buka", "lapangan", 5.0)
    sub = Submission.objects.get(instance_id=instance_id)
    assert sub.record_id == str(event.pk) and sub.xml.encode() == xml
    assert sub.xml_sha256 == hashlib.sha256(xml).hexdigest()
    assert sub.device.submissions == 1 and sub.device.last_form == "siaga_checkin"


def test_an_incident_with_a_photo_becomes_one_incident_with_the_photo_and_its_sha256(collect, own_tps):
    (tps,) = own_tps()
    photo = jpeg()
    xml, instance_id = instance("siaga_insiden", f"<tps>{tps.code}</tps><kategori>intimidasi</kategori>"
                                                 f"<keparahan>3</keparahan><uraian>Massa menghalangi pemilih</uraian>"
                                                 f"<waktu>{NOW()}</waktu><gps>-4.05 121.6 0 8</gps>"
                                                 f"<foto>1707872000.jpg</foto>")
    assert collect.submit(xml, [("1707872000.jpg", photo, "image/jpeg")]).status_code == 201
    assert collect.submit(xml, [("1707872000.jpg", photo, "image/jpeg")]).status_code == 202
    incident = Incident.objects.get(client_id=instance_id.removeprefix("uuid:"))
    assert (incident.category, incident.severity, incident.tps_id) == ("intimidasi", 3, tps.pk)
    assert IncidentPhoto.objects.filter(incident=incident).count() == 1
    (attachment,) = Attachment.objects.filter(submission__instance_id=instance_id)
    assert attachment.sha256 == hashlib.sha256(photo).hexdigest() and attachment.size == len(photo)


def test_a_tps_outside_the_users_area_is_refused_in_indonesian_and_stored_nowhere(collect):
    from siaga.regions.models import Tps

    other = Tps.objects.filter(election="pemilu", kabkota_code="74.10").order_by("code").first()
    xml, instance_id = checkin(other.code)
    r = collect.submit(xml)
    assert r.status_code == 403
    assert f"TPS {other.code}" in r.content.decode() and "Laporan ditolak" in r.content.decode()
    assert not TpsEvent.objects.filter(client_id=instance_id.removeprefix("uuid:")).exists()
    assert not Submission.objects.filter(instance_id=instance_id).exists()
    xml, instance_id = instance("siaga_psu", f"<tps>{other.code}</tps><alasan>kotak_dibuka</alasan>"
                                             "<dilihat>Kotak dibuka sebelum waktunya</dilihat>")
    assert collect.submit(xml).status_code == 403
    assert not Submission.objects.filter(instance_id=instance_id).exists()


def test_a_psu_report_is_kept_as_what_the_officer_saw(collect, own_tps):
    (tps,) = own_tps()
    xml, instance_id = instance("siaga_psu", f"<tps>{tps.code}</tps><alasan>pemilih_tidak_berhak</alasan>"
                                             "<tanggal>2024-02-24</tanggal><dilihat>Pemilih dari TPS lain</dilihat>")
    assert collect.submit(xml).status_code == 201
    sub = Submission.objects.get(instance_id=instance_id)
    assert (sub.record_type, sub.area_code, sub.data["alasan"]) == ("psu_report", tps.desa_id,
                                                                    "pemilih_tidak_berhak")


def test_a_handover_with_scanned_boxes_and_seals_through_the_key_in_the_path(polsek):
    from siaga.custody.models import Handover, Item, Node

    user, _device, key = polsek
    items = list(Item.objects.filter(kecamatan_code="74.01.04", kind="box").order_by("code")[:2])
    assert len(items) == 2
    target = Node.objects.filter(kind="ppk", area_code="74.01.04").first()
    boxes = "".join(f"<kotak><kode>{i.code}</kode><segel>{' '.join(i.seals)}</segel></kotak>" for i in items)
    xml, instance_id = instance("siaga_serah_terima", f"<end>{NOW()}</end><dari>{items[0].node.code}</dari>"
                                                      f"<ke>{target.code}</ke>{boxes}<penerima>Ketua PPK</penerima>"
                                                      "<kondisi>baik</kondisi><pengawal/>")
    phone = Collect(in_path=True, key=key)
    assert phone.get("formList").status_code == 200
    assert [phone.submit(xml).status_code for _ in range(2)] == [201, 202]
    handover = Handover.objects.get(client_id="odk-" + instance_id.removeprefix("uuid:"))
    assert sorted(handover.items.values_list("code", flat=True)) == [i.code for i in items]
    assert handover.seals_seen == {i.code: list(i.seals) for i in items if i.seals}
    assert (handover.receiver_name, handover.from_node_id, handover.to_node_id) == ("Ketua PPK", items[0].node_id,
                                                                                      target.pk)


def test_without_credentials_a_digest_challenge_and_a_wrong_key_is_a_failed_sign_in(polsek):
    from axes.models import AccessFailureLog

    user, device, key = polsek
    r = Collect().client.head("/odk/submission")
    assert r.status_code == 401 and 'qop="auth"' in r["WWW-Authenticate"]
    wrong = Collect(user.username, "odk_wrong")
    assert wrong.get("formList").status_code == 401
    assert AccessFailureLog.objects.filter(username=user.username).exists()
    assert Collect(in_path=True, key="odk_wrong").get("formList").status_code == 403


def test_a_revoked_device_is_refused_and_basic_auth_with_the_password_goes_through_django(polsek):
    import base64

    from siaga.cli import cli_actor
    from siaga.fieldapps.services import device_revoke

    user, device, key = polsek
    device_revoke(actor=cli_actor(), device=device)
    assert Collect(user.username, key).get("formList").status_code == 401
    assert Collect(in_path=True, key=key).get("formList").status_code == 403
    basic = base64.b64encode(f"{user.username}:Kata-Sandi-Uji-2024".encode()).decode()
    assert Collect().client.get("/odk/formList", HTTP_AUTHORIZATION=f"Basic {basic}").status_code == 200
    bad = base64.b64encode(f"{user.username}:salah".encode()).decode()
    assert Collect().client.get("/odk/formList", HTTP_AUTHORIZATION=f"Basic {bad}").status_code == 401


def test_the_device_board_shows_last_seen_to_command_roles_only(collect, client_as):
    collect.get("formList")
    page = client_as("kapolda").get("/odk/perangkat/")
    assert page.status_code == 200 and "HP dinas 1" in page.content.decode()
    assert client_as("kpu").get("/odk/perangkat/").status_code == 403
