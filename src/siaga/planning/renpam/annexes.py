"""Annexes of the Rencana Pengamanan: TPS rawan per Polres, personnel plotting per post, map, shift
schedule, threats with mitigations and KPIs, intelligence."""

from collections import defaultdict

from siaga.planning import selectors
from siaga.planning.renpam import mapimage
from siaga.planning.renpam.fmt import day, dec, num
from siaga.planning.renpam.posts import plan_posts_named
from siaga.planning.renpam.shifts import shift_schedule
from siaga.regions.models import Region
from siaga.risk.selectors import tps_risk_list
from siaga.risk.sources import reads_every_source

CLASS_LABELS = ("Kurang rawan", "Rawan", "Sangat rawan", "Khusus")
STATUS_ID = {"met": "tercapai", "at_risk": "mendekati target", "missed": "belum tercapai", "no_data": "tidak ada data"}
TREND_ID = {"improving": "membaik", "worsening": "memburuk", "flat": "tetap", None: "-"}


def renpam_annexes(*, viewer, figures, intel) -> list:
    return [
        ("LAMPIRAN I: DAFTAR TPS RAWAN PER POLRES", tps_rawan(viewer, figures)),
        ("LAMPIRAN II: PLOTTING PERSONEL PER POS", plotting(viewer, figures)),
        ("LAMPIRAN III: PETA KERAWANAN TPS", map_annex(viewer, figures)),
        ("LAMPIRAN IV: JADWAL SHIFT", shifts_annex(figures)),
        ("LAMPIRAN V: ANCAMAN, MITIGASI DAN INDIKATOR KINERJA", mitigations(viewer, figures)),
        ("LAMPIRAN VI: INFORMASI INTELIJEN", intel),
        ("LAMPIRAN VII: PERGERAKAN PERSONEL BKO LEWAT LAUT DAN RUTE KONTINJENSI", sea_annex(figures)),
    ]


def names_of(codes) -> dict:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


def tps_rawan(viewer, figures):
    rows = list(tps_risk_list(viewer=viewer, area=figures.area_code, klass=[1, 2, 3],
                              election=figures.operation.election)
                .order_by("tps__kabkota_code", "tps__kecamatan_code", "tps__desa_id", "tps__number")
                .values_list("tps__kabkota_code", "tps__kecamatan_code", "tps__desa_id", "tps__number",
                             "tps__voters", "klass", "score"))
    if not rows:
        return [("p", f"Tidak ada TPS rawan, sangat rawan atau khusus pada {figures.election_label}.")]
    names = names_of([r[1] for r in rows] + [r[2] for r in rows])
    with_score = reads_every_source(viewer)
    polres = {k.code: k.polres for k in figures.kabs}
    blocks = []
    by_kab = defaultdict(list)
    for kab, kec, desa, number, voters, klass, score in rows:
        by_kab[kab].append([names.get(kec, kec), names.get(desa, desa), f"TPS {number:03d}", num(voters),
                            CLASS_LABELS[klass]] + ([dec(score)] if with_score else []))
    header = ["Kecamatan", "Desa/Kelurahan", "TPS", "Pemilih", "Kelas"] + (["Skor"] if with_score else [])
    for kab, kab_rows in by_kab.items():
        blocks += [("h2", f"{polres.get(kab, kab)} ({num(len(kab_rows))} TPS)"), ("table", header, kab_rows)]
    return blocks


def plotting(viewer, figures):
    if figures.plan is None:
        return [("p", "Rencana penempatan personel untuk pemilihan ini belum disusun.")]
    by_kab = defaultdict(list)
    for post in plan_posts_named(viewer, figures):
        staff = "; ".join(f"{rank} {name} ({nrp})" for nrp, rank, name in post.people) or "; ".join(
            f"{unit}{' (BKO)' if bko else ''} {num(count)}" for unit, count, bko in post.units) or "-"
        by_kab[post.polres].append([post.label, post.kecamatan, post.desa, ", ".join(post.tps),
                                    CLASS_LABELS[post.klass], f"{num(post.polri_assigned)}/{num(post.polri_required)}",
                                    staff])
    blocks = [("p", "Kolom TPS memuat nomor TPS di desa; Polri: ditugaskan/dibutuhkan. Nama personel dicantumkan "
                    "bila daftar personel bernama tersedia, selain itu jumlah per kesatuan.")]
    header = ["Pos", "Kecamatan", "Desa/Kelurahan", "TPS", "Kelas", "Polri", "Personel"]
    for polres, rows in by_kab.items():
        blocks += [("h2", f"{polres} ({num(len(rows))} pos)"), ("table", header, rows)]
    return blocks


def map_annex(viewer, figures):
    title = f"Peta Kerawanan TPS {figures.election_label} - {figures.area_name}"
    png = mapimage.framed_map(viewer=viewer, area=figures.area_code, title=title,
                              election=figures.operation.election)
    if png is None:
        return [("p", "Batas wilayah belum dimuat: peta tidak dapat digambar.")]
    return [("img", png, title)]


def shifts_annex(figures):
    rows = shift_schedule(figures.plan)
    if not rows:
        return [("p", "Rencana penempatan belum memuat jadwal shift; jadwal dilampirkan setelah rencana shift "
                      "disusun (siaga plan deploy).")]
    return [("table", ["Shift", "Mulai", "Selesai", "Personel dibutuhkan", "Terisi", "Personel tersedia",
                       "Kekurangan"],
             [[r["shift"], f"{day(r['start'])} {r['start']:%H.%M}", f"{day(r['end'])} {r['end']:%H.%M}",
               num(r["officers_required"]), num(r["officers_filled"]), num(r["officers_available"]),
               num(r["shortfall"])]
              for r in rows])]


def mitigations(viewer, figures):
    rows = [[t.title, m.action, m.owner.name, day(m.due_on), m.get_status_display()]
            for t in figures.threats for m in t.mitigations.all()]
    kpis = [[k["name"] + (f" - {k['mitigation'].action}" if k["mitigation"] else ""), _value(k["target"], k["unit"]),
             _value(k["current"], k["unit"]), STATUS_ID[k["status"]], TREND_ID[k["trend"]]]
            for k in selectors.kpi_report(viewer=viewer, operation=figures.operation)]
    return [("table", ["Ancaman", "Mitigasi", "Pelaksana", "Batas waktu", "Status"], rows),
            ("table", ["Indikator", "Target", "Capaian", "Keterangan", "Tren"], kpis)]


def _value(value, unit):
    if value is None:
        return "tidak ada data"
    return f"{dec(value, 1)} {unit}".strip()


VESSELS = {"ferry": "Kapal feri (KMP)", "express": "Kapal cepat", "speedboat": "Speedboat", "motor": "Kapal motor",
           "fishing": "Perahu nelayan", "polairud": "Kapal Polairud", "tni_al": "Kapal TNI AL"}


def sea_annex(figures):
    if not figures.sea_movements:
        return [("p", "Tidak ada pergerakan BKO lewat laut dalam rencana ini (atau jaringan pelabuhan dan lintasan "
                      "belum dimuat).")]
    rows = [[VESSELS.get(m["vessel"], m["vessel"]), m["from_name"], m["to_name"],
             f"{num(m['persons'])}/{num(m['capacity'])}", f"{day(m['depart'])} {m['depart']:%H.%M}",
             f"{day(m['arrive'])} {m['arrive']:%H.%M}" + (" (terlambat)" if m["late"] else ""),
             "; ".join(f"{u['from_unit']} ke {u['to_unit']} ({num(u['persons'])})" for u in m["units"])]
            for m in figures.sea_movements]
    blocks = [("p", "Keberangkatan mengikuti jadwal lintasan; kapasitas per pelayaran dipatuhi (orang/kapasitas), "
                    "sisanya menunggu pelayaran berikutnya."),
              ("table", ["Kapal", "Dari", "Ke", "Orang", "Berangkat", "Tiba", "Kesatuan"], rows)]
    alt_rows = []
    for c in figures.contingency_routes:
        if c["alternative"] is None:
            way = "Tidak ada rute lain: tunda ke jendela cuaca berikutnya"
        else:
            way = " - ".join(f"{VESSELS.get(g['operator'], 'darat')} {g['from']}-{g['to']}"
                             for g in c["alternative"]["legs"]) + f" ({num(c['alternative']['minutes'])} menit)"
        alt_rows.append([f"{c['from_name']} - {c['to_name']}", way])
    blocks.append(("table", ["Lintasan ditutup (cuaca)", "Rute kontinjensi"], alt_rows))
    return blocks
