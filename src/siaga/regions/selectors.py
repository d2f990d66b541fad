"""Reads of regions and TPS. Every function takes the viewer and applies their area."""

from django.db.models import Count, Q, Sum
from django.http import Http404

from siaga.accounts.scope import area_contains, area_q, code_q, level_q, user_area
from siaga.core.codes import normalize_region_code, CodeError
from siaga.regions.models import Election, Level, Region, RegionGeometry, Tps


def region_get(*, viewer, code) -> Region:
    """One region inside the viewer's area (or one above it on their own path, for breadcrumbs)."""
    try:
        code = normalize_region_code(code)
    except CodeError:
        raise Http404(code)
    region = Region.objects.filter(code=code).first()
    if region is None or not area_contains(user_area(viewer), code):
        raise Http404(code)
    return region


def region_roots(*, viewer):
    """The top regions a viewer sees: provinces for national users, their own area otherwise."""
    area = user_area(viewer)
    if area:
        return Region.objects.filter(code=area)
    return Region.objects.filter(level=Level.PROVINSI)


def page_area(*, viewer, requested: str | None = None) -> str:
    """The area a page shows: the one asked for (`?wilayah=`), else the viewer's own area, and for a
    national viewer the first province they see. Every app's pages use this, so the default is the same
    on each page; the selectors called with it still check that the viewer may read the area."""
    requested = (requested or "").strip()
    if requested:
        return requested
    root = region_roots(viewer=viewer).order_by("code").values_list("code", flat=True).first()
    return root or ""


def region_children(*, viewer, region):
    return Region.objects.filter(parent=region).filter(code_q(viewer))


def region_path(region):
    """From province down to the region itself, for breadcrumbs."""
    path = []
    while region is not None:
        path.append(region)
        region = region.parent
    return path[::-1]


def region_geometries(*, viewer, parent=None, level=None):
    """(region, geojson text) for the regions to draw: the children of `parent` or a whole level."""
    query = Region.objects.filter(code_q(viewer)).filter(has_geometry=True)
    if parent is not None:
        query = query.filter(parent=parent)
    if level is not None:
        query = query.filter(level=level)
    geoms = dict(RegionGeometry.objects.filter(region__in=query).values_list("region_id", "geojson"))
    return [(r, geoms[r.code]) for r in query if r.code in geoms]


def tps_list(*, viewer, area=None, search="", election=None, special=None, access=None):
    rows = Tps.objects.filter(level_q(viewer))
    if area:
        code = normalize_region_code(area)
        if not area_contains(user_area(viewer), code) and not area_contains(code, user_area(viewer)):
            return rows.none()
        rows = rows.filter(area_q(code))
    if search:
        rows = rows.filter(Q(code__startswith=search.replace(".", "")) | Q(name__icontains=search)
                           | Q(address__icontains=search) | Q(desa__name__icontains=search))
    if election:
        rows = rows.filter(election=election)
    if special is not None:
        rows = rows.filter(special=special)
    if access:
        rows = rows.filter(access=access)
    return rows.select_related("desa")


def tps_get(*, viewer, pk) -> Tps:
    tps = Tps.objects.filter(level_q(viewer)).select_related("desa", "desa__parent").filter(pk=pk).first()
    if tps is None:
        raise Http404(pk)
    return tps


def tps_code(code) -> str:
    """A TPS code as stored: 13 digits, dots (as people write it) removed."""
    return str(code).replace(".", "")


def tps_get_by_code(*, viewer, code, election=None) -> Tps:
    rows = Tps.objects.filter(level_q(viewer)).filter(code=tps_code(code))
    if election:
        rows = rows.filter(election=election)
    tps = rows.first()
    if tps is None:
        raise Http404(code)
    return tps


def tps_by_codes(*, viewer, codes, election=None) -> dict:
    """{stored code: Tps} of the codes the viewer may see, in one query, of one election when given (else, where
    a code has a Pemilu and a Pilkada TPS, the first made, as tps_get_by_code picks it)."""
    found = {}
    rows = Tps.objects.filter(level_q(viewer), code__in={tps_code(c) for c in codes})
    for tps in (rows.filter(election=election) if election else rows).order_by("-pk"):
        found[tps.code] = tps
    return found


def tps_stats(*, viewer, province=None, election=None) -> dict:
    rows = tps_list(viewer=viewer, area=province, election=election)
    totals = rows.aggregate(tps=Count("pk"), voters=Sum("voters"))
    per_kabkota = list(rows.order_by().values_list("kabkota_code").annotate(n=Count("pk"), v=Sum("voters"))
                   .values_list("kabkota_code", "n", "v"))
    by_kabkota = {code: n for code, n, _ in per_kabkota}
    voters_by_kabkota = {code: v or 0 for code, _, v in per_kabkota}
    return {
        "tps": totals["tps"],
        "voters": totals["voters"] or 0,
        "special": rows.filter(special=True).count(),
        "hard_to_reach": rows.exclude(access="normal").count(),
        "by_kabkota": dict(sorted(by_kabkota.items())),
        "voters_by_kabkota": dict(sorted(voters_by_kabkota.items())),
    }


def region_stats(*, viewer, province=None) -> dict:
    regions = Region.objects.filter(code_q(viewer))
    if province:
        code = normalize_region_code(province)
        regions = regions.filter(Q(code=code) | Q(code__startswith=code + "."))
    counts = dict(regions.order_by().values_list("level").annotate(n=Count("code")).values_list("level", "n"))
    desa = regions.filter(level=Level.DESA)
    return {
        "kabkota": counts.get(Level.KABKOTA, 0),
        "kecamatan": counts.get(Level.KECAMATAN, 0),
        "desa": counts.get(Level.DESA, 0),
        "desa_with_geometry": desa.filter(has_geometry=True).count(),
        "provinsi": counts.get(Level.PROVINSI, 0),
        "kota": regions.filter(kind="kota").count(),
        "kelurahan": desa.filter(kind="kelurahan").count(),
    }


def default_election() -> str:
    """The election read when none is named: the Pemilu when its TPS are loaded, otherwise the one election
    whose TPS are (pages below planning cannot ask for the newest operation's)."""
    loaded = set(Tps.objects.order_by().values_list("election", flat=True).distinct()[:len(Election.values)])
    return next((e for e in Election.values if e in loaded), Election.PEMILU)


def election_or_default(value) -> str:
    """A valid election code as given (URL ``?pemilihan=``, CLI ``--election``), else the default one."""
    return value if value in Election.values else default_election()


def election_choices(selected):
    """(code, label, selected) of each election, for the pages' election selector."""
    return [(code, label, code == selected) for code, label in Election.choices]
