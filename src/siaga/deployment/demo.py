"""Demo deployment data for Sultra: unit strengths, reserves, a named roster, patterns and a stored plan.

Strengths follow Pemilu 2024 in Sultra (domain.md): about 5,200 personnel with
1,787 sent as BKO for 8,154 TPS. Each Polsek holds a seeded share of its
kecamatan's need and each Polres HQ a share of its kab/kota's; on islands
(where most TPS need a boat) the shares are lower, so shortfalls and BKO show.
Two operations, each with its pattern set named after it (the planning app
creates the operations themselves): Pemilu 2024 (voting 14 Feb 2024) and
Pilkada 2024 (27 Nov 2024). Guarded objects stand at region centroids: a KPU and
a Bawaslu office per kab/kota and for the province, a PPK recapitulation venue
per kecamatan, a logistics warehouse per kab/kota, and for the Pilkada some
campaign events and the escorts of the governor candidates. Object patterns
(Polri per object by kind and class) are demo figures, kept as data.
Everything goes through the services and importers; a re-run changes nothing.
"""

import csv
import io
from datetime import date, datetime, timedelta, timezone as tz

import numpy as np

from siaga.accounts.models import Agency
from siaga.core import planner
from siaga.deployment.inputs import tps_nodes
from siaga.deployment.models import Plan, Unit, UnitKind
from siaga.deployment.roster_import import personnel_import
from siaga.deployment.services import guard_object_upsert, pattern_set_save, plan_generate, unit_upsert
from siaga.regions.models import Region

OPERATION = "Operasi Mantap Brata Anoa 2023-2024"
PILKADA_OPERATION = "Operasi Mantap Praja Anoa 2024"
WITA = tz(timedelta(hours=8))
VOTING_DAY = (datetime(2024, 2, 14, 7, tzinfo=WITA), datetime(2024, 2, 14, 20, tzinfo=WITA))
PILKADA_VOTING_DAY = (datetime(2024, 11, 27, 7, tzinfo=WITA), datetime(2024, 11, 27, 20, tzinfo=WITA))
RESERVE_SHARE = 0.5  # half of Brimob and Dalmas stay the Polda reserve, half may go BKO
# Polri (and TNI when assisted) per object, by class 0..3 (kurang rawan, rawan, sangat rawan, khusus).
OBJECT_PATTERNS = {
    "kantor_kpu": ((4, 0), (6, 0), (10, 2), (10, 2)),
    "kantor_bawaslu": ((2, 0), (4, 0), (6, 2), (6, 2)),
    "ppk_rekap": ((2, 0), (3, 0), (4, 1), (4, 1)),
    "gudang_logistik": ((2, 0), (3, 0), (4, 1), (4, 1)),
    "kampanye": ((10, 0), (20, 0), (30, 5), (30, 5)),
    "pengawalan_paslon": ((4, 0), (4, 0), (6, 0), (6, 0)),
    "kunjungan_vip": ((10, 0), (15, 0), (20, 0), (20, 0)),
    "objek_vital": ((2, 0), (3, 0), (4, 1), (4, 1)),
}
# Offices with a record of unrest (domain.md: riot at KPU Muna, Bawaslu chair of Buton Tengah chased).
OBJECT_CLASS = {("kantor_kpu", "74.03"): planner.SANGAT_RAWAN, ("kantor_bawaslu", "74.14"): planner.SANGAT_RAWAN,
                ("kantor_kpu", "74.71"): planner.RAWAN, ("kantor_kpu", "74"): planner.RAWAN}
# Pilkada campaign events: (kab/kota, title, class, from, until)
CAMPAIGN = [("74.71", "Kampanye terbuka Paslon Gubernur di Kendari", planner.RAWAN, date(2024, 11, 16),
             date(2024, 11, 23)),
            ("74.03", "Kampanye rapat umum di Raha (Muna)", planner.SANGAT_RAWAN, date(2024, 11, 10),
             date(2024, 11, 10)),
            ("74.72", "Kampanye rapat umum di Baubau", planner.RAWAN, date(2024, 11, 12), date(2024, 11, 12)),
            ("74.01", "Kampanye rapat umum di Kolaka", planner.KURANG_RAWAN, date(2024, 11, 14),
             date(2024, 11, 14))]
PASLON_GUBERNUR = 4  # Pilkada Sultra 2024: four governor candidate pairs
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


def object_rules():
    return [{"kind": kind, "klass": klass, "polri_per_object": polri, "tni_per_object": tni}
            for kind, rows in OBJECT_PATTERNS.items() for klass, (polri, tni) in enumerate(rows)]


def guard_objects(actor, province_code) -> int:
    """KPU and Bawaslu offices, PPK venues, warehouses (both elections); campaign events and candidate
    escorts (the Pilkada operation), each at its region's centroid."""
    regions = {r.code: r for r in Region.objects.filter(code__startswith=province_code, level__lte=3)}
    capital = min((c for c in regions if len(c) == 5 and c[3] == "7"), default=None) or min(
        c for c in regions if len(c) == 5)
    made = 0

    def add(code, kind, name, area, kab, kec="", klass=None, **extra):
        nonlocal made
        point = regions[kec or kab]
        klass = OBJECT_CLASS.get((kind, area), planner.KURANG_RAWAN) if klass is None else klass
        guard_object_upsert(actor=actor, code=code, kind=kind, name=name, area_code=area, kabkota_code=kab,
                            kecamatan_code=kec, lat=point.lat, lng=point.lng, klass=klass, **extra)
        made += 1

    province = regions[province_code]
    add(f"KPU-{province_code}", "kantor_kpu", f"Kantor KPU Provinsi {province.name}", province_code, capital)
    add(f"BAWASLU-{province_code}", "kantor_bawaslu", f"Kantor Bawaslu Provinsi {province.name}", province_code,
        capital)
    for code, r in sorted(regions.items()):
        if len(code) == 5:
            add(f"KPU-{code}", "kantor_kpu", f"Kantor KPU {r.name}", code, code)
            add(f"BAWASLU-{code}", "kantor_bawaslu", f"Kantor Bawaslu {r.name}", code, code)
            add(f"GUDANG-{code}", "gudang_logistik", f"Gudang logistik KPU {r.name}", code, code)
        elif len(code) == 8:
            add(f"PPK-{code}", "ppk_rekap", f"Tempat rekapitulasi PPK {r.name}", code, code[:5], code)
    for i, (kab, title, klass, start, end) in enumerate(CAMPAIGN, start=1):
        if kab in regions:
            add(f"KAMPANYE-{province_code}-{i}", "kampanye", title, kab, kab, klass=klass, election="pilkada",
                operation=PILKADA_OPERATION, starts_on=start, ends_on=end)
    for n in range(1, PASLON_GUBERNUR + 1):
        add(f"PASLON-{province_code}-{n}", "pengawalan_paslon", f"Pengawalan Paslon Gubernur Nomor Urut {n}",
            province_code, capital, election="pilkada", operation=PILKADA_OPERATION)
    return made


def run(*, actor, province_code, seed) -> dict:
    rng = np.random.default_rng(seed)
    # The Pemilu set is made last: without a named operation, pages and commands take the newest.
    pilkada_set, _ = pattern_set_save(actor=actor, province_code=province_code, operation=PILKADA_OPERATION,
                                      rules=PATTERNS, tni_assist=True, duty_window=PILKADA_VOTING_DAY,
                                      note="Pola pengamanan TPS Pilkada 2024 (Polda Sultra)",
                                      object_rules=object_rules(), election="pilkada", reserve_share=RESERVE_SHARE)
    pattern_set, _ = pattern_set_save(actor=actor, province_code=province_code, operation=OPERATION,
                                      rules=PATTERNS, tni_assist=True, duty_window=VOTING_DAY,
                                      note="Pola pengamanan TPS Pemilu 2024 (Polda Sultra)",
                                      object_rules=object_rules(), election="pemilu", reserve_share=RESERVE_SHARE)
    objects = guard_objects(actor, province_code)
    tps, _codes = tps_nodes(viewer=actor, area=province_code)
    need = _need(tps, {r["klass"]: planner.Pattern(r["klass"], r["polri_per_post"], r["tps_per_post_max"],
                                                   r["tps_per_post_min"], r["linmas_per_tps"],
                                                   r["allow_neighbour_desa"]) for r in PATTERNS})
    units = _units(actor, province_code, tps, need, rng)
    roster_unit = Unit.objects.filter(kind="polsek", area_code__startswith=f"{province_code}.01.").order_by(
        "code").first()
    roster = personnel_import(actor=actor, data=roster_csv(roster_unit, max(roster_unit.available, 12), rng),
                              filename=f"personel-{roster_unit.code}.csv")
    plans = {}
    for election, operation in (("pilkada", PILKADA_OPERATION), ("pemilu", OPERATION)):
        plans[election] = Plan.objects.filter(area_code=province_code, election=election).first() or \
            plan_generate(actor=actor, area=province_code, operation=operation, election=election)
    plan = plans["pemilu"]
    return {"units": len(units), "pattern_version": pattern_set.version, "pilkada_pattern_version":
            pilkada_set.version, "objects": objects, "roster": roster, "plan": plan.pk,
            "plan_pilkada": plans["pilkada"].pk,
            **{k: v for k, v in plan.summary.items() if not isinstance(v, (dict, list))}}
