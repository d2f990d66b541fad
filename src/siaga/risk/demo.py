"""Demo vulnerability data for a province, stored through the real importer and services.

Observation frequencies follow Bawaslu's Sultra Pilkada 2024 mapping (TPS per
indicator out of 4,611; see domain.md), for the Pilkada TPS with the Pilkada
catalogue and, as rates, for the Pemilu TPS with the Pemilu catalogue (the same
indicator under its code in each). Hard access comes from the TPS registry
(KPU's 3T list), special locations from TPS khusus. Violence, intimidation and
money politics cluster in a few hotspot kab/kota (Muna, Buton Tengah, Kolaka,
Kendari, where 2024 saw riots and clashes), and Intelkam has area findings
there. Everything is seeded; a re-run finds the same rows and changes nothing.
"""

import csv
import io
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
from django.db.models import Count
from django.utils import timezone

from siaga.core.catalogues import BAWASLU_PEMILU_2024, BAWASLU_PILKADA_2024
from siaga.core.scoring import CLASS_NAMES
from siaga.regions.models import Region, Tps
from siaga.risk.catalogues import catalogues_load
from siaga.risk.engine import score_province
from siaga.risk.ikp_demo import load_ikp
from siaga.risk.models import TpsRisk
from siaga.risk.obs_import import observations_import
from siaga.risk.services import incident_recorded

OBSERVED_ON = date(2024, 1, 31)
PILKADA_TPS = 4611
# indicator -> (TPS flagged in Sultra's Pilkada 2024 mapping, source, value range)
BACKGROUND = {
    "P24.HAK.02": (1630, "bawaslu", (1, 30)),   # DPTb
    "P24.HAK.01": (1463, "bawaslu", (1, 15)),   # ineligible on the DPT
    "P24.HAK.03": (535, "bawaslu", (1, 25)),    # potential DPK
    "P24.HAK.04": (303, "bawaslu", (1, 3)),     # out-of-area KPPS, members of 7
    "P24.KMP.01": (10, "bawaslu", (1, 2)),
    "P24.KMP.02": (8, "bawaslu", (1, 2)),
    "P24.NET.02": (3, "bawaslu", (1, 1)),
    "P24.LOG.01": (5, "kpu", (1, 1)),
    "P24.LOG.02": (25, "kpu", (1, 1)),
    "P24.LOG.04": (15, "kpu", (1, 1)),
    "P24.LOK.02": (11, "bawaslu", (1, 1)),
}
HOTSPOTS = ("74.03", "74.14", "74.01", "74.71")
# per hotspot TPS: (indicator, source, value range, probability)
HOTSPOT_FINDINGS = (
    ("P24.KAM.01", "bawaslu", (1, 3), 0.05),
    ("P24.KAM.02", "bawaslu", (1, 2), 0.04),
    ("P24.KMP.01", "intelkam", (1, 3), 0.05),
    ("P24.KMP.02", "intelkam", (1, 2), 0.02),
)
INTELKAM_AREAS = {
    "74.03": {"INT.PES.01": 1, "INT.PAR.02": 1, "INT.PGK.01": 3, "INT.AMB.01": 2, "INT.AMB.03": 1},
    "74.14": {"INT.PES.01": 1, "INT.PGK.01": 2, "INT.AMB.02": 2},
    "74.71": {"INT.PAR.03": 8, "INT.PGK.04": 3, "INT.AMB.01": 1},
    "74.01": {"INT.PES.02": 1, "INT.PGK.04": 2},
}
# Flashpoints: hotspot TPS where violence, intimidation and money politics come together.
FLASHPOINT_SHARE = 0.02
FLASHPOINT_FINDINGS = (("P24.KAM.01", "bawaslu", 2), ("P24.KAM.02", "bawaslu", 1), ("P24.KMP.01", "intelkam", 2))
RECENT_INCIDENTS = 3


def _pilkada_code(pemilu_code: str) -> str:
    """The Pilkada catalogue's code of a Pemilu indicator: the same indicator (same text) in both."""
    name = next(i.name_id for i in BAWASLU_PEMILU_2024.indicators if i.code == pemilu_code)
    return next(i.code for i in BAWASLU_PILKADA_2024.indicators if i.name_id == name)


def _observation_rows(province_code, seed, election="pemilu"):
    rng = np.random.default_rng(seed if election == "pemilu" else seed + 7)
    tps = list(Tps.objects.filter(province_code=province_code, election=election).order_by("code")
               .values_list("code", "kabkota_code", "access", "special"))
    if election != "pemilu":
        return [(code, _pilkada_code(ind), value, source)
                for code, ind, value, source in _tps_rows(tps, rng)]
    rows = _tps_rows(tps, rng)
    for kab, findings in INTELKAM_AREAS.items():
        if kab.startswith(province_code + "."):
            rows += [(kab, code, str(value), "intelkam") for code, value in findings.items()]
    return rows


def _tps_rows(tps, rng):
    rows = []
    n = len(tps)
    for indicator, (flagged, source, (low, high)) in BACKGROUND.items():
        hit = rng.random(n) < flagged / PILKADA_TPS
        values = rng.integers(low, high + 1, n)
        for i in np.flatnonzero(hit).tolist():
            value = values[i] / 7 if indicator == "P24.HAK.04" else values[i]
            rows.append((tps[i][0], indicator, f"{value:.4g}", source))
    for i, (code, kab, access, special) in enumerate(tps):
        if access != "normal":
            rows.append((code, "P24.LOK.01", "1", "kpu"))
        if special:
            rows.append((code, "P24.LOK.04", "1", "kpu"))
    hot = [i for i, t in enumerate(tps) if t[1] in HOTSPOTS]
    for indicator, source, (low, high), p in HOTSPOT_FINDINGS:
        for i in [hot[k] for k in np.flatnonzero(rng.random(len(hot)) < p).tolist()]:
            rows.append((tps[i][0], indicator, str(int(rng.integers(low, high + 1))), source))
    for i in [hot[k] for k in np.flatnonzero(rng.random(len(hot)) < FLASHPOINT_SHARE).tolist()]:
        rows += [(tps[i][0], indicator, str(value), source) for indicator, source, value in FLASHPOINT_FINDINGS]
    # one row per (code, indicator, source): a flashpoint's finding replaces a lighter one
    return list({(code, ind, source): (code, ind, value, source) for code, ind, value, source in rows}.values())


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kode", "indikator", "nilai", "sumber", "tanggal"])
    writer.writerows((code, ind, value, source, OBSERVED_ON.isoformat()) for code, ind, value, source in rows)
    return out.getvalue().encode()


def _recent_incidents(actor, province_code, seed):
    """A few incidents in the last days, so some TPS show an incident raise; keyed, so recorded once."""
    rng = np.random.default_rng(seed + 1)
    hot = list(Tps.objects.filter(province_code=province_code, kabkota_code__in=HOTSPOTS, special=False)
               .order_by("code"))
    if not hot:
        return 0
    now = timezone.now()
    for k, i in enumerate(rng.choice(len(hot), size=min(RECENT_INCIDENTS, len(hot)), replace=False).tolist()):
        incident_recorded(actor=actor, tps=hot[i], at=now - timedelta(days=k + 1), severity=2,
                          kind="bentrok", description="Gesekan antarpendukung (data demo)",
                          external_ref=f"demo-{province_code}-{seed}-{k}")
    return RECENT_INCIDENTS


def run(*, actor, province_code, seed) -> dict:
    catalogues = catalogues_load(actor=actor)
    if not Region.objects.filter(code=province_code).exists():
        return {"catalogues": catalogues}
    imported = observations_import(actor=actor, data=_csv(_observation_rows(province_code, seed) + _observation_rows(
        province_code, seed, "pilkada")), filename=f"demo-kerawanan-{province_code}.csv")
    if TpsRisk.objects.filter(tps__province_code=province_code).count() < Tps.objects.filter(
            province_code=province_code).count():
        score_province(province_code=province_code)
    _recent_incidents(actor, province_code, seed)
    ikp = load_ikp(actor=actor, province_code=province_code)
    by_class = defaultdict(dict)  # per election: its TPS sets are its own
    for election, klass, n in (TpsRisk.objects.filter(tps__province_code=province_code).order_by()
                               .values_list("tps__election", "klass").annotate(n=Count("pk"))):
        by_class[election][CLASS_NAMES[klass]] = n
    return {"catalogues": catalogues, "observations": imported.as_dict(), "ikp": ikp,
            "by_class": {election: dict(sorted(counts.items(), key=lambda kv: CLASS_NAMES.index(kv[0])))
                         for election, counts in sorted(by_class.items())}}
