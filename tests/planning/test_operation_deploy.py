"""`siaga plan operations` and `siaga plan deploy --operation ID`: every figure from the operation's election."""

import json

import pytest

from siaga.cli import CommandError, build_parser
from siaga.planning.models import Operation

def main(argv):
    args = build_parser().parse_args(argv)
    return args.func(args)


KEYS = ("tps_total", "tps_covered", "tps_uncovered", "posts_by_kind", "polri_required", "polri_assigned",
        "shortfall", "reserve", "tni_assigned", "linmas_required")


@pytest.mark.django_db
def test_operations_list_their_election_and_tps(capsys):
    main(["plan", "operations", "--json"])
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert (rows["Operasi Mantap Brata Anoa 2023-2024"]["election"], rows["Operasi Mantap Brata Anoa 2023-2024"]["tps"]) \
        == ("pemilu", 8154)
    assert (rows["Operasi Mantap Praja Anoa 2024"]["election"], rows["Operasi Mantap Praja Anoa 2024"]["tps"]) \
        == ("pilkada", 4611)
    pemilu = Operation.objects.get(name="Operasi Mantap Brata Anoa 2023-2024")
    assert pemilu.stages.get(kind="pemungutan").starts_on.isoformat() == "2024-02-14"
    main(["plan", "operations"])
    assert "8.154 TPS" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize("name,election,total", [("Operasi Mantap Praja Anoa 2024", "pilkada", 4611),
                                                 ("Operasi Mantap Brata Anoa 2023-2024", "pemilu", 8154)])
def test_deploy_by_operation(capsys, name, election, total):
    operation = Operation.objects.get(name=name)
    main(["plan", "deploy", "--operation", str(operation.pk), "--json"])
    out = json.loads(capsys.readouterr().out)
    for key in KEYS:
        assert key in out
    assert (out["operation"], out["election"], out["tps_total"]) == (operation.pk, election, total)
    assert out["tps_covered"] + len(out["tps_uncovered"]) == out["tps_total"]
    assert all(u["reason"] for u in out["tps_uncovered"])
    assert out["posts_by_kind"]["kantor_kpu"] > 0 and out["reserve"] > 0
    from siaga.deployment.models import Plan

    plan = Plan.objects.get(pk=out["plan"])
    assert (plan.election, plan.operation_id) == (election, operation.pk)


@pytest.mark.django_db
def test_deploy_inside_the_operation_area_only(capsys):
    operation = Operation.objects.get(name="Operasi Mantap Praja Anoa 2024")
    main(["plan", "deploy", "--operation", str(operation.pk), "--area", "74.01", "--dry-run", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["area"] == "74.01" and out["election"] == "pilkada"
    with pytest.raises(CommandError):
        main(["plan", "deploy", "--operation", "99999", "--dry-run"])


@pytest.mark.django_db
def test_operation_name_still_selects_a_pattern_set(capsys):
    main(["plan", "deploy", "--operation", "Operasi Mantap Praja Anoa 2024", "--area", "74.03", "--dry-run",
          "--json"])
    assert json.loads(capsys.readouterr().out)["election"] == "pilkada"  # the pattern set's election
