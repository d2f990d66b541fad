"""Kinds of job. A higher app registers its kinds in AppConfig.ready(); this app runs them by name.

A kind's function is called as fn(actor=, data=, filename=, lang=[, progress=]) and returns the result
(a dict, or an object with as_dict()). An exception carrying `problems` (an importer's ImportRejected)
fails the job with those problems listed; nothing was written.
"""

import inspect
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Kind:
    label: object  # a lazy translated string
    run: Callable
    takes_progress: bool


KINDS: dict[str, Kind] = {}


def register(kind: str, label, run: Callable) -> None:
    KINDS[kind] = Kind(label, run, "progress" in inspect.signature(run).parameters)


def get(kind: str) -> Kind:
    return KINDS[kind]
