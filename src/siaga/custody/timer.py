"""The checkpoint timer of `siaga serve`: a signed checkpoint every few seconds whenever a chain head moved.

In a served process a committed batch only nudges this thread (``timer_wake.nudge``), so no handover
request waits for a checkpoint to be computed and signed; elsewhere (the CLI, tests) the batch takes it
inline. The timer also covers a batch whose checkpoint failed (another worker held the lock, a refused
event) so no event stays uncovered for long. Interval in seconds from ``SIAGA_CUSTODY_CHECKPOINT_SECONDS``
(default 10; 0 turns the timer off). A separate process can do the same: ``siaga custody checkpoint --every 60``.
"""

import logging
import os
import threading

from django.db import close_old_connections

from siaga.custody import timer_wake

log = logging.getLogger("siaga.custody")
DEFAULT_SECONDS = 10


def start(seconds: int | None = None) -> threading.Thread | None:
    """Start the timer thread (a daemon: it ends with the server); None when turned off."""
    every = int(os.environ.get("SIAGA_CUSTODY_CHECKPOINT_SECONDS", DEFAULT_SECONDS)) if seconds is None else seconds
    if every <= 0:
        return None
    stop, wake = threading.Event(), timer_wake.listen()

    def run():
        from django.conf import settings

        from siaga.custody.services import checkpoint_auto

        gap = getattr(settings, "CUSTODY_CHECKPOINT_GAP", 5)
        while not stop.is_set():
            nudged = wake.wait(every)
            wake.clear()
            if stop.is_set():
                break
            try:
                checkpoint_auto()
            except Exception:  # a database hiccup must not end the timer
                log.exception("custody checkpoint timer")
            finally:
                close_old_connections()
            if nudged:
                stop.wait(gap)  # batches committing meanwhile share the next checkpoint

    thread = threading.Thread(target=run, name="custody-checkpoint", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
