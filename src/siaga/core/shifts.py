"""Shifts: every guarded object staffed over time, not once.

A post is staffed through the windows of its kind (TPS: the night before, voting, counting past
midnight, escort of the boxes; offices and warehouses round the clock; PPK recap venues by day).
Windows longer than the legal shift are cut into equal slots; every slot needs the post's officers.

Officers of one pool (a Polres with its Polsek and the BKO it receives) cover the slots of its
posts. One officer can take two slots only when the second starts at least ``rest`` after the first
ends, so a slot occupies its officer on [start, end + rest). Two slots fit one officer exactly when
those stretched intervals do not overlap: the least number of officers is the chromatic number of
an interval graph, which equals its largest clique (interval graphs are perfect), i.e. the peak
number of stretched slots running at one instant. ``officers_needed`` computes that peak by a sweep
and ``min_roster`` builds a roster of that size (greedy by start time with a heap of ready times).

With a limited pool of k officers, ``choose`` picks the positions to staff so that the staffed
hours weighted by the shift's priority (voting and counting first; a post's first officer counting
double, so every post gets one officer before any gets a second) are the most: k units of flow
along the timeline, a slot being an arc from its start to its end + rest (the k-track assignment of
weighted intervals, Arkin and Silverberg 1987; exact by min-cost flow). ``assign`` then names an
officer for each chosen position by start time; named officers with leave or other duty can make
that fail, and every position left open is reported.

Times are whole minutes from voting day 00:00 local time; output is local ISO time.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
from ortools.graph.python import min_cost_flow

DAY = 24 * 60

# Indonesian time zones: WIB UTC+7, WITA UTC+8, WIT UTC+9, by the province's BPS code.
ZONE_OFFSET = {"WIB": 7, "WITA": 8, "WIT": 9}
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96", "97"}


def province_zone(province_code: str) -> str:
    """WIB for Sumatra, Java and West/Central Kalimantan; WITA for Bali, Nusa Tenggara, the rest of
    Kalimantan and Sulawesi (Sultra 74 is WITA); WIT for Maluku and Papua."""
    code = province_code.split(".")[0]
    return "WITA" if code in _WITA else "WIT" if code in _WIT else "WIB"


def zone_tz(zone: str) -> timezone:
    return timezone(timedelta(hours=ZONE_OFFSET[zone]), zone)


def _clock(value: str) -> int:
    """'HH:MM' as minutes; '24:00' is the end of the day."""
    h, m = value.split(":")
    return int(h) * 60 + int(m)


@dataclass(frozen=True)
class Window:
    """A stretch a post of some kind is guarded, relative to voting day D (day 0), local clock.

    ``daily``: one window per day from ``start_day`` to ``end_day`` between the two clock times (an
    end clock not after the start runs into the next day). Otherwise one window from (start_day,
    start) to (end_day, end)."""

    name: str
    start_day: int
    start: str
    end_day: int
    end: str
    daily: bool = False

    def spans(self) -> list[tuple[int, int]]:
        """The window(s) as (start, end) minutes from D 00:00."""
        s, e = _clock(self.start), _clock(self.end)
        if not self.daily:
            return [(self.start_day * DAY + s, self.end_day * DAY + e)]
        length = e - s if e > s else e + DAY - s
        return [(d * DAY + s, d * DAY + s + length) for d in range(self.start_day, self.end_day + 1)]


# Shift names as printed in plans (Bahasa Indonesia; the keys stay English in code and JSON).
SHIFT_LABELS = {
    "h1_guard": "Jaga H-1 dan malam sebelum pemungutan",
    "voting": "Pemungutan suara",
    "counting": "Penghitungan suara",
    "escort": "Pengawalan kotak suara ke PPS/PPK",
    "recap_guard": "Pengamanan rekapitulasi",
    "guard": "Jaga 24 jam",
    "event": "Pengamanan kegiatan",
}
SHIFT_LABELS_EN = {
    "h1_guard": "H-1 guard and the night before voting",
    "voting": "Voting",
    "counting": "Counting",
    "escort": "Escort of the ballot boxes to PPS/PPK",
    "recap_guard": "Recapitulation guard",
    "guard": "Round-the-clock guard",
    "event": "Event security",
}


@dataclass(frozen=True)
class ShiftConfig:
    """The rules of a shift plan. Defaults (domain.md, Pemilu 2024):

    - voting 07:00-13:00 local time; logistics are at the TPS by H-1, so the TPS is guarded from
      H-1 14:00 through the night until voting starts;
    - counting the same day and, by law, up to 12 hours after the voting day ends (D+1 12:00);
      ``counting_end`` is when the last TPS of a typical area finishes (default D+1 02:00);
    - the boxes are escorted KPPS -> PPS/PPK after counting: ``escort_hours`` (longer on islands);
    - kecamatan recap 15 Feb-2 Mar 2024 (D+1..D+17), kab/kota recap to 5 Mar (D+20): PPK recap
      venues are guarded by day through the kecamatan recap, KPU/Bawaslu offices and logistics
      warehouses round the clock from the logistics run (D-7) to the end of the kab/kota recap;
    - campaign events and candidate escorts without a window of their own: the last campaign day
      (D-4, before the 3 quiet days), 08:00-18:00; VIP visits and vital objects round the clock D-1..D+1.
    Shift rules: a window up to ``max_shift_hours`` is one shift; a longer one is cut into equal
    shifts of at most ``shift_hours``; ``rest_hours`` between two shifts of one officer."""

    max_shift_hours: float = 12.0
    shift_hours: float = 8.0
    rest_hours: float = 8.0
    counting_end: tuple[int, str] = (1, "02:00")
    escort_hours: float = 4.0
    island_escort_hours: float = 8.0
    windows: Mapping[str, tuple[Window, ...]] | None = None  # None: default_windows(self)
    priority: Mapping[str, int] | None = None  # None: PRIORITY

    def __post_init__(self):
        if not 0 < self.shift_hours <= self.max_shift_hours:
            raise ValueError("shift_hours must be positive and at most max_shift_hours")
        if self.rest_hours < 0 or self.escort_hours <= 0 or self.island_escort_hours <= 0:
            raise ValueError("rest and escort hours must not be negative")
        if self.counting_end[0] * DAY + _clock(self.counting_end[1]) <= 13 * 60:
            raise ValueError("counting ends after voting (13:00 on voting day)")

    @property
    def rest(self) -> int:
        return round(self.rest_hours * 60)

    def table(self) -> Mapping[str, tuple[Window, ...]]:
        return self.windows if self.windows is not None else default_windows(self)


def _at(minutes: int) -> tuple[int, str]:
    d, m = divmod(minutes, DAY)
    return d, f"{m // 60:02d}:{m % 60:02d}"


def default_windows(config: ShiftConfig) -> dict[str, tuple[Window, ...]]:
    """The window table per post kind (kinds of the planner's guard objects; aliases share rows)."""
    count_end = config.counting_end[0] * DAY + _clock(config.counting_end[1])
    tps = (
        Window("h1_guard", -1, "14:00", 0, "07:00"),
        Window("voting", 0, "07:00", 0, "13:00"),
        Window("counting", 0, "13:00", *config.counting_end),
        Window("escort", *_at(count_end), *_at(count_end + round(config.escort_hours * 60))),
    )
    office = (Window("guard", -7, "00:00", 20, "24:00"),)
    recap = (Window("recap_guard", 1, "08:00", 17, "22:00", daily=True),)
    event = (Window("event", -4, "08:00", -4, "18:00"),)
    around_voting = (Window("guard", -1, "00:00", 1, "24:00"),)
    return {
        "tps": tps,
        "kantor_kpu": office, "kantor_bawaslu": office, "gudang_logistik": office,
        "ppk_rekap": recap,
        "kampanye": event, "pengawalan_paslon": event,
        "kunjungan_vip": around_voting, "objek_vital": around_voting,
    }  # fmt: skip


# Who is staffed first when officers are short (per shift name): the vote and the count, then the
# boxes on the road, the night before, the recap, round-the-clock guards, other events. Data: a plan
# may pass its own.
FIRST_OFFICER_WEIGHT = 2
PRIORITY = {"voting": 6, "counting": 6, "escort": 5, "h1_guard": 4, "recap_guard": 3, "guard": 2, "event": 2}

# A kind missing from the table is guarded round the clock around voting day (and reported).
FALLBACK_WINDOWS = (Window("guard", -1, "00:00", 1, "24:00"),)


@dataclass(frozen=True, slots=True)
class Demand:
    """A post to staff: ``officers`` on duty at every moment of its windows; ``pool`` is the unit
    pool (the Polres) that staffs it. ``windows`` overrides the kind's (e.g. a campaign event's own)."""

    post_id: int
    kind: str
    officers: int
    pool: str
    island: bool = False
    windows: tuple[Window, ...] | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    post_id: int
    pool: str
    name: str
    start: int  # minutes from voting day 00:00, local
    end: int
    officers: int

    @property
    def minutes(self) -> int:
        return self.end - self.start


def split(start: int, end: int, config: ShiftConfig) -> list[tuple[int, int]]:
    """One shift when the window fits the legal maximum, else equal shifts of at most shift_hours."""
    length = end - start
    if length <= config.max_shift_hours * 60:
        return [(start, end)]
    n = math.ceil(length / (config.shift_hours * 60))
    cuts = [start + round(i * length / n) for i in range(n + 1)]
    return list(zip(cuts[:-1], cuts[1:]))


def shift_slots(demands: Iterable[Demand], config: ShiftConfig) -> tuple[list[Slot], set[str]]:
    """Every slot of every post, and the kinds the window table does not know."""
    table, unknown, slots = config.table(), set(), []
    cache: dict[tuple, list[tuple[str, int, int]]] = {}  # the same kind has the same shifts
    for d in demands:
        if d.officers <= 0:
            continue
        key = (d.windows or d.kind, d.island)
        shifts = cache.get(key)
        if shifts is None:
            windows = d.windows or table.get(d.kind)
            if windows is None:
                unknown.add(d.kind)
                windows = FALLBACK_WINDOWS
            shifts = cache[key] = []
            for w in windows:
                for start, end in w.spans():
                    if w.name == "escort" and d.island and d.windows is None:
                        end = start + round(config.island_escort_hours * 60)
                    shifts += [(w.name, s, e) for s, e in split(start, end, config)]
        slots += [Slot(d.post_id, d.pool, name, s, e, d.officers) for name, s, e in shifts]
    return slots, unknown


def officers_needed(slots: Iterable[Slot], rest: int) -> int:
    """The least number of officers covering ``slots`` with ``rest`` minutes between two shifts of
    one officer: the peak count of slots stretched to [start, end + rest). At equal times an
    interval that ends frees its officer before one that starts takes one."""
    slots = list(slots)
    if not slots:
        return 0
    starts = np.fromiter((s.start for s in slots), np.int64, len(slots))
    ends = np.fromiter((s.end for s in slots), np.int64, len(slots)) + rest
    officers = np.fromiter((s.officers for s in slots), np.int64, len(slots))
    times = np.concatenate([ends, starts])
    kinds = np.concatenate([np.zeros(len(slots), np.int8), np.ones(len(slots), np.int8)])  # ends first
    deltas = np.concatenate([-officers, officers])
    order = np.lexsort((kinds, times))
    return int(max(0, np.cumsum(deltas[order]).max()))


def min_roster(slots: Sequence[Slot], rest: int) -> list[list[int]]:
    """A roster of ``officers_needed`` officers: each officer's list of slot indexes. Greedy by start
    time; an officer whose rest is over is reused before a new one is called in."""
    ready: list[tuple[int, int]] = []  # (ready at, officer)
    roster: list[list[int]] = []
    for i in sorted(range(len(slots)), key=lambda i: (slots[i].start, slots[i].end)):
        s = slots[i]
        for _ in range(s.officers):
            if ready and ready[0][0] <= s.start:
                _, officer = heapq.heappop(ready)
            else:
                officer = len(roster)
                roster.append([])
            roster[officer].append(i)
            heapq.heappush(ready, (s.end + rest, officer))
    return roster


@dataclass(frozen=True)
class Officer:
    """A named officer. ``off``: (start, end, kind) in minutes; kind "cuti" (leave) blocks the time
    itself, "dinas" (other duty) is work too, so rest is kept on both sides of it. ``on``: when
    listed, the officer works only inside these windows."""

    id: int
    off: tuple[tuple[int, int, str], ...] = ()
    on: tuple[tuple[int, int], ...] = ()

    def can_take(self, start: int, end: int, rest: int) -> bool:
        for a, b, kind in self.off:
            pad = rest if kind == "dinas" else 0
            if a < end + pad and start - pad < b:
                return False
        return not self.on or any(a <= start and end <= b for a, b in self.on)

    def free_all_of(self, start: int, end: int) -> bool:
        return self.can_take(start, end, 0)


@dataclass(frozen=True)
class Pool:
    """The officers of one pool: named ones (a roster) and a count of unnamed ones."""

    named: tuple[Officer, ...] = ()
    anonymous: int = 0

    @property
    def size(self) -> int:
        return len(self.named) + self.anonymous


@dataclass
class Roster:
    """Who takes which slot. ``taken``: (slot index, officer) with officer ('n', id) for a named one
    and ('a', k) for the k-th unnamed one; ``unfilled``: open positions per slot index."""

    taken: list[tuple[int, tuple[str, int]]] = field(default_factory=list)
    unfilled: dict[int, int] = field(default_factory=dict)


def position_weights(slot: Slot, priority: Mapping[str, int] = PRIORITY) -> list[int]:
    """The worth of staffing the 1st, 2nd, ... position of a slot: priority x minutes, the first
    officer of a post counting ``FIRST_OFFICER_WEIGHT`` times (a post held by one officer is guarded;
    so short officers go one to each post before a second to any)."""
    w = priority.get(slot.name, 1) * slot.minutes
    return [FIRST_OFFICER_WEIGHT * w] + [w] * (slot.officers - 1)


def choose(slots: Sequence[Slot], officers: int, rest: int, priority: Mapping[str, int] = PRIORITY) -> list[int]:
    """How many positions of each slot ``officers`` identical officers staff so that the staffed
    ``position_weights`` are the most: a min-cost flow of ``officers`` units along the timeline (one
    unit per officer); a slot is two parallel arcs from its start to its end + rest, one for its
    first position and one for the others, each unit of flow worth the position's weight."""
    if not slots or officers <= 0:
        return [0] * len(slots)
    times = sorted({s.start for s in slots} | {s.end + rest for s in slots})
    node = {t: i for i, t in enumerate(times)}
    n, m = len(times), len(slots)
    smcf = min_cost_flow.SimpleMinCostFlow()
    tails = [*range(n - 1), *(node[s.start] for s in slots), *(node[s.start] for s in slots)]
    heads = [*range(1, n), *(node[s.end + rest] for s in slots), *(node[s.end + rest] for s in slots)]
    caps = [officers] * (n - 1) + [1] * m + [s.officers - 1 for s in slots]
    weights = [position_weights(s, priority) for s in slots]
    costs = [0] * (n - 1) + [-w[0] for w in weights] + [-(w[1] if len(w) > 1 else 0) for w in weights]
    smcf.add_arcs_with_capacity_and_unit_cost(np.array(tails, np.int32), np.array(heads, np.int32),
                                              np.array(caps, np.int64), np.array(costs, np.int64))
    supplies = np.zeros(n, np.int64)
    supplies[0], supplies[-1] = officers, -officers
    smcf.set_nodes_supplies(np.arange(n, dtype=np.int32), supplies)
    if smcf.solve() != smcf.OPTIMAL:  # the chain alone carries every officer: always feasible
        raise RuntimeError("shift flow not optimal")
    flows = smcf.flows(np.arange(n - 1, n - 1 + 2 * m)).astype(int)
    return (flows[:m] + flows[m:]).tolist()


def assign(slots: Sequence[Slot], pool: Pool, rest: int, priority: Mapping[str, int] = PRIORITY) -> Roster:
    """Staff ``slots`` from ``pool``: ``choose`` picks the positions as if every officer were free, then
    officers are given to them by start time: a rested named officer who is free, else a rested
    unnamed one, else one not yet used (named first). For unnamed officers this never fails (the chosen positions
    overlap at most ``pool.size`` deep); leave and other duty can leave chosen positions open."""
    roster = Roster()
    # Named officers who can take no slot at all (on leave throughout) do not count as officers.
    usable = pool.anonymous + sum(any(o.can_take(s.start, s.end, rest) for s in slots) for o in pool.named)
    count = choose(slots, usable, rest, priority)
    named_ready: list[tuple[int, int]] = []  # (ready at, officer id) of named officers used so far, sorted
    anon_ready: list[tuple[int, int]] = []  # heap of (ready at, number) of unnamed officers used so far
    fresh_named = list(range(len(pool.named)))
    fresh_anon = pool.anonymous
    by_id = {o.id: o for o in pool.named}
    for i in sorted(range(len(slots)), key=lambda i: (slots[i].start, slots[i].end)):
        s = slots[i]
        if count[i] < s.officers:
            roster.unfilled[i] = s.officers - count[i]
        for _ in range(count[i]):
            pick = None
            if named_ready:
                j = bisect.bisect_right(named_ready, (s.start, math.inf))
                pick = next((k for k in range(j) if by_id[named_ready[k][1]].can_take(s.start, s.end, rest)), None)
            if pick is not None:
                who = ("n", named_ready.pop(pick)[1])
            elif anon_ready and anon_ready[0][0] <= s.start:
                who = ("a", heapq.heappop(anon_ready)[1])
            else:
                idx = next((n for n in fresh_named if pool.named[n].can_take(s.start, s.end, rest)),
                           None) if fresh_named else None
                if idx is not None:
                    fresh_named.remove(idx)
                    who = ("n", pool.named[idx].id)
                elif fresh_anon > 0:
                    who = ("a", pool.anonymous - fresh_anon)
                    fresh_anon -= 1
                else:
                    roster.unfilled[i] = roster.unfilled.get(i, 0) + 1
                    continue
            roster.taken.append((i, who))
            if who[0] == "n":
                bisect.insort(named_ready, (s.end + rest, who[1]))
            else:
                heapq.heappush(anon_ready, (s.end + rest, who[1]))
    return roster


def working_minutes(length: int, max_shift: int, rest: int) -> int:
    """The most one officer can work in a stretch of ``length`` minutes: shifts of at most
    ``max_shift`` with ``rest`` between them; m shifts give at most min(m * max_shift,
    length - (m - 1) * rest), best at m = floor((length + rest) / (max_shift + rest)) or one more."""
    if length <= 0:
        return 0
    m = (length + rest) // (max_shift + rest)
    return max(min(n * max_shift, length - (n - 1) * rest) for n in (max(m, 1), m + 1))


def officer_minutes(officer: Officer | None, start: int, end: int, max_shift: int, rest: int) -> int:
    """``working_minutes`` over the officer's free stretches within [start, end) (an unnamed officer
    is free throughout); other duty keeps ``rest`` on both sides, on-duty windows bound the time."""
    if officer is None:
        return working_minutes(end - start, max_shift, rest)
    blocked = sorted((a - (rest if k == "dinas" else 0), b + (rest if k == "dinas" else 0))
                     for a, b, k in officer.off)
    allowed = sorted(officer.on) if officer.on else [(start, end)]
    total = 0
    for a0, b0 in allowed:
        cursor, stop = max(a0, start), min(b0, end)
        for a, b in blocked:
            if b <= cursor or a >= stop:
                continue
            total += working_minutes(min(a, stop) - cursor, max_shift, rest)
            cursor = max(cursor, b)
        total += working_minutes(stop - cursor, max_shift, rest)
    return total


@dataclass
class ShiftPlan:
    """Slots, rosters and figures of one shift plan; ``figures()`` is the JSON view."""

    voting_day: date
    zone: str
    config: ShiftConfig
    slots: list[Slot]
    pools: Mapping[str, Pool]
    rosters: dict[str, Roster]  # open positions per slot; who takes which only for pools with names
    slot_index: dict[str, list[int]]  # pool -> indexes into slots
    unknown_kinds: set[str]

    def roster(self, name: str) -> Roster:
        """Who takes which slot in one pool (for a pool without names, numbered officers)."""
        if self.pools.get(name, Pool()).named:
            return self.rosters[name]
        idx = self.slot_index[name]
        local = assign([self.slots[i] for i in idx], self.pools.get(name, Pool()), self.config.rest,
                       self.config.priority or PRIORITY)
        return Roster([(idx[i], who) for i, who in local.taken], {idx[i]: n for i, n in local.unfilled.items()})

    def when(self, minutes: int) -> datetime:
        return datetime.combine(self.voting_day, time(0), tzinfo=zone_tz(self.zone)) + timedelta(minutes=minutes)

    def _shift_counts(self, pool_name: str) -> dict[tuple, dict]:
        """(start, end, name) -> required, filled and available officers of one pool."""
        rows: dict[tuple, dict] = {}
        pool, roster = self.pools.get(pool_name, Pool()), self.rosters[pool_name]
        for i in self.slot_index[pool_name]:
            s = self.slots[i]
            key = (s.start, s.end, s.name)
            row = rows.get(key)
            if row is None:  # the pool's officers free for all of this shift, counted once
                free = pool.anonymous + sum(o.free_all_of(s.start, s.end) for o in pool.named)
                row = rows[key] = {"required": 0, "filled": 0, "available": free}
            row["required"] += s.officers
            row["filled"] += s.officers - roster.unfilled.get(i, 0)
        return rows

    def _shift_rows(self, rows: Mapping[tuple, dict]) -> list[dict]:
        out = []
        for (start, end, name), row in sorted(rows.items()):
            out.append({"name": name, "label": SHIFT_LABELS.get(name, name),
                        "label_en": SHIFT_LABELS_EN.get(name, name),
                        "start": self.when(start).isoformat(), "end": self.when(end).isoformat(),
                        "hours": round((end - start) / 60, 2), **row,
                        "shortfall": row["required"] - row["filled"]})
        return out

    def _pool_figures(self, name: str) -> dict:
        slots = [self.slots[i] for i in self.slot_index[name]]
        pool, cfg = self.pools.get(name, Pool()), self.config
        start = min((s.start for s in slots), default=0)
        end = max((s.end for s in slots), default=0)
        max_shift = round(cfg.max_shift_hours * 60)
        named = [officer_minutes(o, start, end, max_shift, cfg.rest) for o in pool.named]
        available = pool.anonymous * officer_minutes(None, start, end, max_shift, cfg.rest) + sum(named)
        usable = pool.anonymous + sum(m > 0 for m in named)  # on leave all through: not available
        required = sum(s.minutes * s.officers for s in slots)
        unfilled = self.rosters[name].unfilled
        filled = required - sum(self.slots[i].minutes * n for i, n in unfilled.items())
        needed = officers_needed(slots, cfg.rest)
        counts = self._shift_counts(name)
        self._counts[name] = counts
        shifts = self._shift_rows(counts)
        return {
            "officer_hours_required": round(required / 60, 1),
            "officer_hours_available": round(available / 60, 1),
            "officer_hours_filled": round(filled / 60, 1),
            "officer_hours_short": round((required - filled) / 60, 1),
            "officers_needed": needed,
            "officers_available": usable,
            "officers_short": max(0, needed - usable),
            "positions": sum(s.officers for s in slots),
            "unfilled": sum(r["shortfall"] for r in shifts),
            "shifts": shifts,
        }

    def figures(self) -> dict:
        self._counts: dict[str, dict[tuple, dict]] = {}
        by_pool = {name: self._pool_figures(name) for name in sorted(self.slot_index)}
        total: dict[tuple, dict] = {}
        for counts in self._counts.values():
            for key, row in counts.items():
                acc = total.setdefault(key, {"required": 0, "filled": 0, "available": 0})
                for field_name, value in row.items():
                    acc[field_name] += value
        cfg = self.config
        return {
            "voting_day": self.voting_day.isoformat(),
            "zone": self.zone,
            "rules": {"max_shift_hours": cfg.max_shift_hours, "shift_hours": cfg.shift_hours,
                      "rest_hours": cfg.rest_hours, "counting_end": f"D+{cfg.counting_end[0]} {cfg.counting_end[1]}",
                      "escort_hours": cfg.escort_hours, "island_escort_hours": cfg.island_escort_hours},
            "officer_hours_required": round(sum(p["officer_hours_required"] for p in by_pool.values()), 1),
            "officer_hours_available": round(sum(p["officer_hours_available"] for p in by_pool.values()), 1),
            "officer_hours_filled": round(sum(p["officer_hours_filled"] for p in by_pool.values()), 1),
            "officer_hours_short": round(sum(p["officer_hours_short"] for p in by_pool.values()), 1),
            "officers_needed": sum(p["officers_needed"] for p in by_pool.values()),
            "officers_available": sum(p["officers_available"] for p in by_pool.values()),
            "positions": sum(p["positions"] for p in by_pool.values()),
            "unfilled": sum(p["unfilled"] for p in by_pool.values()),
            "shifts": self._shift_rows(total),
            "by_polres": by_pool,
            "unknown_kinds": sorted(self.unknown_kinds),
        }


def to_minutes(moment: datetime, voting_day: date, zone: str) -> int:
    """An aware datetime as minutes from voting day 00:00 local time."""
    midnight = datetime.combine(voting_day, time(0), tzinfo=zone_tz(zone))
    return math.floor((moment - midnight).total_seconds() / 60)


def plan_shifts(demands: Iterable[Demand], pools: Mapping[str, Pool], *, voting_day: date, zone: str = "WITA",
                config: ShiftConfig | None = None) -> ShiftPlan:
    """Slots for every post, a roster per pool, figures per pool and per shift."""
    config = config or ShiftConfig()
    slots, unknown = shift_slots(demands, config)
    index: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(slots):
        index[s.pool].append(i)
    rosters = {}
    for name, idx in index.items():
        pool, mine = pools.get(name, Pool()), [slots[i] for i in idx]
        if pool.named:
            local = assign(mine, pool, config.rest, config.priority or PRIORITY)
        else:  # unnamed officers always fill the chosen positions: who takes which is left to roster()
            count = choose(mine, pool.anonymous, config.rest, config.priority or PRIORITY)
            local = Roster([], {i: s.officers - c for i, (s, c) in enumerate(zip(mine, count)) if c < s.officers})
        rosters[name] = Roster([(idx[i], who) for i, who in local.taken],
                               {idx[i]: n for i, n in local.unfilled.items()})
    return ShiftPlan(voting_day, zone, config, slots, pools, rosters, dict(index), unknown)


__all__ = ["Demand", "Officer", "Pool", "ShiftConfig", "ShiftPlan", "Slot", "Window", "assign", "default_windows",
           "min_roster", "officer_minutes", "officers_needed", "plan_shifts", "province_zone", "shift_slots",
           "split", "to_minutes", "working_minutes"]
