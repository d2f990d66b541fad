"""Pages of the vulnerability map: thin views over selectors, services and exports."""

import io
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from siaga.core.siaga_index import FORMULA, LEVEL_KEYS, LEVEL_LABELS
from siaga.jobs.views import submit_and_show
from siaga.readreplica import replica_reads
from siaga.regions.outlines import choropleth_level
from siaga.regions.selectors import page_area, region_get
from siaga.risk import exports, selectors, services
from siaga.risk.charts import class_distribution_chart
from siaga.risk.models import Indicator, Source
from siaga.risk.presenters import class_label, ikp_score_view, indicator_names, lang, tps_explanation
from siaga.risk.sources import may_enter


SANGAT_RAWAN_LISTED = 300  # beside the map; the XLSX has them all


def _area(request):
    return page_area(viewer=request.user, requested=request.GET.get("wilayah"))


def _election(request) -> str:
    """The election the page shows: ``?pemilihan=``, else the default one (selectors.default_election)."""
    return selectors.election_or_default(request.GET.get("pemilihan"))


@login_required
@replica_reads
def risk_map(request):
    code, election = _area(request), _election(request)
    region, risk = selectors.area_risk_get(viewer=request.user, code=code, election=election)
    classes = [c for c in request.GET.getlist("kelas") if c in "0123" and c]
    view = selectors.view_or_default(request.GET.get("pandangan"))
    counts = selectors.view_counts(viewer=request.user, area=code, election=election)
    return render(request, "risk/map.html", {
        "view": view, "views": [(v, label, v == view, counts[v]) for v, label in (
            ("bawaslu", "Bawaslu"), ("polri", "Polri"), ("gabungan", _("Combined")))],
        "region": region, "risk": risk, "level_label": LEVEL_LABELS[lang()][risk.siaga_level] if risk else "",
        "formula": FORMULA[lang()], "ikp": _ikp(request.user, region.code, risk),
        "classes": [(i, class_label(i), str(i) in classes) for i in range(4)], "klass": ",".join(classes),
        "indicators": selectors.indicators_active(viewer=request.user), "indicator": request.GET.get("indikator", ""),
        "levels": list(zip(LEVEL_KEYS, LEVEL_LABELS[lang()])), "area_level": choropleth_level(region.code),
        "election": election, "elections": selectors.election_choices(election),
        "sangat_rawan": selectors.tps_risk_list(viewer=request.user, area=code, klass=[2], view=view,
                                                election=election).select_related(
            "tps__desa__parent").order_by("tps__code")[:SANGAT_RAWAN_LISTED],
    })


def _ikp(viewer, code, risk) -> list[dict]:
    """Every stored IKP edition of the area as published, each beside Siaga's index of the area."""
    _region, scores = selectors.ikp_area_scores(viewer=viewer, code=code, all_editions=True)
    return [ikp_score_view(s, risk) for s in scores]


@login_required
@replica_reads
def summary(request):
    election = _election(request)
    region, rows = selectors.kabkota_summary(viewer=request.user, province=_area(request), election=election)
    name = "name_en" if lang() == "en" else "name_id"
    _region, worst = selectors.area_classes_worst_first(viewer=request.user, code=region.code, election=election)
    ikp = selectors.ikp_by_region(codes=[a.region_id for a, _top in rows])
    return render(request, "risk/summary.html", {
        "region": region, "level_labels": LEVEL_LABELS[lang()], "class_chart": class_distribution_chart(worst),
        "election": election, "elections": selectors.election_choices(election),
        "rows": [(a, [(code, names[1 if name == "name_en" else 0], n) for code, names, n in top], ikp.get(a.region_id))
                 for a, top in rows],
    })


@login_required
def tps_list(request):
    """The TPS of one class (default: sangat rawan) in the page's area, the highest score first."""
    area = _area(request)
    klass = request.GET.get("kelas", "2")
    klass = int(klass) if klass in ("0", "1", "2", "3") else 2
    region = region_get(viewer=request.user, code=area) if area else None
    election = _election(request)
    rows = selectors.tps_risk_list(viewer=request.user, area=area or None, klass=[klass], election=election).select_related(
        "tps__desa__parent", "tps__desa__parent__parent").order_by("-score", "tps__code")
    page = Paginator(rows, 100).get_page(request.GET.get("hal"))
    risks = selectors.viewer_explanations(request.user, list(page.object_list))
    names = indicator_names(code for r in risks for code, _points in r.contributions[:3])
    return render(request, "risk/tps_list.html", {
        "region": region, "area": area, "klass": klass, "class_name": class_label(klass), "page": page,
        "election": election, "elections": selectors.election_choices(election),
        "classes": [(i, class_label(i)) for i in range(4)],
        "rows": [(r, [names.get(code, code) for code, _points in r.contributions[:3]]) for r in risks]})


@login_required
def tps_risk(request, code):
    tps, risk = selectors.tps_risk_get(viewer=request.user, code=code, election=request.GET.get("pemilihan"))
    if request.method == "POST":
        return _observation_post(request, tps)
    return render(request, "risk/tps.html", {
        "tps": tps, "explanation": tps_explanation(tps, risk),
        "history": [(c, class_label(c.old_class) if c.old_class is not None else "–", class_label(c.new_class))
                    for c in selectors.class_history(viewer=request.user, tps=tps)],
        "observations": selectors.observation_list(viewer=request.user, tps=tps),
        "incidents": selectors.incident_list(viewer=request.user, tps=tps)[:20],
        "can_edit": services.can_edit(request.user),
        "indicators": Indicator.objects.filter(catalogue__active=True, catalogue__election=tps.election),
        "sources": [(v, label) for v, label in Source.choices if may_enter(request.user, v)],
        "today": date.today().isoformat(),
    })


def _observation_post(request, tps):
    indicator = get_object_or_404(Indicator, pk=request.POST.get("indicator"), catalogue__active=True)
    try:
        services.observation_upsert(actor=request.user, indicator=indicator, tps=tps,
                                    value=float(request.POST.get("value", "").replace(",", ".")),
                                    source=request.POST.get("source", ""),
                                    observed_on=date.fromisoformat(request.POST.get("observed_on", "")),
                                    note=request.POST.get("note", "")[:500])
        messages.success(request, _("Observation saved and the TPS re-scored."))
    except (ValueError, ValidationError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("Value or date is not valid.")
        messages.error(request, text)
    return redirect(reverse("risk:tps", kwargs={"code": tps.code}) + f"?pemilihan={tps.election}")


@login_required
def observation_import(request):
    """The form; a posted file is imported as a background job, whose page shows progress and the outcome."""
    if request.method == "POST" and request.FILES.get("file"):
        return submit_and_show(request, kind="risk.observations", upload=request.FILES["file"], lang=lang(),
                               back="risk:import")
    return render(request, "risk/import.html", {"can_edit": services.can_edit(request.user)})


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@replica_reads
def export_xlsx(request):
    out = io.BytesIO()
    area = _area(request)
    election = _election(request)
    exports.tps_rawan_xlsx(viewer=request.user, area=area, out=out, election=election)
    return _download(out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"tps-rawan-{election}-{area}.xlsx")


@login_required
@replica_reads
def export_geojson(request):
    out = io.BytesIO()
    area = _area(request)
    election = _election(request)
    exports.classes_geojson(viewer=request.user, area=area, out=out, election=election)
    return _download(out.getvalue(), "application/geo+json", f"kelas-tps-{election}-{area}.geojson")


@login_required
@replica_reads
def export_png(request):
    out = io.BytesIO()
    exports.map_png(viewer=request.user, area=_area(request), out=out, election=_election(request))
    return HttpResponse(out.getvalue(), content_type="image/png")
