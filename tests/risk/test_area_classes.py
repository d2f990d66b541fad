"""The risk map's choropleth figures: each area's band and TPS per class, scoped, equal to `siaga risk score`."""

import json

import pytest

from siaga.core.scoring import CLASS_NAMES
from siaga.core.siaga_index import LEVEL_KEYS
from siaga.risk.models import AreaRisk, TpsRisk

pytestmark = pytest.mark.django_db
CLASS_FIELDS = ("kurang_rawan", "rawan", "sangat_rawan", "khusus")


def test_kabkota_figures_add_up_to_the_cli_score(client_as, capsys):
    from siaga.cli import main

    with pytest.raises(SystemExit):
        main(["risk", "score", "--province", "74", "--json"])
    scored = json.loads(capsys.readouterr().out)
    areas = client_as("intelkam").get("/api/risk/area-classes/2").json()["areas"]
    assert len(areas) == 17
    # Without --election every election is scored; the top level holds the default election's (Pemilu) figures.
    assert scored["election"] == "pemilu" and set(scored["by_election"]) == {"pemilu", "pilkada"}
    assert sum(a["tps"] for a in areas.values()) == scored["tps"] == scored["by_election"]["pemilu"]["tps"] == 8154
    assert {k: sum(a[k] for a in areas.values()) for k in CLASS_FIELDS} == scored["by_class"]
    pilkada = client_as("intelkam").get("/api/risk/area-classes/2?pemilihan=pilkada").json()
    assert pilkada["pemilihan"] == "pilkada" and len(pilkada["areas"]) == 17
    assert sum(a["tps"] for a in pilkada["areas"].values()) == scored["by_election"]["pilkada"]["tps"] == 4611
    assert ({k: sum(a[k] for a in pilkada["areas"].values()) for k in CLASS_FIELDS}
            == scored["by_election"]["pilkada"]["by_class"])
    # Kecamatan figures add up to their kab/kota's.
    kec = client_as("intelkam").get("/api/risk/area-classes/3?area=74.01").json()["areas"]
    assert len(kec) == 12
    assert {k: sum(a[k] for a in kec.values()) for k in CLASS_FIELDS} == {k: areas["74.01"][k] for k in CLASS_FIELDS}


def test_one_kabkota_by_hand_from_the_tps_classes(client_as):
    """Kolaka's row counted directly from its scored TPS, and its Siaga level and index from its AreaRisk."""
    row = client_as("polres.kolaka").get("/api/risk/area-classes/2").json()["areas"]["74.01"]
    counts = [TpsRisk.objects.filter(tps__kabkota_code="74.01", tps__election="pemilu", klass=k).count()
              for k in range(4)]
    assert [row[CLASS_NAMES[k]] for k in range(4)] == counts and row["tps"] == sum(counts)
    stored = AreaRisk.objects.get(region_id="74.01", election="pemilu")
    assert row["siaga_level"] == LEVEL_KEYS[stored.siaga_level] and row["siaga_index"] == round(stored.index, 2)
    assert "band" not in row  # Siaga's index is never read against Bawaslu's bands


def test_polres_gets_only_its_kabkota(client_as):
    c = client_as("polres.kolaka")
    assert list(c.get("/api/risk/area-classes/2").json()["areas"]) == ["74.01"]
    kec = c.get("/api/risk/area-classes/3").json()["areas"]
    assert len(kec) == 12 and all(code.startswith("74.01.") for code in kec)
    assert c.get("/api/risk/area-classes/2?area=74.02").status_code == 403


def test_risk_map_lists_the_sangat_rawan_tps_beside_the_map(client_as):
    page = client_as("intelkam").get("/kerawanan/").content.decode()
    sangat = TpsRisk.objects.filter(klass=2, tps__province_code="74", tps__election="pemilu")  # the default
    assert page.count('data-focus="') == sangat.count() > 0
    assert all(f'data-focus="{code}"' in page for code in sangat.values_list("tps__code", flat=True))
    kolaka = client_as("polres.kolaka").get("/kerawanan/").content.decode()
    assert kolaka.count('data-focus="') == sangat.filter(tps__kabkota_code="74.01").count()
