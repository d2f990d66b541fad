"""Live updates by short polling: committed changes for open pages, filtered by the viewer's scope.

A page asks every few seconds for the messages after the last number it saw
(`If-None-Match: "<cursor>"` or `?since=<cursor>`); the answer is 304 when
nothing happened, else the visible messages and the new cursor. Each ask is a
short request, so open pages hold no server thread between asks, and a gate
keeps live asks from ever taking every thread: at most LIVE_MAX_INFLIGHT at once
in a process and LIVE_MAX_INFLIGHT_PER_USER per user; past either the answer is
429 with Retry-After, so page loads and the field API are always served.
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.views.decorators.http import require_GET

from siaga.accounts.models import ApiToken
from siaga.operations import labels
from siaga.operations.broker import broker
from siaga.operations.models import Category
from siaga.operations.selectors import live_visibility

POLL_SECONDS = 3  # how often a visible page asks (pages hidden behind other tabs ask far less)
MAX_MESSAGES = 200  # per answer: the newest; a page that missed more refreshes its counters instead
BUSY_RETRY_SECONDS = 5


def stream_user(request):
    """The signed-in user, or the owner of a bearer token (for field devices and tests)."""
    if request.user.is_authenticated:
        return request.user
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = ApiToken.lookup(header[7:].strip())
        return token.user if token else None
    return None


class Gate:
    """Counts requests in flight per key and admits at most `cap` (a setting) for each key at once."""

    def __init__(self, setting: str, default: int):
        self._lock = threading.Lock()
        self._setting, self._default = setting, default
        self.inflight: dict = {}

    @contextmanager
    def enter(self, key="all"):
        """Yields whether this request may go on; a refused one holds nothing."""
        with self._lock:
            admitted = self.inflight.get(key, 0) < getattr(settings, self._setting, self._default)
            if admitted:
                self.inflight[key] = self.inflight.get(key, 0) + 1
        try:
            yield admitted
        finally:
            if admitted:
                with self._lock:
                    if left := self.inflight.pop(key) - 1:
                        self.inflight[key] = left


process_gate = Gate("LIVE_MAX_INFLIGHT", 4)  # of `siaga serve`'s 8 threads: half stay for pages and the field API
user_gate = Gate("LIVE_MAX_INFLIGHT_PER_USER", 2)


def _busy():
    response = HttpResponse("Sibuk, coba lagi / busy, try again", status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response


def parse_cursor(text: str, epoch: str) -> int | None:
    """The number in "<epoch>.<number>" of this run, else None (a first ask, or a number from another run)."""
    text = text.strip().removeprefix("W/").strip('"')
    run, _, number = text.rpartition(".")
    return int(number) if run == epoch and number.isdigit() else None


def updates(cursor: str, visible) -> dict:
    """What a viewer gets after `cursor`: {cursor, messages, reset}; `visible(message)` is
    selectors.live_visibility of that viewer.

    reset: messages may have been missed (ring overrun, server restart): refresh the counters."""
    live = broker()
    seq = parse_cursor(cursor, live.epoch)
    if seq is None:
        latest, messages, complete = live.latest(), [], not cursor
    else:
        latest, messages, complete = live.after(seq)
    shown = [m for m in messages if visible(m)]
    return {"cursor": f"{live.epoch}.{latest}", "messages": shown[-MAX_MESSAGES:],
            "reset": not complete or len(shown) > MAX_MESSAGES, "poll": POLL_SECONDS}


@require_GET
def live_updates(request):
    with process_gate.enter() as admitted:  # before any database work: a refusal costs nothing
        if not admitted:
            return _busy()
        user = stream_user(request)
        if user is None:
            return HttpResponse("Masuk dulu / sign in first", status=401, content_type="text/plain; charset=utf-8")
        with user_gate.enter(user.pk) as mine:
            return _answer(request, user) if mine else _busy()


def _answer(request, user):
    cursor = request.GET.get("since") or request.headers.get("If-None-Match", "")
    data = updates(cursor, live_visibility(viewer=user))
    data["messages"] = [labelled(m) for m in data["messages"]]  # words in the viewer's language, not codes
    etag = f'"{data["cursor"]}"'
    if not data["messages"] and not data["reset"] and cursor.strip().removeprefix("W/") in (etag, data["cursor"]):
        response = HttpResponseNotModified()
    else:
        response = JsonResponse(data)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def labelled(message: dict) -> dict:
    """A live-feed message with the labels of its codes, in the language active for the request."""
    kind = message.get("type")
    extra = {}
    if kind == "tps" and "stage" in message:
        extra["stage_label"] = labels.label(labels.TpsStage, message["stage"])
    elif kind == "incident":
        extra = {"status_label": labels.label(labels.IncidentStatus, message.get("status")),
                 "category_label": labels.label(Category, message.get("category"))}
    elif kind == "dispatch" and "status" in message:
        extra["status_label"] = labels.label(labels.DispatchStatus, message["status"])
    return {**message, **extra} if extra else message
