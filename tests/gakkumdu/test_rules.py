"""Statutory deadlines counted by hand: calendar days, working days (weekends, holidays, cuti bersama), hours."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st

from siaga.gakkumdu import holidays, rules

WITA = ZoneInfo("Asia/Makassar")


def test_pemilu_report_counts_working_days_across_holidays_and_the_weekend():
    # Known Thu 8 Feb 2024 (Isra Mikraj). Fri 9 cuti bersama Imlek, Sat 10, Sun 11; Mon 12 = 1, Tue 13 = 2,
    # Wed 14 voting day (Keppres 10/2024), Thu 15 = 3, Fri 16 = 4, Mon 19 = 5, Tue 20 = 6, Wed 21 = 7.
    rule = rules.FILING[(rules.PEMILU, "laporan")]
    assert (rule.amount, rule.unit) == (7, rules.HARI_KERJA) and "454 ayat (6)" in rule.article
    assert rules.due_date(rule, date(2024, 2, 8)) == date(2024, 2, 21)
    # A finding counts calendar days: 8 + 7 = 15 February.
    assert rules.due_date(rules.FILING[(rules.PEMILU, "temuan")], date(2024, 2, 8)) == date(2024, 2, 15)


def test_pemilu_extended_study_skips_easter_and_the_lebaran_leave():
    # Registered Thu 28 Mar 2024: Fri 29 Wafat Isa Almasih; 1-5 Apr = 1..5; 8, 9 cuti, 10, 11 Idulfitri, 12 cuti,
    # 15 cuti; 16-19 Apr = 6..9; 22-26 Apr = 10..14. Calendar 14 days would be 11 April.
    rule = rules.RULES[rules.PEMILU][rules.KAJIAN_TAMBAHAN]
    assert rules.due_date(rule, date(2024, 3, 28)) == date(2024, 4, 26)
    assert rules.due_date(rules.RULES[rules.PEMILU][rules.KAJIAN], date(2024, 3, 28)) == date(2024, 4, 4)


def test_pemilu_investigation_is_calendar_days_pilkada_working_days():
    start = datetime(2024, 11, 22, 15, 0, tzinfo=WITA)  # Friday
    pemilu = rules.due(rules.RULES[rules.PEMILU][rules.PENYIDIKAN], start, WITA)
    assert pemilu == datetime(2024, 12, 6, 23, 59, 59, tzinfo=WITA)  # 22 Nov + 14 days
    # Pilkada: Mon 25 = 1, Tue 26 = 2, Wed 27 voting day (Keppres 33/2024), 28, 29 = 3, 4; 2-6 Dec = 5..9;
    # 9-13 Dec = 10..14.
    pilkada = rules.due(rules.RULES[rules.PILKADA][rules.PENYIDIKAN], start, WITA)
    assert pilkada == datetime(2024, 12, 13, 23, 59, 59, tzinfo=WITA)


def test_pilkada_study_is_three_calendar_days_over_the_weekend():
    assert rules.due_date(rules.RULES[rules.PILKADA][rules.KAJIAN], date(2024, 11, 22)) == date(2024, 11, 25)
    assert rules.due_date(rules.RULES[rules.PILKADA][rules.KAJIAN_TAMBAHAN], date(2024, 11, 22)) == date(2024, 11, 27)


def test_forwarding_is_one_times_24_hours_whatever_the_day():
    start = datetime(2024, 2, 16, 21, 30, tzinfo=WITA)  # Friday night: the weekend does not stop the clock
    for election in rules.ELECTIONS:
        rule = rules.RULES[election][rules.PENERUSAN]
        assert rule.unit == rules.JAM and rule.label == "1 × 24 jam"
        assert rules.due(rule, start, WITA) == start + timedelta(hours=24)


def test_every_open_step_has_a_cited_rule_per_election():
    for election in rules.ELECTIONS:
        assert set(rules.RULES[election]) == set(rules.OPEN_STEPS)
        for rule in rules.RULES[election].values():
            assert rule.article and rule.unit in (rules.HARI, rules.HARI_KERJA, rules.JAM)
    assert not rules.RULES[rules.PILKADA][rules.PENERUSAN].verified  # said, not hidden


def test_holiday_years_and_an_unverified_year():
    assert holidays.holiday_name(date(2026, 3, 20)) == "Cuti bersama Idulfitri"
    assert not holidays.is_working_day(date(2026, 12, 24)) and holidays.is_working_day(date(2026, 12, 23))
    assert holidays.year_known(2024) and holidays.year_known(2026) and not holidays.year_known(2027)
    assert not holidays.year_known(2025)
    rule = rules.RULES[rules.PILKADA][rules.PENUNTUTAN]
    # A working-day count from 28 Dec 2026 reaches into 2027, whose SKB is not verified: flagged.
    assert rules.uncertain(rule, date(2026, 12, 28), rules.due_date(rule, date(2026, 12, 28)))
    assert not rules.uncertain(rule, date(2026, 3, 2), rules.due_date(rule, date(2026, 3, 2)))


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 1)), n=st.integers(1, 20))
def test_the_nth_working_day_is_a_working_day_with_exactly_n_of_them_after_start(start, n):
    end = rules.add_working_days(start, n)
    assert end > start and holidays.is_working_day(end)
    days = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(holidays.is_working_day(d) for d in days) == n
