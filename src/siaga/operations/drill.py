"""Drive an election-day drill through the real HTTP API, as field phones would."""

import http.client
import json
import queue
import statistics
import threading
import time
import uuid
from urllib.parse import urlencode, urlsplit

PATHS = {"event": "/api/operations/events", "incident": "/api/operations/incidents"}
BATCH_PATH = "/api/operations/events/batch"
SUMMARY_PATH = "/api/operations/summary"  # the command post's counters (selectors.summary)
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


def answer_keys(status, answer: bytes, n: int) -> list[str]:
    """How each of the n submissions of one request was answered: accepted, duplicates, rejected or errors."""
    if n > 1 and status == 200:
        return ["rejected" if r["detail"] else "accepted" if r["created"] else "duplicates"
                for r in json.loads(answer)["results"]]
    return [{201: "accepted", 200: "duplicates", 400: "rejected"}.get(status, "errors")] * n


class Sender(threading.Thread):
    """One keep-alive connection posting its share of the stream, in send-time order.

    With several server URLs a lost connection moves on to the next one (a worker killed mid-run)."""

    def __init__(self, url, token, run_id, counts, lock, batch=1, gone=None, progress=None):
        super().__init__(daemon=True)
        self.progress = progress
        self.batch = batch
        self.urls = [url] if isinstance(url, str) else list(url)
        self.url = self.urls[0]
        # Set once a report has used up its retries on a lost connection: the server is down, not restarting,
        # so the rest of the stream is counted as errors at once instead of retried for minutes.
        self.gone = gone or threading.Event()
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.run_id, self.counts, self.lock = run_id, counts, lock
        # Bounded: the stream is built as it is sent, never all at once (a national day is 5 million reports).
        self.inbox: queue.Queue = queue.Queue(maxsize=max(64, 4 * batch))
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
                self.url = self.urls[(self.urls.index(self.url) + 1) % len(self.urls)]
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
            keys = answer_keys(status, answer, len(group))
            with self.lock:
                for key, sub in zip(keys, group):
                    self._count(key, sub, resends)
                self.counts["resent"] += resends
                self.counts["requests"] += 1
                if self.progress is not None:
                    self.progress(len(group))
        conn.close()


def drive(subs, *, url, token, run_id, speed=0.0, workers=4, batch=1, progress=None, summary_every=0.0,
          summary_area="") -> dict:
    """Send the stream (sped up `speed` times; 0 = as fast as possible) and count the answers.

    `subs`: Submissions in send order (a list, or a simulator.Stream, built as it is sent). `url`: one server
    URL or several (the connections are spread over them). `progress(n)` is called (under a lock) with the
    number of submissions just answered. batch > 1 sends the TPS events that are due together in batches
    (the batch endpoint); incidents alone. summary_every > 0: read the command-post summary of
    `summary_area` that often (seconds) while the drill runs (SummaryPoller); its report is under "summary".
    """
    urls = [url] if isinstance(url, str) else list(url)
    counts = {"sent": 0, "accepted": 0, "duplicates": 0, "rejected": 0, "errors": 0, "resent": 0, "requests": 0}
    lock, gone = threading.Lock(), threading.Event()
    total = len(subs) if hasattr(subs, "__len__") else 0
    started = time.monotonic()
    marks = _Marks(step=max(1, total // 100), started=started, progress=progress)
    senders = [Sender(urls[i % len(urls):] + urls[:i % len(urls)], token, run_id, counts, lock, batch, gone,
                      marks.answered) for i in range(workers)]
    for s in senders:
        s.start()
    poller = None
    if summary_every > 0:
        poller = SummaryPoller(urls[0], token, area=summary_area, every=summary_every,
                               answered=lambda: marks.total)
        poller.start()
    first = None
    for sub in subs:
        if speed > 0:
            first = first or sub.send_at
            wait = (sub.send_at - first).total_seconds() / speed - (time.monotonic() - started)
            if wait > 0:
                time.sleep(wait)
        # One TPS always goes through the same connection, so its reports keep their order.
        _hand(senders[hash(sub.payload["tps_code"][:13]) % workers], sub)
        counts["sent"] += 1
    for s in senders:
        _hand(s, None)
    for s in senders:
        s.join()
    seconds = time.monotonic() - started
    if poller is not None:
        poller.stop()
        counts["summary"] = poller.report()
    latencies = sorted(x for s in senders for x in s.latencies)
    counts["server_lost"] = gone.is_set()
    counts["seconds"] = round(seconds, 2)
    if latencies:
        counts["p50_ms"] = round(latencies[len(latencies) // 2] * 1000, 1)
        counts["p99_ms"] = round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1)
    if marks.points[-1][1] < marks.total:
        marks.points.append((seconds, marks.total))
    counts["events_per_s"] = round(marks.total / seconds, 1) if seconds > 0 else None
    counts.update(throughput(marks.points))
    return counts


class _Marks:
    """The submissions answered so far, and (seconds, answered) at every `step` of them, for the sustained rate."""

    def __init__(self, *, step, started, progress=None):
        self.step, self.started, self.progress = step, started, progress
        self.total, self.points = 0, [(0.0, 0)]

    def answered(self, n):  # called by the senders under their shared lock
        self.total += n
        if self.total >= len(self.points) * self.step:
            self.points.append((time.monotonic() - self.started, self.total))
        if self.progress is not None:
            self.progress(n)


def _hand(sender, sub):
    """Put into a sender's (bounded) inbox; a sender that died would otherwise leave the drill waiting forever."""
    while True:
        try:
            return sender.inbox.put(sub, timeout=5)
        except queue.Full:
            if not sender.is_alive():
                raise RuntimeError(f"drill sender to {sender.url} stopped") from None


def throughput(marks) -> dict:
    """Sustained rate from (seconds, submissions answered) marks: between 10 % and 90 % of the stream (no start-up,
    no tail), and the slowest tenth of the stream."""
    total = marks[-1][1] if marks else 0
    if total == 0:
        return {"sustained_events_per_s": None, "slowest_tenth_events_per_s": None}

    def at(share):  # the first mark with at least this share answered
        return next(m for m in marks if m[1] >= share * total)

    def rate(a, b):
        return round((b[1] - a[1]) / (b[0] - a[0]), 1) if b[0] > a[0] else None

    tenths = [rate(at(k / 10), at((k + 1) / 10)) for k in range(10)]
    tenths = [r for r in tenths if r is not None]
    return {"sustained_events_per_s": rate(at(0.1), at(0.9)), "slowest_tenth_events_per_s": min(tenths, default=None)}


def summary_counts(data: dict) -> dict:
    """The counters a command post watches, from a summary answer."""
    stages = data.get("stages") or {}
    return {"tps": data.get("tps"), "stages": stages, "disturbed": data.get("disturbed"),
            "suspended": data.get("suspended"), "open_incidents": sum((data.get("open_incidents") or {}).values()),
            "missing_checkins": {k: v.get("missing") for k, v in (data.get("missing_checkins") or {}).items()}}


class SummaryPoller(threading.Thread):
    """Reads the command-post summary every `every` seconds, as the command-post page does, while a drill runs:
    its latency and the counters it showed. `fetch(path) -> (status, data)` defaults to GET on `url`."""

    def __init__(self, url, token, *, area="", every=5.0, answered=None, fetch=None):
        super().__init__(daemon=True)
        self.path = SUMMARY_PATH + (f"?{urlencode({'area': area})}" if area and area != "all" else "")
        self.every, self.answered = every, answered or (lambda: None)
        self.fetch = fetch or (lambda path: get_json(url, path, token))
        self.samples: list[dict] = []
        self.done = threading.Event()
        self.started = time.monotonic()

    def poll(self) -> dict:
        started = time.perf_counter()
        try:
            status, data = self.fetch(self.path)
        except (http.client.HTTPException, OSError, ValueError):
            status, data = 599, None
        sample = {"t": round(time.monotonic() - self.started, 2), "ms": round((time.perf_counter() - started) * 1000, 1),
                  "status": status, "answered": self.answered()}
        if status == 200 and isinstance(data, dict):
            sample.update(summary_counts(data))
        self.samples.append(sample)
        return sample

    def run(self):
        while not self.done.wait(self.every):
            self.poll()

    def stop(self):
        self.done.set()
        self.join()
        if not self.samples:  # a run shorter than one interval: read it once at the end
            self.poll()

    def report(self) -> dict:
        return summary_report(self.samples)


def summary_report(samples: list[dict]) -> dict:
    """Latency of the summary reads (p50, max) and the counters of the first and last answered read."""
    ok = [s for s in samples if s["status"] == 200]
    ms = sorted(s["ms"] for s in ok)
    return {"polls": len(samples), "failed": len(samples) - len(ok),
            "p50_ms": round(statistics.median(ms), 1) if ms else None, "max_ms": ms[-1] if ms else None,
            "first": ok[0] if ok else None, "last": ok[-1] if ok else None, "samples": samples}


def reconcile(expected: dict, counts: dict, server: dict) -> list[str]:
    """What disagrees between the stream's expected counts, the drill's answers and the server's drill report
    (empty: they reconcile). The server's request counters may exceed by requests resent after a lost answer."""
    problems = [f"{key}: drill {counts.get(key)} != expected {expected[key]}"
                for key in ("sent", "accepted", "duplicates", "rejected") if counts.get(key) != expected[key]]
    if counts.get("errors"):
        problems.append(f"errors: {counts['errors']}")
    if not isinstance(server, dict) or not {"accepted", "events", "incidents", "duplicates", "rejected"} <= set(server):
        return [*problems, f"server report unavailable: {server}"]
    if server["accepted"] != expected["accepted"]:
        problems.append(f"accepted: server {server['accepted']} != expected {expected['accepted']}")
    if server["accepted"] != server["events"] + server["incidents"]:
        problems.append(f"server accepted {server['accepted']} != events {server['events']} + incidents "
                        f"{server['incidents']}")
    for key in ("duplicates", "rejected"):
        if not 0 <= server[key] - expected[key] <= counts.get("resent", 0):
            problems.append(f"{key}: server {server[key]} != expected {expected[key]} (resent {counts.get('resent', 0)})")
    return problems


def get_json(url, path, token):
    """(status, parsed body) of a GET."""
    conn = connect(url)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def fetch_json(url, path, token, timeout=30.0):
    conn = connect(url, timeout)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    data = json.loads(response.read() or b"null")
    conn.close()
    return data
