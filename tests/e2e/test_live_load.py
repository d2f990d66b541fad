"""Live pages against the real `siaga serve`: many open screens never starve page loads or the field API.

Issue 19 item 4 reproduced: eight (here sixteen) `/operasi/stream/` requests left open with a read-only token
used to take every one of the server's 8 threads, after which pages and the field API timed out. Live updates
are now short polls, so the same requests answer at once and every other request is served beside them.
"""

import http.client
import json
import socket
import subprocess
import sys
import threading
import uuid
from collections import Counter

import pytest

KINDS = ("logistik", "buka")
AFTER_LAST_REPORT = 100  # polls a screen makes after the last report before giving up on seeing it


@pytest.fixture(scope="module")
def tokens(server):
    def issue(username, role, agency):
        done = subprocess.run([sys.executable, "-m", "siaga", "user", username, "--agency", agency, "--role", role,
                               "--password", "siaga-demo-2024", "--token", "live"], env=server["env"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["token"]

    field = issue("petugas.live", "petugas", "POLDA-74")
    status, body, _ = request(connect(server), "GET", "/api/tps?area=74.01&limit=12", field)
    assert status == 200, body
    return {"field": field, "tps": [t["code"] for t in json.loads(body)["items"]],
            "viewers": [issue(f"layar.live{i}", "pimpinan", "POLDA-74") for i in range(6)]}


def connect(server):
    port = int(server["url"].rsplit(":", 1)[1])
    return http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def request(conn, method, path, token, body=None, headers=()):
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **dict(headers)})
    response = conn.getresponse()
    data = response.read()
    return response.status, data, response


def test_open_stream_requests_no_longer_hold_the_server(server, tokens):
    """The attack: sixteen live requests sent and never read. Pages, the field API and live asks still answer."""
    port = int(server["url"].rsplit(":", 1)[1])
    held = []
    for _ in range(16):
        s = socket.create_connection(("127.0.0.1", port), timeout=60)
        s.sendall(f"GET /operasi/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tokens['viewers'][0]}"
                  "\r\n\r\n".encode())
        held.append(s)
    try:
        conn = connect(server)
        status, body, _ = request(conn, "POST", "/api/operations/events", tokens["field"],
                                  {"client_id": str(uuid.uuid4()), "tps_code": tokens["tps"][0], "kind": "logistik"})
        assert status == 201, body
        status, _, _ = request(conn, "GET", "/masuk/", tokens["field"])
        assert status == 200
        status, _, _ = request(conn, "GET", "/operasi/stream/", tokens["viewers"][1])
        assert status == 200
        # The held requests were answered too (each a short answer, or 429 past the per-user cap).
        for s in held:
            assert s.recv(64).split(b" ")[1] in (b"200", b"429")
    finally:
        for s in held:
            s.close()


def test_many_live_screens_poll_while_the_field_api_stores_every_report(server, tokens):
    """24 screens poll without pause while field reports arrive; every report is stored (201) and every screen
    sees every report in its feed. Screens share 6 accounts, so the per-user cap refuses some asks (429)."""
    screens, stop, all_sent = 24, threading.Event(), threading.Event()
    ready = threading.Barrier(screens + 1, timeout=300)
    seen = [Counter() for _ in range(screens)]
    statuses, errors, lock = Counter(), [], threading.Lock()
    posted = [(str(uuid.uuid4()), code, kind) for kind in KINDS for code in tokens["tps"]]
    expected = Counter(code for _, code, _ in posted)  # one live message per stored report

    def screen(i):
        conn, cursor = connect(server), ""
        token = tokens["viewers"][i % len(tokens["viewers"])]
        try:
            status = 429
            while status == 429:  # the cursor before the first report (the gate may ask to come back)
                status, body, response = request(conn, "GET", "/operasi/stream/", token)
            assert status == 200, (status, body)
            cursor = response.getheader("ETag")
            ready.wait()
            after_last = 0
            while not stop.wait(0.2) and after_last < AFTER_LAST_REPORT:  # paced, as a page would be
                after_last += all_sent.is_set()
                status, body, response = request(conn, "GET", "/operasi/stream/", token,
                                                  headers={"If-None-Match": cursor} if cursor else {})
                with lock:
                    statuses[status] += 1
                if status == 200:
                    data = json.loads(body)
                    cursor = response.getheader("ETag")
                    seen[i].update(m["tps"] for m in data["messages"] if m["type"] == "tps" and m["tps"] in expected)
                    if seen[i] == expected:
                        return
                else:
                    assert status == 304 or (status == 429 and response.getheader("Retry-After")), (status, body)
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            with lock:
                errors.append(repr(exc))
            ready.abort()
        finally:
            conn.close()

    threads = [threading.Thread(target=screen, args=(i,)) for i in range(screens)]
    for t in threads:
        t.start()
    try:
        ready.wait()
        conn = connect(server)
        answers = [request(conn, "POST", "/api/operations/events", tokens["field"],
                           {"client_id": c, "tps_code": code, "kind": kind})[0] for c, code, kind in posted]
        all_sent.set()
        assert answers == [201] * len(posted)
    finally:
        all_sent.set()
        for t in threads:
            t.join(timeout=300)
        stop.set()
    assert not errors, errors[:3]
    assert all(s == expected for s in seen), [s.total() for s in seen]
    assert set(statuses) <= {200, 304, 429}
