"""Live-update fan-out: every web worker's pages see every committed change.

Each process keeps the most recent messages in a numbered ring (`Ring`); the
command-post pages ask for what came after the number they saw last (short
polling, see stream.py), so no open page holds a server thread.

In-process (the default, one embedded server) numbers messages itself. With
settings.REDIS_URL, messages go through Redis pub/sub so that several `siaga
serve` processes share them; Redis numbers each message as it publishes it
(one counter, atomically with the publish), so every process's ring carries the
same numbers and a page may poll any of the processes.
"""

import json
import logging
import queue
import secrets
import threading
from collections import deque
from functools import cache

from django.conf import settings

CHANNEL = "siaga:operations"
SEQUENCE_KEY = "siaga:operations:seq"
RING_SIZE = 2000  # at a few hundred events a second, several seconds of history: more than one poll interval
# Number and publish in one step, so that Redis delivers messages in the order of their numbers.
PUBLISH_NUMBERED = "local n = redis.call('INCR', KEYS[1]) redis.call('PUBLISH', KEYS[2], n .. ' ' .. ARGV[1]) return n"
log = logging.getLogger(__name__)


class InProcessBroker:
    """Numbers committed messages and keeps the latest RING_SIZE of them for the pages that poll."""

    def __init__(self):
        self._changed = threading.Condition()
        self._ring: deque[tuple[int, dict]] = deque(maxlen=RING_SIZE)
        self._seq = 0
        # Numbers restart with the process: a page holding a number from another run starts afresh.
        self.epoch = secrets.token_hex(4)

    def publish(self, message: dict) -> None:
        self.deliver(message)

    def deliver(self, message: dict, seq: int | None = None) -> None:
        with self._changed:
            # Never backwards: a number from Redis below one given locally while Redis was away moves up.
            self._seq = max(seq or 0, self._seq + 1)
            self._ring.append((self._seq, message))
            self._changed.notify_all()

    def latest(self) -> int:
        return self._seq

    def after(self, seq: int) -> tuple[int, list[dict], bool]:
        """(latest number, messages numbered above `seq`, complete): complete is False when some were
        dropped from the ring already or `seq` is not one of this run's numbers."""
        with self._changed:
            latest, ring = self._seq, list(self._ring) if seq < self._seq else []
        if seq > latest:
            return latest, [], False
        first = ring[0][0] if ring else latest + 1
        return latest, [m for n, m in ring if n > seq], seq >= first - 1

    def wait_after(self, seq: int, timeout: float) -> bool:
        """Block until a message numbered above `seq` is in (for tests and tools, never in a request)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._seq > seq, timeout)


class RedisBroker(InProcessBroker):
    def __init__(self, url: str):
        super().__init__()
        import redis

        self.epoch = "redis"  # the numbers are Redis's, shared by every process
        self._errors = redis.RedisError
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=2)
        self._publish = self._redis.register_script(PUBLISH_NUMBERED)
        self.ready = threading.Event()
        self._publish_failing = False
        # Requests hand messages to one sender thread: a slow or absent Redis never holds up a request.
        self._outbox: queue.Queue = queue.Queue(maxsize=10_000)
        threading.Thread(target=self._send_forever, daemon=True, name="siaga-redis-sender").start()
        threading.Thread(target=self._listen, daemon=True, name="siaga-redis-listener").start()

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
            self._publish(keys=[SEQUENCE_KEY, CHANNEL], args=[json.dumps(message, default=str)])
            self._publish_failing = False
        except self._errors:
            # Redis is down: the change is committed already; this worker's own pages
            # still get it, other workers' pages catch up with their next counters refresh.
            if not self._publish_failing:
                log.warning("redis unavailable; live updates reach this worker's pages only")
            self._publish_failing = True
            self.deliver(message)

    def _listen(self):
        while True:
            try:
                pubsub = self._redis.pubsub()
                pubsub.subscribe(CHANNEL)
                for item in pubsub.listen():
                    if item["type"] == "subscribe":
                        self.ready.set()
                    elif item["type"] == "message":
                        seq, _, payload = item["data"].partition(b" ")
                        self.deliver(json.loads(payload), int(seq))
            except Exception:  # Redis restarted: resubscribe
                if self.ready.is_set():  # once per outage, not once per reconnect attempt
                    log.exception("redis listener lost its connection")
                self.ready.clear()
                threading.Event().wait(1)


@cache
def broker() -> InProcessBroker:
    return RedisBroker(settings.REDIS_URL) if settings.REDIS_URL else InProcessBroker()


def publish_after_commit(message: dict) -> None:
    """Send once the current transaction commits (immediately when there is none)."""
    from django.db import transaction

    transaction.on_commit(lambda: broker().publish(message))
