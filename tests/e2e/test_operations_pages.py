"""Voting day in the real server: live feed in Chromium, offline field queue, drills, retries, two workers."""

import http.client
import json
import subprocess
import sys
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import free_port

pytestmark = pytest.mark.browser
TPS_A, TPS_B, TPS_C = "7402011001001", "7402011001002", "7402011001003"


def siaga(server, *args):
    done = subprocess.run([sys.executable, "-m", "siaga", *args], env=server["env"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def field_token(server):
    out = siaga(server, "user", "petugas.e2e", "--agency", "POLDA-74", "--role", "petugas", "--password",
                "siaga-demo-2024", "--token", "e2e")
    return json.loads(out)["token"]


def post(url, path, token, body):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("POST", path, body=json.dumps(body),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read())
    conn.close()
    return response.status, data


def existing_tps(page, code):
    return page.evaluate("code => fetch('/api/tps/' + code).then(r => r.status)", code) == 200


def test_live_feed_reaches_the_command_page_without_reload(sign_in, field_token, server):
    page = sign_in("admin")
    page.goto("/operasi/?wilayah=74")
    page.wait_for_selector("[data-testid=live-status][data-state=open]", timeout=15000)
    assert existing_tps(page, TPS_A)
    before = int(page.get_by_test_id("stage-buka").inner_text())
    page.evaluate("window.__marker = 'same page'")
    status, _ = post(server["url"], "/api/operations/events", field_token,
                     {"client_id": str(uuid.uuid4()), "tps_code": TPS_A, "kind": "buka"})
    assert status == 201
    # The feed shows the stage's label from the server, not its code "buka".
    page.wait_for_selector(f"#feed li:has-text('TPS {TPS_A}: Dibuka')", timeout=10000)
    expect(page.get_by_test_id("stage-buka")).to_have_text(str(before + 1), timeout=10000)
    assert page.evaluate("window.__marker") == "same page"  # updated in place, no reload
    assert not [u for u in page.failed_requests if "stream" not in u]


def test_field_page_keeps_reports_offline_and_sends_them_once_online(sign_in, server):
    page = sign_in("polres.kolaka")
    page.goto("/operasi/lapor/")
    code = "7401011001001"
    # The service worker (a local script) is active before the network goes.
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)").endswith("/operasi/sw.js")
    # A typed code is checked by the server once (the officer has no post); the phone then knows it offline.
    page.fill("#tps", code)
    page.check("input[name=kind][value=logistik]")
    page.click("[data-testid=send]")
    expect(page.get_by_test_id("sent-count")).to_have_text("1", timeout=20000)
    page.context.set_offline(True)
    page.check("input[name=kind][value=buka]")
    page.click("[data-testid=send]")
    expect(page.get_by_test_id("queue-count")).to_have_text("1")
    waiting = "JSON.parse(localStorage.getItem('siaga.field.outbox.polres.kolaka')).filter(e => e.state === 'waiting')"
    assert page.evaluate(f"{waiting}[0].body.tps_code") == code
    page.context.set_offline(False)
    expect(page.get_by_test_id("sent-count")).to_have_text("2", timeout=20000)
    assert page.get_by_test_id("queue-count").inner_text() == "0"


def test_concurrent_retries_over_http_are_stored_once(server, field_token):
    body = {"client_id": str(uuid.uuid4()), "tps_code": TPS_B, "kind": "logistik"}
    answers, barrier = [], threading.Barrier(8)

    def send():
        barrier.wait()
        answers.append(post(server["url"], "/api/operations/events", field_token, body))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 7 + [201]
    assert len({data["id"] for _, data in answers}) == 1


@pytest.mark.parametrize("batch, seed", [(1, 11), (25, 12)])
def test_drill_counts_agree_with_the_server(server, batch, seed):
    """One request per submission, and TPS events in batches: both reconcile with the server's counts."""
    out = siaga(server, "simulate", "election-day", "--province", "74", "--speed", "0", "--url", server["url"],
                "--limit-tps", "40", "--json", "--seed", str(seed), "--batch", str(batch))
    result = json.loads(out.strip().splitlines()[-1])
    assert result["sent"] == result["accepted"] + result["duplicates"] + result["rejected"]
    assert result["errors"] == 0 and result["duplicates"] > 0
    server_counts = result["server"]
    assert {k: server_counts[k] for k in ("accepted", "duplicates", "rejected")} == \
        {k: result[k] for k in ("accepted", "duplicates", "rejected")}


def start_worker(server, port, redis_url):
    env = {**server["env"], "REDIS_URL": redis_url}
    log = open(server["home"] / f"worker-{port}.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "siaga", "serve", "--port", str(port)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("HEAD", "/masuk/")
            return proc
        except OSError:
            assert proc.poll() is None, (server["home"] / f"worker-{port}.log").read_text()
            time.sleep(0.2)
    raise TimeoutError(f"worker on {port} did not start")


def poll(port, token, cursor=""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request("GET", "/operasi/stream/", headers={"Authorization": f"Bearer {token}", "If-None-Match": cursor})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, (json.loads(body) if response.status == 200 else None)


def test_two_workers_share_live_updates_through_redis(server, field_token):
    """An update stored through worker A reaches a page polling worker B, with A's cursor good on B."""
    port_a, port_b = free_port(), free_port()
    workers = [start_worker(server, p, "redis://127.0.0.1:6379/15") for p in (port_a, port_b)]
    try:
        status, first = poll(port_a, field_token)
        assert status == 200 and first["cursor"].startswith("redis.")
        status, _ = post(f"http://127.0.0.1:{port_a}", "/api/operations/events", field_token,
                         {"client_id": str(uuid.uuid4()), "tps_code": TPS_C, "kind": "logistik"})
        assert status == 201
        received = []
        for _ in range(100):  # bounded: B's Redis listener may take a moment to deliver
            status, data = poll(port_b, field_token, f'"{first["cursor"]}"')
            assert status in (200, 304)
            received = [m for m in (data or {}).get("messages", []) if m.get("tps") == TPS_C]
            if received:
                break
            time.sleep(0.1)
        assert received and received[0]["stage"] == "logistik"
    finally:
        for proc in workers:
            proc.terminate()
            proc.wait(timeout=10)
