"""Guessing one-time handover codes over HTTP: every wrong code is audited, five lock the handover (page and
API), and a user who keeps guessing across handovers is throttled (429)."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from siaga.accounts.models import Agency, AuditLog, Role
from siaga.accounts.services import user_upsert
from siaga.custody import services
from siaga.custody.models import Event, Handover

GIVER, BOX, PPS, TPS = "ppk.kolaka", "7401011001002-presiden", "PPS-74.01.01.1001", "TPS-7401011001002"


@pytest.fixture
def giver(client_as):
    return client_as(GIVER)


@pytest.fixture
def receiver():
    user = user_upsert(actor=None, username="kpps.002", password="", role=Role.OPERATOR,
                       agency=Agency.objects.get(code="KPU-74.01"), area_code="74.01.01")
    client = Client()
    client.force_login(user)
    return client


def _offer(giver, client_id):
    record = {"client_id": client_id, "at": "2024-02-08T09:00:00+08:00", "item_codes": [BOX], "from_node": PPS,
              "to_node": TPS, "receiver": "kpps.002"}
    response = giver.post("/api/custody/handovers", json.dumps(record), content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "pending"
    return Handover.objects.get(client_id=client_id)


def _wrong_code(handover):
    """A code that is certainly not the handover's current one."""
    handover.refresh_from_db()
    return next(c for c in (f"{n:06d}" for n in range(10)) if services._code_hash(handover.client_id, c)
                != handover.code_hash)


def _shown_code(response):
    return re.search(r'data-testid="handover-code">(\d{6})<', response.content.decode())[1]


def _failures(client_id):
    return AuditLog.objects.filter(action="custody.handover.code_failed", object_id=client_id)


def test_five_wrong_codes_on_the_page_lock_the_handover_and_each_is_audited(giver, receiver):
    handover = _offer(giver, "kode-1")
    right = _shown_code(receiver.post(reverse("custody:handover_code", args=["kode-1"])))
    events = Event.objects.filter(item__code=BOX).count()
    url = reverse("custody:handover_confirm", args=["kode-1"])
    for attempt in range(1, services.CODE_ATTEMPTS + 1):
        wrong = giver.post(url, {"code": _wrong_code(handover)})
        assert wrong.status_code == 403 and _failures("kode-1").count() == attempt
    assert "dikunci setelah 5 kode salah" in wrong.content.decode()
    last = _failures("kode-1").latest("at")
    assert (last.actor.username, last.after) == (GIVER, {"failures": 5, "locked": True})
    # Locked: even the right code no longer confirms, and nothing reached the chain.
    refused = giver.post(url, {"code": right})
    assert refused.status_code == 403 and "dikunci" in refused.content.decode()
    handover.refresh_from_db()
    assert (handover.state, handover.code_locked_at is not None) == ("pending", True)
    assert Event.objects.filter(item__code=BOX).count() == events
    # The named receiver, present, asks for a new code: that one works.
    fresh = _shown_code(receiver.post(reverse("custody:handover_code", args=["kode-1"])))
    assert giver.post(url, {"code": fresh}).status_code == 302
    assert Handover.objects.get(client_id="kode-1").state == "complete"


def test_the_api_locks_too_and_a_user_guessing_across_handovers_gets_429(giver, receiver):
    first, second, third = (_offer(giver, f"kode-api-{n}") for n in (1, 2, 3))
    for handover in (first, second):
        for _ in range(services.CODE_ATTEMPTS):
            response = giver.post(f"/api/custody/handovers/{handover.client_id}/confirm",
                                  json.dumps({"code": _wrong_code(handover)}), content_type="application/json")
            assert response.status_code == 403
        assert "dikunci" in response.json()["detail"]
        assert Handover.objects.get(pk=handover.pk).code_locked_at is not None
    assert _failures("kode-api-1").count() + _failures("kode-api-2").count() == services.USER_CODE_FAILURES
    # Ten wrong codes within the code's lifetime: this user may not try an eleventh, on any handover.
    throttled = giver.post(f"/api/custody/handovers/{third.client_id}/confirm",
                           json.dumps({"code": _wrong_code(third)}), content_type="application/json")
    assert throttled.status_code == 429 and "Terlalu banyak kode salah" in throttled.json()["detail"]
    assert AuditLog.objects.filter(action="custody.handover.code_throttled", object_id=third.client_id).exists()
    third.refresh_from_db()
    assert (third.code_failures, third.state) == (0, "pending")  # refused before the code was even compared
