"""Shift figures of a stored plan: its posts staffed over time by the officers of each Polres.

The pool of a Polres is its own strength and that of its Polsek as the plan used them (named officers
with their leave and other duty where the unit keeps a roster), plus the BKO the plan sends it, minus
the BKO it sends away. The Polda's own pool stays at the Polda. See siaga.core.shifts for the rules.
"""

from collections import defaultdict
from dataclasses import replace
from datetime import date

from siaga.core import shifts
from siaga.deployment.calendar import stage_days
from siaga.deployment.models import (AvailabilityWindow, GuardObject, Personnel, Plan, PlanBko, Unit,
                                      WindowKind)


def _pool_key(unit: Unit) -> str:
    """Polsek and Polres serve the Polres of their kab/kota; a Polda (or reserve) keeps its own pool."""
    return unit.area_code[:5] if unit.kind in ("polsek", "polres") else unit.area_code


def plan_voting_day(plan: Plan) -> date | None:
    """Voting day of the plan's patterns: the local date of the duty window's start."""
    start = plan.pattern_set.duty_start
    if start is None:
        return None
    return start.astimezone(shifts.zone_tz(shifts.province_zone(plan.province_code))).date()


def plan_demands(plan: Plan, area: str | None = None) -> list[shifts.Demand]:
    """The plan's posts as demands on their Polres; with ``area``, only the posts of its kab/kota (a
    kecamatan counts as its kab/kota: the Polres pool staffs it)."""
    rows = plan.posts.all()
    if area and len(area) > 2:
        rows = rows.filter(kabkota_code=area[:5])
    rows = list(rows.values("key", "kind", "polri_required", "kabkota_code", "island").iterator(5000))
    own = _own_windows(plan, [-r["key"] for r in rows if r["kind"] != "tps"])
    return [shifts.Demand(r["key"], r["kind"], r["polri_required"], r["kabkota_code"], r["island"],
                          own.get(-r["key"])) for r in rows]


# Objects with dates of their own whose days are not campaign-like 08:00-18:00: recap venues are guarded
# 08:00-22:00 each day of their recap window; a re-vote TPS is guarded like a TPS, shifted to its new date.
RECAP_KINDS = {"ppk_rekap", "rekap_kabkota", "rekap_provinsi"}


def _shifted(windows, days):
    return tuple(shifts.Window(w.name, w.start_day + days, w.start, w.end_day + days, w.end, w.daily)
                 for w in windows)


def _object_windows(kind, start, end, voting_day) -> tuple[shifts.Window, ...]:
    first, last = (start - voting_day).days, ((end or start) - voting_day).days
    if kind == "tps_ulang":
        return _shifted(shifts.default_windows(shifts.ShiftConfig())["tps"], first)
    if kind in RECAP_KINDS:
        return (shifts.Window("recap_guard", first, "08:00", last, "22:00", daily=True),)
    return (shifts.Window("event", first, "08:00", last, "18:00", daily=True),)


def _own_windows(plan: Plan, object_ids) -> dict[int, tuple[shifts.Window, ...]]:
    """Objects with dates of their own are staffed on those days, not on the kind's default days: campaign
    events, escorts and visits 08:00-18:00 each day; recap venues 08:00-22:00 through their recap window
    (from the operation's stage calendar); a re-vote TPS through the TPS windows moved to its new date. An
    object post's key is minus the object's id."""
    voting_day = plan_voting_day(plan)
    if voting_day is None:
        return {}
    rows = GuardObject.objects.filter(pk__in=object_ids, starts_on__isnull=False).values_list(
        "pk", "kind", "starts_on", "ends_on")
    return {pk: _object_windows(kind, start, end, voting_day) for pk, kind, start, end in rows}


def _officer(person_id, windows, voting_day, zone) -> shifts.Officer:
    off, on = [], []
    for w in windows:
        a, b = (shifts.to_minutes(t, voting_day, zone) for t in (w.start, w.end))
        if w.kind == WindowKind.SHIFT:
            on.append((a, b))
        else:
            off.append((a, b, "cuti" if w.kind == WindowKind.LEAVE else "dinas"))
    return shifts.Officer(person_id, tuple(off), tuple(on))


def plan_pools(plan: Plan, voting_day: date, zone: str) -> dict[str, shifts.Pool]:
    """Named and unnamed officers per pool (Polres kab/kota code, or the Polda's province code)."""
    strengths = {int(k): int(v) for k, v in plan.strengths.items()}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=strengths)}
    people = defaultdict(list)
    for pk, unit_id in Personnel.objects.filter(unit_id__in=units).order_by("nrp").values_list("pk", "unit_id"):
        people[unit_id].append(pk)
    windows = defaultdict(list)
    for w in AvailabilityWindow.objects.filter(person__unit_id__in=units):
        windows[w.person_id].append(w)
    named, anonymous = defaultdict(list), defaultdict(int)
    for uid, unit in units.items():
        key = _pool_key(unit)
        if people.get(uid):  # a roster is the truth: its people, each with their own windows
            named[key] += [_officer(pk, windows[pk], voting_day, zone) for pk in people[uid]]
        else:
            anonymous[key] += strengths[uid]
    for from_id, to_id, count in PlanBko.objects.filter(plan=plan).values_list("from_unit_id", "to_unit_id",
                                                                                "count"):
        if from_id not in units or to_id not in units:
            continue
        source, target = _pool_key(units[from_id]), _pool_key(units[to_id])
        if source == target:
            continue
        anonymous[target] += count
        taken = min(count, anonymous[source])
        anonymous[source] -= taken
        if count > taken:  # the sender keeps a roster: its last listed officers go
            del named[source][max(0, len(named[source]) - (count - taken)):]
    return {key: shifts.Pool(tuple(named[key]), anonymous[key]) for key in named.keys() | anonymous.keys()}


def calendar_windows(stages: dict, voting_day: date, base: dict) -> dict[str, tuple[shifts.Window, ...]]:
    """The window table with the recap and office windows taken from the operation's stage calendar instead
    of defaults: PPK venues 08:00-22:00 each day of the kecamatan recap; KPU kab/kota and provincial recap
    venues through their own recap; KPU and Bawaslu offices and warehouses round the clock from a week
    before voting day to the end of the kab/kota recap. Kinds whose stage is missing keep ``base``."""
    table = dict(base)

    def days(kind):
        start, end = stages[kind]
        return (start - voting_day).days, (end - voting_day).days

    for object_kind, stage in (("ppk_rekap", "rekap_kecamatan"), ("rekap_kabkota", "rekap_kabkota"),
                               ("rekap_provinsi", "rekap_provinsi")):
        if stage in stages:
            first, last = days(stage)
            table[object_kind] = (shifts.Window("recap_guard", first, "08:00", last, "22:00", daily=True),)
    if "rekap_kabkota" in stages:
        office = (shifts.Window("guard", -7, "00:00", days("rekap_kabkota")[1], "24:00"),)
        for kind in ("kantor_kpu", "kantor_bawaslu", "gudang_logistik"):
            table[kind] = office
    return table


def plan_config(plan: Plan, voting_day: date, config: shifts.ShiftConfig | None) -> shifts.ShiftConfig:
    """``config`` (or the defaults) with the plan's operation calendar applied, unless it brings its own table."""
    config = config or shifts.ShiftConfig()
    if config.windows is not None:
        return config
    stages = stage_days(operation_id=plan.operation_id, election=plan.election, province_code=plan.province_code)
    if not stages:
        return config
    return replace(config, windows=calendar_windows(stages, voting_day, shifts.default_windows(config)))


def plan_shift_plan(plan: Plan, *, voting_day: date | None = None, config: shifts.ShiftConfig | None = None,
                    area: str | None = None) -> shifts.ShiftPlan:
    """The core shift plan (slots and rosters) of a stored plan; voting day defaults to the patterns'. Recap
    and office windows follow the operation's stage calendar (calendar_windows)."""
    voting_day = voting_day or plan_voting_day(plan)
    if voting_day is None:
        raise ValueError("the plan's patterns have no voting-day window: give voting_day")
    zone = shifts.province_zone(plan.province_code)
    return shifts.plan_shifts(plan_demands(plan, area), plan_pools(plan, voting_day, zone), voting_day=voting_day,
                              zone=zone, config=plan_config(plan, voting_day, config))


def shift_figures(plan: Plan, *, voting_day: date | None = None, config: shifts.ShiftConfig | None = None,
                  area: str | None = None) -> dict:
    """Officer-hours needed and available, officers needed by shift rules, and the shortfall per shift,
    per Polres (``by_polres``, keyed by kab/kota code) and for the whole plan."""
    figures = plan_shift_plan(plan, voting_day=voting_day, config=config, area=area).figures()
    names = dict(Unit.objects.filter(kind="polres", area_code__in=list(figures["by_polres"])).values_list(
        "area_code", "name"))
    for code, row in figures["by_polres"].items():
        row["polres"] = names.get(code, code)
    return {"plan": plan.pk, **figures}


HOURS_KEYS = ("officer_hours_required", "officer_hours_available", "officer_hours_filled", "officer_hours_short",
              "officers_needed")


def shift_summary(plan: Plan) -> dict:
    """The shift totals a stored plan keeps with its summary (what `siaga plan deploy` prints): officer-hours
    needed, available, staffed and short, per Polres too, and the shifts left short. Empty when the plan's
    patterns give no voting day."""
    if plan_voting_day(plan) is None:
        return {}
    figures = shift_figures(plan)
    return {**{k: figures[k] for k in HOURS_KEYS},
            "officer_hours_by_polres": {code: {"polres": row["polres"], **{k: row[k] for k in HOURS_KEYS}}
                                        for code, row in figures["by_polres"].items()},
            "shifts_short": [{k: row[k] for k in ("name", "label", "start", "end", "required", "filled",
                                                  "shortfall")}
                             for row in figures["shifts"] if row["shortfall"] > 0]}
