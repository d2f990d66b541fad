"""Server-Sent Events: committed changes pushed to open browsers, filtered by the viewer's scope.

Each open stream holds one server thread, so a stream ends after MAX_SECONDS
and the browser's EventSource reconnects by itself (after `retry` ms).
"""

import json
import queue
import time

from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse

from siaga.accounts.models import ApiToken
from siaga.operations.broker import broker
from siaga.operations.selectors import live_visibility

KEEPALIVE_SECONDS = 15
MAX_SECONDS = 300


def stream_user(request):
    """The signed-in user, or the owner of a bearer token (for field devices and tests)."""
    if request.user.is_authenticated:
        return request.user
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = ApiToken.lookup(header[7:].strip())
        return token.user if token else None
    return None


def events(subscription, visible, max_seconds=MAX_SECONDS):
    """The stream's text; `visible(message)` (selectors.live_visibility) decides what this viewer receives."""
    yield "retry: 2000\n: open\n\n"
    deadline = time.monotonic() + max_seconds
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                message = subscription.get(timeout=min(KEEPALIVE_SECONDS, remaining))
            except queue.Empty:
                yield ": keepalive\n\n"
                continue
            if visible(message):
                yield f"event: {message['type']}\ndata: {json.dumps(message, default=str)}\n\n"
    finally:
        broker().unsubscribe(subscription)


def live_stream(request):
    user = stream_user(request)
    if user is None:
        return HttpResponse("Masuk dulu / sign in first", status=401, content_type="text/plain; charset=utf-8")
    visible = live_visibility(viewer=user)
    subscription = broker().subscribe()
    connection.close()  # the stream needs no database; do not hold a connection for minutes
    response = StreamingHttpResponse(events(subscription, visible), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
