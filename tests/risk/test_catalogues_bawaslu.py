"""Issue 14: catalogues as Bawaslu issued them, Polri criteria, classes with provenance, Bawaslu's per-TPS
TPS-rawan files, and demo observations at each election's published rates."""

import io
import math
from collections import Counter
from datetime import date

import openpyxl
import pytest

from siaga.core.catalogues import BAWASLU_PEMILU_2024, BAWASLU_PILKADA_2024, KEYS
from siaga.regions.models import Tps
from siaga.risk import engine, services
from siaga.risk.bawaslu_import import bawaslu_import
from siaga.risk.catalogues import _migrate
from siaga.risk.demo import POLICE_RATES, RATES, code_of
from siaga.risk.models import CatalogueVersion, Indicator, Observation, TpsRisk
from siaga.risk.obs_import import ImportRejected
from siaga.risk.selectors import catalogues_list

pytestmark = pytest.mark.django_db
ON = date(2024, 2, 8)


def _clean_tps(kab="74.01", election="pemilu", skip=0):
    """A TPS with no observations, incidents or class, not special."""
    return (Tps.objects.filter(kabkota_code=kab, election=election, special=False, number__lt=900)
            .exclude(risk_observations__isnull=False).exclude(risk_incidents__isnull=False)
            .exclude(risk__klass__gt=0).order_by("code")[skip])


def _obs(actor, tps, code, value, source="bawaslu", on=date(2024, 2, 1)):
    return services.observation_upsert(actor=actor, indicator=Indicator.objects.get(code=code, catalogue__active=True),
                                       tps=tps, value=value, source=source, observed_on=on)


# ------------------------------------------------------------------ catalogues


def test_pemilu_catalogue_has_bawaslus_split_and_pilkada_its_own():
    def shape(cat):
        return {v: [KEYS[i.code] for i in cat.indicators if i.variable == v] for v in cat.variables}

    pemilu = shape(BAWASLU_PEMILU_2024)
    assert (len(pemilu), sum(map(len, pemilu.values()))) == (7, 22)
    assert pemilu["LOK"] == ["sulit", "bencana", "dekat_pendidikan", "dekat_kerja", "dekat_posko", "lokasi_khusus"]
    assert [len(pemilu[v]) for v in ("HAK", "KAM", "KMP", "NET", "LOG", "LIS")] == [4, 2, 2, 2, 4, 2]
    pilkada = shape(BAWASLU_PILKADA_2024)
    assert (len(pilkada), sum(map(len, pilkada.values()))) == (8, 25)
    assert pilkada["PU"] == ["politik_uang"] and pilkada["SARA"] == ["sara"]
    assert {"disabilitas", "psu"} <= set(pilkada["HAK"]) and "penolakan" in pilkada["KAM"]
    assert "konflik" in pilkada["LOK"] and "log_tertukar" not in pilkada["LOG"]


def test_catalogues_list_gives_every_indicator_with_its_citation():
    listed = {(c["code"], c["version"]): c for c in catalogues_list()}
    pemilu = listed[("BAWASLU_PEMILU_2024", "2024.2")]
    assert pemilu["active"] and pemilu["authority"] == "bawaslu" and "2024-02-11" in pemilu["citation"]
    indicators = [i for v in pemilu["variables"] for i in v["indicators"]]
    assert len(pemilu["variables"]) == 7 and len(indicators) == 22
    assert all("Bawaslu RI" in i["citation"] for i in indicators)
    near = [i["name_id"] for i in indicators if i["key"].startswith("dekat_")]
    assert near == ["TPS dekat lembaga pendidikan yang siswanya berpotensi memiliki hak pilih",
                    "TPS dekat wilayah kerja (pertambangan dan/atau pabrik)",
                    "TPS berada di dekat posko/rumah tim kampanye peserta"]
    pilkada = listed[("BAWASLU_PILKADA_2024", "2024.2")]
    assert sum(len(v["indicators"]) for v in pilkada["variables"]) == 25 and "2024-11-20" in pilkada["citation"]
    polri = listed[("POLRI_PEMILU_2024", "2024.1")]
    assert polri["authority"] == "polri" and polri["rules"]["rawan_min"] == 16.0
    assert {i["key"] for v in polri["variables"] for i in v["indicators"]} == {
        "berimbang", "tps_calon", "riwayat_psu", "riwayat_bentrok", "satu_lokasi", "akses_sulit"}


def test_a_superseded_version_moves_its_observations_by_key(user):
    """2024.1 had neutrality in four and near-anything merged: four merge into one (largest value kept),
    the merged location stays on the old version, and the new version is the active one."""
    current = CatalogueVersion.objects.get(code="BAWASLU_PEMILU_2024", version="2024.2")
    old = CatalogueVersion.objects.create(code="BAWASLU_PEMILU_2024", version="2024.1", target="tps",
                                          election="pemilu", name="old", active=True)
    inds = {code: Indicator.objects.create(catalogue=old, position=i, code=code, variable=code.split(".")[1],
                                           variable_name_id="x", variable_name_en="x", name_id=code, name_en=code,
                                           weight=1, kind="bool" if i else "count", saturation=1)
            for i, code in enumerate(("P24.HAK.01", "P24.NET.02", "P24.NET.04", "P24.LOK.03"))}
    tps = _clean_tps()
    for code, value in (("P24.HAK.01", 7), ("P24.NET.02", 1), ("P24.NET.04", 0), ("P24.LOK.03", 1)):
        Observation.objects.create(indicator=inds[code], tps=tps, value=value, source="bawaslu",
                                   observed_on=date(2024, 1, 1))
    assert _migrate(old, current) == {"migrated": 3, "not_migrated": 1}
    moved = dict(Observation.objects.filter(tps=tps).values_list("indicator__code", "value"))
    assert moved == {"P24.HAK.01": 7, "P24.NET.01": 1, "P24.LOK.03": 1}
    by_catalogue = dict(Observation.objects.filter(tps=tps).values_list("indicator__code", "indicator__catalogue"))
    assert by_catalogue["P24.NET.01"] == current.pk and by_catalogue["P24.LOK.03"] == old.pk
    old.refresh_from_db()
    assert not old.active


# ------------------------------------------------------------------ classes with provenance


def test_hand_computed_combined_class_with_provenance_from_both_catalogues(user):
    admin = user("admin")
    tps = _clean_tps()
    # Bawaslu: one violent incident (count, saturation 2): 5 x 0.5 = 2.5 points; money politics 2 (saturation 2):
    # 4 points; 6.5 / 48 = 13.54 >= 10 -> rawan.
    _obs(admin, tps, "P24.KAM.01", 1)
    _obs(admin, tps, "P24.KMP.01", 2, on=date(2024, 2, 3))
    # Polri: evenly split supporters, 1 of 6 criteria = 16.67 >= 16 -> rawan.
    _obs(admin, tps, "RP24.SOS.01", 1, source="intelkam", on=date(2024, 2, 5))
    risk = TpsRisk.objects.get(tps=tps)
    assert risk.score == pytest.approx(6.5 / 48 * 100)
    assert (risk.bawaslu_klass, risk.polri_klass, risk.klass) == (1, 1, 1)
    assert risk.provenance["decided_by"] == ["BAWASLU_PEMILU_2024 2024.2", "POLRI_PEMILU_2024 2024.1"]
    assert risk.provenance["observations"] == [
        ["P24.KAM.01", "bawaslu", "2024-02-01", 1.0], ["P24.KMP.01", "bawaslu", "2024-02-03", 2.0],
        ["RP24.SOS.01", "intelkam", "2024-02-05", 1.0]]
    assert risk.provenance["views"]["polri"]["score"] == pytest.approx(100 / 6, abs=1e-4)
    # A second police criterion: 2 of 6 = 33.33 >= 33 -> sangat rawan; now the police view alone decides.
    _obs(admin, tps, "RP24.GEO.01", 1, source="intelkam", on=date(2024, 2, 6))
    risk = TpsRisk.objects.get(tps=tps)
    assert (risk.bawaslu_klass, risk.polri_klass, risk.klass) == (1, 2, 2)
    assert risk.provenance["decided_by"] == ["POLRI_PEMILU_2024 2024.1"]
    assert [o[0] for o in risk.provenance["observations"]] == ["RP24.GEO.01", "RP24.SOS.01"]
    assert risk.reasons == ["polri:RP24.SOS.01", "polri:RP24.GEO.01"] or risk.reasons == [
        "polri:RP24.GEO.01", "polri:RP24.SOS.01"]
    one = (risk.klass, risk.bawaslu_klass, risk.polri_klass, risk.reasons, risk.provenance, risk.contributions)
    engine.score_province(province_code="74", election="pemilu")  # the bulk path stores the same
    risk = TpsRisk.objects.get(tps=tps)
    assert (risk.klass, risk.bawaslu_klass, risk.polri_klass, risk.reasons, risk.provenance,
            risk.contributions) == one


def test_explain_and_the_map_serve_each_view(client_as, user):
    admin = user("admin")
    tps = _clean_tps(skip=1)
    _obs(admin, tps, "RP24.GEO.02", 1, source="kpu")  # hard access: police rawan, Bawaslu nothing
    seen = client_as("intelkam").get(f"/api/risk/tps/{tps.code}?pemilihan=pemilu").json()
    assert {k: v["class"] for k, v in seen["views"].items()} == {
        "bawaslu": "kurang_rawan", "polri": "rawan", "gabungan": "rawan"}
    assert seen["provenance"]["observations"][0]["source"] == "kpu"
    for view, expected in (("bawaslu", "kurang_rawan"), ("polri", "rawan"), ("gabungan", "rawan")):
        points = client_as("intelkam").get("/api/risk/tps-points", {
            "area": tps.desa_id, "pemilihan": "pemilu", "pandangan": view}).json()["features"]
        assert {f["properties"]["kode"]: f["properties"]["kelas"] for f in points}[tps.code] == expected
    page = client_as("intelkam").get(f"/kerawanan/?wilayah={tps.desa_id}&pemilihan=pemilu&pandangan=polri")
    html = page.content.decode()
    assert 'data-testid="view-counts"' in html and "pandangan=polri" in html and "Gabungan" in html


# ------------------------------------------------------------------ Bawaslu's per-TPS files


def _tps_codes(n=2):
    return [t.code for t in Tps.objects.filter(kabkota_code="74.01", election="pemilu").order_by("code")[:n]]


def test_bawaslu_file_imports_idempotently_and_a_tidak_clears_a_finding(user):
    admin = user("admin")
    a, b = _tps_codes()
    text = ("No,Kecamatan,Kode TPS,DPT TMS,Riwayat kekerasan,Dekat lembaga pendidikan,P24.LOK.06\n"
            f"1,Wundulako,{a},Ya,Tidak,✓,0\n2,Wundulako,{b},1,ya,,Tidak\n")
    before = Observation.objects.filter(source="bawaslu", tps__code__in=(a, b), tps__election="pemilu").count()
    first = bawaslu_import(actor=admin, data=text.encode(), filename="bw.csv", election="pemilu", observed_on=ON)
    rows = Observation.objects.filter(source="bawaslu", tps__code__in=(a, b), tps__election="pemilu",
                                      observed_on=ON, batch_id=first.batch_id)
    assert first.created + first.updated == 4 and rows.count() == 4
    assert sorted(rows.values_list("tps__code", "indicator__code", "value")) == [
        (a, "P24.HAK.01", 10.0), (a, "P24.LOK.03", 1.0), (b, "P24.HAK.01", 10.0), (b, "P24.KAM.01", 2.0)]
    again = bawaslu_import(actor=admin, data=text.encode(), filename="bw.csv", election="pemilu", observed_on=ON)
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created + first.updated + first.unchanged)
    assert Observation.objects.filter(source="bawaslu", tps__code__in=(a, b), tps__election="pemilu").count() \
        == before + first.created
    cleared = text.replace(f"2,Wundulako,{b},1,ya", f"2,Wundulako,{b},1,Tidak")
    result = bawaslu_import(actor=admin, data=cleared.encode(), filename="bw2.csv", election="pemilu", observed_on=ON)
    assert result.updated == 1
    assert Observation.objects.get(source="bawaslu", tps__code=b, tps__election="pemilu",
                                   indicator__code="P24.KAM.01").value == 0


def test_bawaslu_file_errors_name_the_column_line_and_value(user):
    admin = user("admin")
    a, _b = _tps_codes()
    text = f"Kode TPS,DPT TMS,Rawan longsor,Riwayat kekerasan\n{a},Ya,Ya,mungkin\n7401010000999,Ya,Ya,Ya\n"
    count = Observation.objects.count()
    with pytest.raises(ImportRejected) as info:
        bawaslu_import(actor=admin, data=text.encode(), filename="bw.csv", election="pemilu", lang="en")
    assert Observation.objects.count() == count
    found = {(p.code, p.line, p.column, p.value) for p in info.value.problems}
    assert ("unknown_indicator_column", 1, "Rawan longsor", "Rawan longsor") in found
    assert ("bad_flag", 2, "Riwayat kekerasan", "mungkin") in found
    assert ("unknown_tps", 3, "Kode TPS", "7401010000999") in found
    assert any("'Rawan longsor' is not an indicator" in p.message for p in info.value.problems)


def test_bawaslu_xlsx_file_with_the_pilkada_catalogue(user):
    admin = user("admin")
    code = Tps.objects.filter(kabkota_code="74.01", election="pilkada").order_by("code").first().code
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["kode_tps", "Pemilih disabilitas", "Riwayat PSU", "Rawan konflik", "K24.LIS.02"])
    sheet.append([int(code), "Ya", "Tidak", "✓", 1])
    out = io.BytesIO()
    book.save(out)
    result = bawaslu_import(actor=admin, data=out.getvalue(), filename="bw.xlsx", election="pilkada", observed_on=ON)
    stored = set(Observation.objects.filter(batch_id=result.batch_id).values_list("indicator__code", "value"))
    assert stored == {("K24.HAK.02", 10.0), ("K24.LOK.02", 1.0), ("K24.LIS.02", 1.0)}


# ------------------------------------------------------------------ demo rates


@pytest.mark.parametrize("election", ["pemilu", "pilkada"])
def test_demo_draws_each_election_from_its_published_rates(election):
    n = Tps.objects.filter(province_code="74", election=election).count()
    def flagged_by(source):
        return Counter(Observation.objects.filter(tps__election=election, value__gt=0, source=source)
                       .values_list("indicator__code", flat=True))

    flagged, police = flagged_by("bawaslu"), flagged_by("intelkam")
    for key, rate in [*RATES[election].items(), *POLICE_RATES[election].items()]:
        if key == "riwayat_bentrok":
            continue  # also drawn in the hotspots
        seen = (flagged if key in RATES[election] else police)[code_of(election, key)] / n
        sigma = math.sqrt(rate * (1 - rate) / n)
        assert abs(seen - rate) <= 4 * sigma + 1e-9, (key, seen, rate)
    # each election its own: Pilkada's disabled voters, Pemilu's internet problems, at their own rates
    if election == "pilkada":
        assert flagged[code_of("pilkada", "disabilitas")] / n == pytest.approx(3565 / 4611, abs=0.03)
    else:
        assert flagged[code_of("pemilu", "dpt_tms")] / n == pytest.approx(125224 / 820161, abs=0.02)
        assert flagged[code_of("pemilu", "internet")] > 0


def test_no_single_floor_makes_most_rawan_tps():
    for election in ("pemilu", "pilkada"):
        rows = list(TpsRisk.objects.filter(tps__election=election, klass=1).values_list("reasons", flat=True))
        reasons = Counter(r for rs in rows for r in rs if r.startswith("floor:"))
        assert not reasons or reasons.most_common(1)[0][1] < len(rows) / 2
