"""Writes of the risk app: observations, incidents, scoring. One transaction each, every change audited.

``incident_recorded`` is the entry point for the voting-day app: call it when an
incident at a TPS is confirmed. It stores a RiskIncident (ignored when the same
``external_ref`` was already recorded), re-scores that TPS and its areas, and the
class change, if any, shows in ``selectors.class_changes_since``.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from siaga.accounts.models import Role
from siaga.accounts.scope import require_area
from siaga.accounts.services import audit_record
from siaga.core.scoring import CLASS_NAMES
from siaga.risk import engine
from siaga.risk.models import Observation, RiskIncident, Source
from siaga.risk.selectors import default_election
from siaga.risk.sources import MESSAGES, SourceNotAllowed, source_problem
from siaga.risk.sources import value_problem  # noqa: F401 (the importers read it here)

# Who may enter observations and incidents inside their area (partners only read).
EDITOR_ROLES = {Role.ADMIN, Role.OPERATOR, Role.ANALYST}


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def can_edit(user) -> bool:
    return user.is_authenticated and user.role in EDITOR_ROLES


def require_editor(user, area_code: str) -> None:
    if not can_edit(user):
        raise PermissionDenied(_("Your role may not change vulnerability data."))
    require_area(user, area_code)


def observation_state(obs: Observation) -> dict:
    return {"indicator": obs.indicator.code, "tps": obs.tps.code if obs.tps_id else None,
            "region": obs.region_id, "value": obs.value, "source": obs.source,
            "observed_on": obs.observed_on.isoformat(), "note": obs.note}


def _target_area(tps, region) -> str:
    return tps.desa_id if tps is not None else region.code


@transaction.atomic
def observation_upsert(*, actor, indicator, value: float, source: str, observed_on: date, tps=None, region=None,
                       note: str = "") -> Observation:
    """Enter or correct the value of one indicator for a TPS or an area; re-scores what it affects."""
    if (tps is None) == (region is None) or (indicator.catalogue.target == "tps") != (tps is not None):
        raise ValidationError(_("Indicator %(code)s does not apply to this target.") % {"code": indicator.code})
    require_editor(actor, _target_area(tps, region))
    if source not in Source.values:
        raise ValidationError(_("Unknown source %(source)s.") % {"source": source})
    texts = MESSAGES[_lang()]
    if (refused := source_problem(actor, source)) is not None:
        raise SourceNotAllowed(texts["source_not_allowed"].format(value=source, **refused))
    if problem := value_problem(indicator.kind, value):
        raise ValidationError(f"{indicator.code}: " + texts[problem].format(value=f"{value:g}"))
    obs = Observation.objects.select_for_update(of=("self",)).filter(indicator=indicator, tps=tps, region=region,
                                                         source=source).first()
    before = observation_state(obs) if obs else None
    if obs is None:
        obs = Observation(indicator=indicator, tps=tps, region=region, source=source)
    obs.value, obs.observed_on, obs.note, obs.author = float(value), observed_on, note, actor
    after = observation_state(obs)
    if before == after:
        return obs
    obs.save()
    audit_record(actor=actor, action="risk.observation.correct" if before else "risk.observation.create",
                 obj_type="risk_observation", obj_id=obs.pk, area_code=_target_area(tps, region),
                 before=before, after=after)
    _rescore(tps, region, cause="observation")
    return obs


def _rescore(tps, region, *, cause):
    if tps is not None:
        engine.rescore_tps(tps, cause=cause)
    else:
        engine.refresh_areas([region.code])


@transaction.atomic
def incident_recorded(*, actor, tps, at: datetime | None = None, severity: int = 1, kind: str = "",
                      description: str = "", external_ref: str | None = None, occurred_at: datetime | None = None,
                      category: str = "", source: str | None = None) -> RiskIncident:
    """Record an incident at a TPS and re-score it (its class is raised for the catalogue's window).

    Called by the voting-day app when an incident is confirmed. ``external_ref``
    identifies the report there, so recording it twice changes nothing.
    ``occurred_at``, ``category`` and ``source`` are accepted as other names of
    ``at``, ``kind`` and ``external_ref``, as the operations app calls them.
    """
    at, kind, external_ref = at or occurred_at, kind or category, external_ref or source
    if at is None:
        raise ValidationError(_("An incident needs the time it happened."))
    require_editor(actor, tps.desa_id)
    if external_ref:
        existing = RiskIncident.objects.filter(external_ref=external_ref).first()
        if existing is not None:
            return existing
    incident = RiskIncident.objects.create(tps=tps, at=at, severity=severity, kind=str(kind)[:60],
                                           description=description[:1000], external_ref=external_ref or None,
                                           reporter=actor)
    audit_record(actor=actor, action="risk.incident.record", obj_type="tps", obj_id=tps.code, area_code=tps.desa_id,
                 after={"at": at.isoformat(), "severity": severity, "kind": str(kind), "description": description,
                        "external_ref": external_ref})
    engine.rescore_tps(tps, cause="incident")
    return incident


def _with_siaga_index(province_code: str, by_election: dict) -> None:
    """Put the province's Indeks Kerawanan Siaga and Tingkat Siaga (Siaga's own scale, never Bawaslu's IKP bands)
    on each election's figures."""
    from siaga.core.siaga_index import LEVEL_KEYS
    from siaga.risk.models import AreaRisk

    for name, index, level in AreaRisk.objects.filter(region_id=province_code, election__in=list(by_election)
                                                      ).values_list("election", "index", "siaga_level"):
        by_election[name].update(siaga_index=round(index, 2), siaga_level=LEVEL_KEYS[level])


def risk_score(*, actor, province_code: str, on: date | None = None, election: str | None = None) -> dict:
    """Score every TPS and area of a province, of every election or only ``election``; audited as one entry.

    Returns the figures of each election scored under ``by_election`` and, at the top level, those of one
    election named by ``election``: the one asked for, else the default election (selectors.default_election)."""
    require_editor(actor, province_code)
    with transaction.atomic():
        by_election = engine.score_province(province_code=province_code, on=on, election=election)
        _with_siaga_index(province_code, by_election)
        shown = election or default_election()
        empty = {"tps": 0, "by_class": {name: 0 for name in CLASS_NAMES}, "class_changes": 0, "siaga_index": None,
                 "siaga_level": None}
        result = {"election": shown, **by_election.get(shown, empty), "by_election": by_election}
        audit_record(actor=actor, action="risk.score", obj_type="region", obj_id=province_code,
                     area_code=province_code, after=result)
    return result
