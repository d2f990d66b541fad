"""Reads of the deployment app. Every selector takes the viewer and applies their area and agency.

Agency rule: personnel names are police data; partners (KPU, Bawaslu, TNI,
local government) see counts per unit and post, never names or NRP.
"""

from django.db.models import Q, Sum
from django.http import Http404

from siaga.accounts.models import AgencyKind
from siaga.accounts.scope import area_contains, code_q, narrower_area, readable_area, user_area  # noqa: F401 (area_contains used by views)
from siaga.core.codes import parent_code
from siaga.core.planner import CLASS_NAMES
from siaga.deployment.models import GuardObject, PatternSet, Personnel, Plan, PlanAssignment, PlanBko, Unit


def sees_names(viewer) -> bool:
    return viewer.agency_id is None or viewer.agency.kind == AgencyKind.POLRI


def unit_list(*, viewer, kinds=None, area=None):
    rows = Unit.objects.filter(code_q(viewer, "area_code"))
    if area:
        rows = rows.filter(Q(area_code=area) | Q(area_code__startswith=area + "."))
    if kinds:
        rows = rows.filter(kind__in=kinds)
    return rows.order_by("code")


def unit_get(*, viewer, code) -> Unit:
    unit = unit_list(viewer=viewer).filter(code=code).first()
    if unit is None:
        raise Http404(code)
    return unit


def personnel_list(*, viewer, unit=None):
    """Named officers in the viewer's area; none at all for viewers outside Polri."""
    if not sees_names(viewer):
        return Personnel.objects.none()
    rows = Personnel.objects.filter(code_q(viewer, "unit__area_code")).select_related("unit")
    if unit is not None:
        rows = rows.filter(unit=unit)
    return rows.prefetch_related("windows")


def pattern_set_current(*, viewer, province, operation=None):
    """The newest pattern version of the province (for ``operation``, else the newest of any)."""
    if not area_contains(province, user_area(viewer)) and not area_contains(user_area(viewer), province):
        raise Http404(province)
    rows = PatternSet.objects.filter(province_code=province)
    if operation:
        rows = rows.filter(operation=operation)
    return rows.order_by("-created_at", "-version").prefetch_related("rules").first()


def pattern_set_history(*, viewer, province):
    if not area_contains(province, user_area(viewer)) and not area_contains(user_area(viewer), province):
        return PatternSet.objects.none()
    return PatternSet.objects.filter(province_code=province).prefetch_related("rules")


def _plan_areas(area: str) -> list[str]:
    """The area and every area above it: a plan made for any of them covers ``area``."""
    areas = [area]
    while area:
        area = parent_code(area) or ""
        areas.append(area)
    return areas


def plan_latest(*, viewer, area=None, election=None):
    """The newest plan covering the area (default: the viewer's), or None; only ``election``'s when given."""
    area = narrower_area(viewer, area)
    rows = Plan.objects.filter(election=election) if election else Plan.objects.all()
    return rows.filter(area_code__in=_plan_areas(area)).exclude(area_code="").first() if area else rows.first()


def guard_object_list(*, viewer, area=None, election=None, operation=None):
    """Guarded objects in the viewer's area (and ``area``); with ``election``/``operation``, those of it
    or of every one (blank)."""
    rows = GuardObject.objects.filter(code_q(viewer, "area_code"))
    if area:
        rows = rows.filter(Q(kabkota_code=area[:5]) if len(area) >= 5 else Q(province_code=area[:2]))
        if len(area) > 5:
            rows = rows.filter(kecamatan_code__startswith=area[:8])
    if election:
        rows = rows.filter(Q(election="") | Q(election=election))
    if operation:
        rows = rows.filter(Q(operation="") | Q(operation=operation))
    return rows.order_by("code")


def plan_get(*, viewer, pk) -> Plan:
    plan = Plan.objects.filter(pk=pk).first()
    area = user_area(viewer)
    if plan is None or not (area_contains(area, plan.area_code) or area_contains(plan.area_code, area)):
        raise Http404(pk)
    return plan


def plan_history(*, viewer):
    area = user_area(viewer)
    return Plan.objects.filter(Q(area_code__in=_plan_areas(area)) | code_q(viewer, "area_code"))


def _post_area_q(area, prefix=""):
    if not area or len(area) == 2:
        return Q()
    field = {5: "kabkota_code", 8: "kecamatan_code"}.get(len(area), "desa_code")
    return Q(**{prefix + field: area})


def plan_posts(*, viewer, plan, area=None, klass=None):
    """The plan's posts inside the viewer's area (and the requested one)."""
    area = narrower_area(viewer, area)
    rows = plan.posts.filter(_post_area_q(user_area(viewer))).filter(_post_area_q(area))
    if klass is not None:
        rows = rows.filter(klass=klass)
    return rows


def plan_assignments(*, viewer, plan, area=None):
    area = narrower_area(viewer, area)
    return (PlanAssignment.objects.filter(plan=plan).filter(_post_area_q(user_area(viewer), "post__"))
            .filter(_post_area_q(area, "post__")).select_related("unit", "post"))


def plan_people(*, viewer, plan, post_ids):
    """{post id: [(nrp, rank, name)]}, only for viewers who may see names."""
    if not sees_names(viewer):
        return {}
    from siaga.deployment.models import PlanPersonAssignment

    out: dict[int, list] = {}
    rows = (PlanPersonAssignment.objects.filter(plan=plan, post_id__in=post_ids)
            .order_by("post_id", "person__nrp").values_list("post_id", "person__nrp", "person__rank", "person__name"))
    for post_id, *person in rows:
        out.setdefault(post_id, []).append(tuple(person))
    return out


def officers_at_tps(*, viewer, tps_ids) -> dict[int, list[str]]:
    """{TPS id: ["rank name (NRP)", ...]} of the officers the newest plan in the viewer's area puts on the post
    holding each TPS; empty for viewers who may not see names."""
    wanted = set(tps_ids)
    plan = plan_latest(viewer=viewer) if wanted and sees_names(viewer) else None
    if plan is None:
        return {}
    from siaga.deployment.models import PlanPersonAssignment

    out: dict[int, list[str]] = {}
    rows = (PlanPersonAssignment.objects.filter(plan=plan).filter(_post_area_q(user_area(viewer), "post__"))
            .order_by("person__nrp").values_list("post__tps_ids", "person__rank", "person__name", "person__nrp"))
    for ids, rank, name, nrp in rows:
        for tps_id in wanted.intersection(ids):
            out.setdefault(tps_id, []).append(f"{rank} {name} ({nrp})")
    return out


def plan_summary(*, viewer, plan, area=None) -> dict:
    """The plan's totals over the viewer's part of it (and the requested area): as stored when that covers
    the plan's whole area; else counted from the posts, their assignments and the units inside it (no
    travel total: routes cross the area's border)."""
    area = narrower_area(viewer, area)
    if area_contains(area, plan.area_code):
        return plan.summary
    by_class = {name: {"tps": 0, "posts": 0, "polri_required": 0, "polri_assigned": 0}
                for name in CLASS_NAMES.values()}
    totals = {"posts": 0, "linmas_required": 0, "tni_required": 0, "shortfall": 0}
    by_kind: dict[str, int] = {}
    for kind, klass, tps_ids, required, assigned, linmas, tni in plan_posts(viewer=viewer, plan=plan, area=area
                                                                            ).values_list(
            "kind", "klass", "tps_ids", "polri_required", "polri_assigned", "linmas_required", "tni_required"):
        by_kind[kind] = by_kind.get(kind, 0) + 1
        row = by_class[CLASS_NAMES[klass]]
        row["tps"] += len(tps_ids)
        row["posts"] += 1
        row["polri_required"] += required
        row["polri_assigned"] += assigned
        totals["posts"] += 1
        totals["linmas_required"] += linmas
        totals["tni_required"] += tni
        totals["shortfall"] += max(0, required - assigned)
    bko = plan_assignments(viewer=viewer, plan=plan, area=area).filter(bko=True).aggregate(n=Sum("count"))["n"]
    units = Unit.objects.filter(pk__in=[int(k) for k in plan.strengths]).filter(
        Q(area_code=area) | Q(area_code__startswith=area + ".")).count()
    return {**totals, "tps": sum(r["tps"] for r in by_class.values()),
            "polri_required": sum(r["polri_required"] for r in by_class.values()),
            "polri_assigned": sum(r["polri_assigned"] for r in by_class.values()),
            "bko": bko or 0, "units": units, "total_travel_km": None, "status": plan.status,
            "by_class": by_class, "posts_by_kind": dict(sorted(by_kind.items())), "election": plan.election,
            **plan.summary.get("officer_hours_by_polres", {}).get(area, {})}


def plan_bko(*, viewer, plan):
    return PlanBko.objects.filter(plan=plan).filter(code_q(viewer, "to_unit__area_code")).select_related(
        "from_unit", "to_unit")


def unit_table(*, viewer, plan, area=None):
    """Per unit: Polri required on its area's posts, available, the area's own officers on them (``own``), BKO
    from the Polda on them, assigned on them (own and BKO together, the figure the shortfall is counted from),
    shortfall.

    Polres rows count their HQ and Polsek together; with a kab/kota area the
    Polsek of that kab/kota are listed. The Polda row gives BKO out: its ``own`` and ``assigned`` are the
    officers it sends to the units' posts."""
    area = narrower_area(viewer, area) or ""
    level_polsek = len(area) >= 5
    units = list(unit_list(viewer=viewer, kinds=("polsek",) if level_polsek else ("polres", "polda"), area=area
                           or None))
    posts = plan_posts(viewer=viewer, plan=plan, area=area or None).values_list(
        "kecamatan_code", "kabkota_code", "polri_required", "polri_assigned")
    required, covered = {}, {}
    for kec, kab, req, got in posts:
        key = kec if level_polsek else kab
        required[key] = required.get(key, 0) + req
        covered[key] = covered.get(key, 0) + got
    given: dict[str, int] = {}
    received: dict[str, int] = {}
    strengths = plan.strengths
    available: dict[str, int] = {}
    # Counted on the posts of each row's area, so own + BKO is what stands on them: a Polsek's posts may also
    # hold officers of its Polres HQ, which count as the area's own, not as BKO from the Polda.
    for kec, kab, count, bko in plan_assignments(viewer=viewer, plan=plan).values_list(
            "post__kecamatan_code", "post__kabkota_code", "count", "bko"):
        key = kec if level_polsek else kab
        tally = received if bko else given
        tally[key] = tally.get(key, 0) + count
    for u in Unit.objects.filter(pk__in=[int(k) for k in strengths]).values_list("pk", "area_code"):
        key = u[1] if level_polsek else u[1][:5]
        available[key] = available.get(key, 0) + int(strengths[str(u[0])])
    rows = []
    for u in units:
        key = u.area_code if (level_polsek or u.kind != "polda") else u.area_code
        req = required.get(key, 0) if u.kind != "polda" else 0
        if u.kind == "polda":
            sent = sum(b.count for b in plan_bko(viewer=viewer, plan=plan) if b.from_unit_id == u.pk)
            rows.append({"unit": u, "required": 0, "available": int(strengths.get(str(u.pk), 0)), "own": sent,
                         "bko": 0, "assigned": sent, "covered": 0, "shortfall": 0})
            continue
        rows.append({"unit": u, "required": req, "available": available.get(key, 0), "own": given.get(key, 0),
                     "bko": received.get(key, 0), "assigned": covered.get(key, 0), "covered": covered.get(key, 0),
                     "shortfall": max(0, req - covered.get(key, 0))})
    return rows


def largest_shortfall(rows):
    """The unit row with the largest shortfall (the first by code on a tie), or None when none is short."""
    short = [r for r in rows if r["shortfall"] > 0]
    return max(short, key=lambda r: r["shortfall"]) if short else None


# --- what the planning app reads (security plan document and KPIs) ---------------------------

def _plan_for(viewer, area, election=None):
    """The newest plan for an operation's area and election, or for the viewer's own part of it when that
    is narrower."""
    return plan_latest(viewer=viewer, area=readable_area(viewer, area), election=election)


def personnel_summary(*, viewer, area, election=None):
    """The newest plan covering the area, summarised for the security plan document; None without a plan."""
    plan = _plan_for(viewer, area, election)
    if plan is None:
        return None
    s = plan_summary(viewer=viewer, plan=plan, area=readable_area(viewer, area))
    by_kind = s.get("posts_by_kind") or {"tps": s.get("posts", 0)}
    return {
        "Pos pengamanan TPS": by_kind.get("tps", 0),
        "Pos pengamanan objek": sum(n for kind, n in by_kind.items() if kind != "tps"),
        "Personel Polri dibutuhkan": s.get("polri_required", 0),
        "Personel Polri ditugaskan": s.get("polri_assigned", 0),
        "Kekurangan personel": s.get("shortfall", 0),
        "BKO dari Polda": s.get("bko", 0),
        "Linmas dibutuhkan": s.get("linmas_required", 0),
        "Cadangan Polda (Brimob, Dalmas)": s.get("reserve", 0),
        "TNI perbantuan": s.get("tni_assigned", 0),
    }


def kpi_tps_guarded(*, viewer, operation):
    """Share (%) of the plan's TPS whose post is staffed to the pattern."""
    plan = _plan_for(viewer, operation.area_code, operation.election)
    if plan is None:
        return None
    total = guarded = 0
    for tps_ids, required, assigned in plan_posts(viewer=viewer, plan=plan).values_list(
            "tps_ids", "polri_required", "polri_assigned"):
        total += len(tps_ids)
        guarded += len(tps_ids) if assigned >= required else 0
    return round(100 * guarded / total, 1) if total else None


def kpi_shortfall_closed(*, viewer, operation):
    """Share (%) of the units' own shortfall that BKO from the Polda closes."""
    plan = _plan_for(viewer, operation.area_code, operation.election)
    if plan is None:
        return None
    summary = plan_summary(viewer=viewer, plan=plan)
    bko, short = summary.get("bko", 0), summary.get("shortfall", 0)
    return round(100 * bko / (bko + short), 1) if bko + short else 100.0
