"""The Rencana Pengamanan as plain content: heading block, numbered chapters, annexes, signature.

Blocks: ("p", text) · ("h2", text) · ("list", [text]) · ("table", header, rows) · ("img", png, caption).
Every figure comes from figures.renpam_figures; the unit's own data (legal basis, costs, call signs,
signer) from config.renpam_config. Intelligence comes through coordination's provider (a logged read).
"""

from django.utils import timezone

from siaga.core.risk_matrix import level_name
from siaga.core.siaga_index import FORMULA, level_label, strong_disagreement
from siaga.planning import providers
from siaga.planning.models import ContingencyStatus
from siaga.planning.renpam import annexes, classification
from siaga.planning.renpam.config import renpam_config
from siaga.planning.renpam.fmt import day, dec, num, pct, period, roman_month, rupiah

CLASS_LABELS = ("Kurang rawan", "Rawan", "Sangat rawan", "Khusus")
INDEX_NAME = "Indeks Kerawanan Siaga"


def kop_lines(agency) -> list[str]:
    """KEPOLISIAN NEGARA REPUBLIK INDONESIA / DAERAH SULAWESI TENGGARA (from 'Polda Sulawesi Tenggara')."""
    name = agency.name
    for prefix, word in (("Polda ", "DAERAH "), ("Polres ", "RESOR "), ("Polresta ", "RESOR KOTA "),
                         ("Polsek ", "SEKTOR ")):
        if name.startswith(prefix):
            return ["KEPOLISIAN NEGARA REPUBLIK INDONESIA", word + name[len(prefix):].upper()]
    return ["KEPOLISIAN NEGARA REPUBLIK INDONESIA", name.upper()]


def reader_line(viewer, organiser) -> str:
    name = viewer.get_full_name() or viewer.username
    if viewer.agency_id is None:  # the command-line or system account reads for the organising unit
        return f"Salinan untuk: {organiser.name}"
    return f"Salinan untuk: {name}, {viewer.agency.name}"


def document_number(fmt: str, when, seq=None) -> str:
    return fmt.format(seq=seq if seq else "      ", month=roman_month(when), year=when.year)


def renpam_content(*, viewer, figures, version=None, when=None) -> dict:
    config = renpam_config()
    operation = figures.operation
    when = when or timezone.localdate()
    intel = _intel(viewer, operation)
    names_shown = figures.named_on_posts > 0
    level = classification.highest(config["classification_floor"], *classification.table_levels(intel),
                                   config["named_roster_classification"] if names_shown else None)
    words = {"organiser": operation.organiser.name, "operation": operation.name, "area": figures.area_name,
             "election": figures.election_label, "start": day(operation.starts_on), "end": day(operation.ends_on),
             "days": num((operation.ends_on - operation.starts_on).days + 1)}
    sections = [
        ("I. PENDAHULUAN", _pendahuluan(figures, config, words)),
        ("II. SITUASI", _situasi(figures)),
        ("III. TUGAS POKOK", [("p", config["tugas_pokok"].format(**words))]),
        ("IV. SASARAN", _sasaran(config)),
        ("V. PELAKSANAAN", _pelaksanaan(figures, config)),
        ("VI. ADMINISTRASI DAN LOGISTIK", _administrasi(figures, config)),
        ("VII. KOMANDO DAN PENGENDALIAN", _kodal(viewer, figures, config)),
        ("VIII. PENUTUP", [("p", f"Demikian Rencana Pengamanan {operation.name} ini disusun untuk dilaksanakan "
                                 "dengan penuh tanggung jawab. Hal-hal yang belum diatur akan diatur kemudian.")]),
    ]
    return {
        "kop": kop_lines(operation.organiser),
        "classification": classification.LABELS[level],
        "level": level,
        "number": document_number(config["number_format"], when, version.number_seq if version else None),
        "title": "RENCANA PENGAMANAN",
        "subtitle": operation.name.upper(),
        "meta": [f"{figures.election_label} · {figures.area_name} · {period(operation.starts_on, operation.ends_on)}",
                 reader_line(viewer, operation.organiser),
                 _version_line(version)],
        "sections": sections,
        "signature": {"place_date": f"{config['place']}, {day(when)}", **config["signer"]},
        "tembusan": config["tembusan"],
        "annexes": annexes.renpam_annexes(viewer=viewer, figures=figures, intel=intel),
    }


def _version_line(version):
    if version is None:
        return "Status: KONSEP (belum disahkan)"
    return f"Versi {version.number} · {version.state_label_id()}"


def _intel(viewer, operation):
    section = providers.hook("document.intel")
    if section is None:
        return [("p", "Modul koordinasi tidak tersedia.")]
    return [_named_areas(block) for block in section(viewer=viewer, operation=operation)]


def _named_areas(block):
    """A table's 'Wilayah' column with region names instead of codes."""
    if block[0] != "table" or "Wilayah" not in block[1]:
        return block
    column = block[1].index("Wilayah")
    return ("table", block[1], [[_area(v) if n == column else v for n, v in enumerate(row)] for row in block[2]])


def _pendahuluan(figures, config, words):
    kabs = [k for k in figures.kabs if k.tps]
    umum = (f"{words['operation']} diselenggarakan oleh {words['organiser']} untuk mengamankan "
            f"{figures.election_label} di {figures.area_name}, meliputi {num(len(kabs))} kabupaten/kota dengan "
            f"{num(figures.tps_total)} TPS dan {num(figures.voters_total)} pemilih (DPT).")
    if figures.election_day:
        umum += f" Pemungutan suara dilaksanakan pada {day(figures.election_day)}."
    return [("h2", "1. Umum"), ("p", umum),
            ("h2", "2. Maksud dan Tujuan"), ("p", "a. Maksud: " + config["maksud"].format(**words)),
            ("p", "b. Tujuan: " + config["tujuan"].format(**words)),
            ("h2", "3. Dasar"), ("list", config["dasar"])]


def _situasi(figures):
    total = figures.classes_total
    rawan = total[1] + total[2] + total[3]
    blocks = [("h2", "1. Wilayah"),
              ("p", f"{figures.area_name}: {num(len([k for k in figures.kabs if k.tps]))} kabupaten/kota, "
                    f"{num(figures.tps_total)} TPS {figures.election_label}, {num(figures.voters_total)} pemilih. "
                    f"TPS tanpa koordinat dalam registri: {num(figures.tps_no_coordinates)}."),
              ("h2", "2. Kerawanan per kabupaten/kota"),
              ("p", f"Penilaian kerawanan Siaga atas TPS {figures.election_label}: {num(rawan)} dari "
                    f"{num(figures.tps_total)} TPS ({pct(rawan, figures.tps_total)}) rawan, sangat rawan atau khusus. "
                    f"{INDEX_NAME} (0-100) dihitung Siaga dari indikator TPS dengan skala tingkatnya sendiri; "
                    "indeks ini bukan IKP Bawaslu dan tidak dibaca dengan kategori IKP."
                    + (f" {INDEX_NAME} wilayah: {dec(figures.index)} ({level_label(figures.level)})."
                       if figures.index is not None else "")),
              ("p", "Rumus: " + FORMULA["id"]),
              ("p", _ikp_text(figures)),
              ("table", ["Kabupaten/Kota", "TPS", "Kurang rawan", "Rawan", "Sangat rawan", "Khusus",
                         f"{INDEX_NAME} (tingkat)", "IKP Bawaslu (skor, kategori)"],
               [[k.name, num(k.tps), *[num(c) for c in k.classes], _siaga(k.index, k.level), _ikp(k.ikp)]
                for k in figures.kabs if k.tps]
               + [["Jumlah", num(figures.tps_total), *[num(c) for c in total], _siaga(figures.index, figures.level),
                   _ikp(figures.ikp)]]),
              *[("p", text) for text in _disagreements(figures)],
              ("h2", "3. Perkiraan ancaman per tahapan")]
    by_stage = {}
    for threat in figures.threats:
        by_stage.setdefault(threat.stage.kind if threat.stage else "", []).append(threat)
    rows = []
    for stage in figures.stages:
        for t in by_stage.get(stage.kind, []):
            rows.append([f"{stage.get_kind_display()} ({period(stage.starts_on, stage.ends_on)})", t.title,
                         _area(t.area_code), f"{t.likelihood} x {t.impact} = {t.score} ({level_name(t.level)})"])
    for t in by_stage.get("", []):
        rows.append(["Semua tahapan", t.title, _area(t.area_code), f"{t.score} ({level_name(t.level)})"])
    blocks.append(("table", ["Tahapan", "Ancaman", "Wilayah", "Risiko (kemungkinan x dampak)"], rows)
                  if rows else ("p", "Belum ada ancaman terdaftar."))
    blocks += [("h2", "4. Kekuatan sendiri"),
               ("p", f"Personel Polri tersedia untuk pengamanan (Polda, Polres, Polsek): "
                     f"{num(figures.polri_units_available)}; cadangan Brimob dan Dalmas: {num(figures.reserve_total)}; "
                     f"TNI perbantuan: {num(figures.tni_available)}; Linmas: {num(figures.linmas_available)}.")]
    return blocks


def _siaga(index, level):
    return "-" if index is None else f"{dec(index)} (Siaga {level + 1})"


def _ikp(score):
    """Bawaslu's IKP as published: score and band, never Siaga's figure."""
    return "-" if score is None else f"{dec(score.score)} ({score.band})"


def _ikp_text(figures):
    score = figures.ikp
    if score is None:
        return ("IKP Bawaslu untuk wilayah ini belum diimpor (siaga risk ikp import); kolom IKP dikosongkan, "
                "tidak diperkirakan.")
    missing = sum(1 for k in figures.kabs if k.tps and k.ikp is None)
    return (f"IKP Bawaslu sebagaimana diterbitkan ({score.edition.name}, rilis {day(score.edition.released_on)}): "
            f"{figures.area_name} {dec(score.score)} ({score.band}); sumber: {score.edition.source}. "
            + (f"Skor IKP {num(missing)} kabupaten/kota belum diimpor dan ditulis '-'." if missing else ""))


def _disagreements(figures):
    """Areas where Siaga's level and Bawaslu's band are two steps apart (core.siaga_index.strong_disagreement)."""
    rows = [(figures.area_name, figures.ikp, figures.level)] + [(k.name, k.ikp, k.level) for k in figures.kabs]
    return [f"Perbedaan tajam: {name} IKP Bawaslu '{score.band}' sedangkan {level_label(level)}; periksa temuan "
            "di balik keduanya." for name, score, level in rows
            if score is not None and strong_disagreement(score.band, level)]


_REGION_NAMES = {}


def _area(code):
    from siaga.regions.models import Region

    if not code:
        return "Nasional"
    if code not in _REGION_NAMES:
        region = Region.objects.filter(code=code).first()
        _REGION_NAMES[code] = (f"Provinsi {region.name.title()}" if region and region.level == 1
                               else region.name if region else code)
    return _REGION_NAMES[code]


def _sasaran(config):
    blocks = []
    for n, (kind, items) in enumerate(config["sasaran"].items(), start=1):
        blocks += [("h2", f"{n}. {kind}"), ("list", items)]
    return blocks


def _pelaksanaan(figures, config):
    blocks = [("h2", "1. Konsep operasi"),
              ("p", f"Operasi dilaksanakan dalam tiga tahap mengikuti tahapan {figures.election_label}. Pada hari "
                    f"pemungutan, {num(figures.tps_total)} TPS diamankan dengan pola sesuai kelas kerawanan"
                    + (f" oleh {num(figures.polri_assigned)} personel Polri pada {num(figures.posts)} pos, "
                       f"termasuk {num(figures.bko)} personel BKO Polda; cadangan Brimob dan Dalmas "
                       f"{num(figures.reserve_total)} personel disiagakan." if figures.plan else
                       "; rencana penempatan personel untuk pemilihan ini belum disusun "
                       "(siaga plan deploy).")),
              ("h2", "2. Cara bertindak per tahap")]
    stages = {s.kind: s for s in figures.stages}
    threats = {}
    for t in figures.threats:
        if t.stage:
            threats.setdefault(t.stage.kind, []).append(t)
    for key, (label, kinds) in config["phases"].items():
        rows = []
        for kind in kinds:
            stage = stages.get(kind)
            if stage is None:
                continue
            actions = [config["cara_bertindak"].get(kind, "")]
            actions += [f"{m.action} ({m.owner.name}, {day(m.due_on)})" for t in threats.get(kind, [])
                        for m in t.mitigations.all()]
            rows.append([stage.get_kind_display(),
                         period(stage.starts_on, stage.ends_on), "; ".join(a for a in actions if a)])
        if rows:
            blocks += [("p", f"{label}:"), ("table", ["Tahapan", "Waktu", "Cara bertindak"], rows)]
    blocks += [("h2", "3. Satgas dan kekuatan"), ("table", ["Satgas", "Kasatgas", "Unsur", "Tugas", "Personel"],
                                                   _satgas_rows(figures, config))]
    blocks += [("h2", "4. Kekuatan per Polres")]
    if figures.plan:
        rows = [[k.polres, num(k.tps), num(k.posts), num(k.polri_required), num(k.own_assigned), num(k.bko_in),
                 num(k.shortfall), num(k.tni_required), num(k.linmas_required)] for k in figures.kabs if k.tps]
        rows.append(["Jumlah", num(figures.tps_total), num(figures.posts), num(figures.polri_required),
                     num(figures.polri_assigned - figures.bko), num(figures.bko), num(figures.shortfall),
                     num(figures.tni_required), num(figures.linmas_required)])
        blocks.append(("table", ["Polres", "TPS", "Pos", "Polri dibutuhkan", "Polri sendiri", "BKO masuk",
                                 "Kekurangan", "TNI", "Linmas"], rows))
        if figures.plan_tps != figures.tps_total:
            blocks.append(("p", f"Rencana penempatan memuat {num(figures.plan_tps)} dari {num(figures.tps_total)} "
                                f"TPS: {num(figures.tps_total - figures.plan_tps)} TPS belum tercakup pos "
                                "pengamanan dan harus ditetapkan pengamanannya oleh Polres setempat."))
        blocks.append(("p", f"Dasar: rencana penempatan nomor {figures.plan.pk} tanggal "
                            f"{day(figures.plan.created_at)} (status {figures.plan.status})."))
    else:
        blocks.append(("p", f"Rencana penempatan personel untuk {figures.election_label} belum disusun; tabel "
                            "kekuatan per Polres diisi setelah rencana penempatan dibuat."))
    blocks.append(("h2", "5. Polri per fungsi, BKO, cadangan, TNI dan Linmas"))
    if figures.by_function:
        blocks.append(("table", ["Fungsi (personel bernama di pos)", "Jumlah"],
                       [[f, num(n)] for f, n in figures.by_function]))
    if figures.bko_orders:
        blocks.append(("table", ["BKO keluar dari", "BKO masuk ke", "Personel"],
                       [[s, d, num(n)] for s, d, n in figures.bko_orders]))
    blocks.append(("table", ["Unsur", "Jenis", "Tersedia", "Dibutuhkan rencana"],
                   [[name, kind, num(n), "cadangan"] for name, kind, n in figures.reserves]
                   + [["TNI (perbantuan)", "TNI", num(figures.tni_available),
                       num(figures.tni_required) if figures.plan else "-"],
                      ["Linmas desa", "Linmas", num(figures.linmas_available),
                       num(figures.linmas_required) if figures.plan else "-"]]))
    blocks += [("h2", "6. Pelibatan instansi"), ("list", _instansi(figures))]
    return blocks


def _satgas_rows(figures, config):
    rows = []
    for tf in figures.operation.task_forces.all():
        data = config["satgas"].get(tf.name, {})
        strength = data.get("strength")
        if strength == "posts" and figures.plan:
            personel = f"{num(figures.polri_assigned)} (di {num(figures.posts)} pos, {num(figures.bko)} BKO)"
        elif strength == "reserve" and figures.reserves:
            personel = f"{num(figures.reserve_total)} (" + ", ".join(f"{k} {num(n)}" for _, k, n in
                                                                       figures.reserves) + ")"
        else:
            personel = "sesuai Sprin"
        rows.append([tf.name, data.get("kasatgas", tf.lead.name if tf.lead else "-"),
                     data.get("unsur", "-"), tf.duty, personel])
    return rows


def _instansi(figures):
    from siaga.accounts.models import Agency, AgencyKind

    area = figures.area_code
    agencies = Agency.objects.exclude(kind=AgencyKind.POLRI)
    if area:
        agencies = agencies.filter(area_code=area)
    duties = {AgencyKind.KPU: "penyelenggara: jadwal tahapan, lokasi TPS, distribusi logistik",
              AgencyKind.BAWASLU: "pengawas: pemetaan TPS rawan, Sentra Gakkumdu",
              AgencyKind.TNI: "perbantuan pengamanan dan angkutan (kapal, kendaraan)",
              AgencyKind.PEMDA: "Linmas, dukungan anggaran (NPHD), sarana"}
    items = [f"{a.name}: {duties.get(a.kind, '')}" for a in agencies.order_by("kind", "code")]
    return items or ["Instansi mitra belum terdaftar untuk wilayah ini."]


def _administrasi(figures, config):
    costs = config["anggaran"]
    blocks = [("h2", "1. Administrasi dan logistik"), ("list", config["administrasi"]), ("h2", "2. Anggaran")]
    if not figures.plan:
        return blocks + [("p", "Anggaran dihitung dari rencana penempatan personel, yang belum disusun.")]
    voting = next((s for s in figures.stages if s.kind == "pemungutan"), None)
    days = ((voting.ends_on - voting.starts_on).days + 1 if voting else 1) + costs["hari_pelaksanaan_tambahan"]
    land_posts = figures.posts - figures.island_posts
    polres = len([k for k in figures.kabs if k.tps])
    items = [
        ("Uang saku dan makan personel Polri di pos", figures.polri_assigned * days, "orang-hari",
         costs["personel_per_hari"]),
        ("Uang saku dan makan cadangan Brimob/Dalmas", figures.reserve_total * days, "orang-hari",
         costs["personel_per_hari"]),
        ("Kendaraan roda dua patroli pos", land_posts * costs["roda2_per_pos"] * days, "unit-hari",
         costs["kendaraan_roda2_per_hari"]),
        ("Kendaraan roda empat Polres (pengawalan logistik)", polres * costs["roda4_per_polres"] * days,
         "unit-hari", costs["kendaraan_roda4_per_hari"]),
        ("Kapal pos kepulauan", figures.island_posts * costs["kapal_per_pos_pulau"] * days, "unit-hari",
         costs["kapal_per_hari"]),
    ]
    rows = [[name, num(volume), unit, rupiah(price), rupiah(volume * price)] for name, volume, unit, price in items
            if volume]
    total = sum(volume * price for _, volume, _, price in items)
    rows.append(["Jumlah", "", "", "", rupiah(total)])
    return blocks + [("p", f"Dihitung untuk {num(days)} hari pelaksanaan (hari pemungutan dan H-1) dari tabel "
                           "harga satuan yang ditetapkan satuan."),
                     ("table", ["Uraian", "Volume", "Satuan", "Harga satuan", "Jumlah"], rows)]


def _kodal(viewer, figures, config):
    command, comms = config["komando"], config["komunikasi"]
    blocks = [("h2", "1. Kendali operasi"),
              ("table", ["Jabatan operasi", "Dijabat oleh"],
               [["Kepala Operasi (Kaops)", command["kaops"]], ["Wakil Kepala Operasi (Wakaops)", command["wakaops"]]]
               + [[f"Kasatgas {tf.name.removeprefix('Satgas ')}", config["satgas"].get(tf.name, {}).get(
                   "kasatgas", "-")] for tf in figures.operation.task_forces.all()]
               + [["Kaops wilayah", command["kasatwil"]]]),
              ("h2", "2. Posko"),
              ("list", [command["posko_utama"]] + [f"Posko Ops {k.polres}, Mapolres {k.polres.removeprefix('Polres ')}"
                                                   for k in figures.kabs if k.tps]),
              ("h2", "3. Pelaporan"), ("list", command["laporan"]),
              ("h2", "4. Komunikasi"),
              ("table", ["Pengguna", "Tanda panggilan", "Kanal"],
               [["Kaops", *comms["kaops"]], ["Wakaops", *comms["wakaops"]], ["Posko Ops Polda", *comms["posko_utama"]]]
               + [[f"Posko {k.polres}", k.call_sign, comms["polres_channel"]] for k in figures.kabs if k.tps]
               + [["Komandan pos pengamanan", "<tanda Polres>-<nomor pos>", comms["post_channel"]]]),
              ("p", f"Komunikasi cadangan: {comms['cadangan']}."),
              ("h2", "5. Koordinasi")]
    section = providers.hook("document.coordination")
    coordination = [b for b in (section(viewer=viewer, operation=figures.operation) if section else [])
                    if b[0] != "table" or b[2]]  # a table without rows says nothing
    blocks += coordination or [("p", "Belum ada rapat koordinasi, tindak lanjut atau perwira penghubung tercatat "
                                     "untuk operasi ini.")]
    blocks += [("h2", "6. Kontinjensi")] + _contingencies(figures.threats)
    return blocks


def _contingencies(threats):
    rows = []
    for t in threats:
        for c in t.contingencies.all():
            state = "AKTIF" if c.status == ContingencyStatus.ACTIVE else c.get_status_display()
            rows.append([c.name, f"{c.trigger} (tingkat {c.escalation_level}; {state})", c.alerted, c.reserve,
                         "; ".join(f"{s.order}. {s.text}" for s in c.steps.all())])
    if not rows:
        return [("p", "Belum ada rencana kontinjensi.")]
    return [("table", ["Kontinjensi", "Pemicu", "Disiagakan", "Cadangan", "Langkah"], rows)]
