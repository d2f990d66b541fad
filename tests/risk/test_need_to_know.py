"""Need-to-know per source (issue 19, item 7) and refused observation values (item 10), through HTTP.

The attack: a KPU user read the indicator and points of Intelkam-only findings at a TPS through
/api/risk/tps/{code} and the TPS page, and a KPU operator posted an observation with source
"intelkam" that police then read as an intelligence finding.
"""

import io
import json
import re
from datetime import date

import openpyxl
import pytest
from django.db.models import Exists, OuterRef

from siaga.regions.models import Tps
from siaga.risk.models import Indicator, Observation, Source, TpsRisk

pytestmark = pytest.mark.django_db
PARTNERS = ("kpu", "bawaslu")


def _intelkam_only_finding(kabkota="74.01"):
    """(TPS code, indicator code, indicator name) of a finding at a scored TPS that only Intelkam observed."""
    public = Observation.objects.filter(tps_id=OuterRef("tps_id"), indicator_id=OuterRef("indicator_id"),
                                        value__gt=0).exclude(source=Source.INTELKAM)
    obs = (Observation.objects.filter(source=Source.INTELKAM, value__gt=0, tps__kabkota_code=kabkota,
                                      indicator__catalogue__authority="bawaslu", tps__election="pemilu")
           .filter(~Exists(public)).select_related("tps", "indicator").order_by("tps__code").first())
    assert obs is not None, "the demo has Intelkam-only findings in Kolaka"
    risk = TpsRisk.objects.get(tps=obs.tps)
    assert obs.indicator.code in [c[0] for c in risk.contributions]
    return obs.tps.code, obs.indicator.code, obs.indicator.name_id


def _contributions_table(html):
    return re.search(r'data-testid="contributions".*?</table>', html, re.S).group(0)


def test_partners_do_not_see_intelkam_only_findings_on_the_api_or_page(client_as):
    tps, code, name = _intelkam_only_finding()
    police = client_as("intelkam").get(f"/api/risk/tps/{tps}").json()
    assert code in [c["indicator"] for c in police["contributions"]] and police["score"] is not None
    for partner in PARTNERS:
        seen = client_as(partner).get(f"/api/risk/tps/{tps}").json()
        assert seen["class"] == police["class"]  # the resulting class is shared
        assert code not in json.dumps(seen) and name not in json.dumps(seen)
        assert seen["score"] is None  # the score sums findings the partner may not read
        public = {c["indicator"] for c in seen["contributions"]}
        assert public <= {c["indicator"] for c in police["contributions"]}
        page = client_as(partner).get(f"/kerawanan/tps/{tps}/").content.decode()
        assert code not in _contributions_table(page) and name not in _contributions_table(page)
    page = client_as("intelkam").get(f"/kerawanan/tps/{tps}/").content.decode()
    assert code in _contributions_table(page)


def test_partner_points_come_from_the_sources_they_read(client_as, user):
    """A count seen by Bawaslu as 1 and by Intelkam as 3: the partner's points are those of 1."""
    from siaga.risk.services import observation_upsert

    tps = Tps.objects.filter(kabkota_code="74.01", election="pemilu", special=False).order_by("code").last()
    indicator = Indicator.objects.get(code="P24.KAM.01", catalogue__active=True)  # count, saturates at 2
    for source, value in (("bawaslu", 1), ("intelkam", 3)):
        observation_upsert(actor=user("admin"), indicator=indicator, tps=tps, value=value, source=source,
                           observed_on=date(2024, 2, 1))
    points = {who: {c["indicator"]: c["points"] for c in client_as(who).get(f"/api/risk/tps/{tps.code}")
                    .json()["contributions"]} for who in ("intelkam", "kpu")}
    assert points["intelkam"]["P24.KAM.01"] == pytest.approx(indicator.weight)  # 3 saturates: full weight
    assert points["kpu"]["P24.KAM.01"] == pytest.approx(indicator.weight * 1 / indicator.saturation)


def test_a_floor_set_by_intelkam_alone_is_not_named_to_partners(client_as, user):
    from siaga.risk.services import observation_upsert

    tps = Tps.objects.filter(kabkota_code="74.01", election="pemilu", special=False,
                             risk__klass=0, risk_observations=None).order_by("code").first()
    indicator = Indicator.objects.get(code="P24.KAM.01", catalogue__active=True)  # floor: rawan
    observation_upsert(actor=user("intelkam"), indicator=indicator, tps=tps, value=1, source="intelkam",
                       observed_on=date(2024, 2, 1))
    police = client_as("intelkam").get(f"/api/risk/tps/{tps.code}").json()
    assert police["class"] == "rawan" and any("P24.KAM.01" in r for r in police["reasons"])
    changes = client_as("intelkam").get("/api/risk/changes", {"since": "2020-01-01T00:00:00Z", "area": "74.01"})
    assert "floor:P24.KAM.01" in [c for row in changes.json() if row["tps"] == tps.code for c in row["reasons"]]
    for partner in PARTNERS:
        client = client_as(partner)
        seen = client.get(f"/api/risk/tps/{tps.code}").json()
        assert seen["class"] == "rawan" and seen["contributions"] == [] and seen["reasons"] == []
        rows = [r for r in client.get("/api/risk/changes", {"since": "2020-01-01T00:00:00Z", "area": "74.01"})
                .json() if r["tps"] == tps.code and r["election"] == "pemilu"]  # codes repeat between elections
        assert rows and all(r["reasons"] == [] for r in rows)
        history = re.search(r'data-testid="history".*?</table>', client.get(f"/kerawanan/tps/{tps.code}/")
                            .content.decode(), re.S).group(0)
        assert "P24.KAM.01" not in history


def test_exports_and_map_points_follow_the_rule(client_as):
    tps, code, name = _intelkam_only_finding()
    for who, sees in (("intelkam", True), ("kpu", False), ("bawaslu", False)):
        client = client_as(who)
        book = openpyxl.load_workbook(io.BytesIO(client.get("/kerawanan/ekspor/tps-rawan.xlsx",
                                                            {"wilayah": "74.01"}).content))
        row = next((r for r in book["74.01"].iter_rows(values_only=True) if r[4] == tps), None)
        if row is not None:  # the TPS is rawan or worse
            assert (name in (row[8] or "")) == sees and (row[7] is not None) == sees  # a partner may see no reason
        points = client.get("/api/risk/tps-points", {"area": "74.01"}).json()["features"]
        assert points and all((f["properties"]["skor"] is not None) == sees for f in points)
        geo = json.loads(client.get("/kerawanan/ekspor/kelas.geojson", {"wilayah": "74.01"}).content)
        assert all((f["properties"]["skor"] is not None) == sees for f in geo["features"])


def test_cli_explain_for_a_partner(capsys):
    from siaga.cli import main

    tps, code, _name = _intelkam_only_finding()
    for who, sees in (("intelkam", True), ("kpu", False)):
        with pytest.raises(SystemExit):
            main(["risk", "explain", tps, "--as", who, "--json"])
        data = json.loads(capsys.readouterr().out)
        assert (code in [c["indicator"] for c in data["contributions"]]) == sees
        with pytest.raises(SystemExit):
            main(["risk", "explain", tps, "--as", who])
        assert (code in capsys.readouterr().out) == sees


def _ppk_tps():
    return Tps.objects.filter(kecamatan_code="74.01.01", election="pemilu").order_by("code").first()


def _post(client, tps, source, value=1, indicator="P24.LOG.01", raw=None):
    body = raw or json.dumps({"indicator": indicator, "tps": tps.code, "value": value, "source": source,
                              "observed_on": "2024-02-01"})
    return client.post("/api/risk/observations", body, content_type="application/json")


def test_a_kpu_operator_cannot_post_an_intelkam_finding(client_as):
    tps = _ppk_tps()
    client = client_as("ppk.kolaka")  # KPU operator at PPK level: may enter KPU's findings in its area
    before = Observation.objects.count()
    for source in ("intelkam", "bawaslu"):
        refused = _post(client, tps, source)
        assert refused.status_code == 403
        assert f"sumber '{source}' bukan sumber instansi Anda" in refused.json()["detail"]
        assert "kpu" in refused.json()["detail"]
    assert Observation.objects.count() == before
    assert _post(client, tps, "kpu").status_code == 200
    assert Observation.objects.get(tps=tps, indicator__code="P24.LOG.01", source="kpu").author.username == \
        "ppk.kolaka"
    # Polri compiles the partners' published findings: a Polres operator may enter Bawaslu's.
    assert _post(client_as("polres.kolaka"), tps, "bawaslu").status_code == 200


def test_the_web_form_offers_only_the_agencys_sources(client_as):
    tps = _ppk_tps()
    form = re.search(r'<select name="source".*?</select>', client_as("ppk.kolaka").get(
        f"/kerawanan/tps/{tps.code}/").content.decode(), re.S).group(0)
    assert 'value="kpu"' in form and 'value="intelkam"' not in form and 'value="bawaslu"' not in form
    response = client_as("ppk.kolaka").post(f"/kerawanan/tps/{tps.code}/", {
        "indicator": Indicator.objects.get(code="P24.LOG.01", catalogue__active=True).pk, "value": "1",
        "source": "intelkam", "observed_on": "2024-02-01"})
    assert response.status_code == 403
    assert not Observation.objects.filter(tps=tps, source="intelkam", indicator__code="P24.LOG.01").exists()


def test_a_kpu_operator_cannot_import_intelkam_findings(user):
    from siaga.risk.obs_import import ImportRejected, observations_import

    tps = _ppk_tps().code
    data = ("kode,indikator,nilai,sumber,tanggal\n"
            f"{tps},P24.LOG.01,1,kpu,2024-02-01\n{tps},P24.KMP.01,1,intelkam,2024-02-01\n").encode()
    before = Observation.objects.count()
    with pytest.raises(ImportRejected) as info:
        observations_import(actor=user("ppk.kolaka"), data=data, filename="obs.csv")
    [problem] = info.value.problems
    assert problem.code == "source_not_allowed" and problem.line == 3 and problem.column == "sumber"
    assert "bukan sumber instansi Anda" in problem.message
    assert Observation.objects.count() == before


@pytest.mark.parametrize("indicator, value, text", [
    ("P24.HAK.01", "1e308", "terlalu besar"),          # count
    ("P24.HAK.01", "NaN", "bukan angka"),
    ("P24.HAK.01", "Infinity", "bukan angka"),
    ("P24.HAK.01", "2.5", "bilangan bulat"),
    ("P24.HAK.01", "-3", "tidak boleh negatif"),
    ("P24.LOG.01", "-1", "tidak boleh negatif"),       # yes/no
    ("P24.LOG.01", "2", "harus ya, tidak, 1 atau 0"),
    ("P24.HAK.04", "1.5", "antara 0 dan 1"),           # share
])
def test_implausible_values_are_refused_with_their_reason(client_as, indicator, value, text):
    tps = Tps.objects.filter(kabkota_code="74.01", election="pemilu").order_by("code").first()
    raw = ('{"indicator": "%s", "tps": "%s", "value": %s, "source": "bawaslu", "observed_on": "2024-02-01"}'
           % (indicator, tps.code, value))
    before = Observation.objects.count()
    response = _post(client_as("polres.kolaka"), tps, "bawaslu", raw=raw)
    assert response.status_code == 422, response.content
    assert text in response.json()["detail"] and indicator in response.json()["detail"]
    assert Observation.objects.count() == before


def test_implausible_values_in_a_file_are_refused_per_row(user):
    from siaga.risk.obs_import import ImportRejected, observations_import

    tps = Tps.objects.filter(kabkota_code="74.01", election="pemilu").order_by("code").first().code
    data = ("kode,indikator,nilai,sumber,tanggal\n"
            f"{tps},P24.HAK.01,1e308,bawaslu,2024-02-01\n{tps},P24.HAK.03,2.5,bawaslu,2024-02-01\n"
            f"{tps},P24.HAK.02,4,bawaslu,2024-02-01\n").encode()
    with pytest.raises(ImportRejected) as info:
        observations_import(actor=user("polres.kolaka"), data=data, filename="obs.csv", lang="en")
    assert [(p.line, p.code) for p in info.value.problems] == [(2, "too_large"), (3, "not_whole")]
    assert "too large" in info.value.problems[0].message


def test_partner_explanations_equal_the_stored_ones_where_intelkam_found_nothing(user):
    """The rebuild uses the engine's arithmetic: at every Kolaka TPS without an Intelkam observation the
    partner's contributions and reasons are exactly the stored ones."""
    from siaga.risk.selectors import viewer_explanations

    intel = set(Observation.objects.filter(source=Source.INTELKAM, tps__isnull=False).values_list("tps_id", flat=True))
    stored = [r for r in TpsRisk.objects.filter(tps__kabkota_code="74.01").select_related("catalogue")
              if r.tps_id not in intel]
    expected = {r.tps_id: (r.contributions, r.reasons) for r in stored}
    assert sum(1 for c, _r in expected.values() if c) > 100
    rebuilt = viewer_explanations(user("kpu"), stored)
    for risk in rebuilt:
        contributions, reasons = expected[risk.tps_id]
        assert [c for c, _p in risk.contributions] == [c for c, _p in contributions]
        assert [p for _c, p in risk.contributions] == pytest.approx([p for _c, p in contributions])
        assert risk.reasons == reasons and risk.score is None
