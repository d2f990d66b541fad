"""A TPS import names its election; stats per election; the demo holds both sets."""

import json

import pytest

from siaga.regions.models import Tps
from siaga.regions.tps_import import tps_import


@pytest.mark.django_db
def test_import_without_election_column_takes_the_named_election(user):
    desa = Tps.objects.filter(election="pilkada").order_by("code").first().desa_id
    data = f"kode_desa,no_tps,nama_tps,dpt\n{desa},801,TPS 801,550\n".encode()
    tps_import(actor=user("admin"), data=data, filename="pilkada.csv", election="pilkada")
    row = Tps.objects.get(desa_id=desa, number=801)
    assert row.election == "pilkada" and row.voters == 550
    # 550 voters are over the Pemilu limit: the same file named as Pemilu is refused.
    from siaga.regions.tps_import import ImportRejected

    with pytest.raises(ImportRejected) as caught:
        tps_import(actor=user("admin"), data=data.replace(b"801", b"802"), filename="pemilu.csv")
    assert [p.code for p in caught.value.problems] == ["over_limit"]


@pytest.mark.django_db
def test_tps_stats_per_election(capsys):
    from siaga.cli import build_parser

    def main(argv):
        args = build_parser().parse_args(argv)
        args.func(args)

    main(["tps", "stats", "--province", "74", "--json"])
    stats = json.loads(capsys.readouterr().out)
    assert stats["by_election"] == {"pemilu": 8154, "pilkada": 4611}
    # Without --election: the Pemilu's figures, per kab/kota on KPU's published 2024 TPS (Kolaka 705,
    # Kota Kendari 1,030) and Kota Kendari's DPT (238,205).
    assert stats["election"] == "pemilu" and stats["tps"] == 8154
    assert abs(stats["by_kabkota"]["74.01"] - 705) <= 0.02 * 705
    assert abs(stats["by_kabkota"]["74.71"] - 1030) <= 0.02 * 1030
    assert abs(stats["voters_by_kabkota"]["74.71"] - 238_205) <= 0.05 * 238_205
    assert sum(stats["voters_by_kabkota"].values()) == stats["voters"]
    main(["tps", "stats", "--province", "74", "--election", "pilkada", "--json"])
    pilkada = json.loads(capsys.readouterr().out)
    assert pilkada["tps"] == 4611
    # KPU's Pilkada 2024: Kota Kendari 525 TPS, Konawe Selatan 566.
    assert (pilkada["by_kabkota"]["74.71"], pilkada["by_kabkota"]["74.05"]) == (525, 566)
    assert pilkada["voters_by_kabkota"] == stats["voters_by_kabkota"]  # merged from the Pemilu TPS


@pytest.mark.django_db
def test_pilkada_set_is_merged_within_desa():
    """Per desa the Pilkada TPS hold the Pemilu voters (regular TPS merged, never across a desa)."""
    from django.db.models import Count, Sum

    def per_desa(election):
        return {d: (n, v) for d, n, v in Tps.objects.filter(province_code="74", election=election)
                .values("desa_id").annotate(n=Count("pk"), v=Sum("voters")).values_list("desa_id", "n", "v")}

    pemilu, pilkada = per_desa("pemilu"), per_desa("pilkada")
    assert pemilu.keys() == pilkada.keys()
    for desa, (n, voters) in pemilu.items():
        assert pilkada[desa][1] == voters and pilkada[desa][0] <= n
