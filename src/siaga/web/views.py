"""Pages: thin views over the selectors; every read is scoped by the signed-in user."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from siaga.accounts.selectors import audit_list
from siaga.core.codes import CodeError
from siaga.readreplica import replica_reads
from siaga.regions import selectors
from siaga.regions.outlines import choropleth_level
from siaga.regions.models import Access, Election
from siaga.web import homes


@login_required
@replica_reads
def home(request):
    """The role's home (web/homes.py): the commander's picture, the analyst's watch list, the field button..."""
    template = homes.template_for(request.user)
    context = homes.context_for(request.user, template)
    context["roots"] = list(selectors.region_roots(viewer=request.user))
    if template == "web/home_field.html":
        context["own_tps"] = selectors.tps_list(viewer=request.user).select_related("desa").order_by("code")[:10]
    return render(request, template, context)


@login_required
def region_index(request):
    roots = list(selectors.region_roots(viewer=request.user))
    if len(roots) == 1:
        return redirect("region_detail", code=roots[0].code)
    return render(request, "web/region_index.html", {"regions": roots})


@login_required
def region_detail(request, code):
    region = selectors.region_get(viewer=request.user, code=code)
    children = selectors.region_children(viewer=request.user, region=region)
    stats = [(label, code, selectors.tps_stats(viewer=request.user, province=region.code, election=code))
             for code, label in Election.choices]
    return render(request, "web/region_detail.html", {
        "region": region, "path": selectors.region_path(region), "children": children,
        "stats": [row for row in stats if row[2]["tps"]],
        "tps": selectors.tps_list(viewer=request.user, area=region.code)[:200] if region.level == 4 else None,
    })


@login_required
@replica_reads
def tps_map(request):
    roots = list(selectors.region_roots(viewer=request.user))
    area = selectors.page_area(viewer=request.user, requested=request.GET.get("wilayah"))
    region = selectors.region_get(viewer=request.user, code=area) if area else None
    election = selectors.election_or_default(request.GET.get("pemilihan"))
    return render(request, "web/map.html", {
        "region": region, "roots": roots, "accesses": Access.choices, "election": election,
        "elections": selectors.election_choices(election),
        "area_level": choropleth_level(region.code) if region else 0,
        "total": selectors.tps_list(viewer=request.user, area=region.code, election=election).count() if region else 0,
    })


@login_required
def tps_index(request):
    filters = {
        "area": request.GET.get("wilayah", "").strip(),
        "search": request.GET.get("q", "").strip(),
        "election": request.GET.get("pemilihan") or None,
        "access": request.GET.get("akses") or None,
    }
    try:
        rows = selectors.tps_list(viewer=request.user, area=filters["area"] or None, search=filters["search"],
                                  election=filters["election"], access=filters["access"])
    except CodeError:
        messages.error(request, _("'%(code)s' is not a region code.") % {"code": filters["area"]})
        rows = selectors.tps_list(viewer=request.user).none()
    page = Paginator(rows.order_by("code"), 50).get_page(request.GET.get("hal"))
    query = request.GET.copy()
    query.pop("hal", None)
    return render(request, "web/tps_list.html", {
        "page": page, "filters": filters, "query": query.urlencode(),
        "elections": Election.choices, "accesses": Access.choices,
    })


@login_required
def tps_detail(request, pk):
    tps = selectors.tps_get(viewer=request.user, pk=pk)
    history = audit_list(viewer=request.user, object_type="tps", object_id=tps.code)[:20]
    return render(request, "web/tps_detail.html", {"tps": tps, "path": selectors.region_path(tps.desa),
                                                   "history": history})
