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

        self._redis = redis.Redis.from_url(url)
        self._listener = None
        self._ready = threading.Event()

    def publish(self, message: dict) -> None:
        self._redis.publish(CHANNEL, json.dumps(message, default=str))

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
                self._ready.clear()
                log.exception("redis listener lost its connection")
                threading.Event().wait(1)


@cache
def broker() -> InProcessBroker:
    return RedisBroker(settings.REDIS_URL) if settings.REDIS_URL else InProcessBroker()


def publish_after_commit(message: dict) -> None:
    """Send once the current transaction commits (immediately when there is none)."""
    from django.db import transaction

    transaction.on_commit(lambda: broker().publish(message))
