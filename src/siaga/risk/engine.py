"""Scoring against the database: the whole province in bulk, or one TPS and its areas.

Full scoring reads the stored observations as arrays, scores with NumPy
(``explain.score_explained``), and replaces the province's TpsRisk and AreaRisk
rows in one transaction. Area rows are per election (Pemilu and Pilkada have TPS
sets of their own): each holds the totals of that election's TPS only, and the
Intelkam area score, which is not election-bound, is put on every election's row.
Re-scoring one TPS uses ``core.scoring.score_tps`` and
updates its desa, kecamatan, kab/kota and province by the change of that one
TPS: every AreaRisk row keeps running totals (sum of scores, TPS per class),
from which the index follows as ``area_index_bulk`` computes it, so the cost
does not grow with the size of the area. The full path rebuilds the totals.
Both paths record every change of class in ClassChange.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from siaga.core.scoring import (
    CLASS_NAMES,
    RAWAN,
    area_index_from_parts,
    score_areas_bulk,
    score_tps,
    special_tps,
)
from siaga.core.siaga_index import siaga_level
from siaga.regions.models import Election, Region, Tps
from siaga.risk.catalogues import active_area_catalogue, active_tps_catalogues, to_core
from siaga.risk.explain import score_explained
from siaga.risk.models import AreaRisk, ClassChange, Observation, RiskIncident, TpsRisk
from siaga.risk.provenance import View, combine

LEVEL_NAMES = {1: "provinsi", 2: "kabkota", 3: "kecamatan", 4: "desa"}
TPS_AREA_FIELDS = {1: "province_code", 2: "kabkota_code", 3: "kecamatan_code", 4: "desa_id"}
CLASS_COUNT_FIELDS = CLASS_NAMES  # AreaRisk's TPS count of each class, indexed by class


def _days_since(last_at, on: date) -> float:
    return float((on - timezone.localdate(last_at)).days) if last_at else np.inf


def score_province(*, province_code: str, on: date | None = None, cause: str = "full_score",
                   election: str | None = None) -> dict:
    """Score every TPS of a province and every area index, of every election or only ``election``.

    Returns {election: {"tps", "by_class", "class_changes"}} for each election that has an active catalogue
    and TPS in the province."""
    on = on or timezone.localdate()
    now = timezone.now()
    out = {}
    with transaction.atomic():
        for name, version in sorted(active_tps_catalogues().items()):
            if election and name != election:
                continue
            results = _score_election(province_code, name, version, on)  # tps id -> (score, class, ...)
            if not results:
                continue
            changes = _store_tps(province_code, name, results, now, cause)
            by_class = {klass: 0 for klass in CLASS_NAMES}
            for _, klass, *_ in results.values():
                by_class[CLASS_NAMES[klass]] += 1
            out[name] = {"tps": len(results), "by_class": by_class, "class_changes": changes}
        store_province_areas(province_code, now=now, election=election)
    return out


def _score_election(province_code, election, version, on):
    """tps id -> (score, combined class, contributions, reasons, catalogue id, the other TpsRisk fields)."""
    rows = list(Tps.objects.filter(province_code=province_code, election=election).order_by("pk")
                .values_list("pk", "number", "special"))
    if not rows:
        return {}
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    special = special_tps(np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))
    last = dict(RiskIncident.objects.filter(tps__province_code=province_code, tps__election=election)
                .values("tps_id").annotate(last=Max("at")).values_list("tps_id", "last"))
    days = np.array([_days_since(last.get(pk), on) for pk in ids.tolist()])
    police = active_tps_catalogues("polri").get(election)
    versions = [v for v in (version, police) if v is not None]
    obs = list(Observation.objects.filter(tps__province_code=province_code, tps__election=election,
                                          indicator__catalogue__in=versions)
               .values_list("tps_id", "indicator__catalogue_id", "indicator__position", "indicator__code", "value",
                            "source", "observed_on"))
    position = {pk: i for i, pk in enumerate(ids.tolist())}
    views = {v.pk: _view_bulk(v, [o for o in obs if o[1] == v.pk], position, special, days) for v in versions}
    by_tps = defaultdict(list)
    for o in obs:
        by_tps[o[0]].append([o[3], o[5], o[6].isoformat(), o[4]])
    out = {}
    for i, pk in enumerate(ids.tolist()):
        bawaslu = views[version.pk][i]
        fields = combine(bawaslu, views[police.pk][i] if police else None, by_tps.get(pk, []))
        out[pk] = (bawaslu.score, fields.pop("klass"), bawaslu.contributions, fields.pop("reasons"), version.pk,
                   fields)
    return out


def _view_bulk(version, obs, position, special, days) -> list[View]:
    """One catalogue's view of every TPS (in ``position`` order) from its observations."""
    catalogue, rules = to_core(version)
    out = score_explained(len(position), np.array([position[o[0]] for o in obs], dtype=np.int64),
                          np.array([o[2] for o in obs], dtype=np.int64), np.array([o[4] for o in obs], dtype=np.float64),
                          catalogue, rules, special=special, days_since_incident=days)
    name = str(version)
    return [View(name, float(out.scores.score[i]), int(out.scores.klass[i]), out.contributions[i], out.reasons[i])
            for i in range(len(position))]


def _store_tps(province_code, election, results, now, cause) -> int:
    stored = TpsRisk.objects.filter(tps__province_code=province_code, tps__election=election)
    before = dict((pk, (k, s)) for pk, k, s in stored.values_list("tps_id", "klass", "score"))
    stored.delete()
    TpsRisk.objects.bulk_create(
        (TpsRisk(tps_id=pk, score=s, klass=k, contributions=c, reasons=r, catalogue_id=cat, computed_at=now, **f)
         for pk, (s, k, c, r, cat, f) in results.items()), batch_size=2000)
    changes = [ClassChange(tps_id=pk, at=now, old_class=before.get(pk, (None, None))[0],
                           old_score=before.get(pk, (None, None))[1], new_class=k, new_score=s, cause=cause,
                           reasons=r)
               for pk, (s, k, c, r, cat, f) in results.items() if before.get(pk, (None,))[0] != k]
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


def _elections_with_tps(province_code: str, election: str | None = None) -> list[str]:
    """The elections that have TPS in the province (or only ``election``), in Election order."""
    present = set(Tps.objects.filter(province_code=province_code).values_list("election", flat=True).distinct())
    return [e for e in Election.values if e in present and (election is None or e == election)]


def store_province_areas(province_code: str, *, now=None, election: str | None = None) -> None:
    """Rebuild every area row of a province (totals, Siaga index and level) from its stored TPS scores: one row per
    region for each election with TPS in the province (or only ``election``'s rows)."""
    now = now or timezone.now()
    regions = Region.objects.filter(Q(code=province_code) | Q(code__startswith=province_code + "."))
    by_level = defaultdict(list)
    for code, level in regions.order_by("code").values_list("code", "level"):
        by_level[level].append(code)
    intel = {level: intel_scores(by_level[level]) for level in LEVEL_NAMES}
    elections = _elections_with_tps(province_code, election)
    objs = []
    for name in elections:
        objs.extend(_election_area_rows(province_code, name, by_level, intel, now))
    stale = AreaRisk.objects.filter(region__in=regions)
    (stale.filter(election=election) if election else stale).delete()
    AreaRisk.objects.bulk_create(objs, batch_size=2000)


def _election_area_rows(province_code, election, by_level, intel, now) -> list[AreaRisk]:
    rows = list(TpsRisk.objects.filter(tps__province_code=province_code, tps__election=election).values_list(
        "score", "klass", *(f"tps__{TPS_AREA_FIELDS[lv]}" for lv in (1, 2, 3, 4))))
    scores = np.array([r[0] for r in rows], dtype=np.float64)
    klass = np.array([r[1] for r in rows], dtype=np.int64)
    objs = []
    for offset, level in enumerate((1, 2, 3, 4)):
        codes = by_level[level]
        where = {code: i for i, code in enumerate(codes)}
        tps_area = np.array([where[r[2 + offset]] for r in rows], dtype=np.int64)
        counts = np.zeros((len(codes), 4), dtype=np.int64)
        np.add.at(counts, (tps_area, klass), 1)
        sums = np.bincount(tps_area, weights=scores, minlength=len(codes))
        index = area_index_from_totals(counts.sum(axis=1), sums, counts[:, RAWAN:].sum(axis=1), intel[level])
        levels = siaga_level(index)
        for i, code in enumerate(codes):
            objs.append(_area_row(code, election, level, float(index[i]), int(levels[i]), intel[level][i],
                                  float(sums[i]), counts[i], now))
    return objs


def area_index_from_totals(count, score_sum, rawan_or_worse, intel) -> np.ndarray:
    """Index of areas from their totals: TPS count, sum of TPS scores, TPS classed rawan or worse.

    The same division as ``area_index_bulk``, so totals summed over the TPS give
    its result bit for bit; totals kept by deltas differ only by rounding.
    """
    count = np.asarray(count, dtype=np.float64)
    safe = np.where(count > 0, count, 1.0)
    return area_index_from_parts(count, np.asarray(score_sum, dtype=np.float64) / safe,
                                 np.asarray(rawan_or_worse, dtype=np.float64) / safe,
                                 intel=np.asarray(intel, dtype=np.float64))


def _area_row(code, election, level, index, level_value, intel, score_sum, counts, now) -> AreaRisk:
    return AreaRisk(region_id=code, election=election, level=level, index=index, siaga_level=level_value,
                    intel=None if np.isnan(intel) else float(intel), score_sum=score_sum, tps=int(counts.sum()),
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


def _view_one(tps, version, special, last, on) -> View:
    catalogue, rules = to_core(version)
    result = score_tps(tps_values(tps, version), catalogue, rules, special=special, last_incident=last, on=on)
    return View(str(version), result.score, result.klass, [list(c) for c in result.contributions],
                list(result.reasons))


def rescore_tps(tps, *, cause: str, on: date | None = None) -> TpsRisk | None:
    """Re-score one TPS and update its four areas by the change; call inside the caller's transaction."""
    version = active_tps_catalogues().get(tps.election)
    if version is None:
        return None
    on = on or timezone.localdate()
    last = RiskIncident.objects.filter(tps=tps).aggregate(last=Max("at"))["last"]
    last = timezone.localdate(last) if last else None
    special = bool(special_tps(np.array([tps.number]), np.array([tps.special]))[0])
    police = active_tps_catalogues("polri").get(tps.election)
    bawaslu = _view_one(tps, version, special, last, on)
    polri = _view_one(tps, police, special, last, on) if police else None
    observations = [[code, source, when.isoformat(), value] for code, source, when, value in Observation.objects.filter(
        tps=tps, indicator__catalogue__in=[v for v in (version, police) if v]).values_list(
        "indicator__code", "source", "observed_on", "value")]
    fields = combine(bawaslu, polri, observations)
    klass, reasons = fields.pop("klass"), fields.pop("reasons")
    now = timezone.now()
    risk = TpsRisk.objects.select_for_update(of=("self",)).filter(tps=tps).first()
    before = None if risk is None else (risk.score, risk.klass)
    old_score, old_class = before or (None, None)
    if old_class != klass:
        ClassChange.objects.create(tps=tps, at=now, old_class=old_class, old_score=old_score, new_class=klass,
                                   new_score=bawaslu.score, cause=cause, reasons=reasons)
    risk = risk or TpsRisk(tps=tps)
    risk.catalogue, risk.score, risk.klass, risk.reasons, risk.computed_at = (
        version, bawaslu.score, klass, reasons, now)
    risk.contributions = bawaslu.contributions
    for name, value in fields.items():
        setattr(risk, name, value)
    risk.save(force_insert=before is None)
    _move_tps_in_areas(tps, before, (bawaslu.score, klass), now)
    return risk


def _tps_areas(tps) -> list[str]:
    return [tps.province_code, tps.kabkota_code, tps.kecamatan_code, tps.desa_id]


def _move_tps_in_areas(tps, before, after, now) -> None:
    """Take the TPS's old (score, class) out of its election's area totals and put the new one in."""
    codes = _tps_areas(tps)
    # Locked in code order, so concurrent re-scores sharing areas cannot deadlock.
    areas = list(AreaRisk.objects.select_for_update().filter(region_id__in=codes, election=tps.election)
                 .order_by("region_id"))
    for area in areas:
        if before is not None:
            _add_tps(area, *before, sign=-1)
        _add_tps(area, *after, sign=1)
    _save_index(areas, now)
    stored = {area.region_id for area in areas}
    rebuild_areas([code for code in codes if code not in stored], election=tps.election, now=now)  # never scored


def _add_tps(area: AreaRisk, score: float, klass: int, *, sign: int) -> None:
    area.tps += sign
    area.score_sum = area.score_sum + sign * score if area.tps else 0.0  # no rounding residue when empty
    field = CLASS_COUNT_FIELDS[klass]
    setattr(area, field, getattr(area, field) + sign)


def _save_index(areas: list[AreaRisk], now) -> None:
    """Recompute the Siaga index and level of stored areas from their totals and Intelkam score, and save them."""
    if not areas:
        return
    index = area_index_from_totals([a.tps for a in areas], [a.score_sum for a in areas],
                                   [a.tps - a.kurang_rawan for a in areas],
                                   [np.nan if a.intel is None else a.intel for a in areas])
    for area, value in zip(areas, index.tolist()):
        area.index, area.siaga_level, area.computed_at = value, siaga_level(value), now
        # One plain UPDATE each: bulk_update's CASE expressions cost more to build than four statements.
        area.save(update_fields=["index", "siaga_level", "intel", "score_sum", "tps", *CLASS_COUNT_FIELDS, "computed_at"])


def refresh_areas(codes: list[str], *, now=None) -> None:
    """Re-read the Intelkam score of a few areas (after an area observation) and recompute their index: the
    score is not election-bound, so every election's row of each area takes it."""
    now = now or timezone.now()
    intel = dict(zip(codes, intel_scores(codes).tolist()))
    areas = list(AreaRisk.objects.select_for_update().filter(region_id__in=codes).order_by("region_id", "election"))
    for area in areas:
        area.intel = None if np.isnan(intel[area.region_id]) else intel[area.region_id]
    _save_index(areas, now)
    stored = {(area.region_id, area.election) for area in areas}
    for election in _elections_with_areas(codes):
        rebuild_areas([code for code in codes if (code, election) not in stored], election=election, now=now)


def _elections_with_areas(codes: list[str]) -> list[str]:
    """Elections with TPS in the provinces of these areas: those whose area rows an area observation concerns."""
    provinces = {code.split(".")[0] for code in codes}
    present = set(Tps.objects.filter(province_code__in=provinces).values_list("election", flat=True).distinct())
    return [e for e in Election.values if e in present]


def rebuild_areas(codes: list[str], *, election: str, now=None) -> None:
    """Build the totals and index of a few areas in one election from database aggregates of its TPS."""
    if not codes:
        return
    now = now or timezone.now()
    levels = dict(Region.objects.filter(code__in=codes).values_list("code", "level"))
    intel = dict(zip(codes, intel_scores(codes)))
    for code in codes:
        level = levels.get(code)
        if level is None:
            continue
        agg = TpsRisk.objects.filter(tps__election=election, **{f"tps__{TPS_AREA_FIELDS[level]}": code}).aggregate(
            total=Sum("score"), **{f"c{k}": Count("pk", filter=Q(klass=k)) for k in range(4)})
        counts = np.array([agg[f"c{k}"] for k in range(4)])
        total = float(agg["total"] or 0.0)
        index = float(area_index_from_totals([counts.sum()], [total], [counts[RAWAN:].sum()], [intel[code]])[0])
        row = _area_row(code, election, level, index, int(siaga_level(index)), intel[code],
                        total, counts, now)
        AreaRisk.objects.update_or_create(region_id=code, election=election, defaults={
            f.attname: getattr(row, f.attname) for f in AreaRisk._meta.concrete_fields
            if f.attname not in ("id", "region_id", "election")})
