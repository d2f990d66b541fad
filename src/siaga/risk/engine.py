"""Scoring against the database: the whole province in bulk, or one TPS and its areas.

Full scoring reads the stored observations as arrays, scores with NumPy
(``explain.score_explained``), and replaces the province's TpsRisk and AreaRisk
rows in one transaction. Re-scoring one TPS uses ``core.scoring.score_tps`` and
refreshes only its desa, kecamatan, kab/kota and province from database
aggregates. Both paths record every change of class in ClassChange.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
from django.db import transaction
from django.db.models import Avg, Count, Max, Q
from django.utils import timezone

from siaga.core.scoring import (
    CLASS_NAMES,
    DEFAULT_BANDS,
    RAWAN,
    area_index_from_parts,
    area_index_levels,
    band,
    score_areas_bulk,
    score_tps,
    special_tps,
)
from siaga.regions.models import Region, Tps
from siaga.risk.catalogues import active_area_catalogue, active_tps_catalogues, to_core
from siaga.risk.explain import score_explained
from siaga.risk.models import AreaRisk, ClassChange, Observation, RiskIncident, TpsRisk

LEVEL_NAMES = {1: "provinsi", 2: "kabkota", 3: "kecamatan", 4: "desa"}
TPS_AREA_FIELDS = {1: "province_code", 2: "kabkota_code", 3: "kecamatan_code", 4: "desa_id"}


def _days_since(last_at, on: date) -> float:
    return float((on - timezone.localdate(last_at)).days) if last_at else np.inf


def score_province(*, province_code: str, on: date | None = None, cause: str = "full_score") -> dict:
    """Score every TPS of a province and every area index; returns counts per class."""
    on = on or timezone.localdate()
    now = timezone.now()
    results = {}  # tps id -> (score, class, contributions, reasons, catalogue id)
    for election, version in active_tps_catalogues().items():
        results.update(_score_election(province_code, election, version, on))
    with transaction.atomic():
        changes = _store_tps(province_code, results, now, cause)
        _store_areas(province_code, now)
    by_class = {name: 0 for name in CLASS_NAMES}
    for _, klass, *_ in results.values():
        by_class[CLASS_NAMES[klass]] += 1
    return {"tps": len(results), "by_class": by_class, "class_changes": changes}


def _score_election(province_code, election, version, on):
    catalogue, rules = to_core(version)
    rows = list(Tps.objects.filter(province_code=province_code, election=election).order_by("pk")
                .values_list("pk", "number", "special"))
    if not rows:
        return {}
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    special = special_tps(np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))
    last = dict(RiskIncident.objects.filter(tps__province_code=province_code, tps__election=election)
                .values("tps_id").annotate(last=Max("at")).values_list("tps_id", "last"))
    days = np.array([_days_since(last.get(pk), on) for pk in ids.tolist()])
    obs = list(Observation.objects.filter(tps__province_code=province_code, tps__election=election,
                                          indicator__catalogue=version)
               .values_list("tps_id", "indicator__position", "value"))
    position = {pk: i for i, pk in enumerate(ids.tolist())}
    obs_tps = np.array([position[o[0]] for o in obs], dtype=np.int64)
    obs_ind = np.array([o[1] for o in obs], dtype=np.int64)
    obs_val = np.array([o[2] for o in obs], dtype=np.float64)
    out = score_explained(len(ids), obs_tps, obs_ind, obs_val, catalogue, rules, special=special,
                          days_since_incident=days)
    return {pk: (float(out.scores.score[i]), int(out.scores.klass[i]), out.contributions[i], out.reasons[i],
                 version.pk) for i, pk in enumerate(ids.tolist())}


def _store_tps(province_code, results, now, cause) -> int:
    before = dict((pk, (k, s)) for pk, k, s in TpsRisk.objects.filter(tps__province_code=province_code)
                  .values_list("tps_id", "klass", "score"))
    TpsRisk.objects.filter(tps__province_code=province_code).delete()
    TpsRisk.objects.bulk_create(
        (TpsRisk(tps_id=pk, score=s, klass=k, contributions=c, reasons=r, catalogue_id=cat, computed_at=now)
         for pk, (s, k, c, r, cat) in results.items()), batch_size=2000)
    changes = [ClassChange(tps_id=pk, at=now, old_class=before.get(pk, (None, None))[0],
                           old_score=before.get(pk, (None, None))[1], new_class=k, new_score=s, cause=cause,
                           reasons=r)
               for pk, (s, k, c, r, cat) in results.items() if before.get(pk, (None,))[0] != k]
    ClassChange.objects.bulk_create(changes, batch_size=2000)
    return len(changes)


def intel_scores(regions: list[str]) -> np.ndarray:
    """Intelkam area score of each region (NaN where not assessed)."""
    version = active_area_catalogue()
    if version is None or not regions:
        return np.full(len(regions), np.nan)
    catalogue, _ = to_core(version)
    index = {code: i for i, code in enumerate(regions)}
    obs = [o for o in Observation.objects.filter(indicator__catalogue=version, region_id__in=regions)
           .values_list("region_id", "indicator__position", "value")]
    return score_areas_bulk(len(regions), np.array([index[o[0]] for o in obs], dtype=np.int64),
                            np.array([o[1] for o in obs], dtype=np.int64),
                            np.array([o[2] for o in obs], dtype=np.float64), catalogue)


def _store_areas(province_code, now):
    regions = Region.objects.filter(Q(code=province_code) | Q(code__startswith=province_code + "."))
    by_level = defaultdict(list)
    for code, level in regions.order_by("code").values_list("code", "level"):
        by_level[level].append(code)
    rows = list(TpsRisk.objects.filter(tps__province_code=province_code).values_list(
        "score", "klass", *(f"tps__{TPS_AREA_FIELDS[lv]}" for lv in (1, 2, 3, 4))))
    scores = np.array([r[0] for r in rows], dtype=np.float64)
    klass = np.array([r[1] for r in rows], dtype=np.int8)
    levels, intel = {}, {}
    for offset, level in enumerate((1, 2, 3, 4)):
        codes = by_level[level]
        where = {code: i for i, code in enumerate(codes)}
        levels[level] = (np.array([where[r[2 + offset]] for r in rows], dtype=np.int64), len(codes))
        intel[level] = intel_scores(codes)
    index = area_index_levels(levels, scores, klass, intel=intel)
    objs = []
    for level, (tps_area, n) in levels.items():
        counts = np.zeros((n, 4), dtype=np.int64)
        np.add.at(counts, (tps_area, klass.astype(np.int64)), 1)
        bands = band(index[level], DEFAULT_BANDS[LEVEL_NAMES[level]])
        for i, code in enumerate(by_level[level]):
            objs.append(_area_row(code, level, float(index[level][i]), int(bands[i]), intel[level][i],
                                  counts[i], now))
    AreaRisk.objects.filter(region__in=regions).delete()
    AreaRisk.objects.bulk_create(objs, batch_size=2000)


def _area_row(code, level, index, band_value, intel, counts, now) -> AreaRisk:
    return AreaRisk(region_id=code, level=level, index=index, band=band_value,
                    intel=None if np.isnan(intel) else float(intel), tps=int(counts.sum()),
                    kurang_rawan=int(counts[0]), rawan=int(counts[1]), sangat_rawan=int(counts[2]),
                    khusus=int(counts[3]), computed_at=now)


# ------------------------------------------------------------------ one TPS


def tps_values(tps, version) -> dict[str, float]:
    """Indicator code -> largest observed value over all sources, as score_bulk counts them."""
    values: dict[str, float] = {}
    for code, value in Observation.objects.filter(tps=tps, indicator__catalogue=version).values_list(
            "indicator__code", "value"):
        values[code] = max(values.get(code, 0.0), value)
    return values


def rescore_tps(tps, *, cause: str, on: date | None = None) -> TpsRisk | None:
    """Re-score one TPS and refresh its four areas; call inside the caller's transaction."""
    version = active_tps_catalogues().get(tps.election)
    if version is None:
        return None
    on = on or timezone.localdate()
    catalogue, rules = to_core(version)
    last = RiskIncident.objects.filter(tps=tps).aggregate(last=Max("at"))["last"]
    result = score_tps(tps_values(tps, version), catalogue, rules,
                       special=bool(special_tps(np.array([tps.number]), np.array([tps.special]))[0]),
                       last_incident=timezone.localdate(last) if last else None, on=on)
    now = timezone.now()
    current = TpsRisk.objects.select_for_update(of=("self",)).filter(tps=tps).first()
    reasons = list(result.reasons)
    if current is None or current.klass != result.klass:
        ClassChange.objects.create(tps=tps, at=now, old_class=current.klass if current else None,
                                   old_score=current.score if current else None, new_class=result.klass,
                                   new_score=result.score, cause=cause, reasons=reasons)
    risk, _ = TpsRisk.objects.update_or_create(tps=tps, defaults=dict(
        catalogue=version, score=result.score, klass=result.klass,
        contributions=[list(c) for c in result.contributions], reasons=reasons, computed_at=now))
    refresh_areas([tps.desa_id, tps.kecamatan_code, tps.kabkota_code, tps.province_code], now=now)
    return risk


def refresh_areas(codes: list[str], *, now=None) -> None:
    """Recompute the index of a few areas from aggregates of their TPS (and their stored Intelkam score)."""
    now = now or timezone.now()
    levels = dict(Region.objects.filter(code__in=codes).values_list("code", "level"))
    intel = dict(zip(codes, intel_scores(codes)))
    for code in codes:
        level = levels.get(code)
        if level is None:
            continue
        agg = TpsRisk.objects.filter(**{f"tps__{TPS_AREA_FIELDS[level]}": code}).aggregate(
            n=Count("pk"), mean=Avg("score"), rawan=Count("pk", filter=Q(klass__gte=RAWAN)),
            **{f"c{k}": Count("pk", filter=Q(klass=k)) for k in range(4)})
        n = agg["n"]
        index = float(area_index_from_parts(np.array([n]), np.array([agg["mean"] or 0.0]),
                                            np.array([agg["rawan"] / n if n else 0.0]),
                                            intel=np.array([intel[code]]))[0])
        counts = np.array([agg[f"c{k}"] for k in range(4)])
        row = _area_row(code, level, index, int(band(index, DEFAULT_BANDS[LEVEL_NAMES[level]])), intel[code],
                        counts, now)
        AreaRisk.objects.update_or_create(region_id=code, defaults={
            f.attname: getattr(row, f.attname) for f in AreaRisk._meta.concrete_fields if f.attname != "region_id"})

