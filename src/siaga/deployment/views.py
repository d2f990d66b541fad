"""Pages: the plan on the map with per-unit tables, the what-if mode, units and rosters, exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from siaga.accounts.scope import user_area
from siaga.core.planner import CLASS_NAMES, PlanningError
from siaga.deployment import exports, selectors, services
from siaga.deployment.charts import shortfall_chart
from siaga.deployment.forms import parse_whatif
from siaga.deployment.plans import moves_between, post_codes_of, stored_as_planner_plan
from siaga.jobs.views import submit_and_show
from siaga.readreplica import replica_reads
from siaga.regions.models import Tps
from siaga.regions.selectors import election_choices, election_or_default, page_area

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _area(request):
    return page_area(viewer=request.user, requested=request.GET.get("wilayah"))


def _lang(request):
    return "en" if getattr(request, "LANGUAGE_CODE", "id") == "en" else "id"


@login_required
def index(request):
    area = _area(request)
    election = election_or_default(request.GET.get("pemilihan"))
    plan = selectors.plan_latest(viewer=request.user, area=area, election=election)
    klass = request.GET.get("kelas")
    context = {"plan": plan, "area": area, "classes": CLASS_NAMES.items(), "klass": klass,
               "election": election, "elections": election_choices(election),
               "can_plan": request.user.role in services.PLANNER_ROLES}
    if plan is not None:
        plan.summary = selectors.plan_summary(viewer=request.user, plan=plan, area=area)  # shown, never saved
        rows = selectors.unit_table(viewer=request.user, plan=plan, area=area)
        if request.GET.get("kurang"):
            rows = [r for r in rows if r["shortfall"] > 0]
        context.update(rows=rows, shortfall_chart=shortfall_chart(rows) if rows else None, bko=selectors.plan_bko(viewer=request.user, plan=plan),
                       moves=plan.moves[:200], polsek=selectors.unit_list(viewer=request.user, kinds=("polsek",),
                                                                          area=area if len(area) >= 5 else None))
    return render(request, "deployment/index.html", context)


@login_required
def plan_new(request):
    if request.method != "POST":
        return redirect("deployment:index")
    area = page_area(viewer=request.user, requested=request.POST.get("wilayah"))
    election = election_or_default(request.POST.get("pemilihan"))
    try:
        plan = services.plan_generate(actor=request.user, area=area, election=election)
    except PlanningError as exc:
        messages.error(request, exc.messages[_lang(request)])
        return redirect("deployment:index")
    messages.success(request, _("Plan #%(n)s stored: %(m)s moves from the previous plan.")
                     % {"n": plan.pk, "m": len(plan.moves)})
    return redirect(f"{reverse('deployment:index')}?wilayah={area}&pemilihan={election}")


@login_required
def whatif(request):
    area = request.POST.get("wilayah") or _area(request)
    election = election_or_default(request.POST.get("pemilihan") or request.GET.get("pemilihan"))
    plan = selectors.plan_latest(viewer=request.user, area=area, election=election)
    context = {"area": area, "plan": plan, "form": request.POST}
    if request.method == "POST" and plan is not None:
        units = {u.code: u for u in selectors.unit_list(viewer=request.user)}

        def tps_id(code):
            rows = Tps.objects.filter(code=code, election=plan.election)  # the plan's election only
            return rows.filter(pk__in=[int(k) for k in plan.posts.values_list("key", flat=True)]
                               ).values_list("pk", flat=True).first() or \
                rows.filter(province_code=area[:2]).values_list("pk", flat=True).first()

        overrides, strengths, errors = parse_whatif(request.POST, units, tps_id)
        context["errors"] = errors
        if not errors:
            try:
                if request.POST.get("save"):
                    for unit_id, available in strengths.items():
                        unit = next(u for u in units.values() if u.pk == unit_id)
                        services.unit_strength_set(actor=request.user, unit=unit, available=available)
                    saved = services.plan_generate(actor=request.user, area=area, overrides=overrides or None,
                                                   election=plan.election,
                                                   operation=plan.pattern_set.operation)
                    messages.success(request, _("Plan #%(n)s stored: %(m)s moves from the previous plan.")
                                     % {"n": saved.pk, "m": len(saved.moves)})
                    return redirect(f"{reverse('deployment:index')}?wilayah={area}")
                computed, _ps, _prev = services.plan_compute(viewer=request.user, area=area,
                                                             overrides=overrides, strengths=strengths,
                                                             election=plan.election,
                                                   operation=plan.pattern_set.operation)
            except PlanningError as exc:
                context["errors"] = [("plan", 0, exc.messages[_lang(request)])]
            else:
                old = stored_as_planner_plan(plan, computed.plan.config)
                codes = {**post_codes_of(plan), **{p.id: computed.inputs.codes[p.tps_ids[0]] if p.tps_ids
                                                   else computed.inputs.object_names[p.id]
                                                   for p in computed.plan.posts}}
                summary = computed.summary()
                context.update(result=summary, moves=moves_between(old, computed.plan, {u.pk: c for c, u in
                                                                                        units.items()}, codes),
                               delta={k: summary[k] - plan.summary.get(k, 0) for k in
                                      ("posts", "polri_required", "polri_assigned", "shortfall", "bko")})
    return render(request, "deployment/whatif.html", context)


@login_required
def units(request):
    area = _area(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to import."))
            return redirect(request.get_full_path())
        kind = "deployment.personnel" if request.POST.get("kind") == "personel" else "deployment.patterns"
        return submit_and_show(request, kind=kind, upload=upload, lang=_lang(request), back=request.get_full_path())
    unit_rows = selectors.unit_list(viewer=request.user, area=area if len(area) >= 5 else None)
    return render(request, "deployment/units.html", {
        "area": area, "units": unit_rows, "people": selectors.personnel_list(viewer=request.user)[:500],
        "sees_names": selectors.sees_names(request.user),
        "patterns": selectors.pattern_set_history(viewer=request.user, province=(area or "74")[:2])[:5]})


@login_required
def export_polsek(request, pk, code, fmt):
    plan = selectors.plan_get(viewer=request.user, pk=pk)
    unit = selectors.unit_get(viewer=request.user, code=code)
    if fmt not in ("xlsx", "pdf"):
        raise Http404(fmt)
    write = exports.polsek_xlsx if fmt == "xlsx" else exports.polsek_pdf
    body = exports.to_bytes(write, viewer=request.user, plan=plan, unit=unit)
    response = HttpResponse(body, content_type=XLSX if fmt == "xlsx" else "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rencana-{plan.pk}-{unit.code}.{fmt}"'
    return response


@login_required
@replica_reads
def export_summary(request, pk, area):
    plan = selectors.plan_get(viewer=request.user, pk=pk)
    if not selectors.area_contains(user_area(request.user), area):
        raise PermissionDenied(area)
    body = exports.to_bytes(exports.summary_xlsx, viewer=request.user, plan=plan, area=area)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ringkasan-{plan.pk}-{area}.xlsx"'
    return response
