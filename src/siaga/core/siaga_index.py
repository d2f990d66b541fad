"""Siaga's own area index and its own level scale, kept apart from Bawaslu's IKP. Pure Python.

Indeks Kerawanan Siaga (0-100) of an area = (0.4 x mean TPS score + 0.3 x share of TPS rawan or worse x 100
+ 0.3 x Intelkam area score) / (sum of the weights of the parts present) -- ``scoring.area_index_from_parts``.
It is Siaga's formula, not Bawaslu's IKP, so it has a scale of its own (never IKP's rendah/sedang/tinggi):

- Siaga 1 (pantau):   index below 10   -- fewer than about one TPS in five rawan, no heavy findings;
- Siaga 2 (waspada):  10 up to 30      -- about one TPS in five rawan or Intelkam findings in the area;
- Siaga 3 (atensi):   30 and above     -- about two TPS in three rawan, or strong Intelkam findings.

A threshold value belongs to the level above. The numbers count upwards (3 is the most vulnerable) and are
not Polri's alert status "Siaga I/II/III".

Bawaslu's IKP is data as published: an edition's bands per level are (name, lower, upper) as printed, and a
score whose band the file does not give is read from them (``ikp_band``); nothing here recomputes a score.
A strong disagreement between the two for one area is two steps apart on their 3-step scales: IKP
"tinggi" while Siaga is at level 1, or IKP "rendah" while Siaga is at level 3.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from siaga.core.scoring import Bands, band

FORMULA = {
    "id": "Indeks Kerawanan Siaga = (0,4 × rerata skor TPS + 0,3 × persentase TPS rawan atau lebih + "
          "0,3 × skor wilayah Intelkam) ÷ jumlah bobot bagian yang ada; skala 0-100. Tingkat Siaga 1 di bawah 10, "
          "Tingkat Siaga 2 dari 10, Tingkat Siaga 3 dari 30. Bukan IKP Bawaslu.",
    "en": "Siaga Vulnerability Index = (0.4 × mean TPS score + 0.3 × percentage of TPS rawan or worse + "
          "0.3 × Intelkam area score) ÷ the sum of the weights of the parts present; scale 0-100. Siaga level 1 "
          "below 10, level 2 from 10, level 3 from 30. Not Bawaslu's IKP.",
}
INDEX_NAME = {"id": "Indeks Kerawanan Siaga", "en": "Siaga Vulnerability Index"}
SIAGA_THRESHOLDS = Bands(high_min=30.0, medium_min=10.0)
LEVEL_KEYS = ("siaga_1", "siaga_2", "siaga_3")  # stored as 0, 1, 2
LEVEL_LABELS = {"id": ("Tingkat Siaga 1 (pantau)", "Tingkat Siaga 2 (waspada)", "Tingkat Siaga 3 (atensi)"),
                "en": ("Siaga level 1 (watch)", "Siaga level 2 (alert)", "Siaga level 3 (attention)")}
IKP_BAND_NAMES = ("rendah", "sedang", "tinggi")  # Bawaslu's, in rising order


def siaga_level(index: float | np.ndarray) -> int | np.ndarray:
    """0, 1, 2 for Tingkat Siaga 1, 2, 3."""
    return band(index, SIAGA_THRESHOLDS)


def level_label(level: int, lang: str = "id") -> str:
    return LEVEL_LABELS["en" if lang == "en" else "id"][level]


def bands_overlap(bands: Iterable[tuple[str, float, float]]) -> tuple[str, str] | None:
    """The first two bands of one level whose ranges overlap (touching ends do not), else None."""
    ordered = sorted(bands, key=lambda b: (b[1], b[2]))
    for (name_a, _lo_a, hi_a), (name_b, lo_b, _hi_b) in zip(ordered, ordered[1:]):
        if lo_b < hi_a:
            return name_a, name_b
    return None


def ikp_band(score: float, bands: Iterable[tuple[str, float, float]]) -> str | None:
    """The published band holding ``score``: lower <= score <= upper; on a shared end (68,5 closes sedang and
    opens tinggi) the higher band, as Bawaslu reads "68,5-100" as tinggi. None when it falls in no band."""
    holding = [(lo, name) for name, lo, hi in bands if lo <= score <= hi]
    return max(holding)[1] if holding else None


def strong_disagreement(ikp_band_name: str | None, level: int | None) -> bool:
    """IKP tinggi against Tingkat Siaga 1, or IKP rendah against Tingkat Siaga 3."""
    if ikp_band_name not in IKP_BAND_NAMES or level is None:
        return False
    return abs(IKP_BAND_NAMES.index(ikp_band_name) - int(level)) >= 2
