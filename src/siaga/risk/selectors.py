"""Reads of the risk app. Every selector takes the viewer and applies their area and agency.

Agency rule: Intelkam findings are police intelligence, so observations from
source ``intelkam`` are shown to Polri users only (and to agency-less system
accounts); partners see the resulting classes and indices, not the findings.
"""

from collections import Counter, defaultdict

from django.db.models import Count, Q

from siaga.accounts.models import AgencyKind
from siaga.accounts.scope import area_q, code_q, level_q, narrower_area, readable_area
from siaga.core.scoring import BAND_LABELS
from siaga.regions.selectors import region_get, tps_get_by_code
from siaga.risk.models import AreaRisk, CatalogueVersion, ClassChange, Indicator, Observation, RiskIncident, Source, TpsRisk


def sees_intelligence(viewer) -> bool:
    return viewer.agency_id is None or viewer.agency.kind == AgencyKind.POLRI


def _source_q(viewer) -> Q:
    return Q() if sees_intelligence(viewer) else ~Q(source=Source.INTELKAM)


def tps_risk_get(*, viewer, code, election=None):
    """(TPS, its TpsRisk or None) for a TPS inside the viewer's area; 404 otherwise."""
    tps = tps_get_by_code(viewer=viewer, code=code, election=election)
    return tps, TpsRisk.objects.filter(tps=tps).select_related("catalogue").first()


def tps_risk_list(*, viewer, area=None, klass=None, indicator=None, election=None):
    """Scored TPS in the viewer's area, optionally one area, class (list of ints) and indicator code."""
    area = narrower_area(viewer, area)
    rows = TpsRisk.objects.filter(level_q(viewer, prefix="tps__"))
    if area:
        rows = rows.filter(code_q_for_tps(area))
    if klass:
        rows = rows.filter(klass__in=klass)
    if election:
        rows = rows.filter(tps__election=election)
    if indicator:
        observed = Observation.objects.filter(_source_q(viewer), indicator__code=indicator, value__gt=0)
        rows = rows.filter(tps__in=observed.values("tps_id"))
    return rows.select_related("tps", "tps__desa")


def code_q_for_tps(area: str) -> Q:
    return area_q(area, prefix="tps__")


def observation_list(*, viewer, tps=None, region=None):
    rows = Observation.objects.filter(_source_q(viewer)).select_related("indicator", "author")
    if tps is not None:
        rows = rows.filter(level_q(viewer, prefix="tps__")).filter(tps=tps)
    else:
        rows = rows.filter(code_q(viewer, "region__code")).filter(region=region)
    return rows.order_by("indicator__position", "source")


def incident_list(*, viewer, tps):
    return RiskIncident.objects.filter(level_q(viewer, prefix="tps__")).filter(tps=tps)


def class_history(*, viewer, tps):
    return ClassChange.objects.filter(level_q(viewer, prefix="tps__")).filter(tps=tps)


def class_changes_since(*, viewer, when, area=None):
    """Which TPS changed class since ``when`` (for the deployment planner): newest first."""
    rows = ClassChange.objects.filter(level_q(viewer, prefix="tps__")).filter(at__gt=when)
    area = narrower_area(viewer, area)
    if area:
        rows = rows.filter(code_q_for_tps(area))
    return rows.select_related("tps")


def area_risk_children(*, viewer, code):
    """(region, [AreaRisk of each child region in the viewer's area])."""
    region = region_get(viewer=viewer, code=code)
    rows = AreaRisk.objects.filter(region__parent=region).filter(code_q(viewer, "region__code"))
    return region, rows.select_related("region")


def area_risk_get(*, viewer, code):
    region = region_get(viewer=viewer, code=code)
    return region, AreaRisk.objects.filter(region=region).first()


def indicators_active(*, viewer, target="tps"):
    return Indicator.objects.filter(catalogue__active=True, catalogue__target=target).select_related("catalogue")


def catalogue_list(*, viewer):
    return CatalogueVersion.objects.annotate(n_indicators=Count("indicators"))


def kabkota_summary(*, viewer, province, top=3):
    """Per kab/kota: TPS per class and the indicators met most often (Bawaslu's published table)."""
    region, areas = area_risk_children(viewer=viewer, code=province)
    areas = list(areas.order_by("region_id"))
    counts = defaultdict(Counter)
    observed = (Observation.objects.filter(_source_q(viewer), value__gt=0, tps__isnull=False)
                .filter(level_q(viewer, prefix="tps__")).filter(code_q_for_tps(region.code))
                .values_list("tps__kabkota_code", "indicator__code", "indicator__name_id", "indicator__name_en")
                .annotate(n=Count("tps_id", distinct=True)))
    names = {}
    for kab, code, name_id, name_en, n in observed:
        counts[kab][code] += n
        names[code] = (name_id, name_en)
    return region, [(a, [(code, names[code], n) for code, n in counts[a.region_id].most_common(top)])
                    for a in areas]


def area_summary(*, viewer, area):
    """Labelled figures of an area's vulnerability for reports (the planning app's situation table): of the
    asked area, or of the viewer's own part of it when that is narrower (a Polres reading the Polda's plan)."""
    code = readable_area(viewer, area)
    if not code:
        return None
    region, risk = area_risk_get(viewer=viewer, code=code)
    if risk is None:
        return None
    return {"Wilayah": f"{region.code} {region.name}", "TPS dinilai": risk.tps, "Kurang rawan": risk.kurang_rawan,
            "Rawan": risk.rawan, "Sangat rawan": risk.sangat_rawan, "Khusus": risk.khusus,
            "Indeks kerawanan wilayah": f"{risk.index:.2f} ({BAND_LABELS['id'][risk.band]})"}
