"""Scores with their explanation for every TPS at once (NumPy, no Django).

``siaga.core.scoring.score_bulk`` gives each TPS its score and class; this adds
what ``score_tps`` tells for one TPS: the points of each indicator present
(largest first, ties in catalogue order) and the rules that raised the class,
so a full re-score and a one-TPS re-score store exactly the same explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from siaga.core.scoring import KHUSUS, SANGAT_RAWAN, BulkScores, Catalogue, ClassRules, score_bulk


@dataclass(frozen=True)
class Explained:
    scores: BulkScores
    contributions: list[list[list]]  # per TPS: [[indicator code, points], ...]
    reasons: list[list[str]]  # per TPS: ["floor:CODE", "incident", "special"]


def score_explained(n_tps, obs_tps, obs_indicator, obs_value, catalogue: Catalogue, rules: ClassRules, *,
                    special, days_since_incident) -> Explained:
    obs_tps = np.asarray(obs_tps, dtype=np.int64)
    obs_indicator = np.asarray(obs_indicator, dtype=np.int64)
    obs_value = np.asarray(obs_value, dtype=np.float64)
    special = np.asarray(special, dtype=bool)
    days = np.asarray(days_since_incident, dtype=np.float64)
    scores = score_bulk(n_tps, obs_tps, obs_indicator, obs_value, catalogue, rules, special=special,
                        days_since_incident=days)
    tps, ind, points, sub = _pair_points(obs_tps, obs_indicator, obs_value, catalogue)
    contributions: list[list[list]] = [[] for _ in range(n_tps)]
    codes = [i.code for i in catalogue.indicators]
    positive = points > 0
    order = np.lexsort((ind[positive], -points[positive], tps[positive]))
    for t, j, p in zip(tps[positive][order].tolist(), ind[positive][order].tolist(),
                       points[positive][order].tolist()):
        contributions[t].append([codes[j], p])
    return Explained(scores, contributions, _reasons(n_tps, tps, ind, sub, scores.score, catalogue, rules,
                                                     special, days))


def _pair_points(obs_tps, obs_indicator, obs_value, catalogue):
    """One row per (TPS, indicator) with the largest value's points and sub-score, sorted by TPS then position."""
    if obs_tps.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), np.zeros(0)
    inds = catalogue.indicators
    saturation = np.array([i.saturation for i in inds])[obs_indicator]
    is_bool = np.array([i.kind == "bool" for i in inds])[obs_indicator]
    sub = np.where(is_bool, (obs_value > 0).astype(np.float64), np.minimum(obs_value / saturation, 1.0))
    points = np.array([i.weight for i in inds])[obs_indicator] * sub
    order = np.lexsort((obs_indicator, obs_tps))
    t, j = obs_tps[order], obs_indicator[order]
    starts = np.flatnonzero(np.r_[True, (t[1:] != t[:-1]) | (j[1:] != j[:-1])])
    # points and sub-scores are monotone in the value, so their maxima belong to the largest value
    return t[starts], j[starts], np.maximum.reduceat(points[order], starts), np.maximum.reduceat(sub[order], starts)


def _reasons(n_tps, tps, ind, sub, score, catalogue, rules, special, days) -> list[list[str]]:
    """The class-raising rules in score_tps's order: floors (catalogue order), incident, special."""
    reasons: list[list[str]] = [[] for _ in range(n_tps)]
    by_score = (score >= rules.rawan_min).astype(np.int8) + (score >= rules.sangat_rawan_min)
    floor_of = np.array([-1 if i.floor_class is None else i.floor_class for i in catalogue.indicators],
                        dtype=np.int8)
    klass = by_score.copy()
    if tps.size:
        floors = floor_of[ind]
        lifts = (sub > 0) & (floors > by_score[tps])
        for t, j in zip(tps[lifts].tolist(), ind[lifts].tolist()):
            reasons[t].append(f"floor:{catalogue.indicators[j].code}")
        np.maximum.at(klass, tps[lifts], floors[lifts])
    in_window = (days >= 0) & (days <= rules.incident_raise_days)
    raised = in_window & ~special & (klass != KHUSUS) & (np.minimum(klass + rules.incident_raise_by, SANGAT_RAWAN) > klass)
    for t in np.flatnonzero(raised).tolist():
        reasons[t].append("incident")
    for t in np.flatnonzero(special).tolist():
        reasons[t].append("special")
    return reasons
