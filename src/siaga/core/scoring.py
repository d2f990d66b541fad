"""Vulnerability scoring (pemetaan kerawanan) for TPS and areas.

A catalogue lists weighted indicators. An observed value becomes a sub-score in
[0, 1] (bool: 0/1; count and share: value / saturation, capped at 1) and earns
``weight x sub-score`` points. A TPS score is its points as a share of the
catalogue's total weight, on a 0-100 scale. The police class then follows from

1. the score against ``ClassRules`` thresholds (kurang rawan / rawan / sangat rawan);
2. floors: an indicator with ``floor_class`` that is present (sub-score > 0)
   lifts the class to at least that level (e.g. a history of violence is
   always at least rawan, however light the rest);
3. a recent incident raises the class by ``incident_raise_by`` levels, capped at
   sangat rawan (a khusus TPS stays khusus);
4. special locations (TPS khusus: numbered 9xx, or flagged) are always khusus.

Every step only ever raises the class, so adding risk never lowers it.

``score_tps`` explains one TPS; ``score_bulk`` scores the whole country with
NumPy and gives bit-identical results: both add the per-indicator points in
catalogue order, one float addition at a time, so the rounding is the same.

The area index (0-100) combines, per area, the mean TPS score, the share of TPS
classed rawan or worse and an optional intelligence score of the area itself
(e.g. the Baintelkam five-dimension set scored with ``score_observations``):

    index = (w_mean * mean_score + w_share * 100 * share_rawan + w_intel * intel)
            / (sum of the weights of the parts the area has)

An area without TPS, or without an intelligence assessment, is weighed on the
parts it has, so missing data does not dilute the rest. Every part lies in
0-100 and enters with a non-negative weight, so the index is within 0-100 and
non-decreasing in every TPS score, every TPS class and the intelligence score.
Each level (desa, kecamatan, kab/kota, province) aggregates its TPS directly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from siaga.core.codes import SPECIAL_TPS_FIRST_DIGIT

KURANG_RAWAN, RAWAN, SANGAT_RAWAN, KHUSUS = 0, 1, 2, 3
CLASS_NAMES = ("kurang_rawan", "rawan", "sangat_rawan", "khusus")
CLASS_LABELS = {
    "id": ("Kurang rawan", "Rawan", "Sangat rawan", "Khusus"),
    "en": ("Low vulnerability", "Vulnerable", "Highly vulnerable", "Special location"),
}

KINDS = ("bool", "count", "share")
TARGETS = ("tps", "area")


@dataclass(frozen=True)
class Indicator:
    code: str
    variable: str
    name_id: str
    name_en: str
    weight: float
    kind: str
    saturation: float = 1.0
    floor_class: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.code}: kind must be one of {KINDS}")
        if not (math.isfinite(self.weight) and self.weight >= 0):
            raise ValueError(f"{self.code}: weight must be finite and >= 0")
        if not (math.isfinite(self.saturation) and self.saturation > 0):
            raise ValueError(f"{self.code}: saturation must be finite and > 0")
        if self.floor_class is not None and self.floor_class not in (RAWAN, SANGAT_RAWAN, KHUSUS):
            raise ValueError(f"{self.code}: floor_class must be 1, 2 or 3")

    def sub_score(self, value: float) -> float:
        if self.kind == "bool":
            return 1.0 if value > 0 else 0.0
        return min(value / self.saturation, 1.0)


@dataclass(frozen=True)
class Catalogue:
    code: str
    version: str
    target: str
    indicators: tuple[Indicator, ...]
    _positions: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise ValueError(f"{self.code}: target must be one of {TARGETS}")
        positions = {ind.code: i for i, ind in enumerate(self.indicators)}
        if len(positions) != len(self.indicators):
            raise ValueError(f"{self.code}: duplicate indicator codes")
        if self.total_weight <= 0:
            raise ValueError(f"{self.code}: total weight must be > 0")
        object.__setattr__(self, "_positions", positions)

    @property
    def total_weight(self) -> float:
        total = 0.0
        for ind in self.indicators:
            total += ind.weight
        return total

    @property
    def variables(self) -> tuple[str, ...]:
        """Distinct variables in the order they first appear."""
        return tuple(dict.fromkeys(ind.variable for ind in self.indicators))

    def position(self, code: str) -> int:
        """Index of an indicator code in ``indicators`` (KeyError if unknown)."""
        return self._positions[code]


@dataclass(frozen=True)
class ClassRules:
    rawan_min: float
    sangat_rawan_min: float
    incident_raise_days: int
    incident_raise_by: int

    def __post_init__(self) -> None:
        # rawan_min > 0 so that a TPS with nothing observed is kurang rawan
        if not 0 < self.rawan_min <= self.sangat_rawan_min <= 100:
            raise ValueError("need 0 < rawan_min <= sangat_rawan_min <= 100")
        if self.incident_raise_days < 0 or self.incident_raise_by < 0:
            raise ValueError("incident window and raise must be >= 0")


@dataclass(frozen=True)
class TpsScore:
    score: float
    klass: int
    contributions: tuple[tuple[str, float], ...]
    reasons: tuple[str, ...]

    @property
    def class_name(self) -> str:
        return CLASS_NAMES[self.klass]


@dataclass(frozen=True)
class BulkScores:
    score: np.ndarray  # float64, 0-100
    klass: np.ndarray  # int8, see CLASS_NAMES
    top_indicator: np.ndarray  # int64 catalogue position, -1 when nothing observed


def _check_value(code: str, value: float) -> None:
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{code}: value must be finite and >= 0, got {value!r}")


def score_observations(
    values: Mapping[str, float], catalogue: Catalogue
) -> tuple[float, tuple[tuple[str, float], ...], tuple[Indicator, ...]]:
    """Score observed values against a catalogue (any target).

    Returns (score 0-100, contributions with points > 0 sorted by points
    descending then catalogue order, indicators present).
    """
    for code, value in values.items():
        if code not in catalogue._positions:  # unknown codes are typos, not zeros
            raise ValueError(f"{catalogue.code}: unknown indicator {code!r}")
        _check_value(code, float(value))
    total = 0.0
    points: list[tuple[str, float]] = []
    present: list[Indicator] = []
    # Sequential addition in catalogue order, as score_bulk does; not sum(),
    # which compensates rounding from Python 3.12 and would drift from NumPy.
    for ind in catalogue.indicators:
        sub = ind.sub_score(float(values.get(ind.code, 0.0)))
        if sub > 0:
            present.append(ind)
        p = ind.weight * sub
        total += p
        if p > 0:
            points.append((ind.code, p))
    points.sort(key=lambda item: -item[1])  # stable: ties keep catalogue order
    return total / catalogue.total_weight * 100.0, tuple(points), tuple(present)


def _score_class(score: float, rules: ClassRules) -> int:
    return int(score >= rules.rawan_min) + int(score >= rules.sangat_rawan_min)


def _incident_applies(days_since: float, rules: ClassRules) -> bool:
    # Inclusive on both ends: same day counts, and exactly incident_raise_days ago counts.
    return 0 <= days_since <= rules.incident_raise_days


def score_tps(
    values: Mapping[str, float],
    catalogue: Catalogue,
    rules: ClassRules,
    *,
    special: bool,
    last_incident: date | None,
    on: date,
) -> TpsScore:
    """Score and class one TPS, with the points and reasons that explain it."""
    score, contributions, present = score_observations(values, catalogue)
    by_score = _score_class(score, rules)
    klass = by_score
    reasons: list[str] = []
    for ind in present:
        if ind.floor_class is not None and ind.floor_class > by_score:
            reasons.append(f"floor:{ind.code}")
            klass = max(klass, ind.floor_class)
    # A special TPS is khusus whatever happened there, so no incident raise.
    if last_incident is not None and klass != KHUSUS and not special:
        if _incident_applies((on - last_incident).days, rules):
            raised = min(klass + rules.incident_raise_by, SANGAT_RAWAN)
            if raised > klass:
                reasons.append("incident")
                klass = raised
    if special:
        reasons.append("special")
        klass = KHUSUS
    return TpsScore(score, klass, contributions, tuple(reasons))


def _observation_points(
    n_targets: int,
    obs_target: np.ndarray,
    obs_indicator: np.ndarray,
    obs_value: np.ndarray,
    catalogue: Catalogue,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised core of scoring: (score, top indicator, floor class, observed).

    A repeated (target, indicator) pair counts once, with its largest value.
    """
    obs_target = np.asarray(obs_target, dtype=np.int64)
    obs_indicator = np.asarray(obs_indicator, dtype=np.int64)
    obs_value = np.asarray(obs_value, dtype=np.float64)
    n_ind = len(catalogue.indicators)
    if not (obs_target.shape == obs_indicator.shape == obs_value.shape) or obs_target.ndim != 1:
        raise ValueError("observation arrays must be 1-D and of equal length")
    if obs_target.size:
        if obs_target.min() < 0 or obs_target.max() >= n_targets:
            raise ValueError("observation target out of range")
        if obs_indicator.min() < 0 or obs_indicator.max() >= n_ind:
            raise ValueError("observation indicator out of range")
        if not (np.all(np.isfinite(obs_value)) and obs_value.min() >= 0):
            raise ValueError("observation values must be finite and >= 0")

    inds = catalogue.indicators
    saturation = np.array([i.saturation for i in inds])[obs_indicator]
    is_bool = np.array([i.kind == "bool" for i in inds])[obs_indicator]
    sub = np.where(is_bool, (obs_value > 0).astype(np.float64), np.minimum(obs_value / saturation, 1.0))
    points = np.array([i.weight for i in inds])[obs_indicator] * sub

    order = np.argsort(obs_indicator, kind="stable")
    bounds = np.searchsorted(obs_indicator[order], np.arange(n_ind + 1))
    total = np.zeros(n_targets)
    best = np.zeros(n_targets)
    top = np.full(n_targets, -1, dtype=np.int64)
    floor = np.zeros(n_targets, dtype=np.int8)
    column = np.empty(n_targets)
    for j, ind in enumerate(inds):
        rows = order[bounds[j] : bounds[j + 1]]
        if rows.size == 0:
            continue  # adding 0.0 would change nothing
        targets = obs_target[rows]
        column.fill(0.0)
        # points are monotone in the value, so the max of points is the points of the max value
        np.maximum.at(column, targets, points[rows])
        total += column
        better = column > best  # strict: ties keep the earlier indicator, as score_tps does
        top[better] = j
        np.maximum(best, column, out=best)
        if ind.floor_class is not None:
            hit = targets[sub[rows] > 0]
            floor[hit] = np.maximum(floor[hit], ind.floor_class)
    observed = np.bincount(obs_target, minlength=n_targets) > 0
    return total / catalogue.total_weight * 100.0, top, floor, observed


def score_bulk(
    n_tps: int,
    obs_tps: np.ndarray,
    obs_indicator: np.ndarray,
    obs_value: np.ndarray,
    catalogue: Catalogue,
    rules: ClassRules,
    *,
    special: np.ndarray,
    days_since_incident: np.ndarray,
) -> BulkScores:
    """Score every TPS at once; identical to ``score_tps`` TPS by TPS.

    Observations are parallel arrays (TPS index, catalogue position, value);
    ``days_since_incident`` is np.inf where a TPS has no recorded incident.
    """
    special = np.asarray(special, dtype=bool)
    days = np.asarray(days_since_incident, dtype=np.float64)
    if special.shape != (n_tps,) or days.shape != (n_tps,):
        raise ValueError("special and days_since_incident need one entry per TPS")
    if np.isnan(days).any():
        raise ValueError("days_since_incident must not be NaN (use np.inf for none)")
    score, top, floor, _ = _observation_points(n_tps, obs_tps, obs_indicator, obs_value, catalogue)
    klass = (score >= rules.rawan_min).astype(np.int8) + (score >= rules.sangat_rawan_min)
    np.maximum(klass, floor, out=klass)
    incident = (days >= 0) & (days <= rules.incident_raise_days) & (klass != KHUSUS)
    raised = np.minimum(klass + rules.incident_raise_by, SANGAT_RAWAN)
    klass = np.where(incident, raised, klass).astype(np.int8)
    klass[special] = KHUSUS
    return BulkScores(score, klass, top)


def score_areas_bulk(
    n_areas: int,
    obs_area: np.ndarray,
    obs_indicator: np.ndarray,
    obs_value: np.ndarray,
    catalogue: Catalogue,
) -> np.ndarray:
    """Score area-level observations (0-100); NaN for areas with no observation row.

    An area with rows, even all zero, has been assessed; one without has not,
    and ``area_index_bulk`` then weighs it on its TPS alone.
    """
    score, _, _, observed = _observation_points(n_areas, obs_area, obs_indicator, obs_value, catalogue)
    return np.where(observed, score, np.nan)


@dataclass(frozen=True)
class AreaWeights:
    mean_score: float = 0.4
    share_rawan: float = 0.3
    intel: float = 0.3

    def __post_init__(self) -> None:
        parts = (self.mean_score, self.share_rawan, self.intel)
        if not all(math.isfinite(w) and w >= 0 for w in parts) or sum(parts) <= 0:
            raise ValueError("area weights must be finite, >= 0 and not all zero")


DEFAULT_AREA_WEIGHTS = AreaWeights()


def area_index_bulk(
    tps_area: np.ndarray,
    n_areas: int,
    scores: np.ndarray,
    klass: np.ndarray,
    *,
    intel: np.ndarray | None = None,
    weights: AreaWeights = DEFAULT_AREA_WEIGHTS,
) -> np.ndarray:
    """Index 0-100 for each of ``n_areas`` areas from the TPS in each.

    ``tps_area`` maps each TPS to its area (0..n_areas-1); ``intel`` holds one
    intelligence score per area, NaN where the area was not assessed. An area
    with neither TPS nor intelligence gets 0.
    """
    tps_area = np.asarray(tps_area, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    klass = np.asarray(klass)
    if not (tps_area.shape == scores.shape == klass.shape) or tps_area.ndim != 1:
        raise ValueError("tps_area, scores and klass must be 1-D and of equal length")
    if tps_area.size and (tps_area.min() < 0 or tps_area.max() >= n_areas):
        raise ValueError("tps_area out of range")
    count = np.bincount(tps_area, minlength=n_areas).astype(np.float64)
    safe = np.where(count > 0, count, 1.0)
    mean = np.bincount(tps_area, weights=scores, minlength=n_areas) / safe
    share = np.bincount(tps_area, weights=(klass >= RAWAN).astype(np.float64), minlength=n_areas) / safe
    if intel is not None and np.shape(intel) != (n_areas,):
        raise ValueError("intel needs one entry per area")
    return area_index_from_parts(count, mean, share, intel=intel, weights=weights)


def area_index_from_parts(
    count: np.ndarray,
    mean_score: np.ndarray,
    share_rawan: np.ndarray,
    *,
    intel: np.ndarray | None = None,
    weights: AreaWeights = DEFAULT_AREA_WEIGHTS,
) -> np.ndarray:
    """The index from each area's TPS count, mean TPS score and share of TPS
    classed rawan or worse (0-1), e.g. as a database aggregates them; lets one
    area be updated without reading all of its TPS."""
    count = np.asarray(count, dtype=np.float64)
    mean = np.asarray(mean_score, dtype=np.float64)
    share = np.asarray(share_rawan, dtype=np.float64)
    has_tps = count > 0
    tps_weight = weights.mean_score + weights.share_rawan
    numerator = np.where(has_tps, weights.mean_score * mean + weights.share_rawan * 100.0 * share, 0.0)
    denominator = np.where(has_tps, tps_weight, 0.0)
    if intel is not None:
        intel = np.asarray(intel, dtype=np.float64)
        assessed = ~np.isnan(intel)
        if np.any(intel[assessed] < 0) or np.any(intel[assessed] > 100):
            raise ValueError("intel scores must lie within 0-100")
        numerator = numerator + np.where(assessed, weights.intel * np.nan_to_num(intel), 0.0)
        denominator = denominator + np.where(assessed, weights.intel, 0.0)
    index = numerator / np.where(denominator > 0, denominator, 1.0)
    return np.clip(index, 0.0, 100.0)  # rounding can overshoot 100 by an ulp


def area_index(
    member_scores: Sequence[float] | np.ndarray,
    member_classes: Sequence[int] | np.ndarray,
    *,
    intel: float | None = None,
    weights: AreaWeights = DEFAULT_AREA_WEIGHTS,
) -> float:
    """Index 0-100 of one area from its TPS scores and classes and its intelligence score."""
    scores = np.asarray(member_scores, dtype=np.float64)
    intel_array = None if intel is None else np.array([intel], dtype=np.float64)
    index = area_index_bulk(
        np.zeros(scores.shape, dtype=np.int64), 1, scores, member_classes, intel=intel_array, weights=weights
    )
    return float(index[0])


def area_index_levels(
    levels: Mapping[str, tuple[np.ndarray, int]],
    scores: np.ndarray,
    klass: np.ndarray,
    *,
    intel: Mapping[str, np.ndarray] | None = None,
    weights: AreaWeights = DEFAULT_AREA_WEIGHTS,
) -> dict[str, np.ndarray]:
    """Area indices for several levels at once.

    ``levels`` maps a level name (e.g. ``"desa"``) to (TPS -> area index array,
    number of areas); ``intel`` maps a level name to its per-area scores.
    """
    intel = intel or {}
    return {
        level: area_index_bulk(tps_area, n_areas, scores, klass, intel=intel.get(level), weights=weights)
        for level, (tps_area, n_areas) in levels.items()
    }


@dataclass(frozen=True)
class Bands:
    high_min: float
    medium_min: float

    def __post_init__(self) -> None:
        if not 0 <= self.medium_min <= self.high_min <= 100:
            raise ValueError("need 0 <= medium_min <= high_min <= 100")


def band(index: float | np.ndarray, bands: Bands) -> int | np.ndarray:
    """0 low, 1 medium, 2 high; a threshold value belongs to the band above (siaga_index.siaga_level)."""
    result = np.searchsorted(np.array([bands.medium_min, bands.high_min]), index, side="right")
    return int(result) if np.ndim(result) == 0 else result.astype(np.int8)


def special_tps(numbers: np.ndarray, flagged: np.ndarray | None = None) -> np.ndarray:
    """TPS khusus mask: numbered 900-999, or flagged as a special location."""
    numbers = np.asarray(numbers)
    special = (numbers >= 1) & (numbers <= 999) & (numbers // 100 == int(SPECIAL_TPS_FIRST_DIGIT))
    return special if flagged is None else special | np.asarray(flagged, dtype=bool)
