"""What the planning app reads from deployment: the personnel summary and two KPIs, checked against the plan
of each operation's own election."""

import pytest

from siaga.deployment import selectors
from siaga.planning.models import Operation


@pytest.mark.parametrize("election", ["pemilu", "pilkada"])
def test_personnel_summary_and_kpis_follow_the_latest_plan(user, election):
    viewer = user("intelkam")
    operation = Operation.objects.get(area_code="74", election=election)
    plan = selectors.plan_latest(viewer=viewer, area="74", election=election)
    assert plan.election == election
    summary = selectors.personnel_summary(viewer=viewer, area="74", election=election)
    assert summary["Pos pengamanan TPS"] == plan.posts.filter(kind="tps").count() == plan.summary["posts_by_kind"][
        "tps"]
    assert summary["Pos pengamanan objek"] == plan.posts.exclude(kind="tps").count() > 0
    assert summary["Kekurangan personel"] == plan.summary["shortfall"]

    posts = list(plan.posts.values_list("tps_ids", "polri_required", "polri_assigned"))
    total = sum(len(t) for t, _, _ in posts)
    guarded = sum(len(t) for t, req, got in posts if got >= req)
    assert total == plan.summary["tps_total"]  # the operation's election only: 8,154 or 4,611 in Sultra
    assert selectors.kpi_tps_guarded(viewer=viewer, operation=operation) == round(100 * guarded / total, 1)
    if election == "pemilu":
        assert 0 < guarded < total    # the demo leaves some island posts short

    bko, short = plan.summary["bko"], plan.summary["shortfall"]
    assert selectors.kpi_shortfall_closed(viewer=viewer, operation=operation) == round(100 * bko / (bko + short), 1)


def test_without_a_plan_there_is_no_number(user):
    from siaga.deployment.models import Plan

    operation = Operation.objects.get(area_code="74", election="pilkada")
    Plan.objects.filter(election="pilkada").delete()
    assert selectors.kpi_tps_guarded(viewer=user("intelkam"), operation=operation) is None
    assert selectors.personnel_summary(viewer=user("intelkam"), area="74", election="pilkada") is None
