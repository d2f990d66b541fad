"""Catalogues in the database: seeded from siaga.core.catalogues, turned back into core objects to score."""

from django.db import transaction

from siaga.accounts.services import audit_record
from siaga.core import catalogues as published
from siaga.core.scoring import Catalogue, ClassRules
from siaga.core.scoring import Indicator as CoreIndicator
from siaga.risk.models import CatalogueVersion, Indicator, Observation, Target

NAMES = {
    "BAWASLU_PEMILU_2024": "Pemetaan kerawanan TPS Bawaslu, Pemilu 2024",
    "BAWASLU_PILKADA_2024": "Pemetaan potensi TPS rawan Bawaslu, Pilkada 2024",
    "POLRI_PEMILU_2024": "Kriteria TPS rawan Polri, Pemilu 2024",
    "POLRI_PILKADA_2024": "Kriteria TPS rawan Polri, Pilkada 2024",
    "INTELKAM_AREA": "Indeks kerawanan wilayah Intelkam (5 dimensi Baintelkam)",
}
ELECTION_OF = {code: meta[1] for code, meta in published.META.items()}
_INDICATOR_FIELDS = ("position", "key", "variable", "variable_name_id", "variable_name_en", "name_id", "name_en",
                     "weight", "kind", "saturation", "floor_class", "citation")


def release_citation(key: str) -> str:
    title, issuer, when, _note = published.RELEASES[key]
    return f"{issuer}, {title}, {when}"


def _indicator_values(position, ind: CoreIndicator, citation: str) -> dict:
    var_id, var_en = published.VARIABLES[ind.variable]
    return {"position": position, "key": published.KEYS.get(ind.code, ""), "variable": ind.variable,
            "variable_name_id": var_id, "variable_name_en": var_en, "name_id": ind.name_id, "name_en": ind.name_en,
            "weight": ind.weight, "kind": ind.kind, "saturation": ind.saturation, "floor_class": ind.floor_class,
            "citation": citation}


@transaction.atomic
def catalogues_load(*, actor) -> dict:
    """Store the published catalogues; re-running changes nothing. A new catalogue is active unless another
    version of the same catalogue already is; a new version that supersedes the active one (siaga.core.catalogues.
    SUPERSEDED) takes its place and its observations move to the new indicators (``_migrate``)."""
    counts = {"created": 0, "unchanged": 0, "migrated": 0, "not_migrated": 0}
    for code, cat in published.CATALOGUES.items():
        version = CatalogueVersion.objects.filter(code=code, version=cat.version).first()
        if version is not None:
            counts["unchanged"] += 1
            continue
        authority, election, release, rules = published.META[code]
        citation = release_citation(release)
        previous = CatalogueVersion.objects.filter(code=code, active=True).first()
        upgrade = previous is not None and (code, previous.version) in published.SUPERSEDED
        version = CatalogueVersion.objects.create(
            code=code, version=cat.version, target=cat.target, election=election, name=NAMES[code],
            authority=authority, citation=citation, note=published.RELEASES[release][3],
            active=previous is None or upgrade,
            rawan_min=rules.rawan_min, sangat_rawan_min=rules.sangat_rawan_min,
            incident_raise_days=rules.incident_raise_days, incident_raise_by=rules.incident_raise_by)
        Indicator.objects.bulk_create(Indicator(catalogue=version, code=ind.code, **_indicator_values(i, ind, citation))
                                      for i, ind in enumerate(cat.indicators))
        moved = _migrate(previous, version) if upgrade else {}
        audit_record(actor=actor, action="risk.catalogue.load", obj_type="risk_catalogue", obj_id=str(version),
                     after={"code": code, "version": cat.version, "indicators": len(cat.indicators),
                            "active": version.active, **({"replaces": str(previous), **moved} if upgrade else {})})
        counts["created"] += 1
        counts["migrated"] += moved.get("migrated", 0)
        counts["not_migrated"] += moved.get("not_migrated", 0)
    return counts


def _migrate(previous: CatalogueVersion, version: CatalogueVersion) -> dict:
    """Move the observations of a superseded version to the new version's indicator of the same key (several
    old indicators merged into one keep the largest value per TPS/area and source); an old indicator with no
    counterpart keeps its observations on the old, now inactive, version. The new version becomes active."""
    mapping = published.SUPERSEDED[(previous.code, previous.version)]
    new_of_key = {i.key: i for i in version.indicators.all()}
    kept: dict[tuple, Observation] = {}
    moved = not_moved = 0
    for obs in Observation.objects.filter(indicator__catalogue=previous).select_related("indicator").order_by("pk"):
        target = new_of_key.get(mapping.get(obs.indicator.code) or "")
        if target is None:
            not_moved += 1
            continue
        moved += 1
        slot = (target.pk, obs.tps_id, obs.region_id, obs.source)
        if slot in kept:
            if obs.value > kept[slot].value:
                kept[slot].value, kept[slot].observed_on = obs.value, obs.observed_on
                kept[slot].save(update_fields=["value", "observed_on"])
            obs.delete()
            continue
        obs.indicator = target
        obs.save(update_fields=["indicator"])
        kept[slot] = obs
    previous.active = False
    previous.save(update_fields=["active"])
    return {"migrated": moved, "not_migrated": not_moved}


def indicator_state(ind: Indicator) -> dict:
    return {"code": ind.code, **{f: getattr(ind, f) for f in _INDICATOR_FIELDS}}


def catalogue_state(version: CatalogueVersion) -> dict:
    return {"code": version.code, "version": version.version, "active": version.active,
            "authority": version.authority, "citation": version.citation,
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


def active_tps_catalogues(authority: str = "bawaslu") -> dict[str, CatalogueVersion]:
    """election -> the active TPS catalogue version of ``authority`` that scores its TPS."""
    rows = CatalogueVersion.objects.filter(active=True, target=Target.TPS, authority=authority).order_by(
        "-created_at")
    found = {}
    for version in rows:
        found.setdefault(version.election, version)
    return found


def active_area_catalogue() -> CatalogueVersion | None:
    return CatalogueVersion.objects.filter(active=True, target=Target.AREA).order_by("-created_at").first()
