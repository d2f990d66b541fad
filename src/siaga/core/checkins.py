"""Expected check-ins: deadlines per TPS milestone and escalation of missing reports.

A voting day has windows such as "opened by 07:15", "counting started by
13:30", "finished by 23:59", in the province's local time (WITA for Sultra).
Counting may legally run until 12 hours after the voting day ends, so a
window may end on the next day: ``day_offset`` 1 with 02:00 is "D+1 02:00"
(written that way in the configuration; at most D+1 12:00). Deadlines are
turned into UTC instants once; everything after compares instants.

Boundary rule: a report whose event time is exactly the deadline is ON TIME;
it is late only when strictly after. A report is missing from the instant
the deadline has passed (``now > deadline``) until it arrives.

Escalation: a missing report climbs a ladder of levels (Polsek, then Polres,
then Polda) by the minutes elapsed since the deadline; the level at ``now``
is the last step whose offset has been reached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

ON_TIME, LATE, MISSING, PENDING = "tepat", "terlambat", "hilang", "menunggu"


@dataclass(frozen=True)
class Window:
    milestone: str  # a stage of core.tps_state
    deadline_local: time
    day_offset: int = 0  # days after voting day (1: the count ran past midnight)

    @property
    def text(self) -> str:
        """The configuration form: "23:59" on voting day, "D+1 02:00" on the next."""
        clock = self.deadline_local.strftime("%H:%M")
        return f"D+{self.day_offset} {clock}" if self.day_offset else clock


@dataclass(frozen=True)
class EscalationStep:
    after_minutes: int
    level: str  # "polsek", "polres", "polda"


DEFAULT_WINDOWS = (Window("buka", time(7, 15)), Window("penghitungan", time(13, 30)),
                   Window("selesai", time(23, 59)))
DEFAULT_ESCALATION = (EscalationStep(0, "polsek"), EscalationStep(30, "polres"), EscalationStep(90, "polda"))


# Counting may run until 12 hours after the voting day ends: the latest deadline a window may have.
LATEST_OFFSET, LATEST_CLOCK = 1, time(12, 0)


def parse_deadline(text: str) -> tuple[int, time]:
    """``"23:59"`` -> (0, 23:59); ``"D+1 02:00"`` -> (1, 02:00). Raises ValueError for anything else or for a
    deadline later than D+1 12:00 (voting day plus the 12 hours of counting the law allows)."""
    match = re.fullmatch(r"(?:D\+(\d+)\s+)?(\d{1,2}):(\d{2})", text.strip())
    if not match:
        raise ValueError(f"deadline {text!r}: HH:MM or 'D+1 HH:MM'")
    offset, hour, minute = int(match[1] or 0), int(match[2]), int(match[3])
    clock = time(hour, minute)  # raises ValueError for 24:00, 12:61, ...
    if (offset, clock) > (LATEST_OFFSET, LATEST_CLOCK):
        raise ValueError(f"deadline {text!r}: at most D+1 12:00 (12 hours of counting after voting day)")
    return offset, clock


def window_from(milestone: str, text: str) -> Window:
    offset, clock = parse_deadline(text)
    return Window(milestone, clock, offset)


def deadline_utc(day: date, local: time, tz: str, day_offset: int = 0) -> datetime:
    """The UTC instant of a local wall-clock deadline on a day (``day_offset`` days after it)."""
    return datetime.combine(day + timedelta(days=day_offset), local, tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def window_deadline(day: date, window: Window, tz: str) -> datetime:
    return deadline_utc(day, window.deadline_local, tz, window.day_offset)


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
        deadline = window_deadline(day, window, tz)
        if now > deadline:
            out.append((window, deadline))
    return out
