"""Demo vulnerability data for a province, stored through the real importer and services.

Each election's TPS draw from THAT election's published frequencies:

- Pilkada TPS at the rates of Bawaslu Sultra's Pilkada 2024 mapping (TPS per indicator out of 4,611;
  domain.md): disabled voters 3,565, DPTb 1,630, ... hard to reach 56, disaster-prone 11.
- Pemilu TPS at Bawaslu RI's national Pemilu 2024 counts (press conference of 11 February 2024, out of
  the country's 820,161 TPS): no Sultra breakdown per indicator was found, so the national share of TPS
  per indicator is applied to Sultra's TPS (i.e. national counts scaled by Sultra's TPS share).
- Special locations come from the TPS registry (TPS khusus) for both.
- Police criteria (Polri catalogue), at modest rates that are Siaga's assumptions, documented here:
  hard access or islands from the registry (KPU's 3T list: access "boat" or "hard"); several TPS at one
  site 4 %; evenly split supporters 2 %; a candidate's home TPS 2 % (Pemilu: many legislative
  candidates) or 0.5 % (Pilkada); a history of PSU/PSL/PSS at Bawaslu Sultra's PSU rate (41 of 4,611);
  past clashes 0.5 %, and 5 % in the hotspot kab/kota.
- Violence, intimidation and money politics cluster in a few hotspot kab/kota (Muna, Buton Tengah, Kolaka,
  Kendari, where 2024 saw riots and clashes), found by Intelkam, and Intelkam has area findings there.

No floor rule does the work: hard to reach is weighed in Bawaslu's view and is one criterion of the police
view; the class rules are per catalogue (siaga.core.catalogues). Everything is seeded; a re-run finds the
same rows and changes nothing.
"""

import csv
import io
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
from django.db.models import Count
from django.utils import timezone

from siaga.core.catalogues import CATALOGUES, KEYS
from siaga.core.scoring import CLASS_NAMES
from siaga.regions.models import Region, Tps
from siaga.risk.catalogues import catalogues_load
from siaga.risk.engine import score_province
from siaga.risk.ikp_demo import load_ikp
from siaga.risk.models import TpsRisk
from siaga.risk.obs_import import observations_import
from siaga.risk.services import incident_recorded

OBSERVED_ON = date(2024, 1, 31)
PILKADA_SULTRA_TPS = 4611
PEMILU_NATIONAL_TPS = 820161
# key -> (TPS flagged, value range); source Bawaslu
PILKADA_FLAGGED = {
    "disabilitas": (3565, (1, 8)), "dptb": (1630, (1, 30)), "dpt_tms": (1463, (1, 15)), "dpk": (535, (1, 25)),
    "kpps_luar": (303, (1, 3)), "psu": (41, (1, 1)), "politik_uang": (10, (1, 2)), "sara": (8, (1, 2)),
    "net_aparat": (3, (1, 1)), "log_rusak": (5, (1, 1)), "log_kurang": (25, (1, 1)), "log_terlambat": (15, (1, 1)),
    "sulit": (56, (1, 1)), "bencana": (11, (1, 1)),
}
PEMILU_FLAGGED = {
    "dpt_tms": (125224, (1, 15)), "dptb": (119796, (1, 30)), "kpps_luar": (38595, (1, 3)),
    "internet": (36236, (1, 1)), "dekat_posko": (21947, (1, 1)), "dpk": (18656, (1, 25)),
    "bencana": (10794, (1, 1)), "listrik": (8099, (1, 1)), "dekat_pendidikan": (4862, (1, 1)),
    "sulit": (4211, (1, 1)), "politik_uang": (3875, (1, 2)), "kekerasan": (2299, (1, 2)),
    "intimidasi": (2209, (1, 2)), "dekat_kerja": (2021, (1, 1)), "log_kurang": (1989, (1, 1)),
    "log_terlambat": (1587, (1, 1)), "log_rusak": (1582, (1, 1)), "log_tertukar": (1396, (1, 1)),
    "net_aparat": (1205, (1, 1)), "net_kpps": (1031, (1, 1)), "sara": (814, (1, 2)),
}
# election -> key -> published rate (share of TPS flagged)
RATES = {
    "pilkada": {key: n / PILKADA_SULTRA_TPS for key, (n, _r) in PILKADA_FLAGGED.items()},
    "pemilu": {key: n / PEMILU_NATIONAL_TPS for key, (n, _r) in PEMILU_FLAGGED.items()},
}
VALUES = {"pilkada": {k: r for k, (_n, r) in PILKADA_FLAGGED.items()},
          "pemilu": {k: r for k, (_n, r) in PEMILU_FLAGGED.items()}}
# Police criteria: key -> rate per election (Siaga's assumptions, see the module text).
POLICE_RATES = {
    "pemilu": {"satu_lokasi": 0.04, "berimbang": 0.02, "tps_calon": 0.02, "riwayat_psu": 41 / 4611,
               "riwayat_bentrok": 0.005},
    "pilkada": {"satu_lokasi": 0.04, "berimbang": 0.02, "tps_calon": 0.005, "riwayat_psu": 41 / 4611,
                "riwayat_bentrok": 0.005},
}
HOTSPOTS = ("74.03", "74.14", "74.01", "74.71")
# per hotspot TPS: (key, source, value range, probability)
HOTSPOT_FINDINGS = (
    ("kekerasan", "intelkam", (1, 3), 0.02),
    ("intimidasi", "intelkam", (1, 2), 0.02),
    ("politik_uang", "intelkam", (1, 3), 0.03),
    ("riwayat_bentrok", "intelkam", (1, 1), 0.05),
)
INTELKAM_AREAS = {
    "74.03": {"INT.PES.01": 1, "INT.PAR.02": 1, "INT.PGK.01": 3, "INT.AMB.01": 2, "INT.AMB.03": 1},
    "74.14": {"INT.PES.01": 1, "INT.PGK.01": 2, "INT.AMB.02": 2},
    "74.71": {"INT.PAR.03": 8, "INT.PGK.04": 3, "INT.AMB.01": 1},
    "74.01": {"INT.PES.02": 1, "INT.PGK.04": 2},
}
RECENT_INCIDENTS = 3
_CATALOGUE_OF = {"pemilu": ("BAWASLU_PEMILU_2024", "POLRI_PEMILU_2024"),
                 "pilkada": ("BAWASLU_PILKADA_2024", "POLRI_PILKADA_2024")}


def code_of(election: str, key: str) -> str:
    """The indicator code of ``key`` in the election's Bawaslu or Polri catalogue."""
    for catalogue in _CATALOGUE_OF[election]:
        for ind in CATALOGUES[catalogue].indicators:
            if KEYS[ind.code] == key:
                return ind.code
    raise KeyError(key)


def _observation_rows(province_code, seed, election="pemilu"):
    rng = np.random.default_rng(seed if election == "pemilu" else seed + 7)
    tps = list(Tps.objects.filter(province_code=province_code, election=election).order_by("code")
               .values_list("code", "kabkota_code", "access", "special"))
    rows = _tps_rows(tps, rng, election)
    if election == "pemilu":
        for kab, findings in INTELKAM_AREAS.items():
            if kab.startswith(province_code + "."):
                rows += [(kab, code, str(value), "intelkam") for code, value in findings.items()]
    return rows


def _tps_rows(tps, rng, election):
    rows = []
    n = len(tps)
    for key, rate in RATES[election].items():
        low, high = VALUES[election][key]
        hit = rng.random(n) < rate
        values = rng.integers(low, high + 1, n)
        for i in np.flatnonzero(hit).tolist():
            value = values[i] / 7 if key == "kpps_luar" else values[i]
            rows.append((tps[i][0], code_of(election, key), f"{value:.4g}", "bawaslu"))
    for key, rate in POLICE_RATES[election].items():
        for i in np.flatnonzero(rng.random(n) < rate).tolist():
            rows.append((tps[i][0], code_of(election, key), "1", "intelkam"))
    for code, _kab, access, special in tps:
        if access != "normal":
            rows.append((code, code_of(election, "akses_sulit"), "1", "kpu"))
        if special:
            rows.append((code, code_of(election, "lokasi_khusus"), "1", "kpu"))
    hot = [i for i, t in enumerate(tps) if t[1] in HOTSPOTS]
    for key, source, (low, high), p in HOTSPOT_FINDINGS:
        for i in [hot[k] for k in np.flatnonzero(rng.random(len(hot)) < p).tolist()]:
            rows.append((tps[i][0], code_of(election, key), str(int(rng.integers(low, high + 1))), source))
    # one row per (code, indicator, source)
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
