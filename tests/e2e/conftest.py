"""Browser tests: the real `siaga demo` database served by `siaga serve`, driven in Debian's Chromium.

The server runs as a separate process on the embedded SQLite default, exactly as a
user starts it; the test database of the Django tests is not involved.

Every page is served with a strict Content-Security-Policy (no 'unsafe-eval'), so a test waits with
selectors or `expect(...)`, never `page.wait_for_function("...")`, whose predicate Playwright evals.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SIAGA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def ensure_chromium():
    """Debian's chromium is the browser; install it when this machine lets us (root with apt)."""
    if Path(CHROMIUM).exists():
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package "
                    "or set SIAGA_CHROMIUM")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory, shared_data):
    home = tmp_path_factory.mktemp("e2e_home")
    env = {**os.environ, "SIAGA_HOME": str(home), "DJANGO_SETTINGS_MODULE": "siaga.config.settings"}
    env.pop("DATABASE_URL", None)  # the embedded default, as the README's first command runs it
    subprocess.run([sys.executable, "-m", "siaga", "demo", "--no-serve", "--source", str(shared_data)],
                   env=env, check=True, capture_output=True)
    port = free_port()
    log = open(home / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "siaga", "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((home / "server.log").read_text())
            time.sleep(0.2)
    yield {"url": f"http://127.0.0.1:{port}", "home": home, "env": env}
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server, request):
    context = browser.new_context(base_url=server["url"], locale="id-ID")
    page = context.new_page()
    failed_requests = []
    page.on("requestfailed", lambda r: failed_requests.append(r.url))
    page.on("pageerror", lambda e: failed_requests.append(f"page error: {e}"))
    page.failed_requests = failed_requests
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def sign_in(page):
    def as_user(username, password="siaga-demo-2024"):
        page.goto("/masuk/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit].primary")
        page.wait_for_url("**/")
        return page

    return as_user
