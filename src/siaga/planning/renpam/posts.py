"""The posts of a deployment plan as the documents name them: '<Polres call sign>-<n>' numbered per
Polres in the order kecamatan, desa, post; with place names, units and named officers.
One numbering for the plotting annex, the Sprin annex and the officer sheets."""

from collections import defaultdict
from dataclasses import dataclass, field

from siaga.deployment.models import PlanAssignment
from siaga.deployment.selectors import plan_people
from siaga.regions.models import Region

# Polri ranks, lowest first: the highest-ranking officer of a post commands it.
RANKS = ("Bharada", "Bharatu", "Bharaka", "Abripda", "Abriptu", "Abrip", "Bripda", "Briptu", "Brigpol", "Bripka",
         "Aipda", "Aiptu", "Ipda", "Iptu", "AKP", "Kompol", "AKBP", "Kombes Pol", "Brigjen Pol", "Irjen Pol",
         "Komjen Pol", "Jenderal Pol")


def rank_order(rank: str) -> int:
    return RANKS.index(rank) if rank in RANKS else -1


@dataclass
class Post:
    pk: int
    label: str
    polres: str
    kabkota: str
    kecamatan: str
    desa: str
    tps: list
    klass: int
    island: bool
    polri_required: int
    polri_assigned: int
    lat: float
    lng: float
    units: list = field(default_factory=list)  # [(unit name, count, bko)]
    people: list = field(default_factory=list)  # [(nrp, rank, name)] highest rank first

    @property
    def commander(self):
        return self.people[0] if self.people else None


def plan_posts_named(viewer, figures) -> list[Post]:
    plan = figures.plan
    if plan is None:
        return []
    rows = plan.posts.all().order_by("kabkota_code", "kecamatan_code", "desa_code", "key")
    if figures.area_code and len(figures.area_code) > 2:
        rows = rows.filter(kabkota_code=figures.area_code[:5])
    rows = list(rows)
    codes = {p.kecamatan_code for p in rows} | {p.desa_code for p in rows} | {
        _desa_of(c) for p in rows for c in p.tps_codes}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    people = plan_people(viewer=viewer, plan=plan, post_ids=[p.pk for p in rows])
    units = defaultdict(list)
    for post_id, unit, count, bko in PlanAssignment.objects.filter(plan=plan).values_list(
            "post_id", "unit__name", "count", "bko").order_by("post_id", "bko", "unit__name"):
        units[post_id].append((unit, count, bko))
    kabs = {k.code: k for k in figures.kabs}
    counters = defaultdict(int)
    posts = []
    for p in rows:
        kab = kabs.get(p.kabkota_code)
        counters[p.kabkota_code] += 1
        sign = kab.call_sign if kab else p.kabkota_code
        posts.append(Post(
            pk=p.pk, label=f"{sign}-{counters[p.kabkota_code]}", polres=kab.polres if kab else p.kabkota_code,
            kabkota=kab.name if kab else p.kabkota_code, kecamatan=names.get(p.kecamatan_code, p.kecamatan_code),
            desa=names.get(p.desa_code, p.desa_code), tps=_tps_numbers(p, names), klass=p.klass,
            island=p.island, polri_required=p.polri_required, polri_assigned=p.polri_assigned, lat=p.lat, lng=p.lng,
            units=units[p.pk],
            people=sorted(people.get(p.pk, []), key=lambda person: (-rank_order(person[1]), person[0]))))
    return posts


def _desa_of(tps_code: str) -> str:
    """7401011001003 -> 74.01.01.1001 (the TPS code is the desa's digits and the TPS number)."""
    return f"{tps_code[:2]}.{tps_code[2:4]}.{tps_code[4:6]}.{tps_code[6:-3]}"


def _tps_numbers(post, names) -> list[str]:
    """The post's TPS numbers in order; those of a neighbouring desa carry its name."""
    groups: dict[str, list[str]] = {}
    for code in sorted(post.tps_codes):
        groups.setdefault(_desa_of(code), []).append(code[-3:])
    out = groups.pop(post.desa_code, [])
    for desa, numbers in groups.items():
        out.append(f"{', '.join(numbers)} ({names.get(desa, desa)})")
    return out
