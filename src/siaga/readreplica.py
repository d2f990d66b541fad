"""Reads that may be a moment behind go to the read replica (DATABASE_REPLICA_URL), everything else to the primary.

A page that only shows (dashboards, maps, exports, after-action reports) is wrapped in `replica_reads`: while it
runs, the router sends its reads to the replica, unless

* the replica is down or lags more than SIAGA_REPLICA_MAX_LAG seconds behind (checked at most once a second
  per worker): the page reads the primary and says why;
* the viewer wrote something the replica has not replayed yet (read-your-writes: `WriteMarks` keeps the
  primary's WAL position after each change a signed-in user makes, and the replica must have replayed it);
* the read happens inside a transaction on the primary (a read inside a write: scope checks, summary rows).

Writes always go to the primary; sessions, sign-in throttling and tokens are always read from it. Each wrapped
page says where its figures came from and how fresh they are (`freshness`, shown in the page footer and in the
X-Siaga-Read-From header). Without DATABASE_REPLICA_URL nothing changes: every read goes to the primary.
"""

import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponseBase

REPLICA = "replica"
SESSION_KEY = "siaga_wal"  # the primary's WAL position after the viewer's last change
PROBE_SECONDS = 1.0  # how long one look at the replica's lag serves a worker
DOWN_SECONDS = 5.0  # how long a worker leaves a replica alone that did not answer
PRIMARY_ONLY_APPS = {"sessions", "axes", "accounts"}  # sign-in state: never a moment behind
GONE = (OperationalError, InterfaceError)  # what a stopped or unreachable replica raises

# On the replica: how far behind it is (seconds; 0 when it has replayed all it received) and what it replayed.
LAG_SQL = """SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                         ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END,
                    pg_last_wal_replay_lsn()::text"""


def lsn_value(text: str | None) -> int:
    """'16/B374D848' -> a number that orders WAL positions."""
    if not text:
        return 0
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


@dataclass(frozen=True)
class Freshness:
    """Where a page's reads went: `alias` is 'replica' or 'default'; `reason` says why the primary was chosen."""

    alias: str
    lag: float | None = None  # seconds behind the primary, when the replica answered
    reason: str = ""  # "" (replica), "lagging", "down", "own_write"

    @property
    def header(self) -> str:
        if self.alias == REPLICA:
            return f"replica; lag={self.lag:.1f}"
        return f"primary; reason={self.reason}" + (f"; lag={self.lag:.1f}" if self.lag is not None else "")


@dataclass(frozen=True)
class ReplicaState:
    up: bool
    lag: float | None
    replayed: int  # WAL position replayed


def choose(state: ReplicaState | None, *, max_lag: float, wrote: int) -> Freshness:
    """The database a read-only page reads, from what is known of the replica and the viewer's last change."""
    if state is None or not state.up:
        return Freshness(DEFAULT_DB_ALIAS, reason="down")
    if state.lag is None or state.lag > max_lag:
        return Freshness(DEFAULT_DB_ALIAS, state.lag, "lagging")
    if wrote > state.replayed:
        return Freshness(DEFAULT_DB_ALIAS, state.lag, "own_write")
    return Freshness(REPLICA, state.lag)


class ReplicaProbe:
    """A worker's view of the replica, looked at no more than once a second (and not at all for a few seconds
    after it failed to answer), so a page pays for a probe at most once a second per worker."""

    def __init__(self):
        self._lock = threading.Lock()
        self._state: ReplicaState | None = None
        self._until = 0.0

    def state(self, *, fresh=False) -> ReplicaState:
        now = time.monotonic()
        with self._lock:
            if self._state is not None and now < self._until and not (fresh and self._state.up):
                return self._state
        state = self._look()
        with self._lock:
            self._state = state
            self._until = now + (PROBE_SECONDS if state.up else DOWN_SECONDS)
        return state

    def mark_down(self):
        with self._lock:
            self._state, self._until = ReplicaState(False, None, 0), time.monotonic() + DOWN_SECONDS

    @staticmethod
    def _look() -> ReplicaState:
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag, replayed = cursor.fetchone()
        except GONE:
            connections[REPLICA].close()
            return ReplicaState(False, None, 0)
        return ReplicaState(True, None if lag is None else float(lag), lsn_value(replayed))


probe = ReplicaProbe()
_reading: ContextVar[Freshness | None] = ContextVar("siaga_reading", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def freshness() -> Freshness | None:
    """Where the reads of the page being rendered go (None: not a replica page, or no replica configured)."""
    return _reading.get()


def _decide(request) -> Freshness:
    wrote = lsn_value(request.session.get(SESSION_KEY)) if hasattr(request, "session") else 0
    state = probe.state()
    choice = choose(state, max_lag=settings.SIAGA_REPLICA_MAX_LAG, wrote=wrote)
    if choice.reason == "own_write":  # the replica may have caught up since the last look
        choice = choose(probe.state(fresh=True), max_lag=settings.SIAGA_REPLICA_MAX_LAG, wrote=wrote)
    return choice


def replica_reads(view):
    """Serve a read-only page (GET/HEAD) from the replica when it is fresh enough (see the module's doc)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not configured():
            return view(request, *args, **kwargs)
        request.user.is_authenticated  # noqa: B018 -- session and user come from the primary, before the switch
        choice = _decide(request)
        token = _reading.set(choice)
        try:
            response = view(request, *args, **kwargs)
        except GONE:
            if choice.alias != REPLICA:
                raise
            # The replica went away between the look and the read: mark it down and read the primary.
            probe.mark_down()
            connections[REPLICA].close()
            _reading.reset(token)
            choice = Freshness(DEFAULT_DB_ALIAS, reason="down")
            token = _reading.set(choice)
            response = view(request, *args, **kwargs)
        finally:
            _reading.reset(token)
        if isinstance(response, HttpResponseBase):  # an API operation may return data for Ninja to render
            response["X-Siaga-Read-From"] = choice.header
        return response

    return wrapped


def note_write(request):
    """After a signed-in user's change: keep the primary's WAL position, so their next pages wait for it."""
    if not configured() or not hasattr(request, "session"):
        return
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        request.session[SESSION_KEY] = cursor.fetchone()[0]


class WriteMarks:
    """Middleware: every successful change a signed-in user makes through a page marks the WAL position."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Browser sessions only: a phone's token request has no pages to come back to.
        if (request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400
                and settings.SESSION_COOKIE_NAME in request.COOKIES
                and getattr(request, "user", None) is not None and request.user.is_authenticated):
            note_write(request)
        return response


class ReadReplicaRouter:
    """Reads of a `replica_reads` page go to the replica, outside any transaction on the primary."""

    def db_for_read(self, model, **hints):
        choice = _reading.get()
        if choice is None or choice.alias != REPLICA or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS
