"""Expected check-ins: deadlines per TPS milestone and escalation of missing reports.

A voting day has windows such as "opened by 07:15", "counting started by
13:30", "finished by 23:59", in the province's local time (WITA for Sultra).
Deadlines are turned into UTC instants once; everything after compares
instants.

Boundary rule: a report whose event time is exactly the deadline is ON TIME;
it is late only when strictly after. A report is missing from the instant
the deadline has passed (``now > deadline``) until it arrives.

Escalation: a missing report climbs a ladder of levels (Polsek, then Polres,
then Polda) by the minutes elapsed since the deadline; the level at ``now``
is the last step whose offset has been reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

ON_TIME, LATE, MISSING, PENDING = "tepat", "terlambat", "hilang", "menunggu"


@dataclass(frozen=True)
class Window:
    milestone: str  # a stage of core.tps_state
    deadline_local: time


@dataclass(frozen=True)
class EscalationStep:
    after_minutes: int
    level: str  # "polsek", "polres", "polda"


DEFAULT_WINDOWS = (Window("buka", time(7, 15)), Window("penghitungan", time(13, 30)),
                   Window("selesai", time(23, 59)))
DEFAULT_ESCALATION = (EscalationStep(0, "polsek"), EscalationStep(30, "polres"), EscalationStep(90, "polda"))


def deadline_utc(day: date, local: time, tz: str) -> datetime:
    """The UTC instant of a local wall-clock deadline on a day."""
    return datetime.combine(day, local, tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def checkin_status(reported_at: datetime | None, deadline: datetime, now: datetime) -> str:
    if reported_at is not None:
        return ON_TIME if reported_at <= deadline else LATE
    return MISSING if now > deadline else PENDING


def escalation_level(deadline: datetime, now: datetime, steps=DEFAULT_ESCALATION) -> str | None:
    """The level a missing report has reached at ``now`` (None before the deadline has passed)."""
    if now <= deadline:
        return None
    level = None
    for step in sorted(steps, key=lambda s: s.after_minutes):
        if now >= deadline + timedelta(minutes=step.after_minutes):
            level = step.level
    return level


def next_escalation(deadline: datetime, now: datetime, steps=DEFAULT_ESCALATION) -> datetime | None:
    """When the next step will be reached, for timers on the dashboard."""
    for step in sorted(steps, key=lambda s: s.after_minutes):
        at = deadline + timedelta(minutes=step.after_minutes)
        if at > now:
            return at
    return None


def passed_windows(day: date, tz: str, now: datetime, windows=DEFAULT_WINDOWS) -> list[tuple[Window, datetime]]:
    """Windows whose deadline has passed at ``now``, with their UTC deadline."""
    out = []
    for window in windows:
        deadline = deadline_utc(day, window.deadline_local, tz)
        if now > deadline:
            out.append((window, deadline))
    return out
