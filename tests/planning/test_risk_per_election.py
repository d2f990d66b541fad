"""The plan reads the vulnerability figures of its operation's own election (risk area rows are per election)."""

import pytest

from siaga.planning.models import Operation
from siaga.planning.renpam.figures import renpam_figures
from siaga.planning.selectors import situation_summary
from siaga.risk.models import AreaRisk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name, election, tps", [("Operasi Mantap Praja Anoa 2024", "pilkada", 4611),
                                                 ("Operasi Mantap Brata Anoa 2023-2024", "pemilu", 8154)])
def test_operation_reads_its_own_elections_area_figures(user, name, election, tps):
    operation = Operation.objects.filter(name__startswith=name[:26]).get(election=election)
    viewer = user("kapolda")
    figures = renpam_figures(viewer, operation, plan=None)
    assert figures.index == AreaRisk.objects.get(region_id="74", election=election).index
    for kab in figures.kabs:
        assert kab.index == AreaRisk.objects.get(region_id=kab.code, election=election).index
    assert sum(sum(k.classes) for k in figures.kabs) == tps  # TPS per class: this election's only
    assert situation_summary(viewer=viewer, operation=operation)["TPS dinilai"] == tps
    # The two elections' indices differ, so reading the wrong one would show.
    assert (AreaRisk.objects.get(region_id="74", election="pemilu").index
            != AreaRisk.objects.get(region_id="74", election="pilkada").index)
