"""Area figures per election: Pemilu and Pilkada TPS sets never mix in an area row (issue 13, the operation is
the unit). The Sultra demo holds 8,154 Pemilu and 4,611 Pilkada TPS whose codes overlap."""

import json
from datetime import date

import pytest
from django.utils import timezone

from siaga.regions.models import Tps
from siaga.risk import engine, services
from siaga.risk.models import AreaRisk, Indicator, TpsRisk
from siaga.risk.selectors import area_risk_get, area_summary, default_election, tps_risk_get, tps_risk_list

pytestmark = pytest.mark.django_db
FIELDS = ("index", "siaga_level", "intel", "score_sum", "tps", "kurang_rawan", "rawan", "sangat_rawan", "khusus",
          "computed_at")


def _rows():
    return {(a.region_id, a.election): tuple(getattr(a, f) for f in FIELDS)
            for a in AreaRisk.objects.filter(region__code__startswith="74")}


def _clean_pilkada_tps():
    """A Pilkada TPS scored kurang rawan with nothing observed whose code also names a Pemilu TPS."""
    pemilu_codes = Tps.objects.filter(election="pemilu", province_code="74").values("code")
    return (Tps.objects.filter(election="pilkada", province_code="74", special=False, number__lt=900,
                               code__in=pemilu_codes, risk__klass=0)
            .exclude(risk_observations__isnull=False).exclude(risk_incidents__isnull=False).order_by("code").first())


def _areas(tps):
    return [tps.province_code, tps.kabkota_code, tps.kecamatan_code, tps.desa_id]


def test_each_election_counts_its_own_tps():
    for election, expected in (("pemilu", 8154), ("pilkada", 4611)):
        assert Tps.objects.filter(province_code="74", election=election).count() == expected
        province = AreaRisk.objects.get(region_id="74", election=election)
        assert province.tps == expected
        assert province.kurang_rawan + province.rawan + province.sangat_rawan + province.khusus == expected
        # A kab/kota's row: its own election's scored TPS, counted directly.
        kab = AreaRisk.objects.get(region_id="74.03", election=election)
        scored = TpsRisk.objects.filter(tps__kabkota_code="74.03", tps__election=election)
        assert kab.tps == scored.count() == Tps.objects.filter(kabkota_code="74.03", election=election).count()
        assert kab.rawan == scored.filter(klass=1).count()


def test_readers_take_the_election(user):
    intelkam = user("intelkam")
    assert default_election() == "pemilu"
    assert area_risk_get(viewer=intelkam, code="74")[1].tps == 8154
    assert area_risk_get(viewer=intelkam, code="74", election="pilkada")[1].tps == 4611
    assert tps_risk_list(viewer=intelkam, area="74", election="pilkada").count() == 4611
    assert area_summary(viewer=intelkam, area="74", election="pilkada")["TPS dinilai"] == 4611
    tps = _clean_pilkada_tps()
    assert tps_risk_get(viewer=intelkam, code=tps.code)[0].election == "pemilu"  # the default election's
    assert tps_risk_get(viewer=intelkam, code=tps.code, election="pilkada")[0].pk == tps.pk


def test_pilkada_observation_changes_only_pilkada_areas(user):
    """Hand-computed: a bool indicator with floor rawan adds its weight's share of the catalogue's total
    to the score sum of the TPS's four Pilkada areas and moves one TPS from kurang rawan to rawan."""
    tps = _clean_pilkada_tps()
    indicator = Indicator.objects.get(code="K24.HAK.06", catalogue__active=True)  # PSU history
    assert indicator.kind == "bool" and indicator.floor_class == 1
    total_weight = sum(indicator.catalogue.indicators.values_list("weight", flat=True))
    points = indicator.weight / total_weight * 100
    assert points < indicator.catalogue.rawan_min  # rawan by the floor, not by the score
    before = {(a.region_id, a.election): a for a in AreaRisk.objects.filter(region_id__in=_areas(tps))}
    rows = _rows()
    services.observation_upsert(actor=user("admin"), indicator=indicator, tps=tps, value=1, source="bawaslu",
                                observed_on=date(2024, 11, 1))
    after = _rows()
    changed = {key for key in rows if rows[key] != after[key]}
    assert changed == {(code, "pilkada") for code in _areas(tps)}
    for code in _areas(tps):
        old, new = before[code, "pilkada"], AreaRisk.objects.get(region_id=code, election="pilkada")
        assert (new.tps, new.kurang_rawan, new.rawan) == (old.tps, old.kurang_rawan - 1, old.rawan + 1)
        assert new.score_sum == pytest.approx(old.score_sum + points)
        if code == tps.desa_id:  # no Intelkam score on a desa: 0.4 x mean score + 0.3 x 100 x share rawan, / 0.7
            mean, share = new.score_sum / new.tps, (new.tps - new.kurang_rawan) / new.tps
            assert new.index == pytest.approx((0.4 * mean + 0.3 * 100 * share) / 0.7)
    assert TpsRisk.objects.get(tps=tps).score == pytest.approx(points)


def test_delta_rescore_of_one_pilkada_tps_touches_only_pilkada_rows(user):
    """An incident raises the class of one Pilkada TPS by one (its score stays): the delta path moves it
    from kurang rawan to rawan in its Pilkada areas; no Pemilu row, not even the same-code TPS's, changes;
    the result equals the full rebuild of the Pilkada rows."""
    tps = _clean_pilkada_tps()
    rows = _rows()
    before = {code: AreaRisk.objects.get(region_id=code, election="pilkada") for code in _areas(tps)}
    services.incident_recorded(actor=user("admin"), tps=tps, at=timezone.now(), severity=2, kind="bentrok")
    after = _rows()
    assert {key for key in rows if rows[key] != after[key]} == {(code, "pilkada") for code in _areas(tps)}
    for code, old in before.items():
        new = AreaRisk.objects.get(region_id=code, election="pilkada")
        assert (new.tps, new.kurang_rawan, new.rawan, new.score_sum) == (
            old.tps, old.kurang_rawan - 1, old.rawan + 1, pytest.approx(old.score_sum))
    engine.store_province_areas("74", election="pilkada")
    rebuilt = _rows()
    for key, value in after.items():
        if key[1] == "pemilu":
            assert rebuilt[key] == value  # a Pilkada rebuild leaves the Pemilu rows alone
        else:
            assert [rebuilt[key][i] for i in (1, 2, 4, 5, 6, 7, 8)] == [value[i] for i in (1, 2, 4, 5, 6, 7, 8)]
            assert rebuilt[key][3] == pytest.approx(value[3], abs=1e-9)


def test_cli_score_per_election(capsys):
    from siaga.cli import main

    pemilu_rows = {k: v for k, v in _rows().items() if k[1] == "pemilu"}
    with pytest.raises(SystemExit):
        main(["risk", "score", "--province", "74", "--election", "pilkada", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["election"] == "pilkada" and data["tps"] == 4611 and list(data["by_election"]) == ["pilkada"]
    assert sum(data["by_class"].values()) == 4611
    assert {k: v for k, v in _rows().items() if k[1] == "pemilu"} == pemilu_rows  # Pemilu not re-scored
    with pytest.raises(SystemExit):
        main(["risk", "score", "--province", "74"])
    out = capsys.readouterr().out
    assert "Pemilu: 8.154 TPS: Kurang rawan" in out and "Pilkada: 4.611 TPS: Kurang rawan" in out
    tps = _clean_pilkada_tps()
    with pytest.raises(SystemExit):
        main(["risk", "explain", tps.code, "--election", "pilkada", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["election"] == "pilkada" and data["tps"] == tps.code


def test_pages_and_exports_choose_the_election(client_as):
    c = client_as("intelkam")
    page = c.get("/kerawanan/?pemilihan=pilkada").content.decode()
    assert 'data-testid="election-select"' in page and '<option value="pilkada" selected>' in page
    pilkada_sangat = TpsRisk.objects.filter(klass=2, tps__election="pilkada")
    assert page.count('data-focus="') == pilkada_sangat.count()
    geo = c.get("/kerawanan/ekspor/kelas.geojson?wilayah=74.03&pemilihan=pilkada")
    features = json.loads(geo.content)["features"]
    assert len(features) == Tps.objects.filter(kabkota_code="74.03", election="pilkada").exclude(lat=None).count()
    points = c.get("/api/risk/tps-points?area=74.03").json()["features"]
    assert len(points) == Tps.objects.filter(kabkota_code="74.03", election="pemilu").exclude(lat=None).count()
