"""The wake-up of the checkpoint timer, apart from the timer so the services can nudge it without importing it."""

import threading

_wake: threading.Event | None = None  # set while a timer runs in this process


def listen() -> threading.Event:
    """The event the timer thread of this process waits on."""
    global _wake
    _wake = threading.Event()
    return _wake


def nudge() -> bool:
    """Ask the running timer for a checkpoint soon; False when no timer runs here (take it inline)."""
    if _wake is None:
        return False
    _wake.set()
    return True
