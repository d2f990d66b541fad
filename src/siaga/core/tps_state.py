"""Current state of a TPS derived from its append-only event stream.

Voting day at a TPS moves forward through stages. Events may arrive out of
order (an SMS queued for an hour, a phone that comes back online), so the
state is the fold of the events sorted by *event time*, not arrival time:

- a stage event moves the TPS forward to that stage (skipping is allowed,
  a report may be lost) but never backward: an earlier stage reported after a
  later one is kept in the stream and ignored for the state;
- ``disturbed`` sets a flag that does not stop the day; ``suspended`` halts
  voting or counting (only possible between opening and finishing) until
  ``resumed``; while suspended, stage events are ignored;
- ``resumed`` clears both flags.

``transition`` refuses what is not allowed with a reason; ``derive`` folds a
whole stream and keeps the refusals as anomalies for the command post.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

# Stages in the order of the day. Values are stored in the database.
STAGES = ("persiapan", "logistik", "buka", "pemungutan", "penghitungan", "selesai", "serah")
PREPARATION, LOGISTICS, OPENED, VOTING, COUNTING, FINISHED, HANDED_OVER = STAGES
DISTURBED, SUSPENDED, RESUMED = "gangguan", "ditunda", "lanjut"
FLAG_EVENTS = (DISTURBED, SUSPENDED, RESUMED)
EVENT_KINDS = STAGES[1:] + FLAG_EVENTS
RANK = {stage: i for i, stage in enumerate(STAGES)}
# Suspension only makes sense while the TPS is running.
SUSPENDABLE = {OPENED, VOTING, COUNTING}


class TransitionRefused(ValueError):
    """An event that cannot change the state; the message says why."""


@dataclass(frozen=True)
class Event:
    kind: str
    at: datetime
    seq: int = 0  # tie-breaker for events with the same time (arrival order)


@dataclass(frozen=True)
class TpsState:
    stage: str = PREPARATION
    last_event_at: datetime | None = None
    disturbed: bool = False
    suspended: bool = False
    # When each stage was first reached (event time), for check-in windows.
    reached: dict = field(default_factory=dict)
    anomalies: tuple = ()


def transition(state: TpsState, event: Event) -> TpsState:
    """The state after one event that happens at or after every event folded so far."""
    if event.kind not in EVENT_KINDS:
        raise TransitionRefused(f"unknown event kind {event.kind!r}")
    last = event.at if state.last_event_at is None else max(state.last_event_at, event.at)
    if event.kind == DISTURBED:
        return replace(state, disturbed=True, last_event_at=last)
    if event.kind == RESUMED:
        if not (state.suspended or state.disturbed):
            raise TransitionRefused("resumed without a disturbance or suspension")
        return replace(state, disturbed=False, suspended=False, last_event_at=last)
    if event.kind == SUSPENDED:
        if state.stage not in SUSPENDABLE:
            raise TransitionRefused(f"cannot suspend a TPS in stage {state.stage}")
        return replace(state, suspended=True, last_event_at=last)
    if state.suspended:
        raise TransitionRefused(f"{event.kind} while suspended")
    if RANK[event.kind] <= RANK[state.stage]:
        raise TransitionRefused(f"{event.kind} after {state.stage}")
    reached = dict(state.reached)
    for stage in STAGES[RANK[state.stage] + 1 : RANK[event.kind] + 1]:
        reached.setdefault(stage, event.at)  # a skipped stage was reached no later than this
    return replace(state, stage=event.kind, reached=reached, last_event_at=last)


def apply(state: TpsState, event: Event) -> TpsState:
    """Like ``transition`` but a refused event becomes an anomaly instead of an error."""
    try:
        return transition(state, event)
    except TransitionRefused as refused:
        last = event.at if state.last_event_at is None else max(state.last_event_at, event.at)
        return replace(state, last_event_at=last, anomalies=state.anomalies + ((event.kind, event.at, str(refused)),))


def order_key(event: Event):
    """Event time, then arrival, then the day's order: a total order, so arrival order never matters."""
    return event.at, event.seq, EVENT_KINDS.index(event.kind) if event.kind in EVENT_KINDS else -1


def derive(events) -> TpsState:
    """The state from a whole stream in any arrival order."""
    state = TpsState()
    for event in sorted(events, key=order_key):
        state = apply(state, event)
    return state


def is_in_order(state: TpsState, event: Event) -> bool:
    """True when the event can be folded onto the state without re-deriving the stream."""
    return state.last_event_at is None or event.at >= state.last_event_at
