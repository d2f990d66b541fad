"""Demo coordination for Sultra: liaison officers, a rakernis between Dit Intelkam and KPU with
decisions and action items, intelligence reports at every classification, referrals; then the
plan's KPI history and the plan document. Idempotent: nothing is added when the rakernis exists."""

from datetime import date as d, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

from siaga.accounts.models import Agency, User
from siaga.coordination import services
from siaga.coordination.models import Meeting
from siaga.planning.document import plan_document
from siaga.planning.models import Operation, Stage
from siaga.planning.services import kpi_snapshot_take

WITA = ZoneInfo("Asia/Makassar")
RAKERNIS = "Rakernis Dit Intelkam Polda Sultra dan KPU Provinsi Sultra"


def _at(day, hour=9):
    return datetime.combine(day, time(hour), tzinfo=WITA)


def run(*, actor, province_code, seed):
    if Meeting.objects.filter(title=RAKERNIS).exists():
        return {"created": False}
    p = province_code
    agency = Agency.objects.in_bulk([f"POLDA-{p}", f"KPU-{p}", f"BAWASLU-{p}", f"TNI-{p}", f"POLRES-{p}.03",
                                     f"POLRES-{p}.14", f"POLRES-{p}.07"], field_name="code")
    polda, kpu, bawaslu, tni = (agency[f"{k}-{p}"] for k in ("POLDA", "KPU", "BAWASLU", "TNI"))
    users = User.objects.in_bulk(["intelkam", "kpu", "bawaslu", "kapolda"], field_name="username")
    intelkam = users["intelkam"]
    operation = Operation.objects.filter(area_code=p).order_by("-starts_on").first()
    stages = {s.kind: s for s in Stage.objects.filter(operation=operation)}
    threats = {t.category: t for t in operation.threats.all()} if operation else {}

    for who, name, position, phone in [
            (polda, "AKBP Hendra Saputra", "Kasubdit Kamneg Dit Intelkam", "0811-4000-101"),
            (kpu, "La Ode Arifin", "Kabag Teknis KPU Provinsi", "0811-4000-202"),
            (bawaslu, "Wa Ode Nurhaya", "Koordinator Divisi Penanganan Pelanggaran", "0811-4000-303"),
            (tni, "Mayor Inf. Rahmat", "Pasi Ops Korem 143/HO", "0811-4000-404")]:
        services.liaison_upsert(actor=actor, agency=who, name=name, position=position, phone=phone)

    rakernis = services.meeting_record(
        actor=intelkam, kind="rakernis", title=RAKERNIS, held_at=_at(d(2024, 10, 8)), operation=operation,
        place="Aula Dit Intelkam Polda Sultra, Kendari", organiser=polda, area_code=p,
        attendees=[(polda, "Dir Intelkam, Kasubdit Kamneg"), (kpu, "Ketua dan Divisi Teknis"),
                   (bawaslu, "Koordinator Divisi Penanganan Pelanggaran")],
        agenda="1. Pemetaan TPS rawan Pilkada 2024\n2. Rencana distribusi logistik ke wilayah kepulauan\n"
               "3. Pengamanan kantor KPU saat rekapitulasi",
        minutes="KPU memaparkan 4.611 TPS Pilkada; Dit Intelkam memaparkan hasil deteksi dini di Muna dan Buton "
                "Tengah. Disepakati pertukaran data TPS rawan mingguan.",
        decisions=["KPU menyerahkan jadwal distribusi logistik per kab/kota paling lambat 15 Oktober 2024",
                   "Pertukaran data TPS rawan setiap Senin antara KPU, Bawaslu dan Dit Intelkam",
                   "Simulasi pengamanan rekapitulasi di KPU Muna sebelum 25 November 2024"])
    decisions = list(rakernis.decisions.all())
    items = [
        (decisions[0], "Serahkan jadwal distribusi logistik per kab/kota", kpu, "La Ode Arifin", d(2024, 10, 15),
         d(2024, 10, 14), "Surat KPU Sultra tanggal 14-10-2024 dan lampiran jadwal"),
        (decisions[1], "Kirim data TPS rawan mingguan", bawaslu, "Wa Ode Nurhaya", d(2024, 10, 21),
         d(2024, 10, 23), "Surel rekap TPS rawan pekan 1"),
        (decisions[2], "Gelar simulasi pengamanan rekapitulasi di KPU Muna", agency[f"POLRES-{p}.03"],
         "Kabag Ops Polres Muna", d(2024, 11, 25), None, ""),
        (decisions[0], "Petakan rute pengawalan logistik ke pulau terluar Wakatobi", agency[f"POLRES-{p}.07"],
         "Kasat Samapta Polres Wakatobi", d(2024, 11, 1), d(2024, 10, 30), "Peta rute dan jadwal kapal"),
    ]
    for decision, text, owner, person, due, done, evidence in items:
        item = services.action_item_add(actor=intelkam, meeting=rakernis, decision=decision, text=text, owner=owner,
                                        person=person, due_on=due)
        if done:
            services.action_item_update(actor=actor, item=item, status="selesai", evidence=evidence, done_on=done)

    services.meeting_record(
        actor=intelkam, kind="rakor", title="Rapat koordinasi kesiapan pemungutan suara Pilkada 2024",
        held_at=_at(d(2024, 11, 20), 14), operation=operation, place="Mapolda Sultra, Kendari", organiser=polda,
        area_code=p, attendees=[(polda, "Kapolda, Karo Ops"), (kpu, "Ketua"), (bawaslu, "Ketua"), (tni, "Danrem")],
        agenda="Kesiapan pengamanan 4.611 TPS dan logistik", minutes="Seluruh unsur menyatakan siap.",
        decisions=["Posko terpadu di Mapolda mulai H-3"])

    reports = [
        (intelkam, "Sebaran hoaks DPT ganda di media sosial", "biasa", "kampanye", p, "B", 2, [kpu, bawaslu], [],
         "hoaks", d(2024, 10, 2)),
        (intelkam, "Jadwal kapal logistik Wakatobi terganggu gelombang", "terbatas", "logistik", f"{p}.07", "A", 2,
         [kpu], [], "logistik", d(2024, 11, 18)),
        (intelkam, "Indikasi politik uang di Konawe Selatan", "terbatas", "tenang", f"{p}.05", "C", 3, [], [],
         "politik_uang", d(2024, 11, 23)),
        (intelkam, "Rencana pengerahan massa ke KPU Muna saat rekapitulasi", "rahasia", "rekap_kabkota", f"{p}.03",
         "B", 2, [], [], "anarkis", d(2024, 11, 29)),
        (intelkam, "Identitas penggerak massa di Buton Tengah", "rahasia", "rekap_kecamatan", f"{p}.14", "B", 3, [kpu],
         [], "intimidasi", d(2024, 11, 30)),
        (users["bawaslu"], "Laporan Panwascam: intimidasi pengawas TPS di Muna", "terbatas", "pemungutan", f"{p}.03",
         "B", 2, [polda], [], "anarkis", d(2024, 11, 27)),
    ]
    for author, title, level, stage, area, reliability, credibility, shared, roles, threat, day in reports:
        services.report_submit(
            actor=author, title=title, text=f"{title}. Sumber menyampaikan perkembangan di lapangan; perlu "
            "pendalaman dan koordinasi dengan unsur terkait.", area_code=area, source_reliability=reliability,
            credibility=credibility, classification=level, shared_agencies=shared, shared_roles=roles,
            stage=stages.get(stage), threats=[threats[threat]] if threat in threats else [], created_at=_at(day))

    closed = services.referral_send(
        actor=intelkam, from_agency=polda, to_agency=kpu, subject="Verifikasi 1.463 pemilih tidak memenuhi syarat di DPT",
        reason="Temuan pemetaan kerawanan: pemilih TMS berpotensi memicu PSU", deadline=d(2024, 10, 25),
        area_code=p, created_at=_at(d(2024, 10, 10)))
    services.referral_close(actor=users["kpu"], referral=closed, at=_at(d(2024, 10, 22)),
                            outcome="KPU kab/kota mencoret 1.102 pemilih TMS; sisanya diverifikasi faktual")
    services.referral_send(
        actor=users["bawaslu"], from_agency=bawaslu, to_agency=agency[f"POLRES-{p}.03"],
        subject="Tindak lanjut dugaan intimidasi terhadap pengawas TPS di Muna",
        reason="Laporan Panwascam; unsur pidana pemilihan perlu ditangani Gakkumdu", deadline=d(2024, 12, 4),
        area_code=f"{p}.03", created_at=_at(d(2024, 11, 28)))
    pushed = services.referral_send(
        actor=intelkam, from_agency=polda, to_agency=agency[f"POLRES-{p}.14"],
        subject="Pengamanan melekat Ketua Bawaslu Buton Tengah", reason="Ketua Bawaslu dikejar massa",
        deadline=d(2024, 11, 30), area_code=f"{p}.14", created_at=_at(d(2024, 11, 28)))
    services.referral_acknowledge(actor=intelkam, referral=pushed, at=_at(d(2024, 11, 28), 15))

    if operation:
        for day in (d(2024, 10, 1), d(2024, 10, 20), d(2024, 11, 10), d(2024, 11, 26), d(2024, 12, 10)):
            kpi_snapshot_take(actor=actor, operation=operation, at=_at(day, 18))
        _write_documents(actor, operation)
    return {"created": True, "meetings": 2, "reports": len(reports), "referrals": 3}


def _write_documents(actor, operation):
    folder = settings.SIAGA_HOME / "rencana"
    folder.mkdir(parents=True, exist_ok=True)
    for fmt in ("docx", "pdf"):
        (folder / f"rencana-pengamanan-{operation.pk}.{fmt}").write_bytes(
            plan_document(viewer=actor, operation=operation, fmt=fmt))
