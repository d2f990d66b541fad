"""What the planning app reads from deployment: the personnel summary and two KPIs, checked against the plan."""

from siaga.deployment import selectors
from siaga.planning.models import Operation


def test_personnel_summary_and_kpis_follow_the_latest_plan(user):
    viewer = user("intelkam")
    operation = Operation.objects.get(area_code="74")
    plan = selectors.plan_latest(viewer=viewer, area="74")
    summary = selectors.personnel_summary(viewer=viewer, area="74")
    assert summary["Pos pengamanan TPS"] == plan.posts.count() == plan.summary["posts"]
    assert summary["Kekurangan personel"] == plan.summary["shortfall"]

    posts = list(plan.posts.values_list("tps_ids", "polri_required", "polri_assigned"))
    total = sum(len(t) for t, _, _ in posts)
    guarded = sum(len(t) for t, req, got in posts if got >= req)
    assert selectors.kpi_tps_guarded(viewer=viewer, operation=operation) == round(100 * guarded / total, 1)
    assert 0 < guarded < total    # the demo leaves some island posts short

    bko, short = plan.summary["bko"], plan.summary["shortfall"]
    assert selectors.kpi_shortfall_closed(viewer=viewer, operation=operation) == round(100 * bko / (bko + short), 1)


def test_without_a_plan_there_is_no_number(user):
    from siaga.deployment.models import Plan

    operation = Operation.objects.get(area_code="74")
    Plan.objects.all().delete()
    assert selectors.kpi_tps_guarded(viewer=user("intelkam"), operation=operation) is None
    assert selectors.personnel_summary(viewer=user("intelkam"), area="74") is None
