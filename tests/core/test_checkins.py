"""Check-in windows in WITA stored as UTC; the deadline itself counts as on time; escalation ladder."""

from datetime import date, datetime, time, timedelta, timezone

from hypothesis import given, strategies as st

from siaga.core import checkins as ck

DAY = date(2024, 2, 14)
# 07:15 WITA (UTC+8) is 23:15 UTC the day before.
OPEN_DEADLINE = datetime(2024, 2, 13, 23, 15, tzinfo=timezone.utc)


def test_deadline_in_wita_is_converted_to_utc():
    assert ck.deadline_utc(DAY, time(7, 15), "Asia/Makassar") == OPEN_DEADLINE
    assert ck.deadline_utc(DAY, time(7, 15), "Asia/Jakarta") == OPEN_DEADLINE + timedelta(hours=1)  # WIB


def test_report_exactly_at_the_deadline_is_on_time_one_second_later_is_late():
    now = OPEN_DEADLINE + timedelta(hours=1)
    assert ck.checkin_status(OPEN_DEADLINE, OPEN_DEADLINE, now) == ck.ON_TIME
    assert ck.checkin_status(OPEN_DEADLINE + timedelta(seconds=1), OPEN_DEADLINE, now) == ck.LATE


def test_missing_only_once_the_deadline_has_passed():
    assert ck.checkin_status(None, OPEN_DEADLINE, OPEN_DEADLINE) == ck.PENDING
    assert ck.checkin_status(None, OPEN_DEADLINE, OPEN_DEADLINE + timedelta(microseconds=1)) == ck.MISSING
    assert [w.milestone for w, _ in ck.passed_windows(DAY, "Asia/Makassar", OPEN_DEADLINE)] == []
    passed = ck.passed_windows(DAY, "Asia/Makassar", OPEN_DEADLINE + timedelta(seconds=1))
    assert [(w.milestone, d) for w, d in passed] == [("buka", OPEN_DEADLINE)]


def test_escalation_polsek_then_polres_then_polda():
    assert ck.escalation_level(OPEN_DEADLINE, OPEN_DEADLINE) is None
    assert ck.escalation_level(OPEN_DEADLINE, OPEN_DEADLINE + timedelta(seconds=1)) == "polsek"
    assert ck.escalation_level(OPEN_DEADLINE, OPEN_DEADLINE + timedelta(minutes=29, seconds=59)) == "polsek"
    assert ck.escalation_level(OPEN_DEADLINE, OPEN_DEADLINE + timedelta(minutes=30)) == "polres"
    assert ck.escalation_level(OPEN_DEADLINE, OPEN_DEADLINE + timedelta(minutes=90)) == "polda"
    assert ck.next_escalation(OPEN_DEADLINE, OPEN_DEADLINE + timedelta(minutes=5)) == \
        OPEN_DEADLINE + timedelta(minutes=30)
    assert ck.next_escalation(OPEN_DEADLINE, OPEN_DEADLINE + timedelta(hours=3)) is None


@given(st.integers(0, 600), st.integers(0, 600))
def test_escalation_never_goes_down_as_time_passes(a, b):
    order = [None, "polsek", "polres", "polda"]
    early, late = sorted((a, b))
    first = ck.escalation_level(OPEN_DEADLINE, OPEN_DEADLINE + timedelta(minutes=early))
    second = ck.escalation_level(OPEN_DEADLINE, OPEN_DEADLINE + timedelta(minutes=late))
    assert order.index(first) <= order.index(second)
