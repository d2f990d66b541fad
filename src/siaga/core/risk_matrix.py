"""The 5x5 risk matrix of the security plan: likelihood x impact -> score -> level.

Likelihood and impact are graded 1 (rare / negligible) to 5 (almost certain /
catastrophic). The score is their product (1..25). Levels follow the common
four-band reading of a 5x5 matrix, chosen so that a threat is at least "tinggi"
whenever one factor is 5 and the other at least 2, and "sangat tinggi" only when
both are at least 3 and one is 5 (15, 20, 25) or both are 4 (16):

    score 1-4    rendah        (low)
    score 5-9    sedang        (medium)
    score 10-14  tinggi        (high)
    score 15-25  sangat tinggi (extreme)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

GRADES = range(1, 6)
# (lowest score, level code, Indonesian name, English name), highest first.
LEVELS = (
    (15, "sangat_tinggi", "Sangat tinggi", "Extreme"),
    (10, "tinggi", "Tinggi", "High"),
    (5, "sedang", "Sedang", "Medium"),
    (1, "rendah", "Rendah", "Low"),
)
LEVEL_ORDER = {code: rank for rank, (_, code, _, _) in enumerate(reversed(LEVELS))}


class RiskGradeError(ValueError):
    pass


def _check(name: str, grade: int) -> int:
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in GRADES:
        raise RiskGradeError(f"{name} must be an integer from 1 to 5, got {grade!r}")
    return grade


def risk_score(likelihood: int, impact: int) -> int:
    return _check("likelihood", likelihood) * _check("impact", impact)


def level_of_score(score: int) -> str:
    for lowest, code, _, _ in LEVELS:
        if score >= lowest:
            return code
    raise RiskGradeError(f"score must be from 1 to 25, got {score!r}")


def risk_level(likelihood: int, impact: int) -> str:
    return level_of_score(risk_score(likelihood, impact))


def level_name(code: str, lang: str = "id") -> str:
    for _, level, name_id, name_en in LEVELS:
        if level == code:
            return name_id if lang == "id" else name_en
    raise KeyError(code)


@dataclass(frozen=True)
class Rated:
    key: object
    likelihood: int
    impact: int

    @property
    def score(self) -> int:
        return risk_score(self.likelihood, self.impact)


def rank(items: Iterable[Rated]) -> list[Rated]:
    """Highest risk first; among equal scores the graver impact first (a rare catastrophe
    outranks a frequent nuisance), then the input order."""
    return sorted(items, key=lambda r: (-r.score, -r.impact))


def matrix(items: Iterable[Rated]) -> list[list[int]]:
    """Counts per cell: rows are impact 5..1 (top to bottom), columns likelihood 1..5."""
    grid = [[0] * 5 for _ in GRADES]
    for item in items:
        risk_score(item.likelihood, item.impact)
        grid[5 - item.impact][item.likelihood - 1] += 1
    return grid


def level_counts(items: Iterable[Rated]) -> dict[str, int]:
    counts = {code: 0 for _, code, _, _ in LEVELS}
    for item in items:
        counts[risk_level(item.likelihood, item.impact)] += 1
    return counts
