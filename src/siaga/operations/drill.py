"""Drive an election-day drill through the real HTTP API, as field phones would."""

import http.client
import json
import queue
import threading
import time
import uuid
from urllib.parse import urlsplit

from siaga.core.simulator import Submission

PATHS = {"event": "/api/operations/events", "incident": "/api/operations/incidents"}
BATCH_PATH = "/api/operations/events/batch"
RISK_CLASS_NAMES = {0: "kurang_rawan", 1: "rawan", 2: "sangat_rawan", 3: "khusus"}
# Worker restarting, proxy without a live backend, database restarting: worth another try.
RETRY_STATUSES = {500, 502, 503, 504}
RETRY_ATTEMPTS = 10
RETRY_FIRST_DELAY, RETRY_MAX_DELAY = 0.25, 8.0


def retry_delays(attempts=RETRY_ATTEMPTS, first=RETRY_FIRST_DELAY, cap=RETRY_MAX_DELAY) -> list[float]:
    """Exponential back-off between attempts: 0.25, 0.5, 1, 2, 4, 8, 8... (about 40 s in all)."""
    return [min(cap, first * 2 ** n) for n in range(attempts - 1)]


class ServerUnreachable(ConnectionError):
    """The drill's server cannot be reached; `messages` holds the text per language."""

    def __init__(self, url, reason, reason_en=None):
        self.messages = {"id": f"server {url} tidak dapat dihubungi: {reason}",
                         "en": f"the server {url} cannot be reached: {reason_en or reason}"}
        super().__init__(self.messages["en"])


def connect(url, timeout=30.0) -> http.client.HTTPConnection:
    """A connection to an http:// or https:// server URL (a ValueError names a URL of another kind)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    return kind(parts.hostname, parts.port, timeout=timeout)


def check_reachable(url, connect_timeout=5.0):
    """Fail fast (ServerUnreachable) when nothing answers HTTP at `url`: a drill retries lost connections
    for tens of seconds per report, which is right mid-run (a worker restarting) and wrong at the start."""
    try:
        conn = connect(url, connect_timeout)
        conn.connect()
        conn.sock.settimeout(30)  # a busy server may take a while to answer its first request
        conn.request("GET", "/api/operations/drills/-")  # any HTTP answer will do (401 without a token)
        conn.getresponse().read()
        conn.close()
    except ValueError:
        raise ServerUnreachable(url, "bukan URL http(s)://host:port", "not an http(s)://host:port URL") from None
    except (http.client.HTTPException, OSError) as exc:
        raise ServerUnreachable(url, getattr(exc, "strerror", None) or str(exc) or type(exc).__name__) from None


def new_run_id() -> str:
    return "drill-" + uuid.uuid4().hex[:12]


class Sender(threading.Thread):
    """One keep-alive connection posting its share of the stream, in send-time order."""

    def __init__(self, url, token, run_id, counts, lock, batch=1, gone=None, progress=None):
        super().__init__(daemon=True)
        self.progress = progress
        self.batch = batch
        self.url = url
        # Set once a report has used up its retries on a lost connection: the server is down, not restarting,
        # so the rest of the stream is counted as errors at once instead of retried for minutes.
        self.gone = gone or threading.Event()
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.run_id, self.counts, self.lock = run_id, counts, lock
        self.inbox: queue.Queue = queue.Queue()
        self.latencies: list[float] = []

    def _post(self, conn, path, body):
        """POST with bounded retries; returns (status, answer body, connection, number of resends).

        A lost connection or a 5xx answer (worker killed, database restarting) is
        retried with the same body, hence the same client id: the server stores it
        at most once, so resending is safe.
        """
        resends = 0
        if self.gone.is_set():
            return 599, b"", conn, resends
        for delay in [*retry_delays(), None]:
            try:
                conn.request("POST", path, body=body, headers=self.headers)
                response = conn.getresponse()
                answer = response.read()
                if response.status not in RETRY_STATUSES:
                    return response.status, answer, conn, resends
                status = response.status
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = connect(self.url)
                status = 599
            if delay is None:
                if status == 599:
                    self.gone.set()
                return status, b"", conn, resends
            resends += 1
            time.sleep(delay)

    def _groups(self):
        """The inbox in send order: each submission alone, or (batch > 1) events gathered with the events
        already waiting behind them, up to `batch`, as a phone's queue or an SMS aggregator sends them."""
        held = []
        while True:
            sub = held.pop() if held else self.inbox.get()
            if sub is None:
                return
            group = [sub]
            while self.batch > 1 and sub.kind == "event" and len(group) < self.batch:
                try:
                    following = self.inbox.get_nowait()
                except queue.Empty:
                    break
                if following is None or following.kind != "event":
                    held.append(following)
                    break
                group.append(following)
            yield group

    def _count(self, key, sub, resends):
        if key == "duplicates" and resends and not sub.retry:
            key = "accepted"  # an earlier attempt of this very submission was stored; its answer was lost
        self.counts[key] += 1

    def run(self):
        conn = connect(self.url)
        for group in self._groups():
            bodies = [{**sub.payload, "client_id": sub.client_id, "exercise": True} for sub in group]
            if len(group) == 1:
                path, body = PATHS[group[0].kind], json.dumps({**bodies[0], "drill": self.run_id})
            else:
                path, body = BATCH_PATH, json.dumps({"events": bodies, "drill": self.run_id})
            started = time.perf_counter()
            status, answer, conn, resends = self._post(conn, path, body)
            self.latencies.extend([time.perf_counter() - started] * len(group))
            if len(group) > 1 and status == 200:
                keys = ["rejected" if r["detail"] else "accepted" if r["created"] else "duplicates"
                        for r in json.loads(answer)["results"]]
            else:
                keys = [{201: "accepted", 200: "duplicates", 400: "rejected"}.get(status, "errors")] * len(group)
            with self.lock:
                for key, sub in zip(keys, group):
                    self._count(key, sub, resends)
                self.counts["resent"] += resends
                if self.progress is not None:
                    self.progress(len(group))
        conn.close()


def drive(subs: list[Submission], *, url, token, run_id, speed=0.0, workers=4, batch=1, progress=None) -> dict:
    """Send the stream (sped up `speed` times; 0 = as fast as possible) and count the answers.

    `progress(n)` is called (under a lock) with the number of submissions just answered.

    batch > 1 sends the TPS events that are due together in batches (the batch endpoint); incidents alone.
    """
    counts = {"sent": 0, "accepted": 0, "duplicates": 0, "rejected": 0, "errors": 0, "resent": 0}
    lock, gone = threading.Lock(), threading.Event()
    senders = [Sender(url, token, run_id, counts, lock, batch, gone, progress) for _ in range(workers)]
    for s in senders:
        s.start()
    started = time.monotonic()
    first = subs[0].send_at if subs else None
    for sub in subs:
        if speed > 0:
            wait = (sub.send_at - first).total_seconds() / speed - (time.monotonic() - started)
            if wait > 0:
                time.sleep(wait)
        # One TPS always goes through the same connection, so its reports keep their order.
        senders[hash(sub.payload["tps_code"][:13]) % workers].inbox.put(sub)
        counts["sent"] += 1
    for s in senders:
        s.inbox.put(None)
    for s in senders:
        s.join()
    latencies = sorted(x for s in senders for x in s.latencies)
    counts["server_lost"] = gone.is_set()
    counts["seconds"] = round(time.monotonic() - started, 2)
    if latencies:
        counts["p50_ms"] = round(latencies[len(latencies) // 2] * 1000, 1)
        counts["p99_ms"] = round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1)
    return counts


def fetch_json(url, path, token):
    conn = connect(url)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    data = json.loads(response.read() or b"null")
    conn.close()
    return data
