"""Live-update fan-out: every web worker's browsers receive every committed change.

In-process (the default, one embedded server) keeps one queue per open
stream. With settings.REDIS_URL, messages go through Redis pub/sub so that
several `siaga serve` processes share them; each process holds one Redis
subscription and fans out to its own streams.
"""

import json
import logging
import queue
import threading
from functools import cache

from django.conf import settings

CHANNEL = "siaga:operations"
log = logging.getLogger(__name__)


class InProcessBroker:
    def __init__(self):
        self._lock = threading.Lock()
        self._queues: set[queue.Queue] = set()

    def publish(self, message: dict) -> None:
        self.deliver(message)

    def deliver(self, message: dict) -> None:
        with self._lock:
            targets = list(self._queues)
        for q in targets:
            try:
                q.put_nowait(message)
            except queue.Full:  # a stalled browser loses updates rather than memory
                pass

    def subscribe(self) -> queue.Queue:
        q = queue.Queue(maxsize=1000)
        with self._lock:
            self._queues.add(q)
        return q

    def unsubscribe(self, q: queue.Queue) -> None:
        with self._lock:
            self._queues.discard(q)


class RedisBroker(InProcessBroker):
    def __init__(self, url: str):
        super().__init__()
        import redis

        self._errors = redis.RedisError
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=2)
        self._listener = None
        self._ready = threading.Event()
        self._publish_failing = False
        # Requests hand messages to one sender thread: a slow or absent Redis never holds up a request.
        self._outbox: queue.Queue = queue.Queue(maxsize=10_000)
        threading.Thread(target=self._send_forever, daemon=True, name="siaga-redis-sender").start()

    def publish(self, message: dict) -> None:
        try:
            self._outbox.put_nowait(message)
        except queue.Full:  # Redis has been slow for a long while: live views miss updates, the data is stored
            self.deliver(message)

    def _send_forever(self):
        while True:
            self._send(self._outbox.get())

    def _send(self, message: dict) -> None:
        try:
            self._redis.publish(CHANNEL, json.dumps(message, default=str))
            self._publish_failing = False
        except self._errors:
            # Redis is down: the change is committed already; this worker's own streams
            # still get it, other workers' browsers catch up on their next reload.
            if not self._publish_failing:
                log.warning("redis unavailable; live updates reach this worker's streams only")
            self._publish_failing = True
            self.deliver(message)

    def subscribe(self) -> queue.Queue:
        with self._lock:
            if self._listener is None or not self._listener.is_alive():
                self._listener = threading.Thread(target=self._listen, daemon=True, name="siaga-redis-listener")
                self._listener.start()
        self._ready.wait(5)  # a stream opened now must not miss what is published next
        return super().subscribe()

    def _listen(self):
        while True:
            try:
                pubsub = self._redis.pubsub()
                pubsub.subscribe(CHANNEL)
                for item in pubsub.listen():
                    if item["type"] == "subscribe":
                        self._ready.set()
                    elif item["type"] == "message":
                        self.deliver(json.loads(item["data"]))
            except Exception:  # Redis restarted: resubscribe
                if self._ready.is_set():  # once per outage, not once per reconnect attempt
                    log.exception("redis listener lost its connection")
                self._ready.clear()
                threading.Event().wait(1)


@cache
def broker() -> InProcessBroker:
    return RedisBroker(settings.REDIS_URL) if settings.REDIS_URL else InProcessBroker()


def publish_after_commit(message: dict) -> None:
    """Send once the current transaction commits (immediately when there is none)."""
    from django.db import transaction

    transaction.on_commit(lambda: broker().publish(message))
