"""The data of a Rencana Pengamanan that is the unit's to set, not the database's: numbering scheme,
legal basis, cost table, command posts and communications, signer, tasks per phase.

Defaults below are sensible demo values for Polda Sulawesi Tenggara; a unit overrides any key in
``$SIAGA_HOME/renpam.json`` (same keys, JSON) or in the Django setting ``SIAGA_RENPAM`` (a dict).
Lists and dicts given there replace the default of that key whole.
"""

import json
from copy import deepcopy

from django.conf import settings

DEFAULTS = {
    # {seq} is left blank on drafts (the agenda number is given when the plan is signed).
    "number_format": "R/Renpam/{seq}/{month}/{year}/Ro Ops",
    "sprin_number_format": "Sprin/{seq}/{month}/OPS.1.3./{year}",
    "place": "Kendari",
    # The lowest marking of the document; intelligence rows and named rosters raise it (classification.py).
    "classification_floor": "biasa",
    "named_roster_classification": "terbatas",
    "dasar": [
        "Undang-Undang Nomor 2 Tahun 2002 tentang Kepolisian Negara Republik Indonesia.",
        "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum.",
        "Undang-Undang Nomor 10 Tahun 2016 tentang Perubahan Kedua atas Undang-Undang Nomor 1 Tahun 2015 "
        "tentang Penetapan Perppu Nomor 1 Tahun 2014 tentang Pemilihan Gubernur, Bupati, dan Wali Kota "
        "menjadi Undang-Undang.",
        "Peraturan Kepolisian Negara Republik Indonesia Nomor 9 Tahun 2011 tentang Manajemen Operasi Kepolisian.",
        "Peraturan Kapolri Nomor 1 Tahun 2019 tentang Sistem, Manajemen, dan Standar Keberhasilan Operasional "
        "Kepolisian Negara Republik Indonesia.",
        "Rencana Operasi Kepolisian Terpusat yang diterbitkan Mabes Polri untuk operasi ini.",
    ],
    "tugas_pokok": (
        "{organiser} menyelenggarakan {operation} selama {days} hari mulai {start} sampai dengan {end} di "
        "wilayah {area}, dengan mengedepankan kegiatan preemtif dan preventif yang didukung penegakan hukum, "
        "guna mengamankan seluruh tahapan {election} sehingga berjalan aman, tertib dan lancar."),
    "maksud": "Sebagai pedoman bagi seluruh personel yang terlibat dalam pelaksanaan {operation} sehingga "
              "pelaksanaannya terarah, terpadu dan terkendali.",
    "tujuan": "Terwujudnya situasi kamtibmas yang aman dan kondusif pada setiap tahapan {election} di "
              "wilayah {area}.",
    "sasaran": {
        "Orang": ["Penyelenggara (KPU, Bawaslu, PPK, PPS, KPPS) dan pengawas pemilihan",
                  "Peserta pemilihan (pasangan calon), tim kampanye dan pendukung",
                  "Pemilih, tokoh masyarakat, tokoh agama dan tokoh adat",
                  "Kelompok yang berpotensi mengganggu kamtibmas"],
        "Benda": ["Logistik pemilihan: surat suara, kotak suara, formulir C.Hasil dan D.Hasil",
                  "Alat peraga kampanye", "Kendaraan dan kapal pengangkut logistik"],
        "Tempat": ["TPS", "Kantor KPU dan Bawaslu setiap tingkat", "Tempat rekapitulasi PPK/PPS",
                   "Gudang logistik KPU", "Lokasi kampanye", "Objek vital"],
        "Kegiatan": ["Kampanye dan debat pasangan calon", "Distribusi dan pengembalian logistik",
                     "Pemungutan dan penghitungan suara", "Rekapitulasi berjenjang",
                     "Penyelesaian sengketa dan penetapan"],
    },
    "phases": {
        "pra": ("Tahap pra-pemungutan", ["pemutakhiran", "pencalonan", "kampanye", "tenang", "logistik"]),
        "pelaksanaan": ("Tahap pelaksanaan", ["pemungutan", "rekap_kecamatan", "rekap_kabkota",
                                              "rekap_provinsi", "rekap_nasional"]),
        "pasca": ("Tahap pasca-pemungutan", ["sengketa", "penetapan"]),
    },
    "cara_bertindak": {
        "pemutakhiran": "Deteksi dini dan pengamanan kantor KPU selama pemutakhiran data pemilih.",
        "pencalonan": "Pengamanan pendaftaran pasangan calon di kantor KPU; pengawalan bakal pasangan calon.",
        "kampanye": "Pengamanan lokasi kampanye dan debat; pengawalan pasangan calon; patroli dialogis.",
        "tenang": "Patroli malam dan patroli siber; penertiban alat peraga; pencegahan politik uang bersama "
                  "Sentra Gakkumdu.",
        "logistik": "Pengawalan logistik dari gudang KPU ke PPK, PPS dan TPS; kepulauan dan daerah sulit "
                    "dijangkau didahulukan.",
        "pemungutan": "Pengamanan TPS sesuai pola per kelas kerawanan sejak H-1 hingga penghitungan selesai; "
                      "pengawalan kotak suara ke PPS/PPK.",
        "rekap_kecamatan": "Pengamanan rekapitulasi di PPK dan gudang penyimpanan kotak suara.",
        "rekap_kabkota": "Pengamanan rekapitulasi di KPU kabupaten/kota; sterilisasi dan pengamanan berlapis.",
        "rekap_provinsi": "Pengamanan rekapitulasi di KPU provinsi.",
        "rekap_nasional": "Pengamanan pengiriman hasil ke KPU RI.",
        "sengketa": "Pengamanan sidang sengketa dan kantor penyelenggara; cipta kondisi.",
        "penetapan": "Pengamanan penetapan dan pelantikan calon terpilih.",
    },
    # Satgas: who leads, which elements; "strength" names a figure of the plan (posts, reserve) or is absent.
    "satgas": {
        "Satgas Preemtif": {"kasatgas": "Dirintelkam Polda", "unsur": "Dit Intelkam, Dit Binmas, Bhabinkamtibmas"},
        "Satgas Preventif": {"kasatgas": "Dirsamapta Polda", "unsur": "Polres dan Polsek jajaran, BKO Polda",
                             "strength": "posts"},
        "Satgas Kamseltibcarlantas": {"kasatgas": "Dirlantas Polda", "unsur": "Dit Lantas, Sat Lantas Polres"},
        "Satgas Tindak": {"kasatgas": "Dansat Brimob Polda", "unsur": "Sat Brimob, Dalmas Dit Samapta",
                          "strength": "reserve"},
        "Satgas Gakkum": {"kasatgas": "Dirreskrimum Polda", "unsur": "Dit Reskrimum, Dit Reskrimsus, Sentra Gakkumdu"},
        "Satgas Humas": {"kasatgas": "Kabid Humas Polda", "unsur": "Bid Humas, Si Humas Polres"},
        "Satgas Banops": {"kasatgas": "Karo Log Polda", "unsur": "Ro Log, Bid Keu, Bid Dokkes, Bid TIK"},
    },
    "komando": {
        "kaops": "Kapolda Sulawesi Tenggara",
        "wakaops": "Wakapolda Sulawesi Tenggara",
        "kasatwil": "Kapolres jajaran selaku Kaops wilayah",
        "posko_utama": "Posko Ops Polda Sulawesi Tenggara, Mapolda Sultra, Kendari",
        "laporan": ["06.00 WITA: laporan situasi pagi", "12.00 WITA: laporan situasi siang",
                    "18.00 WITA: laporan situasi sore", "24.00 WITA: laporan harian (Lapharsus)",
                    "Segera (paling lambat 15 menit): kejadian menonjol"],
    },
    # Call signs and radio channels; Polres get "<prefix> <n>" in the order of their kab/kota code.
    "komunikasi": {
        "kaops": ("Anoa-1", "Kanal Komando 1"),
        "wakaops": ("Anoa-2", "Kanal Komando 1"),
        "posko_utama": ("Anoa Base", "Kanal Komando 1 / Kanal Ops 2"),
        "polres_prefix": "Anoa",
        "polres_channel": "Kanal Ops 2 (Rik wilayah)",
        "post_channel": "Kanal Pos 3",
        "cadangan": "Telepon seluler dan grup pesan terenkripsi Posko Ops",
    },
    # Cost table: unit prices (Rp) and how many of each unit the plan needs.
    "anggaran": {
        "personel_per_hari": 150000,
        "kendaraan_roda4_per_hari": 350000,
        "kendaraan_roda2_per_hari": 75000,
        "kapal_per_hari": 1500000,
        "roda4_per_pos": 0,
        "roda2_per_pos": 1,
        "kapal_per_pos_pulau": 1,
        "roda4_per_polres": 4,
        "hari_pelaksanaan_tambahan": 1,  # H-1 guard before voting day
    },
    "administrasi": [
        "Dukungan anggaran operasi bersumber dari DIPA Polda dan hibah pemerintah daerah sesuai NPHD.",
        "Perlengkapan perorangan: pakaian dinas lapangan, jas hujan, senter, alat tulis dan formulir laporan.",
        "Dukungan kesehatan oleh Bid Dokkes Polda dan Urkes Polres; ambulans siaga di posko.",
        "Dukungan bahan bakar kendaraan dan kapal sesuai jumlah hari operasi.",
    ],
    "signer": {
        "jabatan": "KEPALA KEPOLISIAN DAERAH SULAWESI TENGGARA",
        "nama": "ANDI PRATAMA SAPUTRA, S.I.K., M.H.",
        "pangkat": "INSPEKTUR JENDERAL POLISI",
        "nrp": "69010123",
    },
    "tembusan": ["Kapolri", "Asops Kapolri", "Gubernur Sulawesi Tenggara", "Ketua KPU Provinsi",
                 "Ketua Bawaslu Provinsi", "Danrem 143/Haluoleo"],
    "shift_hours": "07.00-13.00 pemungutan; penghitungan sampai selesai",
}


def renpam_config() -> dict:
    """The defaults with the unit's overrides applied."""
    config = deepcopy(DEFAULTS)
    config.update(getattr(settings, "SIAGA_RENPAM", {}) or {})
    path = settings.SIAGA_HOME / "renpam.json"
    if path.is_file():
        config.update(json.loads(path.read_text(encoding="utf-8")))
    return config
