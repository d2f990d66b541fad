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


def test_lockout_after_five_failures_even_with_the_right_password(client, db):
    for _ in range(5):
        client.post(reverse("login"), {"username": "kpu", "password": "salah"})
    response = client.post(reverse("login"), {"username": "kpu", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    # Another account is not affected.
    ok = client.post(reverse("login"), {"username": "bawaslu", "password": DEMO_PASSWORD})
    assert ok.status_code == 302


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
