"""`siaga odk sync` against a stub ODK Central: a real HTTP server on a local socket serving recorded
Central-shaped answers. This is the field apps' one outside boundary, and the only place it is stubbed."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from siaga.cli import main
from siaga.fieldapps.models import Submission, SyncCursor
from siaga.operations.models import TpsEvent

from .conftest import instance, jpeg

FORM = "/v1/projects/7/forms/lapor_tahap"


class Central:
    """Answers like ODK Central 2024.x: JSON lists, raw XML, attachment bytes; 401 without the bearer token."""

    def __init__(self, routes):
        self.routes, self.requests = routes, []
        central = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                central.requests.append((self.command, self.path, self.headers.get("Authorization")))
                if self.path == "/v1/sessions" and self.command == "POST":
                    body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                    ok = body == {"email": "admin@central.example", "password": "rahasia"}
                    return self._send(200 if ok else 401, "application/json",
                                      json.dumps({"token": "sess-tok"} if ok else {"code": 401.2}).encode())
                if self.headers.get("Authorization") not in ("Bearer app-tok", "Bearer sess-tok"):
                    return self._send(401, "application/json", b'{"code":401.2,"message":"Could not authenticate"}')
                status, content_type, body = central.routes.get(self.path, (404, "application/json", b"{}"))
                self._send(status, content_type, body)

            do_GET = do_POST = _answer

            def _send(self, status, content_type, body):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _recorded(tps_codes):
    """Two submissions of a check-in form published on Central as `lapor_tahap`, one with a photo."""
    from django.utils import timezone

    routes, listing = {}, []
    for n, code in enumerate(tps_codes):
        xml, instance_id = instance("lapor_tahap", f"<start>{timezone.now().isoformat()}</start><tps>{code}</tps>"
                                                   f"<tahap>buka</tahap><foto>{'f.jpg' if n == 0 else ''}</foto>")
        listing.append({"instanceId": instance_id, "submitterId": 12, "deviceId": "collect:x",
                        "createdAt": f"2024-02-14T0{n}:10:00.000Z", "updatedAt": None, "reviewState": None})
        routes[f"{FORM}/submissions/{instance_id.replace(':', '%3A')}.xml"] = (200, "application/xml", xml)
        files = [{"name": "f.jpg", "exists": True}] if n == 0 else []
        base = f"{FORM}/submissions/{instance_id.replace(':', '%3A')}/attachments"
        routes[base] = (200, "application/json", json.dumps(files).encode())
        routes[base + "/f.jpg"] = (200, "image/jpeg", jpeg())
    routes[f"{FORM}/submissions"] = (200, "application/json", json.dumps(listing).encode())
    return routes, [entry["instanceId"] for entry in listing]


def siaga(*argv):
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    return done.value.code or 0


def test_sync_records_new_submissions_once_and_refuses_those_outside_the_area(polsek, own_tps, capsys):
    from siaga.regions.models import Tps

    user, _device, _key = polsek
    mine = own_tps(2)
    other = Tps.objects.filter(election="pemilu", kabkota_code="74.10").order_by("code").first()
    routes, ids = _recorded([t.code for t in mine] + [other.code])
    argv = ["odk", "sync", "--project", "7", "--form", "lapor_tahap", "--as-form", "siaga_checkin",
            "--as", user.username, "--json"]
    with Central(routes) as central:
        assert siaga(*[*argv, "--server", central.url, "--token", "app-tok"]) == 0
        first = json.loads(capsys.readouterr().out)
        assert (first["stored"], first["refused"]) == (2, 1) and other.code in first["problems"][0]["reason"]
        assert siaga(*[*argv, "--server", central.url, "--token", "app-tok"]) == 0  # again: nothing new
        again = json.loads(capsys.readouterr().out)
    assert (again["stored"], again["already"], again["refused"]) == (0, 2, 1)
    assert TpsEvent.objects.filter(client_id__in=[i.removeprefix("uuid:") for i in ids]).count() == 2
    assert set(Submission.objects.filter(instance_id__in=ids).values_list("instance_id", flat=True)) == set(ids[:2])
    assert Submission.objects.get(instance_id=ids[0]).attachments.count() == 1
    assert not SyncCursor.objects.get(form_id="lapor_tahap").last_created_at  # a refusal holds the cursor back


def test_sync_signs_in_with_a_web_user_and_names_a_server_that_refuses(polsek, own_tps, monkeypatch, capsys):
    user, _device, _key = polsek
    routes, ids = _recorded([own_tps()[0].code])
    with Central(routes) as central:
        monkeypatch.setenv("SIAGA_CENTRAL_PASSWORD", "rahasia")
        argv = ["odk", "sync", "--server", central.url, "--project", "7", "--form", "lapor_tahap",
                "--as-form", "siaga_checkin", "--as", user.username]
        assert siaga(*[*argv, "--user", "admin@central.example"]) == 0
        assert "1 disimpan" in capsys.readouterr().out
        assert SyncCursor.objects.get(form_id="lapor_tahap").last_created_at == "2024-02-14T00:10:00.000Z"
        assert ("POST", "/v1/sessions", None) in central.requests
        assert siaga(*[*argv, "--token", "expired"]) == 2
        assert "HTTP 401" in capsys.readouterr().err
    assert Submission.objects.filter(instance_id=ids[0], user=user, source=central.url + "/v1").count() == 1
