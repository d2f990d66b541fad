"""Sign-in with lock-out, API tokens for field devices, audit of account changes."""

import pytest
from django.urls import reverse

from siaga.accounts.demo import DEMO_PASSWORD
from siaga.accounts.models import ApiToken, AuditLog
from siaga.accounts.services import token_issue


def test_sign_in_with_the_right_password(client, db):
    response = client.post(reverse("login"), {"username": "intelkam", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_is_refused_in_indonesian(client, db):
    response = client.post(reverse("login"), {"username": "intelkam", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def _sign_in(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_from_one_address_do_not_lock_the_kapolda_out(client, db):
    """The attack: five requests locked the Kapolda out for everyone (the lock counted per username only)."""
    for _ in range(5):
        assert _sign_in(client, "kapolda", "salah", "203.0.113.66").status_code == 200
    assert _sign_in(client, "kapolda", DEMO_PASSWORD, "198.51.100.1").status_code == 302
    client.logout()
    assert _sign_in(client, "kapolda", DEMO_PASSWORD, "203.0.113.66").status_code == 302


def test_an_address_hammering_sign_in_is_throttled_not_the_accounts(client, db, settings):
    limit = settings.SIAGA_SIGNIN_ADDRESS_FAILURES
    for i in range(limit - 1):
        assert _sign_in(client, ("kapolda", "intelkam", f"tebak{i}")[i % 3], "salah", "203.0.113.7").status_code \
            == 200
    assert _sign_in(client, "kapolda", "salah", "203.0.113.7").status_code == 429  # the failure that reaches it
    throttled = _sign_in(client, "bawaslu", DEMO_PASSWORD, "203.0.113.7")  # even the right password
    assert throttled.status_code == 429 and "Terlalu banyak percobaan" in throttled.content.decode()
    # Others, and the accounts it tried, sign in from their own addresses.
    assert _sign_in(client, "kapolda", DEMO_PASSWORD, "198.51.100.1").status_code == 302
    client.logout()
    assert _sign_in(client, "bawaslu", DEMO_PASSWORD, "198.51.100.2").status_code == 302


def test_failures_from_many_addresses_lock_the_account_and_its_tokens(client, user, settings):
    token, raw = token_issue(actor=None, user=user("kapolda"), name="HP Kapolda")
    assert client.get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    addresses = [f"203.0.113.{10 + i}" for i in range(settings.SIAGA_SIGNIN_ACCOUNT_ADDRESSES)]
    for i in range(settings.SIAGA_SIGNIN_ACCOUNT_FAILURES - 1):
        _sign_in(client, "kapolda", "salah", addresses[i % len(addresses)])
    assert client.get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200  # not yet
    locking = _sign_in(client, "kapolda", "salah", addresses[-1])
    assert locking.status_code == 429
    locked = _sign_in(client, "kapolda", DEMO_PASSWORD, "198.51.100.1")
    assert locked.status_code == 429 and "Terlalu banyak percobaan" in locked.content.decode()
    assert client.get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    # Another account is not affected.
    assert _sign_in(client, "bawaslu", DEMO_PASSWORD, "198.51.100.1").status_code == 302


def test_a_deactivated_users_token_stops_at_once(client, user):
    kolaka = user("polres.kolaka")
    _token, raw = token_issue(actor=None, user=kolaka, name="HP")
    assert client.get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    kolaka.is_active = False
    kolaka.save(update_fields=["is_active"])
    assert client.get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_pages_require_sign_in(client, db):
    response = client.get(reverse("tps_index"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_api_token_authenticates_and_only_its_hash_is_stored(client, user):
    kolaka = user("polres.kolaka")
    token, raw = token_issue(actor=user("admin"), user=kolaka, name="HP lapangan 1")
    assert raw not in token.key_hash and len(token.key_hash) == 64
    response = client.get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert [r["code"] for r in response.json()] == ["74.01"]
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    entry = AuditLog.objects.filter(action="token.issue", object_id=str(token.pk)).get()
    assert entry.actor_name == "admin" and entry.after["user"] == "polres.kolaka"


def test_revoked_or_wrong_token_is_refused(client, user):
    token, raw = token_issue(actor=None, user=user("polres.kolaka"), name="HP")
    token.revoked_at = token.created_at
    token.save()
    assert client.get("/api/regions", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get("/api/regions", HTTP_AUTHORIZATION="Bearer sg_not-a-token").status_code == 401
    assert client.get("/api/regions").status_code == 401


@pytest.mark.parametrize("action", ["agency.upsert", "user.upsert"])
def test_demo_setup_is_audited(db, action):
    entries = AuditLog.objects.filter(action=action)
    assert entries.exists()
    assert all(e.after and e.actor_name for e in entries[:50])
