"""Demo deployment data for Sultra: unit strengths, reserves, a named roster, patterns and a stored plan.

Strengths follow Pemilu 2024 in Sultra (domain.md): about 5,200 personnel with
1,787 sent as BKO for 8,154 TPS. Each Polsek holds a seeded share of its
kecamatan's need and each Polres HQ a share of its kab/kota's; on islands
(where most TPS need a boat) the shares are lower, so shortfalls and BKO show.
Everything goes through the services and importers; a re-run changes nothing.
"""

import csv
import io
from datetime import datetime, timedelta, timezone as tz

import numpy as np

from siaga.accounts.models import Agency
from siaga.core import planner
from siaga.deployment.inputs import tps_nodes
from siaga.deployment.models import Plan, Unit, UnitKind
from siaga.deployment.roster_import import personnel_import
from siaga.deployment.services import pattern_set_save, plan_generate, unit_upsert

OPERATION = "Mantap Brata Anoa 2024"
WITA = tz(timedelta(hours=8))
VOTING_DAY = (datetime(2024, 2, 14, 7, tzinfo=WITA), datetime(2024, 2, 14, 20, tzinfo=WITA))
BKO_POOL = 1787
# Polri : TPS : Linmas per class, Sultra 2024 (domain.md); min TPS per post 4 for kurang rawan.
PATTERNS = [
    {"klass": planner.KURANG_RAWAN, "polri_per_post": 2, "tps_per_post_min": 4, "tps_per_post_max": 8,
     "linmas_per_tps": 2, "tni_per_post": 0, "allow_neighbour_desa": True},
    {"klass": planner.RAWAN, "polri_per_post": 2, "tps_per_post_min": 2, "tps_per_post_max": 2,
     "linmas_per_tps": 2, "tni_per_post": 0, "allow_neighbour_desa": False},
    {"klass": planner.SANGAT_RAWAN, "polri_per_post": 2, "tps_per_post_min": 1, "tps_per_post_max": 1,
     "linmas_per_tps": 2, "tni_per_post": 1, "allow_neighbour_desa": False},
    {"klass": planner.KHUSUS, "polri_per_post": 2, "tps_per_post_min": 1, "tps_per_post_max": 1,
     "linmas_per_tps": 2, "tni_per_post": 0, "allow_neighbour_desa": False},
]
SHARE = {"polsek": (0.35, 0.55), "polres": (0.05, 0.1)}
ISLAND_FACTOR = 0.5
FIRST = ["Andi", "Budi", "Citra", "Dedi", "Eka", "Fajar", "Gilang", "Hendra", "Irfan", "Joko", "Kadek", "La Ode",
         "Made", "Nur", "Oki", "Putra", "Rahmat", "Sitti", "Taufik", "Wahyu", "Yusuf", "Zainal"]
LAST = ["Saputra", "Hasan", "Rahman", "Mokodompit", "Tamburaka", "Lakidende", "Sabara", "Haluoleo", "Pratama",
        "Wijaya", "Anwar", "Halim", "Baso", "Muhammad", "Kurniawan", "Setiawan"]
RANKS = ["Bripda", "Briptu", "Brigpol", "Bripka", "Aipda", "Aiptu", "Ipda", "Iptu"]
FUNCTIONS = ["Samapta", "Bhabinkamtibmas", "Reskrim", "Intelkam", "Lantas"]


def _need(tps, patterns):
    """Polri required per kecamatan, kab/kota and province with the demo patterns."""
    need: dict[str, int] = {}
    for post in planner.group_posts(tps, patterns):
        for area in (post.kecamatan, post.kabkota, post.province):
            need[area] = need.get(area, 0) + post.polri_required
    return need


def _units(actor, province_code, tps, need, rng):
    island_kab = {t.kabkota for t in tps if t.island}
    share_island = {k: sum(t.island for t in tps if t.kabkota == k) / max(1, sum(t.kabkota == k for t in tps))
                    for k in island_kab}
    agencies = list(Agency.objects.filter(kind="polri", area_code__startswith=province_code).order_by("code"))
    made = {}
    for agency in agencies:
        kind = {"provinsi": "polda", "kabkota": "polres", "kecamatan": "polsek"}.get(agency.level)
        if kind is None:
            continue
        if kind == "polda":
            available = BKO_POOL
        else:
            factor = ISLAND_FACTOR if share_island.get(agency.area_code[:5], 0) > 0.5 else 1.0
            available = int(round(rng.uniform(*SHARE[kind]) * factor * need.get(agency.area_code, 0)))
        parent = made.get(agency.parent.code) if agency.parent else None
        made[agency.code] = unit_upsert(actor=actor, code=agency.code, name=agency.name, kind=kind, agency=agency,
                                        area_code=agency.area_code, lat=agency.lat, lng=agency.lng,
                                        strength=int(available * 1.25), available=available, parent=parent)
    polda = Agency.objects.get(code=f"POLDA-{province_code}")
    capital = Agency.objects.filter(code__startswith=f"POLRES-{province_code}.7").order_by("code").first()
    for kind, name, size in (("brimob", "Sat Brimob Polda", 420), ("dalmas", "Dalmas Ditsamapta Polda", 180)):
        unit_upsert(actor=actor, code=f"{kind.upper()}-{province_code}", name=name, kind=kind, agency=polda,
                    area_code=capital.area_code, lat=capital.lat, lng=capital.lng, strength=size, available=size,
                    parent=made[polda.code])
    tni = Agency.objects.filter(code=f"TNI-{province_code}").first()
    if tni:
        unit_upsert(actor=actor, code=f"TNI-{province_code}", name="Korem 143/Haluoleo (BKO pengamanan)",
                    kind=UnitKind.TNI, agency=tni, area_code=province_code, lat=polda.lat, lng=polda.lng,
                    strength=900, available=640)
    pemda = Agency.objects.filter(code=f"PEMDA-{province_code}").first()
    if pemda:
        tps_by_kab: dict[str, int] = {}
        for t in tps:
            tps_by_kab[t.kabkota] = tps_by_kab.get(t.kabkota, 0) + 1
        for kab, n in sorted(tps_by_kab.items()):
            polres = made.get(f"POLRES-{kab}")
            unit_upsert(actor=actor, code=f"LINMAS-{kab}", name=f"Linmas {polres.name if polres else kab}",
                        kind=UnitKind.LINMAS, agency=pemda, area_code=kab, lat=polres and polres.lat,
                        lng=polres and polres.lng, strength=2 * n, available=2 * n)
    return made


def roster_csv(unit: Unit, size: int, rng) -> bytes:
    """A fictional roster (names are generated, not real people); some on leave on voting day."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["nrp", "pangkat", "nama", "kode_unit", "fungsi", "jenis", "mulai", "selesai"])
    for i in range(size):
        nrp = f"{int(rng.integers(60, 99)):02d}{int(rng.integers(1, 13)):02d}{i:04d}"
        name = f"{FIRST[int(rng.integers(len(FIRST)))]} {LAST[int(rng.integers(len(LAST)))]}"
        row = [nrp, RANKS[int(rng.integers(len(RANKS)))], name, unit.code, FUNCTIONS[i % len(FUNCTIONS)]]
        if i % 9 == 4:
            row += ["cuti", "2024-02-12 00:00", "2024-02-16 23:59"]
        writer.writerow(row)
    return out.getvalue().encode()


def run(*, actor, province_code, seed) -> dict:
    rng = np.random.default_rng(seed)
    pattern_set, _ = pattern_set_save(actor=actor, province_code=province_code, operation=OPERATION,
                                      rules=PATTERNS, tni_assist=True, duty_window=VOTING_DAY,
                                      note="Pola pengamanan TPS Pemilu 2024 (Polda Sultra)")
    tps, _codes = tps_nodes(viewer=actor, area=province_code)
    need = _need(tps, {r["klass"]: planner.Pattern(r["klass"], r["polri_per_post"], r["tps_per_post_max"],
                                                   r["tps_per_post_min"], r["linmas_per_tps"],
                                                   r["allow_neighbour_desa"]) for r in PATTERNS})
    units = _units(actor, province_code, tps, need, rng)
    roster_unit = Unit.objects.filter(kind="polsek", area_code__startswith=f"{province_code}.01.").order_by(
        "code").first()
    roster = personnel_import(actor=actor, data=roster_csv(roster_unit, max(roster_unit.available, 12), rng),
                              filename=f"personel-{roster_unit.code}.csv")
    plan = Plan.objects.filter(area_code=province_code).first()
    if plan is None:
        plan = plan_generate(actor=actor, area=province_code, operation=OPERATION)
    return {"units": len(units), "pattern_version": pattern_set.version, "roster": roster, "plan": plan.pk,
            **{k: v for k, v in plan.summary.items() if k != "by_class"}}
