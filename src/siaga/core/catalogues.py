"""Published vulnerability indicator catalogues, as data.

Structure (variables and indicators) follows Bawaslu's TPS-rawan mapping for
Pemilu 2024 (7 variables, 22 indicators) and Pilkada 2024 (8 variables, 25
indicators; money politics and SARA become variables of their own, and disabled
voters, a history of re-voting and refusal of voting are added), plus the
Baintelkam five-dimension area set. Bawaslu publishes which indicators a TPS
meets, not weights; the weights and saturations here are Siaga's, and are data:
an operation may copy a catalogue with its own numbers under a new version.

Weight rationale (points out of the catalogue's total weight):

- 5: a history of violence, intimidation of organisers, a history of re-voting
  (PSU/PSSU), refusal of voting. These are what police name when they call a
  TPS rawan, and they repeat: past disorder is the best predictor of disorder.
- 4: money politics and SARA incitement, the threats that spill from one TPS
  into clashes between supporters.
- 2-3: logistics (swapped ballots 3: a classic re-voting cause; damaged, short
  or late 2) and location (hard to reach 3, disaster-prone 2), which call for
  escorts and transport rather than for riot control; neutrality of officials 2.
- 1 or less: administrative voter-list items (ineligible voters on the DPT,
  DPTb, potential DPK, out-of-area KPPS, disabled voters 0.5), electricity and
  internet, proximity to schools or campaign posts. They are frequent (in
  Sultra's Pilkada 2024 mapping 3,565 of 4,611 TPS had disabled voters listed)
  and by themselves do not make a TPS dangerous.

Floors: a history of violence, intimidation, re-voting or hard access makes a
TPS at least rawan (the police criteria); refusal of voting makes it at least
sangat rawan; a special location indicator makes it khusus.

Saturations: counts saturate where the risk is plainly present (2 violent
incidents, 10 ineligible voters, 20 moved voters); the out-of-area KPPS share
saturates at half of the 7 members.

Intelkam area set (scored per area, no classes): the five Baintelkam
dimensions, weighted by how close each is to actual disorder, following the
police chain from potential to threshold to real disturbance: organisers and
public participation 2, contestants 3, potential disturbances 4, disturbance
threshold 5 (planned mass action, threats, clashes already happening).

With ``DEFAULT_RULES`` a TPS is rawan from score 10 and sangat rawan from 25; a
recorded incident in the 30 days before scoring raises it one class.
"""

from __future__ import annotations

from siaga.core.scoring import Catalogue, ClassRules, Indicator

DEFAULT_RULES = ClassRules(rawan_min=10.0, sangat_rawan_min=25.0, incident_raise_days=30, incident_raise_by=1)

# Variable / dimension code -> (Indonesian name, English name)
VARIABLES: dict[str, tuple[str, str]] = {
    "HAK": ("Penggunaan hak pilih", "Use of voting rights"),
    "KAM": ("Keamanan", "Security"),
    "KMP": ("Kampanye", "Campaign"),
    "PU": ("Politik uang", "Money politics"),
    "SARA": ("Politisasi SARA", "Ethnic and religious incitement (SARA)"),
    "NET": ("Netralitas", "Neutrality"),
    "LOG": ("Logistik", "Logistics"),
    "LOK": ("Lokasi TPS", "TPS location"),
    "LIS": ("Jaringan listrik dan internet", "Electricity and internet"),
    "PEN": ("Penyelenggara", "Election organisers"),
    "PES": ("Peserta", "Contestants"),
    "PAR": ("Partisipasi masyarakat", "Public participation"),
    "PGK": ("Potensi gangguan kamtibmas", "Potential disturbances of public order"),
    "AMB": ("Ambang gangguan", "Disturbance threshold"),
}

# key -> (name_id, name_en, weight, kind, saturation, floor_class); the
# Bawaslu texts are shared by both Bawaslu catalogues.
_BAWASLU = {
    "dpt_tms": ("Pemilih DPT yang tidak memenuhi syarat", "Ineligible voters on the DPT", 1.0, "count", 10, None),
    "disabilitas": ("Pemilih disabilitas terdaftar di DPT", "Disabled voters on the DPT", 0.5, "count", 10, None),
    "dptb": ("Pemilih pindahan (DPTb)", "Moved voters (DPTb)", 1.0, "count", 20, None),
    "dpk": ("Potensi pemilih DPK", "Potential voters not on any list (DPK)", 1.0, "count", 20, None),
    "kpps_luar": (
        "Penyelenggara (KPPS) berdomisili di luar wilayah TPS",
        "KPPS members living outside the TPS area",
        1.0, "share", 0.5, None,
    ),
    "psu": ("Riwayat pemungutan suara ulang (PSU/PSSU)", "History of re-voting (PSU/PSSU)", 5.0, "bool", 1, 1),
    "kekerasan": ("Riwayat kekerasan di TPS", "History of violence at the TPS", 5.0, "count", 2, 1),
    "intimidasi": ("Intimidasi kepada penyelenggara", "Intimidation of organisers", 5.0, "count", 2, 1),
    "penolakan": ("Penolakan penyelenggaraan pemungutan suara", "Refusal of voting", 5.0, "bool", 1, 2),
    "politik_uang": ("Praktik politik uang", "Money politics", 4.0, "count", 2, None),
    "sara": ("Ujaran kebencian dan politisasi SARA", "Hate speech and SARA incitement", 4.0, "count", 2, None),
    "net_penyelenggara": ("Ketidaknetralan penyelenggara", "Non-neutral election organisers", 2.0, "bool", 1, None),
    "net_asn": ("Ketidaknetralan ASN", "Non-neutral civil servants", 2.0, "bool", 1, None),
    "net_tni_polri": ("Ketidaknetralan TNI/Polri", "Non-neutral TNI/Polri members", 2.0, "bool", 1, None),
    "net_kades": (
        "Ketidaknetralan kepala desa/perangkat desa",
        "Non-neutral village heads or staff",
        2.0, "bool", 1, None,
    ),
    "log_rusak": ("Logistik rusak", "Damaged logistics", 2.0, "bool", 1, None),
    "log_kurang": ("Logistik kurang atau lebih", "Logistics short or in excess", 2.0, "bool", 1, None),
    "log_tertukar": ("Logistik tertukar", "Swapped logistics", 3.0, "bool", 1, None),
    "log_terlambat": ("Logistik terlambat", "Late logistics", 2.0, "bool", 1, None),
    "sulit": ("TPS sulit dijangkau", "Hard-to-reach TPS", 3.0, "bool", 1, 1),
    "bencana": ("TPS di wilayah rawan bencana", "TPS in a disaster-prone area", 2.0, "bool", 1, None),
    "dekat": (
        "TPS dekat lembaga pendidikan, pabrik atau posko pemenangan",
        "TPS near schools, factories or campaign posts",
        1.0, "bool", 1, None,
    ),
    "lokasi_khusus": ("TPS di lokasi khusus", "TPS at a special location", 1.0, "bool", 1, 3),
    "listrik": ("Kendala aliran listrik", "Electricity supply problems", 1.0, "bool", 1, None),
    "internet": ("Kendala jaringan internet", "Internet connection problems", 1.0, "bool", 1, None),
}


def _catalogue(code: str, prefix: str, target: str, texts: dict, layout: tuple) -> Catalogue:
    """Build a catalogue from (variable, indicator keys) pairs, numbering each
    variable's indicators 01, 02, ... in the given order."""
    indicators = []
    for variable, keys in layout:
        for number, key in enumerate(keys, start=1):
            name_id, name_en, weight, kind, saturation, floor = texts[key]
            indicators.append(
                Indicator(f"{prefix}.{variable}.{number:02d}", variable, name_id, name_en,
                          weight, kind, float(saturation), floor)
            )
    return Catalogue(code, "2024.1", target, tuple(indicators))


BAWASLU_PEMILU_2024 = _catalogue("BAWASLU_PEMILU_2024", "P24", "tps", _BAWASLU, (
    ("HAK", ("dpt_tms", "dptb", "dpk", "kpps_luar")),
    ("KAM", ("kekerasan", "intimidasi")),
    ("KMP", ("politik_uang", "sara")),
    ("NET", ("net_penyelenggara", "net_asn", "net_tni_polri", "net_kades")),
    ("LOG", ("log_rusak", "log_kurang", "log_tertukar", "log_terlambat")),
    ("LOK", ("sulit", "bencana", "dekat", "lokasi_khusus")),
    ("LIS", ("listrik", "internet")),
))

BAWASLU_PILKADA_2024 = _catalogue("BAWASLU_PILKADA_2024", "K24", "tps", _BAWASLU, (
    ("HAK", ("dpt_tms", "disabilitas", "dptb", "dpk", "kpps_luar", "psu")),
    ("KAM", ("kekerasan", "intimidasi", "penolakan")),
    ("PU", ("politik_uang",)),
    ("SARA", ("sara",)),
    ("NET", ("net_penyelenggara", "net_asn", "net_tni_polri", "net_kades")),
    ("LOG", ("log_rusak", "log_kurang", "log_tertukar", "log_terlambat")),
    ("LOK", ("sulit", "bencana", "dekat", "lokasi_khusus")),
    ("LIS", ("listrik", "internet")),
))

_INTELKAM = {
    "pen_etik": (
        "Pengaduan etik terhadap penyelenggara",
        "Ethics complaints against organisers",
        2.0, "count", 3, None,
    ),
    "pen_kosong": (
        "Kekosongan badan ad hoc (PPK/PPS/KPPS)",
        "Vacancies in ad hoc bodies (PPK/PPS/KPPS)",
        2.0, "share", 0.2, None,
    ),
    "pen_tahapan": ("Tahapan terlambat atau bermasalah", "Stages late or troubled", 2.0, "bool", 1, None),
    "pes_ketat": ("Persaingan ketat atau terpolarisasi", "Close or polarised contest", 3.0, "bool", 1, None),
    "pes_sengketa": ("Sengketa pencalonan", "Candidacy disputes", 3.0, "count", 2, None),
    "pes_petahana": ("Mobilisasi aparat oleh petahana", "Officials mobilised by an incumbent", 3.0, "bool", 1, None),
    "par_rendah": (
        "Kekurangan partisipasi pemilih dari rata-rata nasional",
        "Turnout shortfall against the national mean",
        2.0, "share", 0.2, None,
    ),
    "par_tolak": ("Riwayat penolakan hasil oleh massa", "History of crowds rejecting results", 2.0, "bool", 1, None),
    "par_hoaks": ("Sebaran hoaks dan ujaran kebencian", "Spread of hoaxes and hate speech", 2.0, "count", 10, None),
    "pgk_konflik": ("Riwayat konflik pemilu", "History of election conflict", 4.0, "count", 3, None),
    "pgk_sara": ("Ketegangan komunal atau SARA", "Communal or SARA tension", 4.0, "bool", 1, None),
    "pgk_radikal": (
        "Keberadaan jaringan radikal atau teror",
        "Radical or terrorist networks present",
        4.0, "bool", 1, None,
    ),
    "pgk_uang": ("Laporan politik uang", "Money politics reports", 4.0, "count", 5, None),
    "amb_aksi": (
        "Rencana aksi massa terhadap penyelenggara",
        "Planned mass action against organisers",
        5.0, "count", 3, None,
    ),
    "amb_ancaman": (
        "Ancaman atau provokasi terhadap penyelenggara atau peserta",
        "Threats or provocation against organisers or contestants",
        5.0, "count", 3, None,
    ),
    "amb_bentrok": (
        "Gesekan antarpendukung pada tahapan berjalan",
        "Clashes between supporters in the current stage",
        5.0, "count", 2, None,
    ),
}

INTELKAM_AREA = _catalogue("INTELKAM_AREA", "INT", "area", _INTELKAM, (
    ("PEN", ("pen_etik", "pen_kosong", "pen_tahapan")),
    ("PES", ("pes_ketat", "pes_sengketa", "pes_petahana")),
    ("PAR", ("par_rendah", "par_tolak", "par_hoaks")),
    ("PGK", ("pgk_konflik", "pgk_sara", "pgk_radikal", "pgk_uang")),
    ("AMB", ("amb_aksi", "amb_ancaman", "amb_bentrok")),
))

CATALOGUES = {c.code: c for c in (BAWASLU_PEMILU_2024, BAWASLU_PILKADA_2024, INTELKAM_AREA)}
