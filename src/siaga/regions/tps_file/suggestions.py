"""Code-mapping suggestions for desa codes a file uses but the hierarchy does not know.

Real KPU files hold desa re-coded into another kecamatan of the same kab/kota (same name,
new code): the file's desa name is compared with every desa of the kab/kota, so the
same-name desa scores 1.0 and comes first. Without a desa name, the kecamatan name is used.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from siaga.regions.tps_file.data import MAX_CANDIDATES, SUGGESTION_CUTOFF, DesaRef, Suggestion

_NAME_NOISE_RE = re.compile(r"\b(DESA|KELURAHAN|KEL|DS|KECAMATAN|KEC)\b\.?")


def _name_key(name: str) -> str:
    """Name for fuzzy comparison: upper case, without DESA/KELURAHAN/KECAMATAN or punctuation."""
    return re.sub(r"[\W_]+", "", _NAME_NOISE_RE.sub(" ", name.upper()))


@dataclass
class _Unknown:
    name: str  # desa name from the file, else kecamatan name
    by_kecamatan: bool



def suggestions(known: Mapping[str, DesaRef], unknown: Mapping[str, _Unknown]) -> list[Suggestion]:
    """For each unknown file desa code, the known desa of its kab/kota whose names resemble the file's."""
    if not unknown:
        return []
    by_kabkota: dict[str, list[DesaRef]] = {}
    for ref in known.values():
        by_kabkota.setdefault(ref.kabkota_code, []).append(ref)
    out = []
    for file_code, note in unknown.items():
        pool = by_kabkota.get(file_code.rsplit(".", 2)[0], [])
        out.append(Suggestion(file_code, note.name, _candidates(note, pool)))
    return out


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _name_key(a), _name_key(b)).ratio()


def _candidates(unknown: _Unknown, pool: list[DesaRef]) -> list[tuple[str, str, float]]:
    """Known desa in the same kab/kota whose name (or kecamatan name) resembles the file's."""
    if not unknown.name:
        return []
    scored = []
    for ref in pool:
        score = _similarity(unknown.name, ref.kecamatan_name if unknown.by_kecamatan else ref.name)
        if score >= SUGGESTION_CUTOFF:
            scored.append((ref.code, ref.name, round(score, 3)))
    scored.sort(key=lambda c: (-c[2], c[0]))
    return scored[:MAX_CANDIDATES]
