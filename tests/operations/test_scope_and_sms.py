"""A Polsek sees its own TPS only; the SMS gateway answers in Indonesian and refuses unknown senders."""

import pytest

from siaga.operations import selectors, services
from siaga.operations.models import SmsMessage, TpsEvent
from siaga.regions.models import Tps


def test_polsek_user_sees_its_kecamatan_only(polsek_user, user, cid):
    own = Tps.objects.filter(election="pemilu", kecamatan_code="74.01.04").order_by("code")
    other = Tps.objects.filter(election="pemilu", kabkota_code="74.01").exclude(kecamatan_code="74.01.04").order_by("code").first()
    summary = selectors.summary(viewer=polsek_user)
    assert summary["tps"] == own.count() > 0
    assert sum(summary["stages"].values()) == own.count()
    services.tps_event_record(actor=polsek_user, client_id=cid(), tps_code=own[0].code, kind="logistik")
    with pytest.raises(services.Rejected, match=f"TPS {other.code} tidak ditemukan di wilayah Anda"):
        services.tps_event_record(actor=polsek_user, client_id=cid(), tps_code=other.code, kind="logistik")
    elsewhere, _ = services.incident_report(actor=user("admin"), client_id=cid(), category="hoaks", severity=1,
                                            description="Hoaks", tps_code=other.code)
    assert not selectors.incidents(viewer=polsek_user).filter(pk=elsewhere.pk).exists()
    codes = {code for _, code, *_ in selectors.status_points(viewer=polsek_user, area=None)}
    assert codes == set(own.values_list("code", flat=True))


def test_polsek_cannot_ask_for_another_area(client_as, polsek_user, client):
    client.force_login(polsek_user)
    assert client.get("/api/operations/summary?area=74.02").status_code == 403
    assert client.get("/api/operations/summary").json()["tps"] == Tps.objects.filter(election="pemilu", 
        kecamatan_code="74.01.04").count()


@pytest.fixture
def gateway(user):
    token = services.sms_gateway_issue(actor=user("admin"), name="test-gateway")
    services.sms_sender_register(actor=user("admin"), phone="0812-3456-7890", user=user("polres.kolaka"))
    return token


def _sms(client, token, phone, text):
    return client.post("/api/operations/sms", {"from": phone, "text": text}, HTTP_X_GATEWAY_TOKEN=token)


def test_sms_status_is_accepted_and_confirmed(client, gateway):
    tps = Tps.objects.filter(election="pemilu", kabkota_code="74.01").order_by("-code").first()
    r = _sms(client, gateway, "+62 812 3456 7890", f"TPS {tps.code} BUKA")
    assert r.status_code == 200
    assert r.content.decode().startswith(f"Diterima: TPS {tps.code} BUKA")
    assert TpsEvent.objects.filter(tps=tps, kind="buka", channel="sms").count() == 1
    again = _sms(client, gateway, "+62 812 3456 7890", f"TPS {tps.code} BUKA")  # gateway retry, same minute
    assert again.status_code == 200 and TpsEvent.objects.filter(tps=tps, kind="buka").count() == 1


def test_sms_incident_and_errors_answered_clearly(client, gateway):
    tps = Tps.objects.filter(election="pemilu", kabkota_code="74.01").order_by("-code").first()
    r = _sms(client, gateway, "081234567890", f"INSIDEN {tps.code} 3 bentrok massa")
    assert r.status_code == 200 and "kategori bentrok" in r.content.decode()
    r = _sms(client, gateway, "081234567890", f"TPS {tps.code} TUTUP")
    assert r.status_code == 422 and r.content.decode().startswith("Ditolak: Status 'TUTUP' tidak dikenal")
    outside = Tps.objects.filter(election="pemilu", kabkota_code="74.02").first()
    r = _sms(client, gateway, "081234567890", f"TPS {outside.code} BUKA")
    assert r.status_code == 422 and f"TPS {outside.code} tidak ditemukan di wilayah Anda" in r.content.decode()
    assert SmsMessage.objects.filter(accepted=False).count() == 2


def test_sms_from_unknown_number_or_without_token_is_refused(client, gateway):
    r = _sms(client, gateway, "0899999999", "TPS 7401010001001 BUKA")
    assert r.status_code == 422 and "tidak terdaftar" in r.content.decode()
    assert _sms(client, "salah", "081234567890", "TPS 7401010001001 BUKA").status_code == 401
