"""Demo security plans for Sultra: Operasi Mantap Praja Anoa for Pilkada 2024 (voting day 27 Nov 2024),
with threats from public reporting (Muna, Buton Tengah, island logistics), mitigations, KPIs and
contingencies; and Operasi Mantap Brata Anoa 2023-2024 for Pemilu 2024 (voting day 14 Feb 2024) with its
stage calendar and Satgas. Idempotent: an existing operation of the same name is left as it is."""

from datetime import date as d

from siaga.accounts.models import Agency
from siaga.planning import services
from siaga.planning.models import KpiSource, Operation, Stage

OPERATION = "Operasi Mantap Praja Anoa 2024"
# Pilkada 2024 timeline (KPU, PKPU 2/2024), with the operation running from the campaign to the disputes.
# The recapitulation windows per level are those the KPU RI chair announced on 27 Nov 2024 (press reports);
# the PKPU's own annex was not at hand to check them against, and each stage's note says so.
PILKADA_RECAP_NOTE = ("Jadwal diumumkan Ketua KPU RI 27 Nov 2024 (pemberitaan pers); penghitungan dan rekapitulasi "
                      "27 Nov-16 Des 2024 menurut PKPU 2/2024. Lampiran PKPU belum diverifikasi langsung.")
STAGES = [
    ("pemutakhiran", d(2024, 5, 27), d(2024, 9, 20)),
    ("pencalonan", d(2024, 8, 27), d(2024, 9, 22)),
    ("kampanye", d(2024, 9, 25), d(2024, 11, 23)),
    ("tenang", d(2024, 11, 24), d(2024, 11, 26)),
    ("logistik", d(2024, 11, 1), d(2024, 11, 26)),
    ("pemungutan", d(2024, 11, 27), d(2024, 11, 28), "PKPU 2/2024: pemungutan suara 27 Nov 2024; penghitungan "
     "di TPS boleh berlanjut hingga 12 jam setelah hari pemungutan."),
    ("rekap_kecamatan", d(2024, 11, 28), d(2024, 12, 3), PILKADA_RECAP_NOTE),
    ("rekap_kabkota", d(2024, 11, 29), d(2024, 12, 6), PILKADA_RECAP_NOTE),
    ("rekap_provinsi", d(2024, 11, 30), d(2024, 12, 9), PILKADA_RECAP_NOTE),
    ("sengketa", d(2024, 12, 6), d(2025, 2, 7)),
    ("penetapan", d(2025, 2, 8), d(2025, 2, 20)),
]
PEMILU_OPERATION = "Operasi Mantap Brata Anoa 2023-2024"
# Pemilu 2024 timeline (KPU, PKPU 3/2022 as amended; recapitulation windows from domain.md).
PEMILU_STAGES = [
    ("pemutakhiran", d(2022, 10, 14), d(2023, 6, 21)),
    ("pencalonan", d(2023, 4, 24), d(2023, 11, 25)),
    ("kampanye", d(2023, 11, 28), d(2024, 2, 10)),
    ("tenang", d(2024, 2, 11), d(2024, 2, 13)),
    ("logistik", d(2024, 1, 1), d(2024, 2, 13)),
    ("pemungutan", d(2024, 2, 14), d(2024, 2, 15)),
    ("rekap_kecamatan", d(2024, 2, 15), d(2024, 3, 2), "Rekapitulasi kecamatan (D.Hasil), PKPU 3/2022 jo. perubahannya"),
    ("rekap_kabkota", d(2024, 2, 17), d(2024, 3, 5), "Rekapitulasi kab/kota, PKPU 3/2022 jo. perubahannya"),
    ("rekap_provinsi", d(2024, 2, 19), d(2024, 3, 10), "Rekapitulasi provinsi, PKPU 3/2022 jo. perubahannya"),
    ("rekap_nasional", d(2024, 2, 22), d(2024, 3, 20)),
    ("sengketa", d(2024, 3, 21), d(2024, 6, 10)),
    ("penetapan", d(2024, 4, 24), d(2024, 10, 20)),
]
SATGAS = [("Satgas Preemtif", "deteksi dini, penggalangan tokoh masyarakat"),
          ("Satgas Preventif", "pengamanan TPS, kantor KPU dan Bawaslu, pengawalan logistik"),
          ("Satgas Kamseltibcarlantas", "kelancaran lalu lintas kampanye dan distribusi logistik"),
          ("Satgas Tindak", "penanganan kerusuhan (Brimob, Dalmas)"),
          ("Satgas Gakkum", "penegakan hukum tindak pidana pemilihan (Sentra Gakkumdu)"),
          ("Satgas Humas", "kontra narasi hoaks, informasi publik"),
          ("Satgas Banops", "logistik dan dukungan operasi")]

# (stage, area, category, title, likelihood, impact, owner, evidence, mitigations [(action, owner, due, done)])
THREATS = [
    ("kampanye", "74.03", "bentrok", "Bentrok pendukung dan pembakaran alat peraga kampanye di Muna", 4, 4,
     "POLRES-74.03", "Pembakaran APK di Muna saat kampanye Pilkada 2024; dukungan berimbang di beberapa kecamatan.",
     [("Patroli gabungan di titik APK rawan", "POLRES-74.03", d(2024, 10, 5), d(2024, 10, 3)),
      ("Dialog tokoh masyarakat dan tim pemenangan", "POLDA-74", d(2024, 10, 20), d(2024, 10, 25))]),
    ("rekap_kabkota", "74.03", "anarkis", "Kerusuhan di kantor KPU Muna saat rekapitulasi", 3, 5, "POLRES-74.03",
     "Kerusuhan dengan gas air mata di KPU Muna pada Pilkada 2024.",
     [("Sterilisasi dan pengamanan berlapis kantor KPU Muna", "POLRES-74.03", d(2024, 11, 30), d(2024, 11, 29))]),
    ("rekap_kecamatan", "74.14", "intimidasi", "Intimidasi penyelenggara: Ketua Bawaslu Buton Tengah dikejar massa",
     3, 4, "POLRES-74.14", "Ketua Bawaslu Buton Tengah dikejar massa (Pilkada 2024).",
     [("Pengawalan melekat pimpinan Bawaslu dan KPU Buton Tengah", "POLRES-74.14", d(2024, 11, 28), None)]),
    ("tenang", "74", "politik_uang", "Politik uang pada masa tenang", 4, 3, "POLDA-74",
     "Pemetaan Bawaslu Pilkada 2024: 10 TPS dengan indikator politik uang di Sultra.",
     [("Patroli siber dan patroli malam masa tenang bersama Gakkumdu", "POLDA-74", d(2024, 11, 24), d(2024, 11, 24))]),
    ("kampanye", "74", "hoaks", "Hoaks dan ujaran kebencian di media sosial", 4, 3, "POLDA-74",
     "Kampanye hitam meningkat menjelang debat kandidat.",
     [("Kontra narasi dan take down bersama Diskominfo", "POLDA-74", d(2024, 10, 31), d(2024, 11, 4))]),
    ("logistik", "74.07", "logistik", "Keterlambatan logistik ke TPS kepulauan Wakatobi", 3, 4, "POLRES-74.07",
     "403 TPS sulit dijangkau di Sultra; penyeberangan terganggu musim barat.",
     [("Pengawalan logistik dengan kapal TNI AL dan Polairud", "POLRES-74.07", d(2024, 11, 25), None)]),
    ("pemungutan", "74", "bencana", "Cuaca buruk dan banjir pada hari pemungutan suara", 2, 4, "POLDA-74",
     "Pemetaan Bawaslu: 11 TPS rawan bencana.", []),
    ("pemungutan", "74", "netralitas", "Ketidaknetralan kepala desa dan ASN", 3, 2, "POLDA-74",
     "Pemetaan Bawaslu: 3 TPS dengan indikator netralitas.", []),
    ("kampanye", "74", "sara", "Politisasi SARA", 2, 4, "POLDA-74", "Pemetaan Bawaslu: 8 TPS dengan indikator SARA.",
     []),
    ("pemutakhiran", "74", "siber", "Serangan siber dan kebocoran data pemilih", 2, 3, "POLDA-74", "", []),
    ("pemungutan", "74", "terorisme", "Ancaman terorisme di TPS dan kantor penyelenggara", 1, 5, "POLDA-74", "", []),
]
CONTINGENCIES = {
    "Kerusuhan di kantor KPU Muna saat rekapitulasi": [
        ("Kontinjensi kerusuhan kantor KPU Muna", "Massa lebih dari 200 orang berkumpul di kantor KPU Muna atau "
         "terjadi pelemparan", 2, "Kapolres Muna, Karo Ops Polda, Ketua KPU Muna",
         "1 SSK Brimob Polda Sultra dan 2 peleton Dalmas Polres Muna",
         ["Perkuat ring 1 kantor KPU dengan Dalmas", "Negosiasi oleh Kapolres dengan koordinator massa",
          "Gerakkan 1 SSK Brimob dari Kendari", "Amankan dokumen rekapitulasi ke ruang aman",
          "Laporkan situasi ke Posko Ops Polda tiap 30 menit"])],
    "Keterlambatan logistik ke TPS kepulauan Wakatobi": [
        ("Kontinjensi logistik tertahan cuaca", "Kapal logistik tidak dapat berlayar H-2 karena gelombang di atas "
         "2,5 m", 1, "Kapolres Wakatobi, KPU Wakatobi, Dandim", "Kapal patroli Polairud dan kapal TNI AL",
         ["Konfirmasi posisi logistik di gudang PPK", "Ajukan perbantuan kapal TNI AL",
          "Kawal logistik dengan Polairud", "Laporkan kedatangan logistik di setiap TPS"])],
}
PLAN_KPIS = [(KpiSource.TPS_GUARDED, 100, True, "%"), (KpiSource.SHORTFALL_CLOSED, 100, True, "%"),
             (KpiSource.ESCORT_COVERAGE, 100, True, "%"), (KpiSource.RESPONSE_TIME, 30, False, "menit"),
             (KpiSource.ACTIONS_ON_TIME, 90, True, "%"), (KpiSource.MITIGATIONS_ON_TIME, 90, True, "%")]


def pemilu_operation(*, actor, province_code):
    """The Pemilu 2024 operation with its stages, Satgas and plan KPIs (threats are the Pilkada demo's)."""
    existing = Operation.objects.filter(name=PEMILU_OPERATION, area_code=province_code).first()
    if existing is not None:
        return existing
    polda = Agency.objects.get(code=f"POLDA-{province_code}")
    operation = services.operation_create(
        actor=actor, name=PEMILU_OPERATION, election="pemilu", starts_on=d(2023, 10, 19), ends_on=d(2024, 10, 20),
        organiser=polda, area_code=province_code, stages=PEMILU_STAGES,
        task_forces=[(name, duty, polda) for name, duty in SATGAS])
    for source, target, higher, unit in PLAN_KPIS:
        services.kpi_define(actor=actor, operation=operation, source=source, target=target, higher_is_better=higher,
                            unit=unit)
    return operation


def run(*, actor, province_code, seed):
    existing = Operation.objects.filter(name=OPERATION, area_code=province_code).first()
    if existing is not None:
        pemilu = pemilu_operation(actor=actor, province_code=province_code)
        return {"operation": existing.pk, "pemilu_operation": pemilu.pk, "created": False}
    needed = {f"POLDA-{province_code}"} | {t[6] for t in THREATS} | {m[1] for t in THREATS for m in t[8]}
    agency = Agency.objects.in_bulk(needed, field_name="code")
    polda = agency[f"POLDA-{province_code}"]
    operation = services.operation_create(
        actor=actor, name=OPERATION, election="pilkada", starts_on=d(2024, 9, 24), ends_on=d(2025, 2, 20),
        organiser=polda, area_code=province_code, stages=STAGES,
        task_forces=[(name, duty, polda) for name, duty in SATGAS])
    stages = {s.kind: s for s in Stage.objects.filter(operation=operation)}
    for stage, area, category, title, likelihood, impact, owner, evidence, mitigations in THREATS:
        threat = services.threat_add(actor=actor, operation=operation, stage=stages[stage], area_code=area,
                                     category=category, title=title, likelihood=likelihood, impact=impact,
                                     owner=agency[owner], vulnerability_evidence=evidence)
        for action, m_owner, due, done in mitigations:
            mitigation = services.mitigation_add(actor=actor, threat=threat, action=action, owner=agency[m_owner],
                                                 due_on=due)
            if done:
                services.mitigation_update(actor=actor, mitigation=mitigation, status="selesai", done_on=done)
        for name, trigger, level, alerted, reserve, steps in CONTINGENCIES.get(title, []):
            services.contingency_add(actor=actor, threat=threat, name=name, trigger=trigger, escalation_level=level,
                                     alerted=alerted, reserve=reserve, steps=steps)
    for source, target, higher, unit in PLAN_KPIS:
        services.kpi_define(actor=actor, operation=operation, source=source, target=target, higher_is_better=higher,
                            unit=unit)
    pemilu = pemilu_operation(actor=actor, province_code=province_code)
    return {"operation": operation.pk, "pemilu_operation": pemilu.pk, "created": True, "threats": len(THREATS)}
