"""Demo intelligence work for Sultra (Pilkada 2024, quiet period): a handful of LIs, a Lapinhar day,
money-politics cases in Konawe Selatan, watch rules, and the alert they fire with its task for Sat Intelkam Konawe Selatan (reported back, closed).
Idempotent: nothing is added when the demo's first LI exists."""

from datetime import date as d, datetime, time
from zoneinfo import ZoneInfo

from siaga.accounts.models import Agency, User
from siaga.coordination.models import Referral
from siaga.coordination.services import referral_close
from siaga.intel import services
from siaga.intel.models import Product
from siaga.planning.models import Operation, Stage

WITA = ZoneInfo("Asia/Makassar")
FIRST = "Pembagian amplop oleh tim sukses di Tinanggea"
QUIET_DAY = d(2024, 11, 25)


def _at(day, hour=21):
    return datetime.combine(day, time(hour), tzinfo=WITA)


def run(*, actor, province_code, seed):
    if Product.objects.filter(title=FIRST).exists():
        return {"created": False}
    p = province_code
    intelkam = User.objects.get(username="intelkam")
    operation = Operation.objects.filter(area_code=p).order_by("-starts_on").first()
    stages = {s.kind: s for s in Stage.objects.filter(operation=operation)}
    quiet = stages.get("tenang")
    lis = []
    for title, area, day, level, source, grade, facts, assessment in [
        (FIRST, f"{p}.05.01", QUIET_DAY, "rahasia", "Informan warga Desa Ngapaah", "B2",
         "Tim sukses salah satu pasangan calon membagikan amplop berisi uang Rp100.000 kepada warga Desa Ngapaah, "
         "Kecamatan Tinanggea, pada malam hari menjelang pemungutan suara.",
         "Politik uang berpotensi memicu konflik antarpendukung di Tinanggea."),
        ("Ajakan golput dan hoaks DPT ganda di grup WhatsApp Raha", f"{p}.03", QUIET_DAY, "terbatas",
         "Patroli siber Subdit Kamneg", "C3",
         "Pesan berantai menyebut ribuan nama ganda di DPT Kabupaten Muna beredar di grup WhatsApp warga Raha.",
         "Hoaks dapat menurunkan kepercayaan pada penyelenggara; perlu klarifikasi KPU Muna."),
        ("Kepala desa menghadiri kampanye terselubung", f"{p}.05.01", d(2024, 11, 24), "terbatas",
         "Bhabinkamtibmas Tinanggea", "B3",
         "Kepala Desa Lapoa hadir dan berpidato pada pertemuan warga yang diisi ajakan memilih pasangan calon.",
         "Pelanggaran netralitas kepala desa; diteruskan ke Bawaslu melalui Sentra Gakkumdu."),
        ("Konsolidasi massa menjelang rekapitulasi di Kolaka", f"{p}.01", QUIET_DAY, "rahasia",
         "Sumber tertutup", "C2", "Kelompok pendukung merencanakan pengerahan massa ke kantor KPU Kolaka.",
         "Potensi unjuk rasa saat rekapitulasi; siapkan pengamanan terbuka."),
    ]:
        lis.append(services.li_create(
            actor=intelkam, title=title, area_code=area, day=day, classification=level, source=source,
            source_reliability=grade[0], credibility=int(grade[1]), facts=facts, assessment=assessment,
            analysis="Informasi sejalan dengan pola kerawanan tahap masa tenang.",
            recommendation="Lakukan pendalaman dan koordinasi dengan Bawaslu setempat.", stage=quiet,
            created_at=datetime.combine(day, time(20), tzinfo=WITA)))
    # The hoax needs KPU's clarification and Bawaslu's watch: shared with both.
    services.product_share(actor=intelkam, product=lis[1],
                           agencies=Agency.objects.filter(code__in=[f"KPU-{p}", f"BAWASLU-{p}"]))
    case = services.case_open(
        actor=intelkam, kind="politik_uang", title="Politik uang di Desa Ngapaah", area_code=f"{p}.05.01.1002",
        occurred_on=QUIET_DAY, summary=lis[0].facts, subjects=["La Ode Sabar (tim sukses)", "Wa Ode Rina"],
        links=["https://example.org/unggahan/amplop-tampo"], products=[lis[0]])
    services.evidence_add(actor=intelkam, case=case, name="foto-amplop.txt",
                          content=b"Foto amplop (contoh demo): Rp100.000, Desa Ngapaah, 25-11-2024 21.10 WITA")
    services.case_open(actor=intelkam, kind="politik_uang", title="Pembagian sembako bersyarat di Lapoa",
                       area_code=f"{p}.05.01.2003", occurred_on=d(2024, 11, 24),
                       subjects=["Tim relawan pasangan calon"], products=[lis[2]])
    services.rule_upsert(actor=actor, name="Politik uang masa tenang", indicator="kasus_jenis", category="politik_uang",
                         stage_kind="tenang", window_days=3, threshold=2, rise_factor=2.0, rise_min=2, task_days=1)
    services.rule_upsert(actor=actor, name="Insiden politik uang meningkat", indicator="insiden_kategori",
                         category="politik_uang", window_days=7, threshold=5, rise_factor=2.0, rise_min=3)
    services.rule_upsert(actor=actor, name="Laporan informasi menumpuk", indicator="li_wilayah", window_days=3, threshold=4)
    result = services.watch_evaluate(actor=intelkam, today=QUIET_DAY)
    for alert in result["fired"]:  # Sat Intelkam reported back on its task
        if alert.referral_id:
            referral_close(actor=intelkam, referral=Referral.objects.get(pk=alert.referral_id), at=_at(QUIET_DAY),
                           outcome="Telah didalami: dua saksi dimintai keterangan; temuan diteruskan ke Bawaslu.")
    lapinhar = services.lapinhar_compile(
        actor=intelkam, day=QUIET_DAY, area_code=f"{p}.05",
        analyst_text="Situasi Kabupaten Konawe Selatan pada masa tenang kondusif namun rawan politik uang di "
                     "Tinanggea; Sat Intelkam Polres Konawe Selatan diminta mendalami pembagian amplop di Desa "
                     "Ngapaah.")
    return {"created": True, "li": len(lis), "alerts": len(result["fired"]), "lapinhar": lapinhar.number}
