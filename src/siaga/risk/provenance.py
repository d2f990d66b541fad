"""Which catalogue(s) and which observations decided a TPS's class.

Each TPS has a Bawaslu view (the active Bawaslu catalogue of its election) and, where a Polri catalogue is
active, a Polri view; the combined class is ``siaga.core.catalogues.combined_class`` of the two. The views
whose class equals the combined class decided it, and their observations with points (source, date,
indicator, value) are its provenance. The full re-score and the one-TPS re-score both build the stored
fields here, from the same inputs, so they store the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from siaga.core.catalogues import COMBINED_RULE, combined_class

VIEWS = ("bawaslu", "polri")


@dataclass(frozen=True)
class View:
    catalogue: str  # "CODE VERSION"
    score: float
    klass: int
    contributions: list  # [[indicator code, points], ...] largest first
    reasons: list  # ["floor:CODE", "incident", "special"]


def combine(bawaslu: View, polri: View | None, observations: list) -> dict:
    """The TpsRisk fields of one TPS: klass, bawaslu_klass, polri_klass, reasons, provenance.

    ``observations``: the TPS's observations of both catalogues as
    [indicator code, source, date (ISO), value]."""
    views = {"bawaslu": bawaslu, "polri": polri}
    klass = combined_class(bawaslu.klass, None if polri is None else polri.klass)
    decided = [name for name in VIEWS if views[name] is not None and views[name].klass == klass]
    counted = {code for name in decided for code, _points in views[name].contributions}
    reasons = list(bawaslu.reasons) if "bawaslu" in decided else []
    if "polri" in decided and klass > 0:
        reasons += [f"polri:{code}" for code, _points in polri.contributions]
        reasons += [r for r in polri.reasons if r not in reasons]
    return {
        "klass": klass, "bawaslu_klass": bawaslu.klass, "polri_klass": None if polri is None else polri.klass,
        "reasons": reasons,
        "provenance": {
            "rule": COMBINED_RULE, "decided_by": [views[name].catalogue for name in decided],
            "views": {name: {"catalogue": v.catalogue, "class": v.klass, "score": round(v.score, 4),
                             "reasons": list(v.reasons)} for name, v in views.items() if v is not None},
            "observations": sorted(([code, source, when, value] for code, source, when, value in observations
                                    if code in counted), key=lambda o: (o[0], o[1], o[2])),
        },
    }
