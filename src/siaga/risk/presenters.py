"""Plain-data views of scores: the explanation of one TPS, class labels, reason texts."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from siaga.core.scoring import CLASS_LABELS, CLASS_NAMES
from siaga.risk.models import Indicator


def lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def class_label(klass: int) -> str:
    return CLASS_LABELS[lang()][klass]


def indicator_names(codes) -> dict[str, str]:
    field = "name_en" if lang() == "en" else "name_id"
    return dict(Indicator.objects.filter(code__in=set(codes), catalogue__active=True).values_list("code", field))


def reason_text(reason: str, names: dict[str, str], catalogue=None) -> str:
    if reason.startswith("floor:"):
        code = reason.split(":", 1)[1]
        return _("%(name)s (%(code)s) sets a minimum class") % {"name": names.get(code, code), "code": code}
    if reason.startswith("polri:"):
        code = reason.split(":", 1)[1]
        return _("Polri criterion: %(name)s (%(code)s)") % {"name": names.get(code, code), "code": code}
    if reason == "incident":
        days = catalogue.incident_raise_days if catalogue else "?"
        return _("An incident in the last %(days)s days raised the class") % {"days": days}
    if reason == "special":
        return _("Special TPS (TPS khusus): always khusus")
    return reason


def tps_explanation(tps, risk) -> dict:
    """Class, score, contributing indicators and reasons of one TPS (None fields when not scored)."""
    if risk is None:
        return {"tps": tps.code, "election": tps.election, "name": tps.name, "class": None, "class_label": None, "score": None,
                "contributions": [], "reasons": [], "catalogue": None, "computed_at": None, "views": {},
                "provenance": None}
    provenance = risk.provenance or {}
    names = indicator_names([c[0] for c in risk.contributions] + [r.split(":", 1)[1] for r in risk.reasons if ":" in r]
                            + [o[0] for o in provenance.get("observations", [])])
    return {
        "tps": tps.code, "election": tps.election, "name": tps.name, "class": CLASS_NAMES[risk.klass], "class_label": class_label(risk.klass),
        "score": None if risk.score is None else round(risk.score, 2),
        "contributions": [{"indicator": code, "name": names.get(code, code), "points": round(points, 4)}
                          for code, points in risk.contributions],
        "reasons": [reason_text(r, names, risk.catalogue) for r in risk.reasons],
        "catalogue": str(risk.catalogue), "computed_at": risk.computed_at.isoformat(),
        "views": {"bawaslu": _view_class(risk.bawaslu_klass), "polri": _view_class(risk.polri_klass),
                  "gabungan": _view_class(risk.klass)},
        "provenance": {
            "rule": provenance.get("rule"), "decided_by": provenance.get("decided_by", []),
            "views": provenance.get("views", {}),
            "observations": [{"indicator": code, "name": names.get(code, code), "source": source, "date": when,
                              "value": value} for code, source, when, value in provenance.get("observations", [])],
        },
    }


def ikp_score_view(score, siaga=None, language: str | None = None) -> dict:
    """One area's IKP in one edition exactly as stored from the publication, beside Siaga's own index of the area
    (``siaga``: its AreaRisk or None) and whether the two disagree strongly (core.siaga_index)."""
    from siaga.core.siaga_index import LEVEL_KEYS, level_label, strong_disagreement

    language = language or lang()
    edition = score.edition
    bands = [{"name": b.name, "lower": b.lower, "upper": b.upper} for b in edition.bands.all()
             if b.level == score.level]
    out = {
        "edition": edition.name, "released_on": edition.released_on.isoformat(), "kind": edition.kind,
        "theme": edition.theme, "source": edition.source, "area": score.region_id,
        "area_name": score.region.name, "level": "provinsi" if score.level == 1 else "kabkota",
        "score": score.score, "band": score.band, "band_published": score.band_published, "bands": bands,
        "dimensions": score.dimensions,
        "siaga_index": None if siaga is None else round(siaga.index, 2),
        "siaga_level": None if siaga is None else LEVEL_KEYS[siaga.siaga_level],
        "siaga_level_label": None if siaga is None else level_label(siaga.siaga_level, language),
        "disagreement": bool(siaga is not None and strong_disagreement(score.band, siaga.siaga_level)),
    }
    if out["disagreement"]:
        out["disagreement_note"] = (
            f"IKP Bawaslu '{score.band}' ({edition.name}) and {out['siaga_level_label']} are two steps apart: "
            "check the findings behind both before relying on either." if language == "en" else
            f"IKP Bawaslu '{score.band}' ({edition.name}) dan {out['siaga_level_label']} berbeda dua tingkat: "
            "periksa temuan di balik keduanya sebelum memakai salah satunya.")
    return out
def _view_class(klass) -> dict | None:
    return None if klass is None else {"class": CLASS_NAMES[klass], "class_label": class_label(klass)}
