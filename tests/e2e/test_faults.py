"""Faults during a voting-day drill: a killed web worker, a PostgreSQL restart, a Redis outage.

Real processes and services: two `siaga serve` workers on a PostgreSQL database
made for this module (dropped afterwards), Redis db 14, a round-robin TCP
balancer in front of the workers, and `siaga simulate election-day` as the
field phones. These tests restart this machine's PostgreSQL and Redis; both are
always brought back in a `finally`. In every scenario the server must store
exactly what the simulator says a correct server stores: nothing lost, nothing
twice, and the counts of both sides reconcile.
"""

import http.client
import importlib.util
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

pytestmark = pytest.mark.faults

REPO = Path(__file__).resolve().parents[2]
PG = "postgres://root@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/14"
REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]
DRILL_TPS = 200           # about 1,200 submissions: long enough to hit with a fault
FAULT_AFTER = 200         # stored submissions before the fault strikes
# TPS outside the drill's first DRILL_TPS, for the live-feed probes.
PROBE_TPS = ("7472011016001", "7472011016002", "7472011016003", "7472011016004")


def _soak_module():
    """bench/soak.py holds the database and server helpers both soak and these tests use."""
    spec = importlib.util.spec_from_file_location("siaga_bench_soak", REPO / "bench" / "soak.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


soak = _soak_module()


def wait_until(predicate, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(interval)
    raise TimeoutError(f"gave up after {timeout} s waiting for {what}")


# ---------------------------------------------------------------- services of this machine

def pg_cluster():
    return sorted(os.listdir("/etc/postgresql"))[-1]


def pg_accepts(database_url):
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=2) as conn:
            return conn.execute("SELECT pg_postmaster_start_time()").fetchone()[0]
    except psycopg.Error:
        return None


def pg_ensure_running(database_url):
    if pg_accepts(database_url) is None:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_cluster(), "main", "start"], timeout=120)
    wait_until(lambda: pg_accepts(database_url), 90, "PostgreSQL to accept connections")


def redis_up():
    done = subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True, text=True, timeout=10)
    return done.stdout.strip() == "PONG"


def redis_ensure_running():
    if not redis_up():
        subprocess.run(REDIS_START, check=True, timeout=30)
    wait_until(redis_up, 30, "Redis to answer PING")


# ---------------------------------------------------------------- the stack under test

class RoundRobinBalancer:
    """What nginx does in front of several workers: each new connection goes to the next
    worker that accepts it; a worker that dies takes its open connections with it."""

    def __init__(self, ports):
        self.ports, self.turn = ports, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.listener.close()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _upstream(self):
        for _ in self.ports:
            port = self.ports[self.turn % len(self.ports)]
            self.turn += 1
            try:
                return socket.create_connection(("127.0.0.1", port), timeout=2)
            except OSError:
                continue
        return None

    def _serve(self, client):
        upstream = self._upstream()
        if upstream is None:
            client.close()
            return
        upstream.settimeout(None)
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
        _pipe(client, upstream)


def _pipe(source, target):
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, target):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        source.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not (shutil.which("pg_ctlcluster") and shutil.which("redis-server") and os.geteuid() == 0):
        pytest.skip("fault tests restart this machine's PostgreSQL and Redis: root, pg_ctlcluster and "
                    "redis-server needed")
    home = tmp_path_factory.mktemp("faults_home")
    database_url = f"{PG}/siaga_faults_{uuid.uuid4().hex[:10]}"
    try:
        env = soak.demo_environment(database_url, home, redis_url=REDIS_URL)
        token = soak.field_token(env, "petugas.faults")
        yield {"env": env, "home": home, "database_url": database_url, "token": token}
    finally:
        pg_ensure_running(database_url)
        soak.database_drop(database_url)


class Workers:
    def __init__(self, stack, count=2):
        self.stack = stack
        self.ports = [soak.free_port() for _ in range(count)]
        self.procs = [self.start(i) for i in range(count)]
        self.balancer = RoundRobinBalancer(self.ports)

    def start(self, i):
        return soak.server_start(self.stack["env"], self.ports[i], self.stack["home"] / f"worker-{self.ports[i]}.log")

    def url(self, i):
        return f"http://127.0.0.1:{self.ports[i]}"

    def stop(self):
        self.balancer.close()
        for proc in self.procs:
            soak.server_stop(proc)


@pytest.fixture
def workers(stack):
    redis_ensure_running()
    pg_ensure_running(stack["database_url"])
    running = Workers(stack)
    yield running
    running.stop()


class Drill:
    """`siaga simulate election-day` through the balancer, as a separate process."""

    def __init__(self, stack, url, seed):
        self.stack = stack
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "siaga", "simulate", "election-day", "--province", "74", "--url", url,
             "--limit-tps", str(DRILL_TPS), "--seed", str(seed), "--workers", "4", "--json"],
            env=stack["env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.errors: list[str] = []
        for line in self.proc.stderr:  # "Latihan / drill drill-…: N TPS, M kiriman …"
            self.errors.append(line)
            if line.startswith("Latihan / drill "):
                self.run_id = line.split()[3].rstrip(":")
                break
        else:
            raise AssertionError("".join(self.errors))
        threading.Thread(target=lambda: self.errors.extend(self.proc.stderr), daemon=True).start()

    def stored(self, url):
        """Submissions the server has stored for this drill so far."""
        try:
            from siaga.operations.drill import fetch_json

            return fetch_json(url, f"/api/operations/drills/{self.run_id}", self.stack["token"]).get("accepted", 0)
        except (OSError, http.client.HTTPException, ValueError, AttributeError):
            return 0

    def wait_stored(self, url, at_least, timeout=90):
        return wait_until(lambda: self.stored(url) >= at_least or self.proc.poll() is not None, timeout,
                          f"{at_least} stored submissions")

    def result(self, timeout=150):
        out, _ = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == 0, "".join(self.errors)[-3000:]
        return json.loads(out.strip().splitlines()[-1])


def assert_reconciled(result, database_url):
    import psycopg

    expected, server = result["expected"], result["server"]
    assert result["errors"] == 0, result
    # The simulator's own count: each submission counted once, whatever the number of attempts.
    assert {k: result[k] for k in ("accepted", "duplicates", "rejected")} == \
        {k: expected[k] for k in ("accepted", "duplicates", "rejected")}
    # The server stored each accepted submission exactly once: none lost, none twice.
    assert server["accepted"] == expected["accepted"] == server["events"] + server["incidents"]
    # Its request counters may only exceed by requests resent after a lost answer.
    assert 0 <= server["duplicates"] - expected["duplicates"] <= result["resent"]
    assert 0 <= server["rejected"] - expected["rejected"] <= result["resent"]
    with psycopg.connect(database_url) as conn:
        drifted = conn.execute("""SELECT count(*) FROM operations_tpsstatus s WHERE s.events <>
                                  (SELECT count(*) FROM operations_tpsevent e WHERE e.tps_id = s.tps_id)""").fetchone()
    assert drifted[0] == 0, "TPS summary rows disagree with their event streams"


# ---------------------------------------------------------------- scenarios

def test_killed_worker_loses_nothing_and_counts_nothing_twice(stack, workers):
    drill = Drill(stack, workers.balancer.url, seed=101)
    drill.wait_stored(workers.url(1), FAULT_AFTER)
    assert drill.proc.poll() is None, "the drill ended before the fault; raise DRILL_TPS"
    workers.procs[0].kill()  # SIGKILL mid-ingestion: in-flight requests and connections are cut
    workers.procs[0].wait(timeout=10)
    during = drill.stored(workers.url(1))
    drill.wait_stored(workers.url(1), during + 100, timeout=60)  # the other worker carries on alone
    workers.procs[0] = workers.start(0)
    result = drill.result()
    assert_reconciled(result, stack["database_url"])
    assert result["resent"] >= 1  # the kill did cut requests, and they were resent
    assert drill.stored(workers.url(0)) == result["server"]["accepted"]  # the restarted worker serves again


def test_postgresql_restart_during_voting_day(stack, workers):
    database_url = stack["database_url"]
    started_before = pg_accepts(database_url)
    drill = Drill(stack, workers.balancer.url, seed=202)
    try:
        drill.wait_stored(workers.url(0), FAULT_AFTER)
        assert drill.proc.poll() is None, "the drill ended before the fault; raise DRILL_TPS"
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_cluster(), "main", "restart"], check=True,
                       timeout=120)
        started_after = wait_until(lambda: pg_accepts(database_url), 90, "PostgreSQL to accept connections")
    finally:
        pg_ensure_running(database_url)
    assert started_after > started_before  # it really restarted
    result = drill.result()
    assert_reconciled(result, database_url)
    # Both workers reconnected by themselves: each answers from the database again.
    assert all(drill.stored(workers.url(i)) == result["server"]["accepted"] for i in range(2))


def _post_event(url, token, tps_code, at):
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("POST", "/api/operations/events", headers={"Authorization": f"Bearer {token}",
                                                            "Content-Type": "application/json"},
                 body=json.dumps({"client_id": str(uuid.uuid4()), "tps_code": tps_code, "kind": "logistik",
                                  "at": at.isoformat()}))
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


class LiveFeed:
    """A command-post page's live polling of one worker, collecting (tps, at) of the TPS updates it receives."""

    def __init__(self, url, token):
        host, port = url.removeprefix("http://").split(":")
        self.address, self.token = (host, int(port)), token
        self.received: queue.Queue = queue.Queue()
        self.stopped = threading.Event()
        self.cursor = self._ask("")["cursor"]  # subscribed: later updates arrive after this cursor
        threading.Thread(target=self._poll, daemon=True).start()

    def _ask(self, cursor):
        conn = http.client.HTTPConnection(*self.address, timeout=30)
        try:
            conn.request("GET", "/operasi/stream/", headers={"Authorization": f"Bearer {self.token}",
                                                             "If-None-Match": f'"{cursor}"' if cursor else ""})
            response = conn.getresponse()
            body = response.read()
            assert response.status in (200, 304, 429), response.status
            return json.loads(body) if response.status == 200 else None
        finally:
            conn.close()

    def _poll(self):
        while not self.stopped.wait(0.2):
            try:
                data = self._ask(self.cursor)
            except (OSError, http.client.HTTPException):
                continue
            if data:
                self.cursor = data["cursor"]
                for message in data["messages"]:
                    if message.get("type") == "tps":
                        self.received.put((message["tps"], datetime.fromisoformat(message["at"])))

    def saw(self, tps_code, at, timeout):
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                if self.received.get(timeout=remaining) == (tps_code, at):
                    return True
            except queue.Empty:
                break
        return False

    def close(self):
        self.stopped.set()


def _probe_time():
    return datetime.now(timezone.utc).replace(microsecond=uuid.uuid4().int % 1_000_000)


def test_redis_outage_degrades_live_feed_only_and_it_recovers(stack, workers):
    token = stack["token"]
    feed = LiveFeed(workers.url(1), token)
    try:
        at = _probe_time()
        assert _post_event(workers.url(0), token, PROBE_TPS[0], at) == 201
        assert feed.saw(PROBE_TPS[0], at, timeout=15)  # across workers, through Redis
        drill = Drill(stack, workers.balancer.url, seed=303)
        try:
            drill.wait_stored(workers.url(0), FAULT_AFTER)
            assert drill.proc.poll() is None, "the drill ended before the fault; raise DRILL_TPS"
            subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], timeout=30)
            wait_until(lambda: not redis_up(), 15, "Redis to stop")
            during = drill.stored(workers.url(0))
            drill.wait_stored(workers.url(0), during + 100, timeout=60)  # ingestion continues without Redis
            at = _probe_time()
            assert _post_event(workers.url(1), token, PROBE_TPS[1], at) == 201
            assert feed.saw(PROBE_TPS[1], at, timeout=15)  # degraded: the worker's own pages still get it
        finally:
            redis_ensure_running()

        def reaches_other_worker():
            at = _probe_time()
            assert _post_event(workers.url(0), token, PROBE_TPS[2], at) == 201
            return feed.saw(PROBE_TPS[2], at, timeout=3)

        # Recovered: an update posted on one worker reaches the other worker's pages again.
        wait_until(reaches_other_worker, 45, "the live feed to recover after Redis came back", interval=0)
        result = drill.result()
        assert_reconciled(result, stack["database_url"])
    finally:
        feed.close()
        redis_ensure_running()
