"""Every figure of the Rencana Pengamanan, the Sprin and the planning page, computed in one place.

The operation is the unit: TPS are those of the operation's own election inside its area (and the
viewer's part of it), the deployment plan is the newest one made for that election, so a Pilkada
document never shows a Pemilu count.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from siaga.accounts.models import Agency, AgencyKind
from siaga.accounts.scope import area_q, level_q, readable_area
from siaga.deployment.models import Plan, PlanAssignment, PlanBko, PlanPersonAssignment, Unit, UnitKind
from siaga.deployment.selectors import sees_names
from siaga.planning import sea, selectors
from siaga.planning.renpam.config import renpam_config
from siaga.regions.models import Level, Region, Tps
from siaga.core.siaga_index import siaga_level
from siaga.risk.selectors import area_index_by_region, ikp_by_region, tps_risk_list

# The voting stage opens the "pelaksanaan" phase; its first day is the election day.
VOTING = "pemungutan"


@dataclass
class KabFigures:
    code: str
    name: str
    polres: str
    tps: int = 0
    voters: int = 0
    tps_no_coordinates: int = 0
    classes: list = field(default_factory=lambda: [0, 0, 0, 0])  # kurang rawan, rawan, sangat rawan, khusus
    index: float | None = None  # Indeks Kerawanan Siaga (0-100) of the kab/kota
    level: int | None = None  # its Tingkat Siaga (0, 1, 2: core.siaga_index), Siaga's own scale
    ikp: object = None  # Bawaslu's IKP of the kab/kota as published (risk.IkpScore of the newest general edition)
    posts: int = 0
    island_posts: int = 0
    polri_required: int = 0
    polri_assigned: int = 0
    own_assigned: int = 0
    bko_in: int = 0
    shortfall: int = 0
    tni_required: int = 0
    linmas_required: int = 0
    linmas_available: int = 0
    call_sign: str = ""


@dataclass
class Figures:
    operation: object
    area_code: str
    area_name: str
    election_label: str
    election_day: object
    tps_total: int
    voters_total: int
    tps_no_coordinates: int
    kabs: list
    plan: Plan | None
    plan_tps: int = 0
    posts: int = 0
    island_posts: int = 0
    polri_required: int = 0
    polri_assigned: int = 0
    shortfall: int = 0
    bko: int = 0
    tni_required: int = 0
    tni_available: int = 0
    linmas_required: int = 0
    linmas_available: int = 0
    reserves: list = field(default_factory=list)  # [(unit name, kind label, available)]
    bko_orders: list = field(default_factory=list)  # [(from unit name, to unit name, count)]
    by_function: list = field(default_factory=list)  # [(function, officers on posts)]
    named_on_posts: int = 0
    polri_units_available: int = 0
    index: float | None = None
    level: int | None = None
    ikp: object = None  # Bawaslu's IKP of the area as published (risk.IkpScore), never recomputed
    threats: list = field(default_factory=list)
    stages: list = field(default_factory=list)
    sea_movements: list = field(default_factory=list)  # BKO sailings (planning.sea), one row per sailing
    contingency_routes: list = field(default_factory=list)  # per sailed link: the way round when it closes

    @property
    def reserve_total(self):
        return sum(r[2] for r in self.reserves)

    @property
    def classes_total(self):
        return [sum(k.classes[i] for k in self.kabs) for i in range(4)]


def _plan_election(plan) -> str | None:
    """The election a stored plan was made for: its own field when the model has one, else its TPS'."""
    if hasattr(plan, "election"):
        return plan.election
    post = plan.posts.order_by("key").values_list("tps_ids", flat=True).first()
    return Tps.objects.filter(pk=post[0]).values_list("election", flat=True).first() if post else None


def operation_plan(*, viewer, operation, area) -> Plan | None:
    """The newest deployment plan covering the area made for the operation's election (None if none)."""
    areas, code = [area], area
    while "." in code:
        code = code.rsplit(".", 1)[0]
        areas.append(code)
    candidates = Plan.objects.filter(area_code__in=areas)
    if hasattr(Plan, "election"):
        candidates = candidates.filter(election=operation.election)
    for plan in candidates.order_by("-created_at", "-id")[:10]:
        if _plan_election(plan) == operation.election:
            return plan
    return None


def _kab_regions(area):
    if len(area) <= 2:
        return list(Region.objects.filter(level=Level.KABKOTA, code__startswith=(area + ".") if area else "")
                    .order_by("code"))
    return list(Region.objects.filter(code=area[:5]))


LATEST = object()  # renpam_figures(plan=LATEST): the newest deployment plan of the operation's election


def renpam_figures(viewer, operation, plan=LATEST) -> Figures:
    """All figures for the viewer's part of the operation; ``plan``: a stored deployment plan (a version's),
    None for none, LATEST for the newest one made for the operation's election."""
    area = readable_area(viewer, operation.area_code)
    region = Region.objects.filter(code=area).first()
    polres = dict(Agency.objects.filter(kind=AgencyKind.POLRI, code__startswith="POLRES-")
                  .values_list("area_code", "name"))
    kabs = {r.code: KabFigures(code=r.code, name=r.name, polres=polres.get(r.code, f"Polres {r.name}"))
            for r in _kab_regions(area)}
    tps = Tps.objects.filter(election=operation.election).filter(area_q(area)).filter(level_q(viewer))
    for kab, n, voters, missing in tps.values_list("kabkota_code").annotate(
            n=Count("id"), v=Sum("voters"), m=Count("id", filter=Q(lat__isnull=True))):
        if kab in kabs:
            kabs[kab].tps, kabs[kab].voters, kabs[kab].tps_no_coordinates = n, voters or 0, missing
    for kab, klass, n in (tps_risk_list(viewer=viewer, area=area, election=operation.election)
                          .values_list("tps__kabkota_code", "klass").annotate(n=Count("tps_id"))):
        if kab in kabs:
            kabs[kab].classes[klass] += n
    for code, index in area_index_by_region(codes=kabs, election=operation.election).items():
        kabs[code].index, kabs[code].level = index, int(siaga_level(index))
    for n, kab in enumerate(kabs.values(), start=1):
        kab.call_sign = f"{renpam_config()['komunikasi']['polres_prefix']} {n + 10}"
    stages = list(operation.stages.all())
    voting = next((s for s in stages if s.kind == VOTING), None)
    for code, score in ikp_by_region(codes=kabs).items():
        kabs[code].ikp = score
    area_index = area_index_by_region(codes=[area], election=operation.election).get(area)
    figures = Figures(
        operation=operation, area_code=area, area_name=_area_name(region), election_label=_election_label(operation),
        election_day=voting.starts_on if voting else None, tps_total=sum(k.tps for k in kabs.values()),
        voters_total=sum(k.voters for k in kabs.values()),
        tps_no_coordinates=sum(k.tps_no_coordinates for k in kabs.values()), kabs=list(kabs.values()),
        plan=operation_plan(viewer=viewer, operation=operation, area=area) if plan is LATEST else plan,
        index=area_index, level=None if area_index is None else int(siaga_level(area_index)),
        ikp=ikp_by_region(codes=[area]).get(area), stages=stages,
        threats=selectors.threats_ranked(selectors.threat_list(viewer=viewer, operation=operation)
                                         .prefetch_related("mitigations__owner", "contingencies__steps")))
    _units(figures, kabs, area)
    if figures.plan is not None:
        _plan(figures, kabs, viewer)
        figures.sea_movements = sea.plan_sea_movements(viewer=viewer, plan=figures.plan,
                                                       voting_day=figures.election_day)
        figures.contingency_routes = sea.contingency_routes(viewer=viewer, province_code=figures.plan.province_code,
                                                            movements=figures.sea_movements)
    return figures


def _area_name(region):
    if region is None:
        return "seluruh Indonesia"
    return f"Provinsi {region.name.title()}" if region.level == Level.PROVINSI else region.name


def _election_label(operation):
    year = operation.stages.filter(kind=VOTING).values_list("starts_on__year", flat=True).first() \
        or operation.starts_on.year
    return f"{operation.get_election_display()} {year}"


def _units(figures, kabs, area):
    """Reserves (what the plan holds back, as `siaga plan deploy` reports it; without a plan, what the units have
    available), TNI and Linmas as the units report them (available for election duty)."""
    units = Unit.objects.filter(Q(area_code=area) | Q(area_code__startswith=area + ".") | Q(area_code="")) \
        if area else Unit.objects.all()
    held = figures.plan.summary.get("reserve_by_unit") if figures.plan else None
    for unit in units.filter(kind__in=(UnitKind.BRIMOB, UnitKind.DALMAS)).order_by("code"):
        kept = unit.available if held is None else held.get(str(unit.pk), 0)
        figures.reserves.append((unit.name, unit.get_kind_display(), kept))
    figures.tni_available = units.filter(kind=UnitKind.TNI).aggregate(n=Sum("available"))["n"] or 0
    for code, n in units.filter(kind=UnitKind.LINMAS).values_list("area_code", "available"):
        if code[:5] in kabs:
            kabs[code[:5]].linmas_available += n
    figures.linmas_available = sum(k.linmas_available for k in kabs.values())
    figures.polri_units_available = units.filter(kind__in=(UnitKind.POLRES, UnitKind.POLSEK, UnitKind.POLDA)) \
        .aggregate(n=Sum("available"))["n"] or 0


def _plan(figures, kabs, viewer):
    plan = figures.plan
    posts = plan.posts.all()
    if figures.area_code and len(figures.area_code) > 2:
        posts = posts.filter(kabkota_code=figures.area_code[:5])
    for kab, n_tps, island, required, assigned, tni, linmas in posts.values_list(
            "kabkota_code", "tps_ids", "island", "polri_required", "polri_assigned", "tni_required",
            "linmas_required"):
        row = kabs.get(kab)
        if row is None:
            continue
        row.posts += 1
        row.island_posts += island
        row.polri_required += required
        row.polri_assigned += assigned
        row.shortfall += max(0, required - assigned)
        row.tni_required += tni
        row.linmas_required += linmas
        figures.plan_tps += len(n_tps)
    for kab, bko, n in (PlanAssignment.objects.filter(plan=plan).values_list("post__kabkota_code", "bko")
                        .annotate(n=Sum("count"))):
        if kab in kabs:
            if bko:
                kabs[kab].bko_in += n
            else:
                kabs[kab].own_assigned += n
    rows = list(kabs.values())
    for name in ("posts", "island_posts", "polri_required", "polri_assigned", "shortfall", "tni_required",
                 "linmas_required"):
        setattr(figures, name, sum(getattr(k, name) for k in rows))
    figures.bko = sum(k.bko_in for k in rows)
    orders = defaultdict(int)
    for src, dst, n in PlanBko.objects.filter(plan=plan).values_list("from_unit__name", "to_unit__name", "count"):
        orders[(src, dst)] += n
    figures.bko_orders = [(s, d, n) for (s, d), n in sorted(orders.items())]
    if sees_names(viewer):
        functions = Counter(PlanPersonAssignment.objects.filter(plan=plan, post__in=posts)
                            .values_list("person__function", flat=True))
        figures.by_function = sorted(((f or "Lainnya", n) for f, n in functions.items()), key=lambda r: -r[1])
        figures.named_on_posts = sum(functions.values())
