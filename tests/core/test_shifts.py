"""Shift plans: the least number of officers is exact (brute force on small instances), rosters never put
one officer in two places or cut a rest short, named officers' leave and other duty are honoured."""

from datetime import date, datetime, timedelta, timezone
from collections import Counter
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.core.shifts import (
    Demand,
    Officer,
    Pool,
    ShiftConfig,
    Slot,
    Window,
    PRIORITY,
    assign,
    position_weights,
    choose,
    min_roster,
    officer_minutes,
    officers_needed,
    plan_shifts,
    province_zone,
    shift_slots,
    to_minutes,
    working_minutes,
)

D = date(2024, 2, 14)
REST = 8 * 60


def _conflict(a: Slot, b: Slot, rest: int) -> bool:
    """Independent of the code under test: one officer cannot take both."""
    return not (a.end + rest <= b.start or b.end + rest <= a.start)


def _positions(slots):
    return [s for s in slots for _ in range(s.officers)]


def _colourable(positions, k, rest) -> bool:
    colour = []

    def place(i):
        if i == len(positions):
            return True
        for c in range(min(k, max(colour, default=-1) + 2)):  # symmetry: a new colour only as the next one
            if all(colour[j] != c or not _conflict(positions[i], positions[j], rest) for j in range(i)):
                colour.append(c)
                if place(i + 1):
                    return True
                colour.pop()
        return False

    return place(0)


def brute_min_officers(slots, rest) -> int:
    positions = _positions(slots)
    return next(k for k in range(len(positions) + 1) if _colourable(positions, k, rest))


def brute_max_weight(slots, k, rest) -> int:
    """The most priority-minutes k officers can staff: every subset of positions, if k-colourable."""
    positions = [(i, s) for i, s in enumerate(slots) for _ in range(s.officers)]
    best = 0
    for keep in product((0, 1), repeat=len(positions)):
        chosen = [p for p, b in zip(positions, keep) if b]
        per_slot = Counter(i for i, _ in chosen)
        # m positions of a slot are worth priority x minutes x (2 + (m - 1)): the first one counts double.
        total = sum(PRIORITY.get(slots[i].name, 1) * slots[i].minutes * (m + 1) for i, m in per_slot.items())
        if total > best and _colourable([s for _, s in chosen], k, rest):
            best = total
    return best


def _check_roster(slots, roster, rest, officers=None):
    """No officer twice at once or without rest; a named one only when free; every position counted."""
    by_officer = {}
    for i, who in roster.taken:
        by_officer.setdefault(who, []).append(slots[i])
    for who, mine in by_officer.items():
        for a in range(len(mine)):
            for b in range(a + 1, len(mine)):
                assert not _conflict(mine[a], mine[b], rest), (who, mine[a], mine[b])
        if who[0] == "n" and officers is not None:
            o = officers[who[1]]
            for s in mine:
                for a0, b0, kind in o.off:
                    pad = rest if kind == "dinas" else 0
                    assert b0 <= s.start - pad or s.end + pad <= a0, (o, s)
                assert not o.on or any(a0 <= s.start and s.end <= b0 for a0, b0 in o.on)
    taken = {}
    for i, _ in roster.taken:
        taken[i] = taken.get(i, 0) + 1
    for i, s in enumerate(slots):
        assert taken.get(i, 0) + roster.unfilled.get(i, 0) == s.officers


slot_lists = st.lists(
    st.builds(lambda start, length, officers, name: Slot(0, "p", name, start, start + length, officers),
              st.integers(0, 30), st.integers(1, 10), st.integers(1, 2),
              st.sampled_from(["voting", "counting", "h1_guard", "guard", "other"])),
    min_size=1, max_size=5,
).filter(lambda slots: sum(s.officers for s in slots) <= 7)


@settings(max_examples=150, deadline=None)
@given(slot_lists, st.integers(0, 6))
def test_officers_needed_is_the_brute_force_minimum(slots, rest):
    needed = officers_needed(slots, rest)
    assert needed == brute_min_officers(slots, rest)
    roster = min_roster(slots, rest)
    assert len(roster) == needed
    for mine in roster:
        for a in range(len(mine)):
            for b in range(a + 1, len(mine)):
                assert not _conflict(slots[mine[a]], slots[mine[b]], rest)
    assert sorted(i for mine in roster for i in mine) == sorted(i for i, s in enumerate(slots)
                                                               for _ in range(s.officers))


@settings(max_examples=120, deadline=None)
@given(slot_lists, st.integers(0, 6), st.integers(0, 4))
def test_assign_staffs_the_most_priority_hours_like_brute_force(slots, rest, k):
    count = choose(slots, k, rest)
    assert sum(sum(position_weights(s)[:n]) for s, n in zip(slots, count)) == brute_max_weight(slots, k, rest)
    roster = assign(slots, Pool(anonymous=k), rest)
    _check_roster(slots, roster, rest)
    assert len(roster.taken) == sum(count)  # unnamed officers always fill what was chosen
    if k >= officers_needed(slots, rest):
        assert not roster.unfilled


officer_lists = st.lists(
    st.tuples(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12), st.sampled_from(["cuti", "dinas"])),
                       max_size=2),
              st.lists(st.tuples(st.integers(0, 30), st.integers(5, 30)), max_size=1)),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(slot_lists, st.integers(0, 6), officer_lists, st.integers(0, 2))
def test_named_officers_are_never_double_booked_and_keep_leave_and_rest(slots, rest, raw, anonymous):
    officers = [Officer(100 + i, tuple((a, a + n, k) for a, n, k in off), tuple((a, a + n) for a, n in on))
                for i, (off, on) in enumerate(raw)]
    roster = assign(slots, Pool(tuple(officers), anonymous), rest)
    _check_roster(slots, roster, rest, {o.id: o for o in officers})
    assert len({who for _, who in roster.taken if who[0] == "a"}) <= anonymous
    # Leave never makes more positions fillable than the same officers free of it.
    free = assign(slots, Pool(anonymous=len(officers) + anonymous), rest)
    assert len(roster.taken) <= len(free.taken)


def _brute_working(length, max_shift, rest):
    best = [0] * (length + 1)  # best[t]: most work with every shift inside [0, t)
    for t in range(1, length + 1):
        best[t] = max([best[t - 1]] + [n + best[max(t - n - rest, 0)] for n in range(1, min(max_shift, t) + 1)])
    return best[length]


@given(st.integers(0, 60), st.integers(1, 12), st.integers(0, 10))
def test_working_minutes_is_the_most_one_officer_can_work(length, max_shift, rest):
    assert working_minutes(length, max_shift, rest) == _brute_working(length, max_shift, rest)


def test_hand_computed_two_tps_posts():
    """Two TPS posts of 2 Polri, default rules (shifts of at most 12 h, cut into <= 8 h; 8 h rest).

    Windows (minutes from 14 Feb 2024 00:00 WITA):
      H-1 guard 13 Feb 14:00 - 14 Feb 07:00 = 17 h > 12 h -> ceil(17/8) = 3 shifts of 5 h 40 min:
        [-600, -260) 14:00-19:40, [-260, 80) 19:40-01:20, [80, 420) 01:20-07:00
      voting 07:00-13:00 [420, 780); counting 13:00-02:00 = 13 h -> 2 shifts of 6 h 30:
        [780, 1170) 13:00-19:30, [1170, 1560) 19:30-02:00; escort 02:00-06:00 [1560, 1800).
    Stretched by the rest (+480): [-600,220) [-260,560) [80,900) [420,1260) [780,1650) [1170,2040)
    [1560,2280). At most 3 overlap (e.g. at 420: H-1 #2, H-1 #3, voting), so 3 officers per position:
      X: H-1 #1, voting, escort; Y: H-1 #2, counting #1; Z: H-1 #3, counting #2.
    Two posts x 2 positions x 3 = 12 officers. Officer-hours: (17 + 6 + 13 + 4) x 2 x 2 = 160.
    One officer over the 40 h from 13 Feb 14:00 to 15 Feb 06:00 works at most 24 h (12 on, 8 off,
    12 on, 8 left over), so 6 officers give 144 officer-hours.
    With 6 officers for 28 positions (7 shifts x 4): X, Y and Z at each post staff the first position
    of every shift (a post's first officer counts double); the 6 officers are all busy at 420 (the
    stretched H-1 #2, H-1 #3 and voting of both posts overlap there), so a second officer on any shift
    would leave a first position of that moment empty. Every shift: 2 of 4 filled; 14 open."""
    demands = [Demand(1, "tps", 2, "74.01"), Demand(2, "tps", 2, "74.01")]
    slots, unknown = shift_slots(demands, ShiftConfig())
    assert not unknown
    assert sorted({(s.name, s.start, s.end) for s in slots}, key=lambda r: r[1]) == [
        ("h1_guard", -600, -260), ("h1_guard", -260, 80), ("h1_guard", 80, 420), ("voting", 420, 780),
        ("counting", 780, 1170), ("counting", 1170, 1560), ("escort", 1560, 1800)]
    assert officers_needed(slots, REST) == 12
    plan = plan_shifts(demands, {"74.01": Pool(anonymous=6)}, voting_day=D, zone="WITA")
    fig = plan.figures()
    assert fig["officer_hours_required"] == 160
    assert fig["officer_hours_available"] == 144
    assert fig["officers_needed"] == 12 and fig["officers_available"] == 6
    pool = fig["by_polres"]["74.01"]
    assert pool["officers_short"] == 6
    first = fig["shifts"][0]
    assert (first["name"], first["start"], first["end"]) == ("h1_guard", "2024-02-13T14:00:00+08:00",
                                                             "2024-02-13T19:40:00+08:00")
    assert [(s["name"], s["required"]) for s in fig["shifts"]] == [
        ("h1_guard", 4), ("h1_guard", 4), ("h1_guard", 4), ("voting", 4), ("counting", 4), ("counting", 4),
        ("escort", 4)]
    assert all(s["required"] == s["filled"] + s["shortfall"] for s in fig["shifts"])
    assert all(s["available"] == 6 for s in fig["shifts"])
    assert all((s["filled"], s["shortfall"]) == (2, 2) for s in fig["shifts"])
    # Half of every shift staffed: 80 of the 160 officer-hours (however many hours the 6 could work).
    assert (fig["officer_hours_filled"], fig["officer_hours_short"]) == (80, 80)
    _check_roster(plan.slots, plan.roster("74.01"), REST)
    assert sum(s["filled"] for s in fig["shifts"]) == 14 and pool["unfilled"] == fig["unfilled"] == 14
    assert pool["positions"] == 28
    # Enough officers: nothing open, and exactly 12 of them are used.
    enough = plan_shifts(demands, {"74.01": Pool(anonymous=12)}, voting_day=D)
    assert enough.figures()["unfilled"] == 0
    assert len({who for _, who in enough.roster("74.01").taken}) == 12


def test_hand_computed_fill_with_one_officer():
    """One post of 1 officer, three shifts [0,6) [6,12) [14,20) hours, rest 8 h: stretched [0,14) [6,20)
    [14,28) -> 2 officers (A: first and third, B: second). With 1 officer only 2 of 3 positions fill
    (first and third); the second is the shortfall."""
    h = 60
    windows = (Window("a", 0, "00:00", 0, "06:00"), Window("b", 0, "06:00", 0, "12:00"),
               Window("c", 0, "14:00", 0, "20:00"))
    demands = [Demand(1, "tps", 1, "P", windows=windows)]
    slots, _ = shift_slots(demands, ShiftConfig())
    assert [(s.start, s.end) for s in slots] == [(0, 6 * h), (6 * h, 12 * h), (14 * h, 20 * h)]
    assert officers_needed(slots, REST) == 2
    fig = plan_shifts(demands, {"P": Pool(anonymous=1)}, voting_day=D).figures()
    assert [(s["name"], s["filled"], s["shortfall"]) for s in fig["shifts"]] == [("a", 1, 0), ("b", 0, 1),
                                                                                 ("c", 1, 0)]


def test_named_officer_on_leave_is_not_rostered_and_other_duty_keeps_rest():
    windows = (Window("voting", 0, "07:00", 0, "13:00"),)
    demands = [Demand(1, "tps", 1, "P", windows=windows)]
    on_leave = Officer(1, off=((6 * 60, 8 * 60, "cuti"),))
    duty_before = Officer(2, off=((0, 3 * 60, "dinas"),))  # ends 03:00: rest until 11:00 > 07:00
    free = Officer(3)
    plan = plan_shifts(demands, {"P": Pool((on_leave, duty_before, free))}, voting_day=D)
    assert plan.roster("P").taken == [(0, ("n", 3))]
    plan = plan_shifts(demands, {"P": Pool((on_leave, duty_before))}, voting_day=D)
    assert plan.roster("P").unfilled == {0: 1}
    fig = plan.figures()
    assert fig["shifts"][0]["available"] == 1  # the one with other duty is free then but not rested
    assert fig["shifts"][0]["shortfall"] == 1
    # Hours: window 07:00-13:00; leave 06:00-08:00 leaves 08:00-13:00 = 5 h; duty 00:00-03:00 + 8 h rest
    # leaves 11:00-13:00 = 2 h.
    assert officer_minutes(on_leave, 7 * 60, 13 * 60, 12 * 60, REST) == 5 * 60
    assert officer_minutes(duty_before, 7 * 60, 13 * 60, 12 * 60, REST) == 2 * 60
    assert fig["officer_hours_available"] == 7


def test_island_escort_recap_by_day_and_unknown_kinds_are_reported():
    slots, unknown = shift_slots([Demand(1, "tps", 2, "P", island=True), Demand(2, "ppk_rekap", 2, "P"),
                                  Demand(3, "space_port", 1, "P")], ShiftConfig())
    escort = [s for s in slots if s.name == "escort"]
    assert [(s.start, s.end) for s in escort] == [(1560, 1560 + 8 * 60)]
    recap = [s for s in slots if s.name == "recap_guard"]
    # 08:00-22:00 is 14 h > 12 h: two shifts of 7 h a day, D+1 to D+17.
    assert len(recap) == 34 and recap[0].start == 1 * 1440 + 8 * 60 and recap[0].end == 1 * 1440 + 15 * 60
    assert unknown == {"space_port"}


def test_counting_end_is_configurable_past_midnight():
    cfg = ShiftConfig(counting_end=(1, "12:00"), escort_hours=3)
    slots, _ = shift_slots([Demand(1, "tps", 1, "P")], cfg)
    counting = [s for s in slots if s.name == "counting"]
    # 13:00 to D+1 12:00 = 23 h -> 3 shifts of 7 h 40 min.
    assert [(s.start, s.end) for s in counting] == [(780, 1240), (1240, 1700), (1700, 2160)]
    assert [(s.start, s.end) for s in slots if s.name == "escort"] == [(2160, 2340)]


def test_rules_are_checked():
    for bad in (dict(shift_hours=13), dict(rest_hours=-1), dict(counting_end=(0, "12:00"))):
        with pytest.raises(ValueError):
            ShiftConfig(**bad)


def test_zones_and_local_minutes():
    assert province_zone("74") == "WITA" and province_zone("31") == "WIB" and province_zone("94") == "WIT"
    assert province_zone("74.01") == "WITA" and province_zone("51") == "WITA" and province_zone("81") == "WIT"
    utc_noon = datetime(2024, 2, 14, 4, 0, tzinfo=timezone.utc)  # 12:00 WITA
    assert to_minutes(utc_noon, D, "WITA") == 12 * 60
    assert to_minutes(utc_noon - timedelta(days=1), D, "WIB") == -DAY_MIN + 11 * 60


DAY_MIN = 24 * 60
