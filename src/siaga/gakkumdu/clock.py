"""The clock of a case's current step: deadline, time left, warning and expiry."""

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

from siaga.gakkumdu import rules

# Warn when this little is left: working days for day-counted rules, hours for "× 24 jam" rules.
DEFAULT_WARNING = {"working_days": 1, "hours": 6}


def warning_settings() -> dict:
    return {**DEFAULT_WARNING, **getattr(settings, "SIAGA_GAKKUMDU_WARNING", {})}


@dataclass(frozen=True)
class Clock:
    rule: rules.Rule
    start: datetime
    deadline: datetime
    days_left: int          # calendar days from today to the deadline's day (negative when past)
    hours_left: float | None  # for rules counted in hours
    warning: bool
    expired: bool
    uncertain: bool         # counted through a year whose holidays are not all known

    @property
    def status(self):
        if self.expired:
            return "kedaluwarsa" if self.rule.lapses else "lewat"
        return "peringatan" if self.warning else "berjalan"


def local_zone():
    return ZoneInfo(settings.TIME_ZONE)


def step_start(case, rule, tz) -> datetime:
    if rule.anchor == rules.FROM_REGISTERED:
        return datetime.combine(case.reported_on, time(0, 0), tzinfo=tz)
    if rule.anchor == rules.FROM_KNOWN:
        return datetime.combine(case.known_on, time(0, 0), tzinfo=tz)
    return case.step_started_at


def step_deadline(case, step, started_at):
    """(rule, deadline) of a step of the case that started at `started_at`; (None, None) for a closed step."""
    rule = rules.RULES[case.election].get(step)
    if rule is None:
        return None, None
    tz = local_zone()
    start = started_at if rule.anchor == rules.FROM_STEP else step_start(case, rule, tz)
    return rule, rules.due(rule, start, tz)


def case_clock(case, now: datetime) -> Clock | None:
    """The current step's clock, or None when the case is closed."""
    rule = rules.RULES[case.election].get(case.step)
    if rule is None:
        return None
    tz = local_zone()
    start = step_start(case, rule, tz)
    deadline = rules.due(rule, start, tz)
    today = now.astimezone(tz).date()
    days_left = (deadline.astimezone(tz).date() - today).days
    expired = now > deadline
    hours_left = round((deadline - now).total_seconds() / 3600, 1) if rule.unit == rules.JAM else None
    limits = warning_settings()
    if rule.unit == rules.JAM:
        warning = not expired and hours_left <= limits["hours"]
    else:
        warning = not expired and deadline.astimezone(tz).date() <= rules.add_working_days(
            today, limits["working_days"])
    return Clock(rule=rule, start=start, deadline=deadline, days_left=days_left, hours_left=hours_left,
                 warning=warning, expired=expired,
                 uncertain=rules.uncertain(rule, start.astimezone(tz).date(), deadline.astimezone(tz).date()))
