"""Possible duplicate cases: same kind, same desa, dates close together, similar subjects (plain Python)."""

import re
from dataclasses import dataclass
from datetime import date

CLOSE_DAYS = 7
SIMILAR = 0.5


@dataclass(frozen=True)
class CaseFacts:
    id: int
    kind: str
    area_code: str
    occurred_on: date
    subjects: tuple[str, ...]


def _words(subjects) -> set[str]:
    return {w for s in subjects for w in re.findall(r"[a-z0-9]+", s.lower()) if len(w) > 2}


def subject_similarity(a, b) -> float:
    """Jaccard overlap of the words (3 letters or more) naming the subjects; 0 when either names nobody."""
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def is_possible_duplicate(case: CaseFacts, other: CaseFacts) -> bool:
    return (case.id != other.id and case.kind == other.kind and case.area_code == other.area_code
            and abs((case.occurred_on - other.occurred_on).days) <= CLOSE_DAYS
            and subject_similarity(case.subjects, other.subjects) >= SIMILAR)
