"""Key performance indicators of a security plan: values, status against target, trend.

A value of None means "no data" (the source is missing or has nothing to count)
and is never replaced by a number: a status of a None value is "no_data" and a
trend needs at least two real snapshots.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

# Status when the value is within this share of the target (on the wrong side).
AT_RISK_MARGIN = 0.10
# A least-squares slope this close to zero (units per day) is float noise: the trend is flat.
FLAT_SLOPE = 1e-9


def share(part: float, whole: float) -> float | None:
    """part / whole as a percentage; None when there is nothing to count."""
    if whole <= 0:
        return None
    return 100.0 * part / whole


def shortfall_closed(initial: float, current: float) -> float | None:
    """Share of an initial shortfall that has been closed (100 when none remains)."""
    if initial <= 0:
        return None
    return 100.0 * max(0.0, min(initial, initial - current)) / initial


@dataclass(frozen=True)
class DueItem:
    due: date
    done: date | None


def on_time_share(items: Iterable[DueItem], today: date) -> float | None:
    """Items done by their due date among items that are due (due date passed or already done)."""
    due = [i for i in items if i.done is not None or i.due < today]
    on_time = sum(1 for i in due if i.done is not None and i.done <= i.due)
    return share(on_time, len(due))


def median_minutes(durations: Sequence[float]) -> float | None:
    return float(median(durations)) if durations else None


def status(value: float | None, target: float, higher_is_better: bool = True) -> str:
    """met / at_risk (within AT_RISK_MARGIN of the target) / missed / no_data."""
    if value is None:
        return "no_data"
    gap = (target - value) if higher_is_better else (value - target)
    if gap <= 0:
        return "met"
    scale = abs(target) if target else 1.0
    return "at_risk" if gap <= AT_RISK_MARGIN * scale else "missed"


def _day_number(when: date | datetime) -> float:
    if isinstance(when, datetime):
        return when.timestamp() / 86400.0
    return float(when.toordinal())


def slope_per_day(points: Sequence[tuple[date | datetime, float | None]]) -> float | None:
    """Least-squares slope of the real values over time (units per day)."""
    real = [(_day_number(t), v) for t, v in points if v is not None]
    if len(real) < 2:
        return None
    mean_t = sum(t for t, _ in real) / len(real)
    mean_v = sum(v for _, v in real) / len(real)
    spread = sum((t - mean_t) ** 2 for t, _ in real)
    if spread == 0:
        return None
    return sum((t - mean_t) * (v - mean_v) for t, v in real) / spread


def trend(points: Sequence[tuple[date | datetime, float | None]], higher_is_better: bool = True) -> str | None:
    """improving / worsening / flat, or None without two real values at different times."""
    slope = slope_per_day(points)
    if slope is None:
        return None
    if abs(slope) <= FLAT_SLOPE:
        return "flat"
    return "improving" if (slope > 0) == higher_is_better else "worsening"
