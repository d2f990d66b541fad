"""Published vulnerability indicator catalogues, as data.

Bawaslu's TPS-rawan mappings exactly as Bawaslu issued them (variables, the
split of indicators, Bawaslu's wording), each indicator with its citation:

- Pemilu 2024 (``BAWASLU_PEMILU_2024``): 7 variables, 22 indicators, released by
  Bawaslu RI at its press conference of 11 February 2024 (data of 3-8 February
  2024). Location is six indicators as Bawaslu counted them (near schools, near
  workplaces such as mines or factories, near campaign posts or houses of the
  campaign team, hard to reach, disaster-prone, special location); neutrality
  is two (civil servants/TNI/Polri/village heads acting for a contestant, and
  KPPS members campaigning), as in Bawaslu's counts.
- Pilkada 2024 (``BAWASLU_PILKADA_2024``): 8 variables, 25 indicators, released by
  Bawaslu RI on 20 November 2024 (data of 10-15 November 2024): money politics
  and SARA are variables of their own; disabled voters on the DPT, a history of
  PSU/PSSU and refusal of voting are added; location adds conflict-prone areas;
  logistics has no swapped-ballot indicator.

Where a wording could not be checked against Bawaslu's own document (the
releases were read as reported by the press; see ``RELEASES``), the closest
documented wording is kept and the release's note says so.

Police criteria are a separate catalogue per election (``POLRI_*``): evenly
split supporters, a candidate's home TPS (a candidate voting there), several
TPS at one site, a history of PSU/PSL/PSS, past clashes, hard access or
islands. Polri issues no numbered catalogue; the criteria are those Polda
statements name when they call a TPS rawan, and the release says so.

Bawaslu publishes which indicators a TPS meets, not weights or classes; the
weights, saturations and class rules here are Siaga's, and are data: an
operation may copy a catalogue with its own numbers under a new version.

Class rules, one per catalogue (``RULES``), then combined:

- Bawaslu view: the weighted score (0-100) against 10 (rawan) and 25 (sangat
  rawan). Floors only for what is rare and grave: a history of violence,
  intimidation or PSU/PSSU makes a TPS at least rawan, refusal of voting at
  least sangat rawan, a special location khusus. Hard to reach is weighed,
  not a floor: it is the police view's criterion.
- Polri view: each criterion met is one point of six; one criterion makes a
  TPS rawan (16.7 >= 16), two or more sangat rawan (33.3 >= 33). That is what
  a Polda does: a TPS named for any criterion gets the rawan pattern (2 police
  per 2 TPS), one named for several the sangat rawan pattern (2 per TPS).
- Both views: a recorded incident in the last 30 days raises the class by one;
  a TPS khusus (numbered 9xx or flagged) is khusus.
- Combined class (``COMBINED_RULE``) = the higher of the two views, khusus
  above all: a Polda plans for the worse of what Bawaslu and its own
  intelligence say, and a special location keeps its own pattern.

Weight rationale (Bawaslu catalogues):

- 5: a history of violence, intimidation of organisers, a history of PSU/PSSU,
  refusal of voting: what police name when they call a TPS rawan, and repeats.
- 4: money politics and SARA incitement, which spill into clashes.
- 3: non-neutral officials or KPPS members, swapped ballots (a classic re-voting
  cause), hard to reach, conflict-prone location.
- 2: other logistics, disaster-prone location.
- 1 or less: administrative voter-list items (disabled voters 0.5), proximity
  to schools, workplaces or campaign posts, a special location (which is a
  floor), electricity and internet. They are frequent (Sultra's Pilkada 2024
  mapping: disabled voters at 3,565 of 4,611 TPS) and do not make a TPS
  dangerous by themselves.

Saturations: counts saturate where the risk is plainly present (2 violent
incidents, 10 ineligible voters, 20 moved voters); the out-of-area KPPS share
saturates at half of the 7 members.

Intelkam area set (scored per area, no classes): the five Baintelkam
dimensions, weighted by closeness to actual disorder: organisers and public
participation 2, contestants 3, potential disturbances 4, threshold 5.
"""

from __future__ import annotations

from siaga.core.scoring import Catalogue, ClassRules, Indicator

DEFAULT_RULES = ClassRules(rawan_min=10.0, sangat_rawan_min=25.0, incident_raise_days=30, incident_raise_by=1)
POLRI_RULES = ClassRules(rawan_min=16.0, sangat_rawan_min=33.0, incident_raise_days=30, incident_raise_by=1)
COMBINED_RULE = "max"  # combined class = max(Bawaslu view, Polri view); khusus (3) is the highest

# Variable / dimension code -> (Indonesian name, English name)
VARIABLES: dict[str, tuple[str, str]] = {
    "HAK": ("Penggunaan hak pilih", "Use of voting rights"),
    "KAM": ("Keamanan", "Security"),
    "KMP": ("Kampanye", "Campaign"),
    "PU": ("Politik uang", "Money politics"),
    "SARA": ("Politisasi SARA dan ujaran kebencian", "SARA politicisation and hate speech"),
    "NET": ("Netralitas", "Neutrality"),
    "LOG": ("Logistik", "Logistics"),
    "LOK": ("Lokasi TPS", "TPS location"),
    "LIS": ("Jaringan listrik dan internet", "Electricity and internet"),
    "SOS": ("Peta dukungan dan calon", "Support and candidates"),
    "RIW": ("Riwayat gangguan", "History of disruption"),
    "GEO": ("Letak dan akses TPS", "TPS site and access"),
    "PEN": ("Penyelenggara", "Election organisers"),
    "PES": ("Peserta", "Contestants"),
    "PAR": ("Partisipasi masyarakat", "Public participation"),
    "PGK": ("Potensi gangguan kamtibmas", "Potential disturbances of public order"),
    "AMB": ("Ambang gangguan", "Disturbance threshold"),
}

# Releases cited by the catalogues' indicators: key -> (title, issuer, date, note).
RELEASES: dict[str, tuple[str, str, str, str]] = {
    "bawaslu_pemilu_2024": (
        "Pemetaan Kerawanan TPS Pemilu 2024", "Bawaslu RI", "2024-02-11",
        "Konferensi pers Bawaslu RI 11 Februari 2024 (data 3-8 Februari 2024, 36.136 kelurahan/desa); "
        "nama indikator mengikuti rincian jumlah TPS per indikator dalam rilis itu sebagaimana dikutip media "
        "(dokumen rilis asli tidak diperiksa langsung)."),
    "bawaslu_pilkada_2024": (
        "Pemetaan Potensi TPS Rawan Pemilihan Serentak 2024", "Bawaslu RI", "2024-11-20",
        "Konferensi pers Bawaslu RI 20 November 2024 (data 10-15 November 2024, 73.256 kelurahan/desa); "
        "nama indikator mengikuti rilis Bawaslu provinsi dan kab/kota yang memakai instrumen yang sama; "
        "susunan netralitas (2) disimpulkan dari jumlah 25 indikator."),
    "polri_2024": (
        "Kriteria TPS rawan Polri (pola pengamanan TPS 2024)", "Polri (Polda)", "2024",
        "Polri tidak menerbitkan katalog bernomor; kriteria disusun dari pernyataan Polda tentang TPS rawan "
        "(akses sulit/kepulauan, riwayat konflik atau pemungutan ulang, dukungan berimbang, calon memilih di "
        "TPS itu, beberapa TPS dalam satu lokasi)."),
    "intelkam": ("Lima dimensi kerawanan wilayah Baintelkam", "Baintelkam Polri", "2024", ""),
}

# key -> (name_id, name_en, weight, kind, saturation, floor_class)
_BAWASLU = {
    "dpt_tms": ("Terdapat pemilih DPT yang sudah tidak memenuhi syarat",
                "Voters on the DPT who are no longer eligible", 1.0, "count", 10, None),
    "disabilitas": ("Terdapat pemilih disabilitas yang terdaftar di DPT", "Disabled voters on the DPT",
                    0.5, "count", 10, None),
    "dptb": ("Terdapat pemilih tambahan/pindahan (DPTb)", "Moved voters (DPTb)", 1.0, "count", 20, None),
    "dpk": ("Terdapat potensi pemilih memenuhi syarat namun tidak terdaftar di DPT (potensi DPK)",
            "Potential eligible voters on no list (potential DPK)", 1.0, "count", 20, None),
    "kpps_luar": ("Terdapat KPPS/penyelenggara yang merupakan pemilih di luar domisili TPS tempatnya bertugas",
                  "KPPS members who vote outside the TPS where they serve", 1.0, "share", 0.5, None),
    "psu": ("Terdapat riwayat pemungutan suara ulang (PSU) dan/atau penghitungan surat suara ulang (PSSU)",
            "History of re-voting (PSU) or recounting (PSSU)", 5.0, "bool", 1, 1),
    "kekerasan": ("Memiliki riwayat terjadi kekerasan di TPS", "History of violence at the TPS",
                  5.0, "count", 2, 1),
    "intimidasi": ("Memiliki riwayat terjadi intimidasi kepada penyelenggara", "History of intimidation of organisers",
                   5.0, "count", 2, 1),
    "penolakan": ("Terdapat riwayat penolakan penyelenggaraan pemungutan suara", "History of refusal of voting",
                  5.0, "bool", 1, 2),
    "politik_uang": ("Terdapat praktik pemberian uang atau barang pada masa kampanye dan masa tenang "
                     "di sekitar lokasi TPS", "Money or goods handed out near the TPS (money politics)",
                     4.0, "count", 2, None),
    "sara": ("Terdapat praktik menghina/menghasut di antara pemilih terkait isu SARA di sekitar lokasi TPS",
             "Insults or incitement on ethnic or religious (SARA) grounds near the TPS", 4.0, "count", 2, None),
    "net_aparat": ("ASN, TNI/Polri, kepala desa dan/atau perangkat desa melakukan tindakan yang menguntungkan "
                   "atau merugikan peserta", "Civil servants, TNI/Polri or village officials acting for or "
                   "against a contestant", 3.0, "bool", 1, None),
    "net_kpps": ("Terdapat anggota KPPS/penyelenggara yang berkampanye untuk peserta",
                 "KPPS members campaigning for a contestant", 3.0, "bool", 1, None),
    "log_rusak": ("Memiliki riwayat kerusakan logistik/kelengkapan pemungutan suara",
                  "History of damaged voting logistics", 2.0, "bool", 1, None),
    "log_kurang": ("Memiliki riwayat kekurangan atau kelebihan dan bahkan tidak tersedia logistik",
                   "History of logistics short, in excess or missing", 2.0, "bool", 1, None),
    "log_tertukar": ("Memiliki riwayat kasus tertukarnya surat suara", "History of swapped ballot papers",
                     3.0, "bool", 1, None),
    "log_terlambat": ("Memiliki riwayat keterlambatan pendistribusian logistik di TPS (maksimal H-1)",
                      "History of logistics arriving late (after H-1)", 2.0, "bool", 1, None),
    "sulit": ("TPS sulit dijangkau (geografis dan cuaca)", "Hard-to-reach TPS (terrain and weather)",
              3.0, "bool", 1, None),
    "konflik": ("TPS didirikan di wilayah rawan konflik", "TPS in a conflict-prone area", 3.0, "bool", 1, None),
    "bencana": ("TPS didirikan di wilayah rawan bencana (banjir, tanah longsor, gempa)",
                "TPS in a disaster-prone area (flood, landslide, earthquake)", 2.0, "bool", 1, None),
    "dekat_pendidikan": ("TPS dekat lembaga pendidikan yang siswanya berpotensi memiliki hak pilih",
                         "TPS near a school or campus whose students may vote", 1.0, "bool", 1, None),
    "dekat_kerja": ("TPS dekat wilayah kerja (pertambangan dan/atau pabrik)",
                    "TPS near a workplace (mine or factory)", 1.0, "bool", 1, None),
    "dekat_posko": ("TPS berada di dekat posko/rumah tim kampanye peserta",
                    "TPS near a campaign post or a campaign team's house", 1.0, "bool", 1, None),
    "lokasi_khusus": ("TPS di lokasi khusus", "TPS at a special location", 1.0, "bool", 1, 3),
    "listrik": ("Terdapat kendala aliran listrik di lokasi TPS", "Electricity supply problems at the TPS",
                1.0, "bool", 1, None),
    "internet": ("Terdapat kendala jaringan internet di lokasi TPS", "Internet connection problems at the TPS",
                 1.0, "bool", 1, None),
}

_POLRI = {
    "berimbang": ("Dukungan antarpeserta/pasangan calon berimbang", "Evenly split supporters",
                  1.0, "bool", 1, None),
    "tps_calon": ("TPS tempat tinggal atau tempat memilih calon", "A candidate's home TPS (a candidate votes there)",
                  1.0, "bool", 1, None),
    "riwayat_psu": ("Riwayat PSU, PSL atau PSS di TPS", "History of PSU, PSL or PSS at the TPS",
                    1.0, "bool", 1, None),
    "riwayat_bentrok": ("Riwayat bentrokan atau konflik antarpendukung", "History of clashes between supporters",
                        1.0, "bool", 1, None),
    "satu_lokasi": ("Beberapa TPS dalam satu lokasi", "Several TPS at one site", 1.0, "bool", 1, None),
    "akses_sulit": ("Akses sulit atau TPS kepulauan", "Hard access or an island TPS", 1.0, "bool", 1, None),
}


def _catalogue(code: str, prefix: str, target: str, texts: dict, layout: tuple, version: str = "2024.2") -> Catalogue:
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
    return Catalogue(code, version, target, tuple(indicators))


def _keys(prefix: str, layout: tuple) -> dict[str, str]:
    """Indicator code -> key of a layout, numbered as ``_catalogue`` numbers it."""
    return {f"{prefix}.{variable}.{n:02d}": key for variable, keys in layout for n, key in enumerate(keys, start=1)}


PEMILU_LAYOUT = (
    ("HAK", ("dpt_tms", "dptb", "dpk", "kpps_luar")),
    ("KAM", ("kekerasan", "intimidasi")),
    ("KMP", ("politik_uang", "sara")),
    ("NET", ("net_aparat", "net_kpps")),
    ("LOG", ("log_rusak", "log_kurang", "log_tertukar", "log_terlambat")),
    ("LOK", ("sulit", "bencana", "dekat_pendidikan", "dekat_kerja", "dekat_posko", "lokasi_khusus")),
    ("LIS", ("listrik", "internet")),
)
PILKADA_LAYOUT = (
    ("HAK", ("dpt_tms", "disabilitas", "dptb", "dpk", "kpps_luar", "psu")),
    ("KAM", ("kekerasan", "intimidasi", "penolakan")),
    ("PU", ("politik_uang",)),
    ("SARA", ("sara",)),
    ("NET", ("net_aparat", "net_kpps")),
    ("LOG", ("log_rusak", "log_kurang", "log_terlambat")),
    ("LOK", ("sulit", "konflik", "bencana", "dekat_pendidikan", "dekat_kerja", "dekat_posko", "lokasi_khusus")),
    ("LIS", ("listrik", "internet")),
)
POLRI_LAYOUT = (
    ("SOS", ("berimbang", "tps_calon")),
    ("RIW", ("riwayat_psu", "riwayat_bentrok")),
    ("GEO", ("satu_lokasi", "akses_sulit")),
)

BAWASLU_PEMILU_2024 = _catalogue("BAWASLU_PEMILU_2024", "P24", "tps", _BAWASLU, PEMILU_LAYOUT)
BAWASLU_PILKADA_2024 = _catalogue("BAWASLU_PILKADA_2024", "K24", "tps", _BAWASLU, PILKADA_LAYOUT)
POLRI_PEMILU_2024 = _catalogue("POLRI_PEMILU_2024", "RP24", "tps", _POLRI, POLRI_LAYOUT, "2024.1")
POLRI_PILKADA_2024 = _catalogue("POLRI_PILKADA_2024", "RK24", "tps", _POLRI, POLRI_LAYOUT, "2024.1")

# Indicator code -> key, for every catalogue: the key is what stays the same across versions.
KEYS: dict[str, str] = {**_keys("P24", PEMILU_LAYOUT), **_keys("K24", PILKADA_LAYOUT),
                        **_keys("RP24", POLRI_LAYOUT), **_keys("RK24", POLRI_LAYOUT)}

# Version 2024.1 (before the catalogues followed Bawaslu's split): its indicator codes -> the key of the
# indicator their observations move to in the current version, None where no indicator of the current
# version says the same (the merged "near schools, factories or campaign posts", Pilkada's swapped ballots).
SUPERSEDED: dict[tuple[str, str], dict[str, str | None]] = {
    ("BAWASLU_PEMILU_2024", "2024.1"): {
        "P24.HAK.01": "dpt_tms", "P24.HAK.02": "dptb", "P24.HAK.03": "dpk", "P24.HAK.04": "kpps_luar",
        "P24.KAM.01": "kekerasan", "P24.KAM.02": "intimidasi", "P24.KMP.01": "politik_uang", "P24.KMP.02": "sara",
        "P24.NET.01": "net_kpps", "P24.NET.02": "net_aparat", "P24.NET.03": "net_aparat", "P24.NET.04": "net_aparat",
        "P24.LOG.01": "log_rusak", "P24.LOG.02": "log_kurang", "P24.LOG.03": "log_tertukar",
        "P24.LOG.04": "log_terlambat", "P24.LOK.01": "sulit", "P24.LOK.02": "bencana", "P24.LOK.03": None,
        "P24.LOK.04": "lokasi_khusus", "P24.LIS.01": "listrik", "P24.LIS.02": "internet"},
    ("BAWASLU_PILKADA_2024", "2024.1"): {
        "K24.HAK.01": "dpt_tms", "K24.HAK.02": "disabilitas", "K24.HAK.03": "dptb", "K24.HAK.04": "dpk",
        "K24.HAK.05": "kpps_luar", "K24.HAK.06": "psu", "K24.KAM.01": "kekerasan", "K24.KAM.02": "intimidasi",
        "K24.KAM.03": "penolakan", "K24.PU.01": "politik_uang", "K24.SARA.01": "sara",
        "K24.NET.01": "net_kpps", "K24.NET.02": "net_aparat", "K24.NET.03": "net_aparat", "K24.NET.04": "net_aparat",
        "K24.LOG.01": "log_rusak", "K24.LOG.02": "log_kurang", "K24.LOG.03": None, "K24.LOG.04": "log_terlambat",
        "K24.LOK.01": "sulit", "K24.LOK.02": "bencana", "K24.LOK.03": None, "K24.LOK.04": "lokasi_khusus",
        "K24.LIS.01": "listrik", "K24.LIS.02": "internet"},
}

# Bawaslu's short names of indicators as its kab/kota forms head their columns (besides the codes and full
# names), key -> aliases; matched after normalising case, spaces and punctuation.
SHORT_NAMES: dict[str, tuple[str, ...]] = {
    "dpt_tms": ("DPT TMS", "DPT tidak memenuhi syarat"), "disabilitas": ("Pemilih disabilitas", "Disabilitas"),
    "dptb": ("DPTb", "Pemilih pindahan"), "dpk": ("Potensi DPK", "DPK"),
    "kpps_luar": ("KPPS luar domisili", "Penyelenggara luar domisili"), "psu": ("Riwayat PSU", "PSU/PSSU"),
    "kekerasan": ("Riwayat kekerasan", "Kekerasan"), "intimidasi": ("Intimidasi", "Riwayat intimidasi"),
    "penolakan": ("Penolakan pemungutan suara", "Penolakan"), "politik_uang": ("Politik uang",),
    "sara": ("SARA", "Ujaran kebencian", "Politisasi SARA"), "net_aparat": ("Netralitas ASN", "Netralitas ASN TNI Polri"),
    "net_kpps": ("Netralitas penyelenggara", "KPPS berkampanye"), "log_rusak": ("Logistik rusak", "Kerusakan logistik"),
    "log_kurang": ("Logistik kurang lebih", "Kekurangan logistik"), "log_tertukar": ("Surat suara tertukar",),
    "log_terlambat": ("Logistik terlambat", "Keterlambatan logistik"), "sulit": ("Sulit dijangkau",),
    "konflik": ("Rawan konflik",), "bencana": ("Rawan bencana",),
    "dekat_pendidikan": ("Dekat lembaga pendidikan",), "dekat_kerja": ("Dekat wilayah kerja", "Dekat pabrik"),
    "dekat_posko": ("Dekat posko", "Dekat posko tim kampanye"), "lokasi_khusus": ("Lokasi khusus",),
    "listrik": ("Kendala listrik",), "internet": ("Kendala internet",),
}

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
), "2024.1")

CATALOGUES = {c.code: c for c in (BAWASLU_PEMILU_2024, BAWASLU_PILKADA_2024, POLRI_PEMILU_2024,
                                  POLRI_PILKADA_2024, INTELKAM_AREA)}
# catalogue code -> (authority, election, release key, class rules)
META = {
    "BAWASLU_PEMILU_2024": ("bawaslu", "pemilu", "bawaslu_pemilu_2024", DEFAULT_RULES),
    "BAWASLU_PILKADA_2024": ("bawaslu", "pilkada", "bawaslu_pilkada_2024", DEFAULT_RULES),
    "POLRI_PEMILU_2024": ("polri", "pemilu", "polri_2024", POLRI_RULES),
    "POLRI_PILKADA_2024": ("polri", "pilkada", "polri_2024", POLRI_RULES),
    "INTELKAM_AREA": ("intelkam", "", "intelkam", DEFAULT_RULES),
}


def combined_class(bawaslu: int, polri: int | None) -> int:
    """The combined class of a TPS (``COMBINED_RULE``): the higher of the two views; khusus (3) is highest."""
    return bawaslu if polri is None else max(bawaslu, polri)
