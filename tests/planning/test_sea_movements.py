"""BKO to an island kab/kota as planned sea movements over the demo network: every leg carries the whole
group, no sailing above its capacity, each leg leaving after the previous one arrived; and the annex."""

from datetime import date
from types import SimpleNamespace

from siaga.deployment.models import Plan, PlanBko, Unit
from siaga.planning import sea
from siaga.planning.renpam.annexes import sea_annex


def test_188_bko_to_wakatobi_sail_in_capacity_sized_loads(user):
    plan = Plan.objects.filter(province_code="74").order_by("-pk").first()
    PlanBko.objects.filter(plan=plan).delete()
    pool = Unit.objects.filter(kind="polda", area_code="74").first()
    wakatobi = Unit.objects.get(kind="polres", area_code="74.07")
    PlanBko.objects.create(plan=plan, from_unit=pool, to_unit=wakatobi, count=188)
    rows = sea.plan_sea_movements(viewer=user("admin"), plan=plan, voting_day=date(2024, 2, 14))
    assert rows and all(r["persons"] <= r["capacity"] for r in rows)
    by_link = {}
    for r in rows:
        by_link.setdefault(r["link"], []).append(r)
    first = next(iter(by_link.values()))
    assert sum(r["persons"] for r in first) == 188 and len(first) >= 2  # more than one sailing's capacity
    for sailings in by_link.values():
        assert sum(r["persons"] for r in sailings) == 188
    # a load leaves a port only after it arrived there
    arrivals = sorted(r["arrive"] for r in first)
    # Kendari - Wanci sails Mon/Wed/Fri with 150 seats: the second load arrives after the polls open
    assert [r["persons"] for r in by_link["KDI-WNC"]] == [150, 38] and by_link["KDI-WNC"][1]["late"]
    later = [r for r in rows if r["from"] == first[0]["to"]]
    assert not later or min(r["depart"] for r in later) >= arrivals[0]
    annex = sea_annex(SimpleNamespace(sea_movements=rows, contingency_routes=sea.contingency_routes(
        viewer=user("admin"), province_code="74", movements=rows)))
    assert annex[1][0] == "table" and len(annex[1][2]) == len(rows)
    assert annex[2][1] == ["Lintasan ditutup (cuaca)", "Rute kontinjensi"]
