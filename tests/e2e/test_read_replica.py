"""Read-only pages on a real PostgreSQL streaming replica: routing, fallback when it lags or stops, read-your-writes.

The replica is a base backup of this machine's PostgreSQL cluster (pg_basebackup), started as a hot standby on
a port of its own; the demo lives in a database made for this module on the primary. Two `siaga serve` workers
read through it: one with a lag bound of one second (the fallback), one that tolerates an hour (so a paused
replica shows what it has replayed, and only the viewer who just wrote reads the primary).
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import psycopg
import pytest

from tests.e2e.test_faults import PG, pg_cluster, soak, wait_until

PASSWORD = "siaga-demo-2024"
REPLICATION_RULE = "host replication all 127.0.0.1/32 trust"


def _pg_bin(name):
    return f"/usr/lib/postgresql/{pg_cluster()}/bin/{name}"


def _as_postgres(*command, **kwargs):
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True,
                          text=True, timeout=300, **kwargs)


def _allow_replication():
    """The primary's pg_hba.conf must let a standby stream from 127.0.0.1 (Debian's default has no such rule)."""
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        hba = Path(conn.execute("SHOW hba_file").fetchone()[0])
        if not any(line.split()[:2] == ["host", "replication"] for line in hba.read_text().splitlines()
                   if line.strip() and not line.lstrip().startswith("#")):
            with hba.open("a") as fh:
                fh.write(f"\n# Siaga's replica tests: a standby on this machine streams from the cluster\n"
                         f"{REPLICATION_RULE}\n")
            conn.execute("SELECT pg_reload_conf()")


class Standby:
    """A hot standby of the local cluster: base backup, then `pg_ctl start` on its own port."""

    # A hot standby needs at least the primary's value of each of these.
    COPIED = ("max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions",
              "max_locks_per_transaction")

    def __init__(self):
        self.port = soak.free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="siaga-replica-"))
        try:
            self._make()
            self.start()
        except BaseException:
            self.remove()
            raise

    def _make(self):
        shutil.chown(self.dir, "postgres", "postgres")
        self.dir.chmod(0o700)
        self.data = self.dir / "data"
        with psycopg.connect(f"{PG}/postgres") as conn:
            copied = "".join(f"{name} = {conn.execute(f'SHOW {name}').fetchone()[0]}\n" for name in self.COPIED)
        _as_postgres(_pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", "5432", "-U", "root", "-D", str(self.data),
                     "--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast")
        # Debian keeps the cluster's configuration outside its data directory: the standby gets its own.
        (self.data / "postgresql.conf").write_text(
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
            f"hot_standby = on\nhot_standby_feedback = on\nshared_buffers = 32MB\n{copied}")
        (self.data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        (self.data / "pg_ident.conf").write_text("")
        for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
            shutil.chown(self.data / name, "postgres", "postgres")

    def start(self):
        try:
            _as_postgres(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "start")
        except subprocess.CalledProcessError:
            raise RuntimeError((self.dir / "log").read_text(errors="replace")) from None

    def stop(self):
        _as_postgres(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database):
        return f"postgres://root@127.0.0.1:{self.port}/{database}"

    def sql(self, database, statement):
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            return conn.execute(statement).fetchone()

    def remove(self):
        subprocess.run(["runuser", "-u", "postgres", "--", _pg_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m",
                        "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if os.geteuid() != 0 or not shutil.which("runuser") or not Path(_pg_bin("pg_basebackup")).exists():
        pytest.skip("the replica tests make a base backup of this machine's PostgreSQL: root and its binaries needed")
    home = tmp_path_factory.mktemp("replica_home")
    name = f"siaga_replica_{uuid.uuid4().hex[:10]}"
    database_url = f"{PG}/{name}"
    standby = servers = None
    try:
        env = soak.demo_environment(database_url, home)
        _allow_replication()
        standby = Standby()
        servers = {}
        for label, max_lag in (("strict", "1"), ("patient", "3600")):
            port = soak.free_port()
            server_env = {**env, "DATABASE_REPLICA_URL": standby.url(name), "SIAGA_REPLICA_MAX_LAG": max_lag}
            servers[label] = (soak.server_start(server_env, port, home / f"{label}.log"), f"http://127.0.0.1:{port}")
        wait_until(lambda: standby.sql(name, "SELECT count(*) FROM regions_tps")[0] > 0, 60, "the standby's copy")
        yield {"database": name, "primary": database_url, "standby": standby,
               "urls": {label: url for label, (_, url) in servers.items()}}
    finally:
        for proc, _ in (servers or {}).values():
            soak.server_stop(proc)
        if standby is not None:
            standby.remove()
        soak.database_drop(database_url)


class Browser:
    """A signed-in session, as a command-post browser keeps it (cookies, CSRF token)."""

    def __init__(self, base, username):
        self.base, self.jar = base, CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))
        page = self.get("/masuk/")[2]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
        self.opener.open(Request(f"{base}/masuk/", data=form, headers={"Referer": f"{base}/masuk/"}), timeout=60)
        assert self.cookie("sessionid"), f"{username} could not sign in"

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def get(self, path):
        with self.opener.open(f"{self.base}{path}", timeout=60) as response:
            return response.status, response.headers.get("X-Siaga-Read-From", ""), response.read().decode()

    def post_json(self, path, body):
        request = Request(f"{self.base}{path}", data=json.dumps(body).encode(), method="POST", headers={
            "Content-Type": "application/json", "X-CSRFToken": self.cookie("csrftoken"), "Referer": self.base})
        with self.opener.open(request, timeout=60) as response:
            return response.status, json.loads(response.read())


def _replica_replay(stack, pause):
    stack["standby"].sql(stack["database"], f"SELECT pg_wal_replay_{'pause' if pause else 'resume'}()")


def _primary_write(stack, statement):
    with psycopg.connect(stack["primary"], autocommit=True) as conn:
        conn.execute(statement)


def _read_from(browser, path):
    return browser.get(path)[1]


def test_read_only_pages_read_the_replica_and_say_so(stack):
    browser = Browser(stack["urls"]["patient"], "kapolda")
    # Signing in is a change: the first pages wait until the replica has replayed it (milliseconds).
    wait_until(lambda: _read_from(browser, "/").startswith("replica"), 30, "the home page to read the replica")
    status, source, page = browser.get("/")
    assert status == 200 and re.fullmatch(r"replica; lag=\d+\.\d", source)
    assert "Data dari replika basis data, tertinggal" in page
    # A page that changes things is not a replica page: no header, no freshness line.
    status, source, page = browser.get("/tps/")
    assert status == 200 and source == "" and 'data-testid="read-from"' not in page

    # What the map reads is the replica's copy: with its replay paused, a name changed on the primary stays old.
    tps = stack["standby"].sql(stack["database"], "SELECT code, desa_id, name FROM regions_tps ORDER BY code LIMIT 1")
    points = f"/api/tps/points?area={tps[1]}"
    _replica_replay(stack, pause=True)
    try:
        _primary_write(stack, f"UPDATE regions_tps SET name = 'TPS DIUBAH DI PRIMER' WHERE code = '{tps[0]}'")
        status, source, body = browser.get(points)
        assert source.startswith("replica") and tps[2] in body and "TPS DIUBAH DI PRIMER" not in body
    finally:
        _replica_replay(stack, pause=False)
    wait_until(lambda: "TPS DIUBAH DI PRIMER" in browser.get(points)[2], 30, "the replica to replay the change")
    assert _read_from(browser, points).startswith("replica")


def test_a_lagging_replica_sends_pages_to_the_primary(stack):
    browser = Browser(stack["urls"]["strict"], "kapolda")
    wait_until(lambda: _read_from(browser, "/operasi/").startswith("replica"), 30, "the command page on the replica")
    _replica_replay(stack, pause=True)
    try:
        # Keep the primary writing: the standby receives the WAL but replays none of it, so it falls behind.
        def lagging():
            _primary_write(stack, "UPDATE regions_tps SET notes = notes WHERE id = (SELECT min(id) FROM regions_tps)")
            return _read_from(browser, "/operasi/").startswith("primary; reason=lagging")

        wait_until(lagging, 60, "the worker to notice the lag")
        status, _source, page = browser.get("/operasi/")
        assert status == 200 and "Data dari basis data utama: replika tertinggal" in page
    finally:
        _replica_replay(stack, pause=False)
    wait_until(lambda: _read_from(browser, "/operasi/").startswith("replica"), 30, "the replica to catch up")


def test_the_viewer_who_just_wrote_reads_the_primary_until_the_replica_has_it(stack):
    reporter = Browser(stack["urls"]["patient"], "polres.kolaka")
    other = Browser(stack["urls"]["patient"], "kapolda")
    tps = stack["standby"].sql(stack["database"], """
        SELECT t.code FROM regions_tps t, accounts_user u JOIN accounts_agency a ON a.id = u.agency_id
        WHERE u.username = 'polres.kolaka' AND t.code LIKE replace(a.area_code, '.', '') || '%'
        ORDER BY t.code LIMIT 1""")[0]
    for browser in (reporter, other):
        wait_until(lambda b=browser: _read_from(b, "/operasi/").startswith("replica"), 30, "pages on the replica")
    _replica_replay(stack, pause=True)
    try:
        status, incident = reporter.post_json("/api/operations/incidents", {
            "client_id": str(uuid.uuid4()), "category": "logistik", "severity": 2, "description": "Uji replika",
            "tps_code": tps})
        assert status == 201
        in_feed = f">#{incident['id']}</a>"  # the command page's live feed lists it by number
        status, source, page = reporter.get("/operasi/")
        assert source.startswith("primary; reason=own_write") and in_feed in page
        assert "Data dari basis data utama, termasuk perubahan Anda yang terakhir" in page
        status, source, page = other.get("/operasi/")  # others read the replica, which has not replayed it yet
        assert source.startswith("replica") and in_feed not in page
    finally:
        _replica_replay(stack, pause=False)
    wait_until(lambda: _read_from(reporter, "/operasi/").startswith("replica"), 30, "the replica to replay it")
    assert in_feed in reporter.get("/operasi/")[2] and in_feed in other.get("/operasi/")[2]


def test_a_stopped_replica_sends_pages_to_the_primary(stack):
    browser = Browser(stack["urls"]["strict"], "kapolda")
    wait_until(lambda: _read_from(browser, "/").startswith("replica"), 30, "the home page on the replica")
    stack["standby"].stop()
    try:
        status, source, page = browser.get("/")  # the worker's last look said "up": the read fails over at once
        assert status == 200 and source == "primary; reason=down"
        assert "Data dari basis data utama: replika tidak menjawab" in page
        assert browser.get("/peta/")[1] == "primary; reason=down"
    finally:
        stack["standby"].start()
    wait_until(lambda: _read_from(browser, "/").startswith("replica"), 60, "the worker to use the replica again")
