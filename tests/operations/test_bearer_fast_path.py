"""Bearer-token API requests take the short middleware path (siaga.web.bearer_path): no session, messages or CSRF,
the same rules (token, scope, retries, language); browsers keep the full stack. The compiled TPS look-up of the
ingest path answers what tps_by_codes answers."""

import uuid

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from siaga.accounts.models import User
from siaga.accounts.services import token_issue
from siaga.operations import services
from siaga.operations.services.statements import tps_in_scope
from siaga.regions.models import Tps
from siaga.regions.selectors import tps_by_codes

EVENTS = "/api/operations/events"
OTHER_AREA_TPS = "7402012001001"  # Konawe: outside the demo field officer's kecamatan (74.01.01)


@pytest.fixture
def officer(user):
    return user("petugas")


@pytest.fixture
def bearer(officer):
    _, raw = token_issue(actor=officer, user=officer, name="uji jalur pendek")
    return raw


@pytest.fixture
def own_tps(officer):
    return Tps.objects.filter(election="pemilu", kecamatan_code=officer.area_code).order_by("-code").first()


def post(client, payload, **extra):
    return client.post(EVENTS, payload, content_type="application/json", **extra)


def test_a_token_report_creates_no_session_and_touches_no_messages(bearer, own_tps):
    sessions = Session.objects.count()
    client = Client(enforce_csrf_checks=True)  # as a real server: the test client's CSRF pass is off
    r = post(client, {"client_id": str(uuid.uuid4()), "tps_code": own_tps.code, "kind": "gangguan"},
             HTTP_AUTHORIZATION=f"Bearer {bearer}")
    assert r.status_code == 201, r.content
    request = r.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "_messages")
    assert settings.SESSION_COOKIE_NAME not in r.cookies and settings.CSRF_COOKIE_NAME not in r.cookies
    assert Session.objects.count() == sessions
    # What every answer still carries: CSP, frame and language headers, a length for keep-alive.
    assert r["Content-Security-Policy"].startswith(("default-src", "frame-ancestors")) or \
        "default-src 'self'" in r["Content-Security-Policy"]
    assert r["X-Frame-Options"] and r["Content-Language"] == "id" and int(r["Content-Length"]) == len(r.content)


def test_scope_retries_and_language_hold_on_the_short_path(bearer, own_tps, officer):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {bearer}")
    out = post(client, {"client_id": str(uuid.uuid4()), "tps_code": OTHER_AREA_TPS, "kind": "buka"})
    assert out.status_code == 400 and out.json()["detail"] == f"TPS {OTHER_AREA_TPS} tidak ditemukan di wilayah Anda."
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    out = post(client, {"client_id": str(uuid.uuid4()), "tps_code": OTHER_AREA_TPS, "kind": "buka"},
               HTTP_ACCEPT_LANGUAGE="id")
    assert out.status_code == 400 and out.json()["detail"] == f"TPS {OTHER_AREA_TPS} is not in your area."
    assert out["Content-Language"] == "en"
    client_id = str(uuid.uuid4())
    first = post(client, {"client_id": client_id, "tps_code": own_tps.code, "kind": "gangguan"})
    again = post(client, {"client_id": client_id, "tps_code": own_tps.code, "kind": "gangguan"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["created"] is False


def test_a_rejected_token_is_401_even_beside_a_signed_in_session(client, officer, own_tps):
    """A bad token is not rescued by the browser's session: on the short path nobody is signed in by cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    r = post(client, {"client_id": str(uuid.uuid4()), "tps_code": own_tps.code, "kind": "buka"},
             HTTP_AUTHORIZATION="Bearer sg_not-a-token")
    assert r.status_code == 401
    assert post(Client(enforce_csrf_checks=True), {"client_id": str(uuid.uuid4()), "tps_code": own_tps.code,
                                                   "kind": "buka"}, HTTP_AUTHORIZATION="bearer sg_nope").status_code == 401


def test_a_deactivated_users_token_is_refused(bearer, officer, own_tps):
    User.objects.filter(pk=officer.pk).update(is_active=False)
    from siaga.operations.auth import FIELD_AUTH

    FIELD_AUTH[0]._users.clear()  # the worker cache: a revoked token lives at most CACHE_SECONDS there
    r = post(Client(), {"client_id": str(uuid.uuid4()), "tps_code": own_tps.code, "kind": "buka"},
             HTTP_AUTHORIZATION=f"Bearer {bearer}")
    assert r.status_code == 401


def test_a_browser_keeps_session_and_csrf(officer, own_tps):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    refused = post(client, {"client_id": str(uuid.uuid4()), "tps_code": own_tps.code, "kind": "gangguan"})
    assert refused.status_code == 403  # a cookie-authenticated POST without the CSRF token
    assert hasattr(refused.wsgi_request, "session") and hasattr(refused.wsgi_request, "_messages")
    client.get("/")  # the page sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    ok = post(client, {"client_id": str(uuid.uuid4()), "tps_code": own_tps.code, "kind": "gangguan"},
              HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201, ok.content


def test_the_compiled_tps_look_up_answers_what_tps_by_codes_answers(user, officer, polsek_user, own_tps):
    both = Tps.objects.filter(code__in=Tps.objects.filter(election="pilkada").values("code"),
                              election="pemilu").values_list("code", flat=True).first()
    polsek = Tps.objects.filter(kecamatan_code=polsek_user.area_code).values_list("code", flat=True).first()
    dotted = f"{own_tps.code[:2]}.{own_tps.code[2:4]}.{own_tps.code[4:6]}.{own_tps.code[6:10]}.{own_tps.code[10:]}"
    other = Tps.objects.exclude(kecamatan_code=officer.area_code).values_list("code", flat=True).first()
    codes = [other, own_tps.code, dotted, polsek, "9999999999999"] + ([both] if both else [])
    for viewer in (user("admin"), officer, polsek_user):
        for some in (codes, codes[:1], codes[1:3], codes[3:]):
            assert {c: t.pk for c, t in tps_in_scope(viewer=viewer, codes=some).items()} == \
                {c: t.pk for c, t in tps_by_codes(viewer=viewer, codes=some).items()}, (viewer.username, some)
    found = tps_in_scope(viewer=user("admin"), codes=codes)
    assert {own_tps.code, other, polsek} <= found.keys() and "9999999999999" not in found
    assert own_tps.code in tps_in_scope(viewer=officer, codes=codes) and \
        other not in tps_in_scope(viewer=officer, codes=codes)
    stored = Tps.objects.get(pk=found[own_tps.code].pk)
    assert all(getattr(found[own_tps.code], f.attname) == getattr(stored, f.attname)
               for f in Tps._meta.concrete_fields)


def test_a_report_in_real_time_needs_no_voting_day_look_up(user, fresh_tps, cid):
    admin, (tps,) = user("admin"), fresh_tps()
    services.tps_event_record(actor=admin, client_id=cid(), tps_code=tps.code, kind="logistik")
    with CaptureQueriesContext(connection) as queries:
        services.tps_event_record(actor=admin, client_id=cid(), tps_code=tps.code, kind="buka")
    statements = [q["sql"].split(" times: ", 1)[-1].split()[0].upper() for q in queries.captured_queries
                  if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]
    # TPS look-up with the scope check, event insert, summary row locked, its update, the counters.
    assert statements == ["SELECT", "INSERT", "SELECT", "UPDATE", "UPDATE"]
