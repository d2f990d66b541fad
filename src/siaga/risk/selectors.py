"""Reads of the risk app. Every selector takes the viewer and applies their area and agency.

Agency rule (siaga.risk.sources): a viewer reads the observations of the sources their
agency may read; Intelkam findings are Polri's only. A stored score and its explanation
sum every source, so a viewer who may not read them all gets the explanation rebuilt from
the sources they read (``viewer_explanations``): the class stays, the score is withheld.

Election rule: Pemilu and Pilkada have TPS sets of their own, so every area figure and TPS list is of
one election. A reader not told which reads the default election (``default_election``).
"""

from collections import Counter, defaultdict

from django.db.models import Count, Max, Q
from django.http import Http404

from siaga.accounts.scope import area_q, code_q, level_q, narrower_area, readable_area
from siaga.core.siaga_index import INDEX_NAME, level_label
from siaga.regions.models import Election
from siaga.regions.selectors import (default_election, election_choices, election_or_default,  # noqa: F401 (risk's readers)
                                    region_get, tps_get_by_code)
from siaga.core.scoring import score_observations
from siaga.risk.catalogues import to_core
from siaga.risk.models import (AreaRisk, CatalogueVersion, ClassChange, IkpEdition, IkpKind, IkpScore, Indicator,
                                Observation, RiskIncident, TpsRisk)
from siaga.risk.sources import readable_sources, reads_every_source, source_q


def tps_for_code(*, viewer, code, election=None):
    """The TPS of a code in ``election``; without one, the default election's, else the other's (a code only
    in one election is found without naming it). 404 when none is in the viewer's area."""
    if election in Election.values:
        return tps_get_by_code(viewer=viewer, code=code, election=election)
    try:
        return tps_get_by_code(viewer=viewer, code=code, election=default_election())
    except Http404:
        return tps_get_by_code(viewer=viewer, code=code)


def tps_risk_get(*, viewer, code, election=None):
    """(TPS, its TpsRisk as the viewer may see it, or None) for a TPS inside the viewer's area; 404 otherwise.
    A code may name a TPS in each election: without ``election`` the default election's is read."""
    tps = tps_for_code(viewer=viewer, code=code, election=election)
    risk = TpsRisk.objects.filter(tps=tps).select_related("catalogue").first()
    return tps, (viewer_explanations(viewer, [risk])[0] if risk else None)


def _readable_values(viewer, tps_ids) -> dict[int, dict[str, float]]:
    """TPS id -> {indicator code: largest value} over the sources the viewer reads."""
    values: dict[int, dict[str, float]] = defaultdict(dict)
    tps_ids = sorted(set(tps_ids))
    for start in range(0, len(tps_ids), 5000):
        rows = (Observation.objects.filter(source_q(viewer), tps_id__in=tps_ids[start:start + 5000])
                .values("tps_id", "indicator__code").annotate(top=Max("value")).order_by()
                .values_list("tps_id", "indicator__code", "top"))
        for tps_id, code, top in rows:
            values[tps_id][code] = top
    return values


def viewer_explanations(viewer, risks):
    """The stored scores as the viewer may see them. For a viewer who reads every source: as stored.

    For others each TpsRisk (in memory, never saved) gets the points of the indicators observed
    by sources they read, only the minimum-class rules those indicators set, and no score (it
    sums findings they may not read); the class, incident and special-TPS reasons stay."""
    if reads_every_source(viewer):
        return risks
    values = _readable_values(viewer, [r.tps_id for r in risks])
    cores = {}
    for risk in risks:
        if risk.catalogue_id not in cores:
            catalogue = to_core(risk.catalogue)[0]
            cores[risk.catalogue_id] = catalogue, {i.code for i in catalogue.indicators}
        catalogue, codes = cores[risk.catalogue_id]
        known = {c: v for c, v in values.get(risk.tps_id, {}).items() if c in codes}
        _score, contributions, present = score_observations(known, catalogue)
        shown = {ind.code for ind in present}
        risk.contributions = [list(c) for c in contributions]
        readable = {c for c, v in values.get(risk.tps_id, {}).items() if v > 0}
        risk.reasons = [r for r in risk.reasons if not r.startswith("floor:") or r[6:] in shown]
        risk.reasons = [r for r in risk.reasons if not r.startswith("polri:") or r[6:] in readable]
        sources = set(readable_sources(viewer))
        if risk.provenance:
            risk.provenance = {**risk.provenance, "views": {}, "observations": [
                o for o in risk.provenance.get("observations", []) if o[1] in sources]}
        risk.score = None
        risk.restricted = True
    return risks


def viewer_reasons(viewer, changes):
    """Class changes with the minimum-class rules of indicators the viewer may not read left out."""
    if reads_every_source(viewer):
        return changes
    values = _readable_values(viewer, [c.tps_id for c in changes])
    for change in changes:
        shown = {code for code, value in values.get(change.tps_id, {}).items() if value > 0}
        change.reasons = [r for r in change.reasons if not r.startswith(("floor:", "polri:")) or r[6:] in shown]
    return changes


# The risk map's views of a TPS's class: Bawaslu's, the police's, and the combined class (engine/provenance).
VIEW_FIELDS = {"gabungan": "klass", "bawaslu": "bawaslu_klass", "polri": "polri_klass"}


def view_or_default(view) -> str:
    return view if view in VIEW_FIELDS else "gabungan"


def view_counts(*, viewer, area, election) -> dict[str, list[int]]:
    """TPS per class (kurang rawan .. khusus) in each view, for the area and election."""
    rows = tps_risk_list(viewer=viewer, area=area, election=election).order_by()
    out = {}
    for view, field in VIEW_FIELDS.items():
        counts = dict(rows.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))
        out[view] = [counts.get(k, 0) for k in range(4)]
    return out


def tps_risk_list(*, viewer, area=None, klass=None, indicator=None, election=None, view="gabungan"):
    """Scored TPS in the viewer's area, optionally one area, class (list of ints, in ``view``: VIEW_FIELDS) and
    indicator code, of one election (``election=None`` lists every election's: only for readers keyed by TPS
    id)."""
    area = narrower_area(viewer, area)
    rows = TpsRisk.objects.filter(level_q(viewer, prefix="tps__"))
    if area:
        rows = rows.filter(code_q_for_tps(area))
    if klass:
        rows = rows.filter(**{f"{VIEW_FIELDS[view_or_default(view)]}__in": klass})
    if election:
        rows = rows.filter(tps__election=election)
    if indicator:
        observed = Observation.objects.filter(source_q(viewer), indicator__code=indicator, value__gt=0)
        rows = rows.filter(tps__in=observed.values("tps_id"))
    return rows.select_related("tps", "tps__desa")


def code_q_for_tps(area: str) -> Q:
    return area_q(area, prefix="tps__")


def observation_list(*, viewer, tps=None, region=None):
    rows = Observation.objects.filter(source_q(viewer)).select_related("indicator", "author")
    if tps is not None:
        rows = rows.filter(level_q(viewer, prefix="tps__")).filter(tps=tps)
    else:
        rows = rows.filter(code_q(viewer, "region__code")).filter(region=region)
    return rows.order_by("indicator__position", "source")


def observations_raised(*, viewer, area, since, until):
    """Observations of TPS or regions inside `area` dated since..until (inclusive) that the viewer may read:
    the early-warning indicator 'observations raised' (intel)."""
    area = narrower_area(viewer, area)
    where = Q(tps__isnull=False) & area_q(area, prefix="tps__") if area else Q(tps__isnull=False)
    regional = Q(region__isnull=False) & ((Q(region__code=area) | Q(region__code__startswith=area + "."))
                                          if area else Q())
    return (Observation.objects.filter(source_q(viewer)).filter(where | regional)
            .filter(observed_on__gte=since, observed_on__lte=until).select_related("indicator"))


def incident_list(*, viewer, tps):
    return RiskIncident.objects.filter(level_q(viewer, prefix="tps__")).filter(tps=tps)


def class_history(*, viewer, tps, limit=50):
    return viewer_reasons(viewer, list(ClassChange.objects.filter(level_q(viewer, prefix="tps__")).filter(tps=tps)
                                       [:limit]))


def class_changes_since(*, viewer, when, area=None, election=None):
    """Which TPS changed class since ``when`` (for the deployment planner): newest first; of every election
    or one."""
    rows = ClassChange.objects.filter(level_q(viewer, prefix="tps__")).filter(at__gt=when)
    if election:
        rows = rows.filter(tps__election=election)
    area = narrower_area(viewer, area)
    if area:
        rows = rows.filter(code_q_for_tps(area))
    return rows.select_related("tps")


def area_risk_children(*, viewer, code, election=None):
    """(region, [AreaRisk of each child region in the viewer's area], of one election)."""
    region = region_get(viewer=viewer, code=code)
    rows = AreaRisk.objects.filter(region__parent=region, election=election_or_default(election)).filter(
        code_q(viewer, "region__code"))
    return region, rows.select_related("region")


def area_risk_level(*, viewer, level, area=None, election=None):
    """AreaRisk of every `level` region inside `area` (default: the viewer's area) in one election, for the
    choropleth."""
    area = narrower_area(viewer, area)
    rows = AreaRisk.objects.filter(level=level, election=election_or_default(election)).filter(
        code_q(viewer, "region__code"))
    if area:
        rows = rows.filter(Q(region__code=area) | Q(region__code__startswith=area + "."))
    return rows.order_by("region_id")


def area_risk_get(*, viewer, code, election=None):
    """(region, its AreaRisk in one election or None)."""
    region = region_get(viewer=viewer, code=code)
    return region, AreaRisk.objects.filter(region=region, election=election_or_default(election)).first()


def area_index_by_region(*, codes, election) -> dict[str, float]:
    """{region code: area index} of the given regions in one election (the plan's per-kab/kota index; the
    caller has already scoped the codes to the viewer)."""
    return dict(AreaRisk.objects.filter(region_id__in=list(codes), election=election)
                .values_list("region_id", "index"))


def indicators_active(*, viewer, target="tps"):
    return Indicator.objects.filter(catalogue__active=True, catalogue__target=target).select_related("catalogue")


def catalogue_list(*, viewer):
    return CatalogueVersion.objects.annotate(n_indicators=Count("indicators"))


def catalogues_list() -> list[dict]:
    """Every stored catalogue version with its variables, indicators and citations (public data: the
    catalogues are published criteria, not findings)."""
    out = []
    for version in CatalogueVersion.objects.order_by("code", "version").prefetch_related("indicators"):
        variables = {}
        for ind in version.indicators.all():
            var = variables.setdefault(ind.variable, {"code": ind.variable, "name_id": ind.variable_name_id,
                                                      "name_en": ind.variable_name_en, "indicators": []})
            var["indicators"].append({"code": ind.code, "key": ind.key, "name_id": ind.name_id,
                                      "name_en": ind.name_en, "kind": ind.kind, "weight": ind.weight,
                                      "saturation": ind.saturation, "floor_class": ind.floor_class,
                                      "citation": ind.citation})
        out.append({"code": version.code, "version": version.version, "name": version.name,
                    "authority": version.authority, "election": version.election, "target": version.target,
                    "active": version.active, "citation": version.citation, "note": version.note,
                    "rules": {"rawan_min": version.rawan_min, "sangat_rawan_min": version.sangat_rawan_min,
                              "incident_raise_days": version.incident_raise_days,
                              "incident_raise_by": version.incident_raise_by},
                    "variables": list(variables.values())})
    return out


def kabkota_summary(*, viewer, province, top=3, election=None):
    """Per kab/kota of one election: TPS per class and the indicators met most often (Bawaslu's published
    table)."""
    election = election_or_default(election)
    region, areas = area_risk_children(viewer=viewer, code=province, election=election)
    areas = list(areas.order_by("region_id"))
    counts = defaultdict(Counter)
    observed = (Observation.objects.filter(source_q(viewer), value__gt=0, tps__isnull=False, tps__election=election)
                .filter(level_q(viewer, prefix="tps__")).filter(code_q_for_tps(region.code))
                .values_list("tps__kabkota_code", "indicator__code", "indicator__name_id", "indicator__name_en")
                .annotate(n=Count("tps_id", distinct=True)))
    names = {}
    for kab, code, name_id, name_en, n in observed:
        counts[kab][code] += n
        names[code] = (name_id, name_en)
    return region, [(a, [(code, names[code], n) for code, n in counts[a.region_id].most_common(top)])
                    for a in areas]


def area_summary(*, viewer, area, election=None):
    """Labelled figures of an area's vulnerability in one election for reports (the planning app's situation
    table): of the asked area, or of the viewer's own part of it when that is narrower (a Polres reading the
    Polda's plan)."""
    code = readable_area(viewer, area)
    if not code:
        return None
    region, risk = area_risk_get(viewer=viewer, code=code, election=election)
    if risk is None:
        return None
    return {"Wilayah": f"{region.code} {region.name}", "TPS dinilai": risk.tps, "Kurang rawan": risk.kurang_rawan,
            "Rawan": risk.rawan, "Sangat rawan": risk.sangat_rawan, "Khusus": risk.khusus,
            INDEX_NAME["id"]: f"{risk.index:.2f} ({level_label(risk.siaga_level)})"}


def area_classes_worst_first(*, viewer, code, election=None):
    """(region, AreaRisk of each child region in the viewer's area), the most sangat rawan TPS first, then the
    most rawan, then the highest index: the commander's 'where is it worst' table and chart."""
    region, rows = area_risk_children(viewer=viewer, code=code, election=election)
    return region, sorted(rows, key=lambda a: (-a.sangat_rawan, -a.rawan, -a.index, a.region_id))


# ------------------------------------------------------------------ Bawaslu's IKP, as published


def ikp_editions(*, viewer):
    """Every stored IKP edition, newest first, with its number of area scores (published data: every reader)."""
    return IkpEdition.objects.annotate(n_scores=Count("scores")).prefetch_related("bands")


def ikp_edition_get(*, viewer, name):
    """The edition of that name (404 when none)."""
    edition = IkpEdition.objects.filter(name=name).first()
    if edition is None:
        raise Http404(name)
    return edition


def ikp_area_scores(*, viewer, code, edition=None, all_editions=False):
    """(region, [IkpScore]) of an area in the viewer's area: of the named edition, else every edition (newest
    first) when ``all_editions``, else the newest general edition that has it (a thematic one if none)."""
    region = region_get(viewer=viewer, code=code)
    rows = (IkpScore.objects.filter(region=region).select_related("edition")
            .prefetch_related("edition__bands").order_by("-edition__released_on", "edition__name"))
    if edition:
        rows = rows.filter(edition__name=edition)
    elif not all_editions:
        general = [s for s in rows if s.edition.kind == IkpKind.GENERAL]
        return region, (general or list(rows))[:1]
    return region, list(rows)


def ikp_by_region(*, codes, edition=None) -> dict:
    """{region code: IkpScore} of the newest general edition per region (or the named one); the caller has
    scoped the codes to the viewer (the plan's per-kab/kota table)."""
    rows = IkpScore.objects.filter(region_id__in=list(codes)).select_related("edition").order_by(
        "region_id", "-edition__released_on")
    rows = rows.filter(edition__name=edition) if edition else rows.filter(edition__kind=IkpKind.GENERAL)
    out = {}
    for row in rows:
        out.setdefault(row.region_id, row)
    return out
