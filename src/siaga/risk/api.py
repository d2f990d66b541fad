"""JSON API of the risk app (thin: parse, call a selector or service, shape).

Every read is of one election: ``?pemilihan=pemilu|pilkada`` (default: selectors.default_election)."""

import json
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from siaga.core.siaga_index import LEVEL_KEYS
from siaga.jobs.api import job_accepted
from siaga.readreplica import replica_reads
from siaga.regions.api import feature_collection
from siaga.regions.selectors import region_get, tps_get_by_code
from siaga.risk import exports, selectors, services
from siaga.risk.models import Indicator
from siaga.risk.presenters import ikp_score_view, lang, tps_explanation
from siaga.risk.sources import SourceNotAllowed

router = Router(tags=["risk"])


class ObservationIn(Schema):
    indicator: str
    tps: str | None = None
    region: str | None = None
    value: float
    source: str
    observed_on: date
    note: str = ""


class IncidentIn(Schema):
    tps: str
    election: str = ""
    at: datetime
    severity: int = 1
    kind: str = ""
    description: str = ""


class ChangeOut(Schema):
    tps: str
    election: str
    at: datetime
    old_class: int | None
    new_class: int
    cause: str
    reasons: list


@router.get("/tps/{code}", summary="Class, score and explanation of one TPS")
def tps_risk(request, code: str, pemilihan: str = ""):
    tps, risk = selectors.tps_risk_get(viewer=request.auth, code=code, election=pemilihan or None)
    return tps_explanation(tps, risk)


@router.get("/tps-points", url_name="risk_tps_points",
            summary="Scored TPS of an area as GeoJSON points, filterable by class and indicator")
@replica_reads
def tps_points(request, area: str, klass: str = "", indicator: str = "", pemilihan: str = "",
               pandangan: str = "gabungan"):
    """``pandangan``: whose class the points carry: bawaslu, polri or gabungan (combined; default)."""
    classes = [int(k) for k in klass.split(",") if k.strip().isdigit()] or None
    return feature_collection(json.dumps(f) for f in exports.tps_features(
        request.auth, area, classes, indicator or None, election=selectors.election_or_default(pemilihan),
        view=selectors.view_or_default(pandangan)))


@router.get("/areas/{code}", summary="Boundaries of an area's children with their index (choropleth)")
@replica_reads
def area_choropleth(request, code: str, pemilihan: str = ""):
    return feature_collection('{"type":"Feature","geometry":%s,"properties":%s}' % (g, json.dumps(props))
                              for _, g, props in exports.area_features(
                                  request.auth, code, selectors.election_or_default(pemilihan)))


@router.get("/area-classes/{level}", url_name="risk_area_classes",
            summary="Indeks Kerawanan Siaga, Tingkat Siaga and TPS per class of every kab/kota (2) or kecamatan (3) of "
                    "an area: the choropleth")
@replica_reads
def area_classes(request, level: int, area: str = "", pemilihan: str = ""):
    election = selectors.election_or_default(pemilihan)
    rows = selectors.area_risk_level(viewer=request.auth, level=level, area=area or None, election=election)
    return {"level": level, "pemilihan": election, "areas": {r.region_id: {
        "siaga_index": round(r.index, 2), "siaga_level": LEVEL_KEYS[r.siaga_level], "tps": r.tps, "kurang_rawan": r.kurang_rawan,
        "rawan": r.rawan, "sangat_rawan": r.sangat_rawan, "khusus": r.khusus} for r in rows}}


@router.get("/ikp/{code}", url_name="risk_ikp",
            summary="Bawaslu's IKP of an area as published (one edition, or every edition with all=true), beside "
                    "Siaga's own index with the strong-disagreement flag")
def ikp_area(request, code: str, edition: str = "", all: bool = False, pemilihan: str = ""):
    region, scores = selectors.ikp_area_scores(viewer=request.auth, code=code, edition=edition or None,
                                               all_editions=all)
    _region, siaga = selectors.area_risk_get(viewer=request.auth, code=region.code,
                                             election=selectors.election_or_default(pemilihan))
    return {"area": region.code, "editions": [ikp_score_view(s, siaga) for s in scores]}


@router.get("/ikp-editions", summary="Stored IKP editions (general and thematic) with their bands per level")
def ikp_editions(request):
    return [{"edition": e.name, "released_on": e.released_on, "kind": e.kind, "theme": e.theme, "source": e.source,
             "areas": e.n_scores, "bands": [{"level": b.level, "name": b.name, "lower": b.lower, "upper": b.upper}
                                            for b in e.bands.all()]}
            for e in selectors.ikp_editions(viewer=request.auth)]


def in_utc(moment: datetime) -> datetime:
    """PostgreSQL takes offsets up to 15:59 only, so a time is asked in UTC; one that falls off the calendar
    when converted (year 1 at +14:00) asks from the calendar's bound."""
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return (datetime.min if moment.year == datetime.min.year else datetime.max).replace(tzinfo=UTC)


@router.get("/changes", response=list[ChangeOut], summary="TPS whose class changed since a time")
def class_changes(request, since: datetime, area: str = "", pemilihan: str = ""):
    """Of every election unless ``pemilihan`` names one (a change is a TPS's, and a TPS is of one election)."""
    election = pemilihan if pemilihan in ("pemilu", "pilkada") else None
    rows = selectors.viewer_reasons(request.auth, list(
        selectors.class_changes_since(viewer=request.auth, when=in_utc(since), area=area or None,
                                      election=election)[:5000]))
    return [{"tps": c.tps.code, "election": c.tps.election, "at": c.at, "old_class": c.old_class, "new_class": c.new_class, "cause": c.cause,
             "reasons": c.reasons} for c in rows]


@router.post("/observations", summary="Enter or correct one observation")
def observation_upsert(request, body: ObservationIn):
    indicator = get_object_or_404(Indicator, code=body.indicator, catalogue__active=True)
    tps = tps_get_by_code(viewer=request.auth, code=body.tps, election=indicator.catalogue.election) if body.tps else None
    region = region_get(viewer=request.auth, code=body.region) if body.region else None
    try:
        obs = services.observation_upsert(actor=request.auth, indicator=indicator, tps=tps, region=region,
                                          value=body.value, source=body.source, observed_on=body.observed_on,
                                          note=body.note)
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages))
    except SourceNotAllowed as exc:
        raise HttpError(403, str(exc))
    return {"id": obs.pk, **services.observation_state(obs)}


@router.post("/observations/import", summary="Import an observation file (CSV/XLSX) as a background job: "
             "202 with the job; all rows or none, outcome at /api/jobs/{id}")
def observation_import(request, file: File[UploadedFile]):
    return job_accepted(actor=request.auth, kind="risk.observations", upload=file, lang=lang())


@router.post("/incidents", summary="Record an incident at a TPS (re-scores it)")
def incident_record(request, body: IncidentIn):
    tps = selectors.tps_for_code(viewer=request.auth, code=body.tps, election=body.election or None)
    incident = services.incident_recorded(actor=request.auth, tps=tps, at=body.at, severity=body.severity,
                                          kind=body.kind, description=body.description)
    return {"id": incident.pk, **tps_explanation(*selectors.tps_risk_get(viewer=request.auth, code=tps.code,
                                                                         election=tps.election))}
