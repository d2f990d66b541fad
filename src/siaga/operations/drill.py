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
RISK_CLASS_NAMES = {0: "kurang_rawan", 1: "rawan", 2: "sangat_rawan", 3: "khusus"}


def new_run_id() -> str:
    return "drill-" + uuid.uuid4().hex[:12]


class Sender(threading.Thread):
    """One keep-alive connection posting its share of the stream, in send-time order."""

    def __init__(self, url, token, run_id, counts, lock):
        super().__init__(daemon=True)
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.run_id, self.counts, self.lock = run_id, counts, lock
        self.inbox: queue.Queue = queue.Queue()
        self.latencies: list[float] = []

    def _post(self, conn, path, body):
        for attempt in range(3):
            try:
                conn.request("POST", path, body=body, headers=self.headers)
                response = conn.getresponse()
                response.read()
                return response.status, conn
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                time.sleep(0.2 * (attempt + 1))
        return 599, conn

    def run(self):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        while (sub := self.inbox.get()) is not None:
            body = json.dumps({**sub.payload, "client_id": sub.client_id, "exercise": True, "drill": self.run_id})
            started = time.perf_counter()
            status, conn = self._post(conn, PATHS[sub.kind], body)
            self.latencies.append(time.perf_counter() - started)
            key = {201: "accepted", 200: "duplicates", 400: "rejected"}.get(status, "errors")
            with self.lock:
                self.counts[key] += 1
        conn.close()


def drive(subs: list[Submission], *, url, token, run_id, speed=0.0, workers=4) -> dict:
    """Send the stream (sped up `speed` times; 0 = as fast as possible) and count the answers."""
    counts = {"sent": 0, "accepted": 0, "duplicates": 0, "rejected": 0, "errors": 0}
    lock = threading.Lock()
    senders = [Sender(url, token, run_id, counts, lock) for _ in range(workers)]
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
    counts["seconds"] = round(time.monotonic() - started, 2)
    if latencies:
        counts["p50_ms"] = round(latencies[len(latencies) // 2] * 1000, 1)
        counts["p99_ms"] = round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1)
    return counts


def fetch_json(url, path, token):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    data = json.loads(response.read() or b"null")
    conn.close()
    return data
