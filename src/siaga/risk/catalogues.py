"""Catalogues in the database: seeded from siaga.core.catalogues, turned back into core objects to score."""

from django.db import transaction

from siaga.accounts.services import audit_record
from siaga.core import catalogues as published
from siaga.core.scoring import Catalogue, ClassRules
from siaga.core.scoring import Indicator as CoreIndicator
from siaga.risk.models import CatalogueVersion, Indicator, Target

# Which election's TPS each published TPS catalogue scores; the area set has none.
ELECTION_OF = {"BAWASLU_PEMILU_2024": "pemilu", "BAWASLU_PILKADA_2024": "pilkada", "INTELKAM_AREA": ""}
NAMES = {
    "BAWASLU_PEMILU_2024": "Pemetaan TPS rawan Bawaslu, Pemilu 2024",
    "BAWASLU_PILKADA_2024": "Pemetaan TPS rawan Bawaslu, Pilkada 2024",
    "INTELKAM_AREA": "Indeks kerawanan wilayah Intelkam (5 dimensi Baintelkam)",
}
_INDICATOR_FIELDS = ("position", "variable", "variable_name_id", "variable_name_en", "name_id", "name_en",
                     "weight", "kind", "saturation", "floor_class")


def _indicator_values(position, ind: CoreIndicator) -> dict:
    var_id, var_en = published.VARIABLES[ind.variable]
    return {"position": position, "variable": ind.variable, "variable_name_id": var_id, "variable_name_en": var_en,
            "name_id": ind.name_id, "name_en": ind.name_en, "weight": ind.weight, "kind": ind.kind,
            "saturation": ind.saturation, "floor_class": ind.floor_class}


@transaction.atomic
def catalogues_load(*, actor) -> dict:
    """Store the published catalogues; re-running changes nothing. A new catalogue is active
    unless another version of the same catalogue already is."""
    rules = published.DEFAULT_RULES
    counts = {"created": 0, "unchanged": 0}
    for code, cat in published.CATALOGUES.items():
        version = CatalogueVersion.objects.filter(code=code, version=cat.version).first()
        if version is not None:
            counts["unchanged"] += 1
            continue
        version = CatalogueVersion.objects.create(
            code=code, version=cat.version, target=cat.target, election=ELECTION_OF[code], name=NAMES[code],
            active=not CatalogueVersion.objects.filter(code=code, active=True).exists(),
            rawan_min=rules.rawan_min, sangat_rawan_min=rules.sangat_rawan_min,
            incident_raise_days=rules.incident_raise_days, incident_raise_by=rules.incident_raise_by)
        Indicator.objects.bulk_create(Indicator(catalogue=version, code=ind.code, **_indicator_values(i, ind))
                                      for i, ind in enumerate(cat.indicators))
        audit_record(actor=actor, action="risk.catalogue.load", obj_type="risk_catalogue", obj_id=str(version),
                     after={"code": code, "version": cat.version, "indicators": len(cat.indicators),
                            "active": version.active})
        counts["created"] += 1
    return counts


def indicator_state(ind: Indicator) -> dict:
    return {"code": ind.code, **{f: getattr(ind, f) for f in _INDICATOR_FIELDS}}


def catalogue_state(version: CatalogueVersion) -> dict:
    return {"code": version.code, "version": version.version, "active": version.active,
            "election": version.election, "rawan_min": version.rawan_min,
            "sangat_rawan_min": version.sangat_rawan_min, "incident_raise_days": version.incident_raise_days,
            "incident_raise_by": version.incident_raise_by}


def to_core(version: CatalogueVersion) -> tuple[Catalogue, ClassRules]:
    """The core catalogue (indicators in position order) and class rules of a stored version."""
    indicators = tuple(
        CoreIndicator(i.code, i.variable, i.name_id, i.name_en, i.weight, i.kind, i.saturation, i.floor_class)
        for i in version.indicators.order_by("position"))
    rules = ClassRules(version.rawan_min, version.sangat_rawan_min, version.incident_raise_days,
                       version.incident_raise_by)
    return Catalogue(version.code, version.version, version.target, indicators), rules


def active_tps_catalogues() -> dict[str, CatalogueVersion]:
    """election -> the active TPS catalogue version that scores its TPS."""
    rows = CatalogueVersion.objects.filter(active=True, target=Target.TPS).order_by("-created_at")
    found = {}
    for version in rows:
        found.setdefault(version.election, version)
    return found


def active_area_catalogue() -> CatalogueVersion | None:
    return CatalogueVersion.objects.filter(active=True, target=Target.AREA).order_by("-created_at").first()
