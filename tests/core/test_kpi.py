from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siaga.core.kpi import DueItem, median_minutes, on_time_share, share, shortfall_closed, slope_per_day, status, trend


def test_share_and_no_data():
    assert share(3, 4) == 75.0
    assert share(0, 0) is None


def test_shortfall_closed_hand_computed():
    assert shortfall_closed(200, 50) == 75.0   # 150 of 200 missing posts filled
    assert shortfall_closed(200, 0) == 100.0
    assert shortfall_closed(200, 260) == 0.0   # it grew: nothing closed
    assert shortfall_closed(0, 0) is None


def test_on_time_share_counts_only_due_items():
    today = date(2024, 11, 1)
    items = [
        DueItem(date(2024, 10, 15), date(2024, 10, 14)),  # on time
        DueItem(date(2024, 10, 21), date(2024, 10, 23)),  # late
        DueItem(date(2024, 10, 30), None),                # overdue
        DueItem(date(2024, 11, 25), None),                # not due yet: ignored
        DueItem(date(2024, 11, 25), date(2024, 10, 31)),  # done early: counts
    ]
    assert on_time_share(items, today) == pytest.approx(100 * 2 / 4)
    assert on_time_share(items[3:4], today) is None


def test_status_against_target():
    assert status(100, 100) == "met"
    assert status(95, 100) == "at_risk"       # 5 short of 100, within 10 %
    assert status(80, 100) == "missed"
    assert status(None, 100) == "no_data"
    assert status(25, 30, higher_is_better=False) == "met"     # minutes: lower is better
    assert status(32, 30, higher_is_better=False) == "at_risk"
    assert status(45, 30, higher_is_better=False) == "missed"


def test_trend_hand_computed():
    points = [(date(2024, 10, 1), 50.0), (date(2024, 10, 11), 60.0), (date(2024, 10, 21), 70.0)]
    assert slope_per_day(points) == pytest.approx(1.0)
    assert trend(points) == "improving"
    assert trend(points, higher_is_better=False) == "worsening"
    assert trend([(date(2024, 10, 1), 5.0), (date(2024, 10, 2), 5.0)]) == "flat"


def test_trend_ignores_no_data_and_needs_two_values():
    assert trend([(date(2024, 10, 1), None), (date(2024, 10, 2), 4.0)]) is None
    assert trend([]) is None
    t0 = datetime(2024, 10, 1, tzinfo=timezone.utc)
    assert trend([(t0, 10.0), (t0 + timedelta(hours=12), None), (t0 + timedelta(days=1), 8.0)]) == "worsening"


def test_median_minutes():
    assert median_minutes([10, 40, 20]) == 20
    assert median_minutes([]) is None


@given(st.lists(st.tuples(st.integers(0, 60), st.one_of(st.none(), st.integers(-10, 10))), max_size=30),
       st.integers(0, 60))
def test_on_time_share_is_a_percentage_of_due_items(raw, today_offset):
    base = date(2024, 10, 1)
    items = [DueItem(base + timedelta(d), None if late is None else base + timedelta(d + late)) for d, late in raw]
    value = on_time_share(items, base + timedelta(today_offset))
    due = [i for i in items if i.done is not None or i.due < base + timedelta(today_offset)]
    if not due:
        assert value is None
    else:
        assert 0 <= value <= 100
        assert value == 100 * sum(1 for i in due if i.done and i.done <= i.due) / len(due)


@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=20), st.floats(0.1, 10))
def test_trend_of_a_rising_line_is_improving(values, step):
    points = [(date(2024, 1, 1) + timedelta(i), i * step) for i in range(len(values))]
    assert trend(points) == "improving"
