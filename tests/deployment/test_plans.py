"""Plans through the DB path: the pattern holds exactly, stored = core result, re-plan = full plan, scope."""

import io
import json

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from siaga.core import planner
from siaga.deployment import exports, plans, services
from siaga.deployment.inputs import plan_inputs
from siaga.deployment.models import Plan, PlanAssignment, Unit
from siaga.deployment.selectors import pattern_set_current, personnel_list, plan_latest

KOLAKA = "74.01"


def _assignments(plan):
    return sorted(PlanAssignment.objects.filter(plan=plan).values_list("post__key", "unit_id", "count"))


@pytest.mark.django_db
def test_cli_plan_deploy_prints_the_summary(capsys):
    from siaga.cli import build_parser

    args = build_parser().parse_args(["plan", "deploy", "--province", "74", "--json"])
    args.func(args)
    out = json.loads(capsys.readouterr().out)
    for key in ("posts", "polri_required", "polri_assigned", "linmas_required", "shortfall", "bko",
                "total_travel_km", "by_class"):
        assert key in out
    assert out["polri_assigned"] + out["shortfall"] == out["polri_required"]
    assert out["tps"] == sum(c["tps"] for c in out["by_class"].values())


@pytest.mark.django_db
def test_required_numbers_follow_the_pattern_exactly():
    plan = Plan.objects.filter(area_code="74").first()
    rules = {r.klass: r for r in plan.pattern_set.rules.all()}
    objects = {(r.kind, r.klass): r for r in plan.pattern_set.object_rules.all()}
    for post in plan.posts.exclude(kind="tps"):
        assert post.polri_required == objects[(post.kind, post.klass)].polri_per_object
        assert not post.tps_ids and post.linmas_required == 0
    for post in plan.posts.filter(kind="tps"):
        rule = rules[post.klass]
        assert post.polri_required == rule.polri_per_post
        assert post.linmas_required == rule.linmas_per_tps * len(post.tps_ids)
        assert len(post.tps_ids) <= rule.tps_per_post_max
        assert post.tni_required == (rule.tni_per_post if plan.pattern_set.tni_assist else 0)


@pytest.mark.django_db
def test_hand_computed_posts_for_one_desa(user):
    """Kurang rawan 2-8-16 cuts a desa's TPS into the fewest posts of at most 8, sizes differing by one:
    13 TPS -> 2 posts (7 and 6), 4 Polri, 26 Linmas; 2 rawan TPS (2-2-4) -> one post of 2."""
    admin = user("admin")
    pattern_set = pattern_set_current(viewer=admin, province="74")
    inputs = plan_inputs(viewer=admin, area=KOLAKA, pattern_set=pattern_set)
    desa = inputs.tps[0].desa
    mine = [t for t in inputs.tps if t.desa == desa]
    tps = [planner.TpsNode(i, f"{i:03d}", "74.01.01.2001", "74.01.01", KOLAKA, -4.0 + i / 1000, 121.6, 0)
           for i in range(1, 14)]
    tps += [planner.TpsNode(100 + i, f"R{i}", "74.01.01.2002", "74.01.01", KOLAKA, -4.1, 121.6, 1) for i in (1, 2)]
    posts = planner.group_posts(tps, inputs.patterns)
    assert sorted((p.klass, len(p.tps_ids), p.polri_required, p.linmas_required) for p in posts) == [
        (0, 6, 2, 12), (0, 7, 2, 14), (1, 2, 2, 4)]
    assert mine  # the real desa is planned the same way: every TPS of it sits in exactly one post
    stored = Plan.objects.filter(area_code="74").first()
    ids = [t for p in stored.posts.filter(desa_code=desa) for t in p.tps_ids]
    assert sorted(set(ids) & {t.id for t in mine}) == sorted(t.id for t in mine if t.id in ids)


@pytest.mark.django_db
def test_stored_plan_matches_the_core_result(user):
    admin = user("admin")
    plan = services.plan_generate(actor=admin, area=KOLAKA, incremental=False)
    inputs = plan_inputs(viewer=admin, area=KOLAKA, pattern_set=plan.pattern_set,
                         duty_window=(plan.pattern_set.duty_start, plan.pattern_set.duty_end))
    core = planner.plan_optimal(planner.group_posts(inputs.tps, inputs.patterns) + inputs.objects, inputs.units,
                                persons=inputs.persons, config=planner.PlannerConfig(reserve_share=inputs.reserve_share))
    assert _assignments(plan) == sorted((a.post_id, a.unit_id, a.count) for a in core.assignments)
    assert plan.travel_m == sum(p.travel_m for p in core.parts.values())
    assert plan.summary["shortfall"] == core.summary()["shortfall"]
    roundtrip = plans.stored_as_planner_plan(plan, core.config)
    assert planner.plan_diff(core, roundtrip) == []


@pytest.mark.django_db
def test_replan_after_a_class_change_equals_a_full_plan(user):
    admin = user("admin")
    first = services.plan_generate(actor=admin, area=KOLAKA, incremental=False)
    post = first.posts.filter(klass=0, kind="tps").order_by("key").first()
    overrides = {post.tps_ids[0]: planner.SANGAT_RAWAN}
    again = services.plan_generate(actor=admin, area=KOLAKA, overrides=overrides)
    assert again.incremental and again.previous_id == first.pk
    full, _, _ = services.plan_compute(viewer=admin, area=KOLAKA, overrides=overrides, incremental=False)
    assert _assignments(again) == sorted((a.post_id, a.unit_id, a.count) for a in full.plan.assignments)
    assert again.summary["polri_required"] == first.summary["polri_required"] + 2
    assert again.moves  # the difference is listed


@pytest.mark.django_db
def test_replan_after_a_strength_change_lists_moves(user):
    admin = user("admin")
    first = services.plan_generate(actor=admin, area=KOLAKA, incremental=False)
    polres = Unit.objects.get(code=f"POLRES-{KOLAKA}")
    services.unit_strength_set(actor=admin, unit=polres, available=0)
    again = services.plan_generate(actor=admin, area=KOLAKA)
    full, _, _ = services.plan_compute(viewer=admin, area=KOLAKA, incremental=False)
    assert _assignments(again) == sorted((a.post_id, a.unit_id, a.count) for a in full.plan.assignments)
    if first.strengths[str(polres.pk)]:
        assert any(m["unit"] == polres.code and m["to_post"] is None for m in again.moves)


@pytest.mark.django_db
def test_scope_polres_plans_only_its_area_and_partners_see_no_names(user):
    with pytest.raises(PermissionDenied):
        services.plan_generate(actor=user("polres.kolaka"), area="74.02")
    with pytest.raises(PermissionDenied):
        services.plan_generate(actor=user("kpu"), area="74")
    own = services.plan_generate(actor=user("polres.kolaka"), area=KOLAKA)
    assert {p.kabkota_code for p in own.posts.all()} == {KOLAKA}
    assert not Unit.objects.filter(pk__in=[int(k) for k in own.strengths], kind="polda").exists()  # no Polda pool
    assert plan_latest(viewer=user("admin"), area="74").area_code == "74"
    assert personnel_list(viewer=user("kpu")).count() == 0
    assert personnel_list(viewer=user("admin")).count() > 0


@pytest.mark.django_db
def test_exports_open_and_neutralise_formulas(user):
    admin = user("admin")
    plan = Plan.objects.filter(area_code="74").first()
    unit = Unit.objects.filter(kind="polsek", personnel__isnull=False).first()
    unit.name = "=cmd|' /C calc'!A0"
    book = openpyxl.load_workbook(io.BytesIO(exports.to_bytes(exports.polsek_xlsx, viewer=admin, plan=plan,
                                                               unit=unit)))
    sheet = book.active
    assert "'=" not in str(sheet["A1"].value) or str(sheet["A1"].value).startswith("Deployment") \
        or str(sheet["A1"].value).startswith("Rencana")
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert rows and all(r[3] == 2 for r in rows)
    assert any(r[7] for r in rows)  # names of assigned personnel
    pdf = exports.to_bytes(exports.polsek_pdf, viewer=admin, plan=plan, unit=unit)
    assert pdf.startswith(b"%PDF")
    summary = openpyxl.load_workbook(io.BytesIO(exports.to_bytes(exports.summary_xlsx, viewer=admin, plan=plan,
                                                                 area="74")))
    assert summary["BKO"].max_row > 1
    cells = [c for row in summary.active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert not any(c.startswith("=") for c in cells)


SUMMED = ("posts", "tps", "polri_required", "polri_assigned", "linmas_required", "tni_required", "shortfall", "bko")


@pytest.mark.django_db
def test_a_polres_reads_only_its_part_of_the_province_plan_totals(client, user):
    """The attack: /api/deployment/plans/latest gave Polres Kolaka the province-wide totals of the Polda's plan."""
    from siaga.accounts.services import token_issue
    from siaga.deployment.selectors import plan_summary

    plan = Plan.objects.filter(area_code="74").first()
    _token, raw = token_issue(actor=None, user=user("polres.kolaka"), name="uji")
    seen = client.get("/api/deployment/plans/latest", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert seen["plan"] == plan.pk
    posts = plan.posts.filter(kabkota_code=KOLAKA)
    assert seen["posts"] == posts.count() < plan.summary["posts"]
    assert seen["polri_required"] == sum(posts.values_list("polri_required", flat=True))
    assert seen["tps"] == sum(len(ids) for ids in posts.values_list("tps_ids", flat=True))
    assert seen["total_travel_km"] is None
    # The parts add up to the stored whole: the narrowed totals count what the planner counted.
    kapolda = user("kapolda")
    parts = [plan_summary(viewer=kapolda, plan=plan, area=kab)
             for kab in sorted(set(plan.posts.values_list("kabkota_code", flat=True)))]
    assert {k: sum(p[k] for p in parts) for k in SUMMED} == {k: plan.summary.get(k, 0) for k in SUMMED}
    assert plan_summary(viewer=kapolda, plan=plan) == plan.summary
