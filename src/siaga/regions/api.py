"""JSON API for regions and TPS (thin: parse, call a selector, shape)."""

import json

from django.http import Http404, HttpResponse
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from siaga.readreplica import replica_reads
from siaga.regions import outlines, selectors

router = Router(tags=["regions"])


class BoundedPagination(LimitOffsetPagination):
    """Pages of at most 1,000 rows from an offset the database can hold (a huge one is a 422, not a 500)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=2**31 - 1)

    def __init__(self, **kwargs):
        super().__init__(max_limit=1000, **kwargs)


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent_id: str | None
    lat: float | None
    lng: float | None
    has_geometry: bool


class TpsOut(Schema):
    id: int
    code: str
    election: str
    desa_id: str
    number: int
    name: str
    address: str
    voters: int
    voters_male: int | None
    voters_female: int | None
    special: bool
    lat: float | None
    lng: float | None
    access: str


@router.get("/regions", response=list[RegionOut])
def regions_top(request):
    return list(selectors.region_roots(viewer=request.auth))


@router.get("/regions/{code}", response=RegionOut)
def region_detail(request, code: str):
    return selectors.region_get(viewer=request.auth, code=code)


@router.get("/regions/{code}/children", response=list[RegionOut])
def region_children(request, code: str):
    region = selectors.region_get(viewer=request.auth, code=code)
    return list(selectors.region_children(viewer=request.auth, region=region))


def feature_collection(features) -> HttpResponse:
    """Return pre-serialised GeoJSON without parsing it back into Python objects."""
    body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    return HttpResponse(body, content_type="application/geo+json")


@router.get("/regions/{code}/boundaries", summary="Boundaries of a region's children as GeoJSON")
@replica_reads
def region_boundaries(request, code: str):
    region = selectors.region_get(viewer=request.auth, code=code)
    children = selectors.region_geometries(viewer=request.auth, parent=region)
    if not children:  # a desa: draw itself
        children = [(r, g) for r, g in selectors.region_geometries(viewer=request.auth, level=region.level)
                    if r.code == region.code]
    return feature_collection(
        '{"type":"Feature","geometry":%s,"properties":%s}'
        % (geojson, json.dumps({"kode": r.code, "nama": r.name, "level": r.level}))
        for r, geojson in children
    )


@router.get("/region-outlines/{level}", url_name="region_outlines",
            summary="Simplified boundaries of one level (2 kab/kota, 3 kecamatan) inside an area, for the maps")
@replica_reads
def region_outlines(request, level: int, area: str = ""):
    if level not in outlines.TOLERANCE:
        raise Http404(level)
    body, etag = outlines.outlines(viewer=request.auth, level=level, area=area or None)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    # Private: the outlines are the viewer's area; revalidated with the ETag after an hour.
    response["Cache-Control"] = f"private, max-age={outlines.CACHE_SECONDS}"
    return response


@router.get("/tps", response=list[TpsOut])
@paginate(BoundedPagination)
def tps_list(request, area: str = "", q: str = "", election: str = "", special: bool | None = None,
             access: str = ""):
    return selectors.tps_list(viewer=request.auth, area=area or None, search=q, election=election or None,
                              special=special, access=access or None)


@router.get("/tps/points", summary="TPS of an area as GeoJSON points")
@replica_reads
def tps_points(request, area: str, election: str = ""):
    rows = selectors.tps_list(viewer=request.auth, area=area, election=election or None).exclude(lat=None)
    return feature_collection(
        '{"type":"Feature","geometry":{"type":"Point","coordinates":[%.6f,%.6f]},"properties":%s}'
        % (lng, lat, json.dumps({"id": pk, "kode": code, "nama": name, "dpt": voters, "khusus": special,
                                 "akses": access}))
        for pk, code, name, voters, special, access, lat, lng in rows.values_list(
            "pk", "code", "name", "voters", "special", "access", "lat", "lng").iterator(chunk_size=5000)
    )


@router.get("/tps/{code}", response=TpsOut)
def tps_detail(request, code: str, election: str = ""):
    return selectors.tps_get_by_code(viewer=request.auth, code=code, election=election or None)
