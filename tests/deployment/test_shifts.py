"""Shift figures of stored plans: a small hand-computed plan (roster with leave, unnamed strength, BKO in)
and the demo's Sultra plan (every TPS post guarded 40 hours by its Polri)."""

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from siaga.accounts.models import Agency
from siaga.deployment import shifts
from siaga.deployment.models import AvailabilityWindow, Personnel, Plan, PlanBko, PlanPost, Unit

WITA = timezone(timedelta(hours=8))


def _unit(code, kind, area, agency, parent=None):
    return Unit.objects.create(code=code, name=code, kind=kind, agency=agency, parent=parent, area_code=area,
                               province_code="74")


@pytest.fixture
def small_plan(db):
    """Kab 74.99: a Polres with 3 unnamed officers, a Polsek with a roster of two (one on leave 12-16 Feb),
    2 BKO from a Polda with 10; two TPS posts of 2 Polri. The pattern set is the demo's (voting day
    14 Feb 2024)."""
    agency = Agency.objects.filter(code="POLRES-74.01").first()
    polda = _unit("T-POLDA", "polda", "74", agency)
    polres = _unit("T-POLRES", "polres", "74.99", agency)
    polsek = _unit("T-POLSEK", "polsek", "74.99.01", agency, parent=polres)
    free = Personnel.objects.create(nrp="99000001", rank="Bripda", name="Uji Satu", unit=polsek)
    away = Personnel.objects.create(nrp="99000002", rank="Bripda", name="Uji Dua", unit=polsek)
    AvailabilityWindow.objects.create(person=away, kind="cuti", start=datetime(2024, 2, 12, tzinfo=WITA),
                                      end=datetime(2024, 2, 16, 23, 59, tzinfo=WITA))
    pattern_set = Plan.objects.filter(area_code="74").first().pattern_set
    plan = Plan.objects.create(area_code="74.99", province_code="74", status="optimal", pattern_set=pattern_set,
                               class_hash="uji", strengths={str(polda.pk): 10, str(polres.pk): 3, str(polsek.pk): 1})
    for key in (1, 2):
        PlanPost.objects.create(plan=plan, key=key, klass=0, tps_ids=[key], tps_codes=[f"T{key}"], lat=-4.0,
                                lng=122.0, desa_code="74.99.01.2001", kecamatan_code="74.99.01",
                                kabkota_code="74.99", polri_required=2, polri_assigned=2, linmas_required=8)
    PlanBko.objects.create(plan=plan, from_unit=polda, to_unit=polsek, count=2)
    return plan, free, away


@pytest.mark.django_db
def test_small_plan_hand_computed(small_plan):
    """Per post and position 3 officers over the TPS shifts (tests/core/test_shifts.py: H-1 guard in 3,
    voting, counting in 2, escort; 8 h rest): 2 posts x 2 x 3 = 12 needed, 2 x 2 x 40 h = 160 officer-hours.
    Pool 74.99: 3 unnamed (Polres) + 2 BKO + 2 named = 7 officers; the one on leave all through works
    0 h and is not available: 6 available, each at most 24 h in the 40 h window: 144 officer-hours.
    6 officers staff one position of every shift at each post (the hand case in
    tests/core/test_shifts.py): 2 of 4 at every shift, 14 of 28 positions open."""
    plan, free, away = small_plan
    out = shifts.shift_figures(plan)
    assert out["plan"] == plan.pk and out["voting_day"] == "2024-02-14" and out["zone"] == "WITA"
    assert list(out["by_polres"]) == ["74.99"]
    pool = out["by_polres"]["74.99"]
    assert pool["polres"] == "T-POLRES"
    assert (pool["officer_hours_required"], pool["officer_hours_available"]) == (160, 144)
    assert (pool["officers_needed"], pool["officers_available"], pool["officers_short"]) == (12, 6, 6)
    assert (pool["positions"], pool["unfilled"]) == (28, 14)
    assert out["officer_hours_required"] == 160 and out["officer_hours_available"] == 144
    assert (out["officer_hours_filled"], out["officer_hours_short"]) == (80, 80)
    assert [s["name"] for s in out["shifts"]] == ["h1_guard"] * 3 + ["voting", "counting", "counting", "escort"]
    assert all((s["available"], s["required"], s["filled"]) == (6, 4, 2) for s in out["shifts"])
    assert sum(s["shortfall"] for s in out["shifts"]) == 14
    assert out["shifts"][3]["start"] == "2024-02-14T07:00:00+08:00"
    json.dumps(out)  # ready for --json
    # The officer on leave is never rostered; the free one is, and never twice at once or without rest.
    shift_plan = shifts.plan_shift_plan(plan)
    taken = shift_plan.roster("74.99").taken
    assert ("n", away.pk) not in {who for _, who in taken}
    mine = sorted((shift_plan.slots[i].start, shift_plan.slots[i].end) for i, who in taken if who == ("n", free.pk))
    assert mine and all(b[0] >= a[1] + 8 * 60 for a, b in zip(mine, mine[1:]))


@pytest.mark.django_db
def test_voting_day_can_be_given_and_rest_configured(small_plan):
    from siaga.core.shifts import ShiftConfig

    plan, _, _ = small_plan
    out = shifts.shift_figures(plan, voting_day=date(2024, 11, 27), config=ShiftConfig(rest_hours=0))
    assert out["voting_day"] == "2024-11-27" and out["shifts"][0]["start"] == "2024-11-26T14:00:00+08:00"
    # Without rest, shifts that follow each other share officers: 4 positions at any time suffice.
    assert out["officers_needed"] == 4 and out["by_polres"]["74.99"]["unfilled"] == 0


@pytest.mark.django_db
def test_demo_plan_every_tps_post_is_guarded_forty_hours():
    from siaga.core import shifts as core

    plan = Plan.objects.filter(area_code="74", election="pemilu").first()
    day = shifts.plan_voting_day(plan)
    tps_only = [d for d in shifts.plan_demands(plan) if d.kind == "tps"]
    out = core.plan_shifts(tps_only, shifts.plan_pools(plan, day, "WITA"), voting_day=day, zone="WITA").figures()
    posts = list(plan.posts.filter(kind="tps").values_list("polri_required", "kabkota_code", "island"))
    # H-1 17 h + voting 6 h + counting 13 h + escort 4 h (8 h on islands).
    expected = sum(p * (44 if island else 40) for p, _, island in posts)
    assert out["officer_hours_required"] == pytest.approx(expected, abs=0.5)
    voting = [s for s in out["shifts"] if s["name"] == "voting"]
    assert len(voting) == 1 and voting[0]["required"] == sum(p for p, _, _ in posts)
    assert set(out["by_polres"]) == {k for _, k, _ in posts}
    for row in out["shifts"]:
        assert row["required"] == row["filled"] + row["shortfall"] and row["filled"] <= row["required"]
    assert out["officers_available"] <= sum(int(v) for v in plan.strengths.values())
    assert out["unknown_kinds"] == []


@pytest.mark.django_db
def test_cli_plan_shifts(capsys):
    from siaga.cli import build_parser

    args = build_parser().parse_args(["plan", "shifts", "--province", "74", "--json"])
    args.func(args)
    out = json.loads(capsys.readouterr().out)
    for key in ("officer_hours_required", "officer_hours_available", "officer_hours_filled", "officers_needed",
                "shifts", "by_polres"):
        assert key in out
    assert out["plan"] == Plan.objects.filter(area_code="74").first().pk
