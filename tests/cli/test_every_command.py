"""Every sub-command of `siaga`, with good input and with bad input, as a user types it.

The sub-commands come from the real argparse tree: a new one without a case here fails
`test_every_subcommand_has_a_good_and_a_bad_case`. In-process runs go through
`siaga.cli.main` on the session's demo database (SQLite, or PostgreSQL with DATABASE_URL);
a few runs are separate processes on a fresh SIAGA_HOME with no prior `siaga migrate`,
as the README's commands are typed (the embedded SQLite default).
"""

import fcntl
import os
import pty
import socket
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from siaga.cli import build_parser, leaf_commands, main

SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass
class Case:
    """argv builders take the test's Context; `says` is text the output must contain."""

    good: object  # callable(ctx) -> argv, or None when a process test on a fresh home covers it
    says: str
    bad: object  # callable(ctx) -> argv
    bad_id: str  # in the Indonesian (default) message
    bad_en: str  # in the message with --lang en
    good_marks: list = field(default_factory=list)
    bad_marks: list = field(default_factory=list)


def unknown_option(words):
    return Case(good=None, says="", bad=lambda c: [*words, "--bogus"], bad_id="argumen tidak dikenal: --bogus",
                bad_en="unrecognized arguments: --bogus")


OBS = "kode,indikator,nilai,sumber,tanggal\n{tps},P24.HAK.01,1,bawaslu,2024-02-01\n"
IKP = ("edisi,tanggal_rilis,jenis,tema,sumber,kode_wilayah,skor,kategori,pita_rendah,pita_sedang,pita_tinggi\n"
       'IKP CLI,2022-12-16,umum,,Uji,74,"38,32",,"< 21,7","21,7-68,5","68,5-100"\n')
PATTERNS = ("operasi,kelas,polri_per_pos,tps_per_pos_min,tps_per_pos_max,linmas_per_tps,tni_per_pos\n"
            "Latihan CLI,kurang rawan,2,4,4,6,0\nLatihan CLI,rawan,4,2,2,8,0\n"
            "Latihan CLI,sangat rawan,6,2,2,8,1\nLatihan CLI,khusus,2,1,1,2,0\n")
TRANSPORT_DATA = SRC / "siaga" / "transport" / "data"
BAD_LINKS = "jenis,kode,nama,lat,lng\npelabuhan,ZZ,Dermaga,abc,122.5\n"
FORECAST = "perairan,tanggal,kategori,angin_maks\nLaut Banda,2024-03-01,rendah,10\n"
BAD_FORECAST = "perairan,tanggal,kategori,angin_maks\nLaut Entah,2024-03-01,rendah,10\n"
NOT_LOADED = ("tidak ada di hierarki wilayah", "not in the region hierarchy")

CASES = {
    ("demo",): Case(None, "", lambda c: ["demo", "--no-serve", "--source", c.path("missing")],
                    "direktori sumber tidak ditemukan", "source directory not found"),
    ("serve",): Case(None, "", lambda c: ["serve", "--port", "99999"], "port harus 1–65535", "port must be 1–65535"),
    ("migrate",): Case(lambda c: ["migrate"], "migrations", lambda c: ["migrate", "--bogus"],
                       "argumen tidak dikenal: --bogus", "unrecognized arguments: --bogus"),
    ("user",): Case(lambda c: ["user", "uji.cli", "--agency", "POLRES-74.01", "--role", "petugas",
                               "--password", "Kata-Sandi-Uji-2024", "--token", "hp"], '"token"',
                    lambda c: ["user", "uji.cli", "--agency", "NOPE", "--role", "petugas", "--password", "x"],
                    "instansi 'NOPE' tidak ada", "agency not found"),
    ("regions", "load"): Case(lambda c: ["regions", "load", "--source", c.shared, "--province", "74"],
                              "Wilayah dimuat dari", lambda c: ["regions", "load", "--source", c.path("missing")],
                              "direktori sumber tidak ditemukan", "source directory not found"),
    ("regions", "stats"): Case(lambda c: ["regions", "stats", "--province", "74", "--json"], '"desa": 2285',
                               lambda c: ["regions", "stats", "--province", "99"], *NOT_LOADED),
    ("tps", "import"): Case(lambda c: ["tps", "import", c.tps_file], "12,765 tetap",  # Pemilu 8,154 + Pilkada 4,611
                            lambda c: ["tps", "import", c.write("bad.csv", "a,b\n1,2\n")],
                            "Tidak ada yang disimpan", "Nothing was saved"),
    ("tps", "export"): Case(lambda c: ["tps", "export", "--province", "74", "--election", "pemilu", "--format", "csv",
                                       "--output", c.path("tps.csv")], "8,154 TPS ->",
                            lambda c: ["tps", "export", "--province", "99", "--format", "csv", "--output",
                                       c.path("tps.csv")], *NOT_LOADED),
    ("tps", "stats"): Case(lambda c: ["tps", "stats", "--province", "74", "--election", "pemilu", "--json"],
                           '"tps": 8154',
                           lambda c: ["tps", "stats", "--province", "abc"], "kode wilayah tidak valid",
                           "invalid region code"),
    ("tps", "generate"): Case(lambda c: ["tps", "generate", "--province", "74", "--output", c.path("gen.csv")],
                              "8,154 TPS ->",
                              lambda c: ["tps", "generate", "--province", "99", "--output", c.path("gen.csv")],
                              *NOT_LOADED),
    ("risk", "catalogues", "load"): Case(lambda c: ["risk", "catalogues", "load"], "Katalog indikator dimuat",
                                         lambda c: ["risk", "catalogues", "load", "--bogus"],
                                         "argumen tidak dikenal: --bogus", "unrecognized arguments: --bogus"),
    ("risk", "catalogues", "list"): Case(lambda c: ["risk", "catalogues", "list"], "BAWASLU_PEMILU_2024 2024.2 *",
                                         lambda c: ["risk", "catalogues", "list", "--bogus"],
                                         "argumen tidak dikenal: --bogus", "unrecognized arguments: --bogus"),
    ("risk", "import-bawaslu"): Case(
        lambda c: ["risk", "import-bawaslu", c.write("bw.csv", f"Kode TPS,DPT TMS,Sulit dijangkau\n{c.tps},Ya,Tidak\n"),
                   "--election", "pemilu", "--date", "2024-02-08"], "Pemetaan TPS rawan Bawaslu diimpor dari bw.csv",
        lambda c: ["risk", "import-bawaslu", c.write("bw.csv", "Kode TPS,DPT TMS\n1,Ya\n"), "--election", "pemilu",
                   "--date", "2024-02-30"], "tanggal '2024-02-30' tidak valid", "date '2024-02-30' is not valid"),
    ("risk", "score"): Case(lambda c: ["risk", "score", "--province", "74"], "Pemilu: 8.154 TPS: Kurang rawan",
                            lambda c: ["risk", "score", "--province", "74.01"], "bukan kode provinsi",
                            "is not a province code"),
    ("risk", "explain"): Case(lambda c: ["risk", "explain", c.tps], "  P24.",
                              lambda c: ["risk", "explain", "9999"], "tidak ditemukan", "not found"),
    ("risk", "import"): Case(lambda c: ["risk", "import", c.write("obs.csv", OBS.format(tps=c.tps))],
                             "Pengamatan diimpor dari obs.csv",
                             lambda c: ["risk", "import", c.write("bad.csv", "a,b\n1,2\n")],
                             "Tidak ada yang disimpan", "Nothing was saved"),
    ("risk", "ikp", "import"): Case(lambda c: ["risk", "ikp", "import", c.write("ikp.csv", IKP)], "IKP diimpor dari ikp.csv",
                                    lambda c: ["risk", "ikp", "import", c.write("ikp-bad.csv", IKP.replace("38,32", "abc"))],
                                    "Tidak ada yang disimpan", "Nothing was saved"),
    ("risk", "ikp", "show"): Case(lambda c: ["risk", "ikp", "show", "--area", "74"], "38.32 (sedang)",
                                  lambda c: ["risk", "ikp", "show", "--area", "74.01", "--edition", "Tidak Ada"],
                                  "belum ada IKP untuk 74.01", "no IKP for 74.01"),
    ("risk", "ikp", "editions"): Case(lambda c: ["risk", "ikp", "editions"], "IKP Pemilu dan Pemilihan Serentak 2024",
                                      lambda c: ["risk", "ikp", "editions", "--bogus"], "argumen tidak dikenal: --bogus",
                                      "unrecognized arguments: --bogus"),
    ("risk", "export"): Case(lambda c: ["risk", "export", "--area", "74.01", "--format", "geojson", "--output",
                                        c.path("k.geojson")], "GEOJSON 74.01 ->",
                             lambda c: ["risk", "export", "--area", "99", "--format", "png", "--output",
                                        c.path("k.png")], *NOT_LOADED),
    ("plan", "deploy"): Case(lambda c: ["plan", "deploy", "--operation", c.operation, "--area", "74.01", "--dry-run"],
                             "Pos: ", lambda c: ["plan", "deploy", "--dry-run"], "--province atau --area wajib",
                             "--province or --area is required"),
    ("plan", "shifts"): Case(lambda c: ["plan", "shifts", "--area", "74.01"], "Jam-personel dibutuhkan",
                             lambda c: ["plan", "shifts", "--province", "74", "--counting-end", "besok"],
                             "--counting-end tidak valid", "invalid --counting-end"),
    ("objek", "import"): Case(lambda c: ["objek", "import", c.write("o.csv", "kode,jenis,nama,kode_wilayah,lat,lng\n"
                                                                            "OV-CLI,objek_vital,PLTU,74.01,-4,121.6\n")],
                              "Objek pengamanan diimpor",
                              lambda c: ["objek", "import", c.write("ob.csv", "kode,jenis,nama,kode_wilayah,lat,lng\n"
                                                                              "X,menara,PLTU,74.01,-4,121.6\n")],
                              "Tidak ada yang disimpan", "Nothing was saved"),
    ("linmas", "import"): Case(lambda c: ["linmas", "import", c.write("l.csv", "kode_desa,jumlah_linmas\n"
                                                                               "74.01.01.1001,5\n")],
                               "Linmas diimpor",
                               lambda c: ["linmas", "import", c.write("lb.csv", "kode_desa,jumlah_linmas\n"
                                                                                "74.99.99.9999,5\n")],
                               "Tidak ada yang disimpan", "Nothing was saved"),
    ("plan", "operations"): Case(lambda c: ["plan", "operations"], "Operasi ",
                                 lambda c: ["plan", "operations", "--as", "nobody"],
                                 "pengguna 'nobody' tidak ditemukan", "user 'nobody' not found"),
    ("plan", "document"): Case(lambda c: ["plan", "document", "--operation", c.operation, "--format", "docx",
                                          "--output", c.path("rencana.docx")], " -> ",
                               lambda c: ["plan", "document", "--operation", "99999", "--output", c.path("x.pdf")],
                               "operasi 99999 tidak ditemukan", "operation not found"),
    ("plan", "version"): Case(lambda c: ["plan", "version", "--operation", c.operation, "--as", "intelkam"],
                              "(konsep)", lambda c: ["plan", "version", "--operation", c.operation, "--as", "kpu"],
                              "Hanya staf Polri", "not allowed to draft this plan"),
    ("plan", "versions"): Case(lambda c: c.plan_version("konsep", ["plan", "versions", "--operation", c.operation]),
                               "Versi ", lambda c: ["plan", "versions", "--operation", "99999"],
                               "operasi 99999 tidak ditemukan", "operation not found"),
    ("plan", "review"): Case(lambda c: c.plan_version("konsep", ["plan", "review", "--operation", c.operation,
                                                                 "--as", "admin"]), "diperiksa oleh admin",
                             lambda c: ["plan", "review", "--operation", c.operation, "--version", "999"],
                             "versi 999 tidak ditemukan", "version 999 not found"),
    ("plan", "approve"): Case(lambda c: c.plan_version("diperiksa", ["plan", "approve", "--operation", c.operation,
                                                                     "--as", "kapolda"]), "disahkan oleh kapolda",
                              lambda c: ["plan", "approve", "--operation", c.operation, "--version", "999"],
                              "versi 999 tidak ditemukan", "version 999 not found"),
    ("plan", "sprin"): Case(lambda c: c.plan_version("disahkan", ["plan", "sprin", "--operation", c.operation,
                                                                  "--format", "docx", "--output",
                                                                  c.path("sprin.docx")]), "Sprin ",
                            lambda c: ["plan", "sprin", "--operation", c.operation, "--output", c.path("s.pdf")],
                            "belum disahkan", "not approved yet"),
    ("personel", "import"): Case(lambda c: ["personel", "import", c.write("n.csv", "kode_unit,tersedia\n"
                                                                                 "POLSEK-74.01.04,3\n")],
                                 "Personel diimpor", lambda c: ["personel", "import", c.path("missing.csv")],
                                 "berkas tidak ditemukan", "file not found"),
    ("pola", "import"): Case(lambda c: ["pola", "import", c.write("pola.csv", PATTERNS), "--province", "74"],
                             "Pola pengamanan diimpor",
                             lambda c: ["pola", "import", c.write("bad.csv", "a,b\n1,2\n")],
                             "Tidak ada yang disimpan", "Nothing was saved"),
    ("transport", "load"): Case(lambda c: ["transport", "load", str(TRANSPORT_DATA / "sultra_links.csv"), "--json"],
                                '"ok": true',
                                lambda c: ["transport", "load", c.write("jalur.csv", BAD_LINKS)],
                                "Baris 2, kolom 'lat'", "Line 2, column 'lat'"),
    ("transport", "route"): Case(lambda c: ["transport", "route", "--from", "74.71", "--to", "BNG", "--json"],
                                 '"mode": "sea"', lambda c: ["transport", "route", "--from", "74.71", "--to", "XX9"],
                                 "tempat tidak dikenal: XX9", "unknown place: XX9"),
    ("transport", "landmasses"): Case(lambda c: ["transport", "landmasses", "--province", "74", "--json"],
                                      '"landmasses": ', lambda c: ["transport", "landmasses", "--bogus"],
                                      "argumen tidak dikenal: --bogus", "unrecognized arguments: --bogus"),
    ("weather", "import"): Case(lambda c: ["weather", "import", c.write("bmkg.csv", FORECAST), "--json"],
                                '"ok": true', lambda c: ["weather", "import", c.write("bmkg-x.csv", BAD_FORECAST)],
                                "perairan 'Laut Entah' tidak dikenal", "sea area 'Laut Entah' unknown"),
    ("coordination", "escalate"): Case(lambda c: ["coordination", "escalate", "--today", "2024-12-05"],
                                       "rujukan dieskalasi",
                                       lambda c: ["coordination", "escalate", "--today", "2024-13-01"],
                                       "tanggal tidak valid", "invalid date"),
    ("simulate", "election-day"): Case(None, "", lambda c: ["simulate", "election-day", "--province", "74",
                                                            "--url", c.closed_url], "tidak dapat dihubungi",
                                       "cannot be reached"),
    ("operations", "sweep"): Case(lambda c: ["operations", "sweep", "--province", "74"], "Sapuan lapor-hadir",
                                  lambda c: ["operations", "sweep", "--province", "99"], *NOT_LOADED),
    ("operations", "sms-gateway"): Case(lambda c: ["operations", "sms-gateway", "uji-gateway"], '"token"',
                                        lambda c: ["operations", "sms-gateway", " "], "nama gateway wajib diisi",
                                        "gateway name is required"),
    ("operations", "sms-sender"): Case(lambda c: ["operations", "sms-sender", "081234567890", "polres.kolaka"],
                                       '"phone"',
                                       lambda c: ["operations", "sms-sender", "notaphone", "polres.kolaka"],
                                       "notaphone", "notaphone"),
    ("operations", "field-officer"): Case(lambda c: ["operations", "field-officer", "petugas", c.field_nrp],
                                          '"posts": ["Pos ',
                                          lambda c: ["operations", "field-officer", "petugas", "00000000"],
                                          "NRP 00000000 tidak ada di daftar personel",
                                          "NRP 00000000 is not in the roster"),
    ("operations", "psu"): Case(lambda c: ["operations", "psu", "--tps", c.tps, "--kind", "psu", "--date", "2024-02-20",
                                           "--reason", "pemilih_tidak_berhak", "--recommendation", "02/PANWASCAM/2024",
                                           "--recommendation-date", "2024-02-16", "--decision", "46/KPU/2024",
                                           "--decision-date", "2024-02-17", "--election", "pemilu", "--json"],
                                '"kind": "psu"',
                                lambda c: ["operations", "psu", "--tps", c.tps, "--kind", "psu", "--date", "2024-03-01",
                                           "--reason", "kotak_dibuka", "--recommendation", "1", "--recommendation-date",
                                           "2024-02-16", "--decision", "2", "--decision-date", "2024-02-17",
                                           "--election", "pemilu"],
                                "paling lama 10 hari", "at most 10 days"),
    ("custody", "verify"): Case(lambda c: ["custody", "verify"], "BAIK",
                                lambda c: c.tampered(["custody", "verify"]), "RUSAK", "BROKEN"),
    ("custody", "export"): Case(lambda c: ["custody", "export", "--output", c.path("bundle")], "Bundel ditulis",
                                lambda c: ["custody", "export", "--output", "/proc/siaga-bundle"],
                                "berkas tidak dapat dipakai", "cannot use file"),
    ("custody", "checkpoint"): Case(lambda c: ["custody", "checkpoint"], " root ",
                                    lambda c: ["custody", "checkpoint", "--as", "nobody"],
                                    "pengguna 'nobody' tidak ditemukan", "user 'nobody' not found"),
    ("custody", "checkpoints"): Case(lambda c: ["custody", "checkpoints"], " root ",
                                     lambda c: ["custody", "checkpoints", "--bogus"],
                                     "argumen tidak dikenal: --bogus", "unrecognized arguments: --bogus"),
    ("custody", "escorts"): Case(lambda c: ["custody", "escorts", "--kabkota", "74.07"], "Misi kawal kembali 74.07",
                                 lambda c: ["custody", "escorts", "--kabkota", "99.99"], "tidak dikenal: 99.99",
                                 "Unknown kab/kota: 99.99"),
    ("custody", "registry"): Case(lambda c: ["custody", "registry", "--province", "74"], "Registri kotak suara 74",
                                  lambda c: ["custody", "registry", "--province", "99"], "99", "99"),
    ("custody", "key"): Case(lambda c: ["custody", "key"], "(id ",
                             lambda c: ["custody", "key", "--bogus"],
                             "argumen tidak dikenal: --bogus", "unrecognized arguments: --bogus"),
    ("custody", "scan"): Case(lambda c: ["custody", "scan"], "Anomali dicari",
                              lambda c: ["custody", "scan", "--bogus"],
                              "argumen tidak dikenal: --bogus", "unrecognized arguments: --bogus"),
    ("odk", "forms"): Case(lambda c: ["odk", "forms", "--json"], '"form_id": "siaga_checkin"',
                           lambda c: ["odk", "forms", "--bogus"], "argumen tidak dikenal: --bogus",
                           "unrecognized arguments: --bogus"),
    ("odk", "device", "add"): Case(lambda c: ["odk", "device", "add", "--user", "kapolda", "--name", "HP uji CLI",
                                              "--json"], '"project_url"',
                                   lambda c: ["odk", "device", "add", "--user", "nobody", "--name", "x"],
                                   "pengguna 'nobody' tidak ditemukan", "user 'nobody' not found"),
    ("odk", "device", "list"): Case(lambda c: ["odk", "device", "list"], "perangkat",
                                    lambda c: ["odk", "device", "list", "--as", "nobody"],
                                    "pengguna 'nobody' tidak ditemukan", "user 'nobody' not found"),
    ("odk", "device", "revoke"): Case(lambda c: ["odk", "device", "revoke", c.odk_device()], "dicabut",
                                      lambda c: ["odk", "device", "revoke", "999999"],
                                      "perangkat #999999 tidak ditemukan", "device #999999 not found"),
    ("odk", "sync"): Case(lambda c: ["odk", "sync", "--server", c.central_stub(), "--project", "1", "--form",
                                     "siaga_checkin", "--token", "t"], "0 baru, 0 disimpan",
                          lambda c: ["odk", "sync", "--server", "ftp://central", "--project", "1", "--form",
                                     "siaga_checkin"], "harus alamat http:// atau https://",
                          "must be an http:// or https:// address"),
    ("gakkumdu", "cases"): Case(lambda c: ["gakkumdu", "cases", "--as", "bawaslu", "--json"], '"days_left"',
                                lambda c: ["gakkumdu", "cases", "--now", "kemarin"], "waktu tidak valid",
                                "invalid time"),
    ("gakkumdu", "register"): Case(lambda c: ["gakkumdu", "register", "--election", "pemilu", "--origin", "laporan",
                                              "--title", "Uji CLI", "--known-on", "2024-02-12", "--reported-on",
                                              "2024-02-13", "--region", "74.01", "--as", "bawaslu"], "terdaftar",
                                   lambda c: ["gakkumdu", "register", "--election", "pemilu", "--origin", "laporan",
                                              "--title", "Uji", "--known-on", "12-02-2024", "--reported-on",
                                              "2024-02-13", "--region", "74.01", "--as", "bawaslu"],
                                   "tanggal tidak valid", "invalid date"),
    ("gakkumdu", "advance"): Case(lambda c: ["gakkumdu", "advance", _gakkumdu_case(), "--to", "penerusan", "--on",
                                             "2024-02-14T10:00", "--as", "bawaslu"], "penerusan",
                                  lambda c: ["gakkumdu", "advance", "999999", "--to", "penerusan", "--as", "bawaslu"],
                                  "perkara #999999 tidak ditemukan", "case #999999 not found"),
    ("intel", "li", "create"): Case(
        lambda c: ["intel", "li", "create", "--title", "Uji LI CLI", "--area", "74.03", "--date", "2026-12-01",
                   "--source", "Informan", "--grade", "B2", "--facts", "Fakta uji", "--as", "intelkam"],
        "LI dibuat", lambda c: ["intel", "li", "create", "--title", "x", "--area", "74.03", "--source", "x",
                                "--grade", "G9", "--facts", "x", "--as", "intelkam"],
        "nilai harus huruf A-F dan angka 1-6", "grade must be a letter A-F and a digit 1-6"),
    ("intel", "li", "list"): Case(lambda c: ["intel", "li", "list", "--as", "intelkam", "--json"], '"number"',
                                  lambda c: ["intel", "li", "list", "--date", "2024-02-30"],
                                  "tanggal tidak valid", "invalid date"),
    ("intel", "li", "show"): Case(lambda c: ["intel", "li", "show", c.li_id, "--as", "intelkam"], "number: ",
                                  lambda c: ["intel", "li", "show", "999999", "--as", "kpu"],
                                  "tidak ditemukan", "not found"),
    ("intel", "lapsus", "create"): Case(
        lambda c: ["intel", "lapsus", "create", "--title", "Bentrok uji CLI", "--area", "74.03", "--date",
                   "2026-12-01", "--what", "Saling lempar batu", "--where", "Lapangan Raha", "--as", "intelkam",
                   "--json"], '"kind": "lapsus"',
        lambda c: ["intel", "lapsus", "create", "--title", "x", "--area", "74.03", "--what", " ", "--as",
                   "intelkam"], "Peristiwa (apa yang terjadi) wajib diisi", "The event (what happened) is required"),
    ("intel", "kirka", "create"): Case(
        lambda c: ["intel", "kirka", "create", "--operation", c.operation, "--stage", "tenang", "--area", "74",
                   "--assessment", "Politik uang meningkat", "--as", "intelkam"], "Kirka dibuat",
        lambda c: ["intel", "kirka", "create", "--operation", c.operation, "--stage", "libur", "--area", "74",
                   "--assessment", "x", "--as", "intelkam"], "tahap libur tidak ada", "stage libur is not in"),
    ("intel", "forward"): Case(lambda c: ["intel", "forward", c.polres_product, "--as", "polres.kolaka"],
                               "Diteruskan / forwarded",
                               lambda c: ["intel", "forward", c.li_id, "--to", "NOPE", "--as", "intelkam"],
                               "satuan tidak dikenal: NOPE", "unknown unit: NOPE"),
    ("intel", "ack"): Case(lambda c: ["intel", "ack", c.forward_id, "--as", "intelkam", "--json"],
                           '"acknowledged_by": "intelkam"',
                           lambda c: ["intel", "ack", "999999", "--as", "intelkam"],
                           "terusan #999999 tidak ada di kotak masuk", "forward #999999 is not in your unit's inbox"),
    ("intel", "lapinhar"): Case(lambda c: ["intel", "lapinhar", "--date", "2024-11-25", "--area", "74.03",
                                           "--format", "pdf", "--output", c.path("lapinhar.pdf")], "Lapinhar ",
                                lambda c: ["intel", "lapinhar", "--date", "2024-11-25", "--area", "99.99",
                                           "--output", c.path("x.pdf")],
                                "Wilayah tidak dikenal: 99.99", "Unknown area: 99.99"),
    ("intel", "watch"): Case(lambda c: ["intel", "watch", "--today", "2024-11-25", "--json"], '"rule"',
                             lambda c: ["intel", "watch", "--today", "25-11-2024"], "tanggal tidak valid",
                             "invalid date"),
    ("intel", "case", "open"): Case(
        lambda c: ["intel", "case", "open", "--kind", "hoaks", "--title", "Hoaks uji CLI", "--area", "74.03.06",
                   "--date", "2024-11-20", "--subject", "Akun @uji"], "Kasus dibuka",
        lambda c: ["intel", "case", "open", "--kind", "hoaks", "--title", "x", "--area", "74.03",
                   "--date", "2024-11-20", "--as", "kpu"], "akses ditolak", "access denied"),
    ("intel", "case", "list"): Case(lambda c: ["intel", "case", "list", "--json"], '"possible_duplicates"',
                                    lambda c: ["intel", "case", "list", "--kind", "judi"], "judi", "judi"),
}
# Good input of these runs as separate processes on a fresh SIAGA_HOME (see the tests at the end).
IN_PROCESSES = {("demo",), ("serve",), ("simulate", "election-day")}


def _gakkumdu_case():
    """A fresh Pemilu case in Bawaslu's study, as the id `siaga gakkumdu advance` takes."""
    from datetime import date

    from siaga.accounts.models import User
    from siaga.gakkumdu.services import gakkumdu_register

    case = gakkumdu_register(actor=User.objects.get(username="bawaslu"), election="pemilu", origin="laporan",
                             title="Uji CLI", summary="", known_on=date(2024, 2, 12), reported_on=date(2024, 2, 13),
                             region_code="74.01")
    return str(case.pk)


class Context:
    """What the cases refer to: files in tmp_path, the reference data, a TPS and an operation of the demo."""

    def __init__(self, tmp_path, shared_data):
        self.tmp, self.shared = tmp_path, str(shared_data)

    def path(self, name):
        return str(self.tmp / name)

    def write(self, name, text):
        (self.tmp / name).write_text(text, encoding="utf-8")
        return self.path(name)

    @property
    def tps(self):
        from siaga.regions.models import Tps

        return Tps.objects.filter(kabkota_code="74.01", election="pemilu").order_by("code").first().code

    @property
    def field_nrp(self):
        """The roster NRP of the demo's field officer (their post guards a TPS)."""
        from siaga.operations.models import FieldOfficer

        return FieldOfficer.objects.get(user__username="petugas").person.nrp

    def odk_device(self):
        """The id of a fresh ODK device key (for `odk device revoke`)."""
        from siaga.accounts.models import User
        from siaga.fieldapps.services import device_add

        user = User.objects.get(username="kapolda")
        return str(device_add(actor=user, user=user, name=f"HP dicabut {self.tmp.name}")[0].pk)

    def central_stub(self):
        """A local HTTP server answering like an ODK Central form without submissions (the outside boundary)."""
        import threading
        from http.server import BaseHTTPRequestHandler, HTTPServer

        class Empty(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"[]")

            def log_message(self, *args):
                pass

        server = HTTPServer(("127.0.0.1", 0), Empty)
        threading.Thread(target=lambda: (server.handle_request(), server.server_close()), daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    @property
    def li_id(self):
        from siaga.intel.models import Product

        return str(Product.objects.filter(kind="li").order_by("pk").first().pk)

    @property
    def polres_product(self):
        """A fresh Lapsus of Polres Kolaka (to forward to the Polda)."""
        from siaga.accounts.models import User
        from siaga.intel.services import lapsus_write

        return str(lapsus_write(actor=User.objects.get(username="polres.kolaka"), title="Lapsus Polres uji",
                                area_code="74.01", day=date(2026, 12, 1), classification="terbatas",
                                what="Saksi diancam").pk)

    @property
    def forward_id(self):
        """A forward from Polres Kolaka to the Polda, not yet acknowledged."""
        from siaga.accounts.models import User
        from siaga.intel.selectors import product_get
        from siaga.intel.services import product_forward

        polres = User.objects.get(username="polres.kolaka")
        product = product_get(viewer=polres, pk=int(self.polres_product))
        return str(product_forward(actor=polres, product=product).pk)

    @property
    def operation(self):
        from siaga.planning.models import Operation

        return str(Operation.objects.order_by("pk").first().pk)

    def plan_version(self, state, argv):
        """The first operation with a plan version in this state (konsep, diperiksa, disahkan), then argv."""
        from siaga.accounts.models import User
        from siaga.planning import approval
        from siaga.planning.models import Operation

        operation = Operation.objects.get(pk=self.operation)
        version = approval.version_draft(actor=User.objects.get(username="intelkam"), operation=operation)
        if state in ("diperiksa", "disahkan"):
            version = approval.version_review(actor=User.objects.get(username="admin"), version=version)
        if state == "disahkan":
            approval.version_approve(actor=User.objects.get(username="kapolda"), version=version)
        return argv

    @property
    def tps_file(self):
        from siaga.cli import cli_actor
        from siaga.regions.tps_export import tps_export

        with open(self.path("sultra.csv"), "wb") as out:
            tps_export(viewer=cli_actor(), province="74", fmt="csv", out=out)
        return self.path("sultra.csv")

    @property
    def closed_url(self):
        with socket.socket() as s:  # a port nobody listens on once closed
            s.bind(("127.0.0.1", 0))
            return f"http://127.0.0.1:{s.getsockname()[1]}"

    def tampered(self, argv):
        from siaga.custody.models import Event

        event = Event.objects.order_by("pk").first()
        Event.objects.filter(pk=event.pk).update(canonical=event.canonical + " ")
        return argv


def run(capsys, argv):
    """`siaga ARGV` in this process: (exit code, stdout + stderr)."""
    with pytest.raises(SystemExit) as done:
        main(argv)
    captured = capsys.readouterr()
    return done.value.code or 0, captured.out + captured.err


def test_every_subcommand_has_a_good_and_a_bad_case():
    registered = {words for words, _ in leaf_commands(build_parser())}
    assert registered == set(CASES), "add a Case for each new sub-command (and drop removed ones)"
    assert {w for w, case in CASES.items() if case.good is None} == IN_PROCESSES


def _params(kind):
    for words, case in CASES.items():
        if kind == "good" and case.good is None:
            continue
        marks = case.good_marks if kind == "good" else case.bad_marks
        yield pytest.param(words, id=" ".join(words), marks=marks)


@pytest.mark.django_db
@pytest.mark.parametrize("words", list(_params("good")))
def test_good_input_succeeds_and_says_what_it_did(words, capsys, tmp_path, shared_data):
    case = CASES[words]
    code, out = run(capsys, case.good(Context(tmp_path, shared_data)))
    assert "Traceback" not in out
    assert code == 0, out
    assert case.says in out


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("words", list(_params("bad")))
def test_bad_input_fails_with_a_clear_message(words, lang, capsys, tmp_path, shared_data):
    case = CASES[words]
    argv = case.bad(Context(tmp_path, shared_data)) + (["--lang", "en"] if lang == "en" else [])
    code, out = run(capsys, argv)
    assert "Traceback" not in out
    assert code != 0, out
    assert (case.bad_en if lang == "en" else case.bad_id) in out
    assert not (tmp_path / "k.png").exists(), "nothing half-written"


@pytest.mark.django_db
def test_an_unexpected_failure_is_one_line_and_debug_shows_the_traceback(capsys, monkeypatch):
    from siaga.regions import selectors

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(selectors, "region_stats", broken)
    code, out = run(capsys, ["regions", "stats"])
    assert code == 1 and "Traceback" not in out
    assert out.strip() == "siaga: galat tak terduga (RuntimeError: disk on fire; rinciannya dengan SIAGA_DEBUG=1)"
    code, out = run(capsys, ["regions", "stats", "--lang", "en"])
    assert "unexpected error (RuntimeError: disk on fire; details with SIAGA_DEBUG=1)" in out
    monkeypatch.setenv("SIAGA_DEBUG", "1")
    code, out = run(capsys, ["regions", "stats"])
    assert code == 1 and "Traceback" in out and "disk on fire" in out


def test_usage_errors_are_in_indonesian_by_default(capsys):
    code, out = run(capsys, ["tps", "export", "--format", "docx"])
    assert code == 2 and "galat: argumen --format: pilihan tidak dikenal: 'docx'" in out
    code, out = run(capsys, ["tps", "export", "--format", "docx", "--lang", "en"])
    assert code == 2 and "error: argument --format: invalid choice: 'docx'" in out


# --- Separate processes on a fresh SIAGA_HOME: no prior `siaga migrate`, the embedded SQLite default ---

def _env(home, **extra):
    env = {**os.environ, "SIAGA_HOME": str(home), "PYTHONPATH": str(SRC), **extra}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SIAGA_DEBUG"):
        env.pop(name, None)
    env.update(extra)
    return env


def _siaga(home, *argv, **extra):
    return subprocess.run([sys.executable, "-m", "siaga", *argv], env=_env(home, **extra), capture_output=True,
                          text=True, timeout=600)


def _on_terminal(home, *argv):
    """Run with stderr on a pseudo-terminal (as in a shell); returns (exit code, what the terminal showed)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # a terminal has a size
    proc = subprocess.Popen([sys.executable, "-m", "siaga", *argv], env=_env(home), stdout=subprocess.DEVNULL,
                            stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return proc.wait(timeout=600), shown.decode(errors="replace")


@pytest.fixture(scope="module")
def fresh_home(tmp_path_factory):
    return tmp_path_factory.mktemp("fresh_home")


@pytest.mark.own_database
def test_regions_load_on_a_fresh_home_prepares_the_database_and_shows_progress_on_a_terminal(fresh_home,
                                                                                               shared_data):
    code, shown = _on_terminal(fresh_home, "regions", "load", "--source", str(shared_data), "--province", "74")
    assert code == 0, shown
    assert "Menyiapkan basis data" in shown and "Traceback" not in shown
    assert "wilayah: " in shown and "rows" in shown  # the tqdm bar, drawn on the terminal


@pytest.mark.own_database
def test_regions_load_default_source_piped_is_quiet_and_says_what_it_did(fresh_home):
    done = _siaga(fresh_home, "regions", "load", "--province", "74")  # default: ../shared/data beside the checkout
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no bar, no preparing: piped, and the database exists now
    assert "Wilayah dimuat dari" in done.stdout and "2,524 tetap" in done.stdout


@pytest.mark.own_database
def test_server_database_without_tables_is_told_to_migrate(tmp_path):
    done = _siaga(tmp_path, "regions", "stats", DATABASE_URL=f"sqlite:///{tmp_path / 'server.sqlite3'}")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "jalankan `siaga migrate` dulu" in done.stderr
    done = _siaga(tmp_path, "regions", "stats", "--lang", "en", DATABASE_URL="postgres://siaga@127.0.0.1:1/siaga")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("siaga: the database cannot be used: ")


@pytest.mark.own_database
def test_demo_serve_and_a_drill_on_a_fresh_home(tmp_path_factory, shared_data):
    home = tmp_path_factory.mktemp("demo_home")
    done = _siaga(home, "demo", "--no-serve", "--source", str(shared_data))
    assert done.returncode == 0, done.stderr
    assert "Siaga demo siap" in done.stdout and "Pemilu 2024 8.154 TPS" in done.stdout and "Pilkada 2024 4.611 TPS" in done.stdout
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "siaga", "serve", "--port", str(port)], env=_env(home),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "Siaga berjalan di" in server.stdout.readline()
        while True:  # the announcement comes just before the socket is bound
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None
                time.sleep(0.1)
        drill = _siaga(home, "simulate", "election-day", "--province", "74", "--url", f"http://127.0.0.1:{port}",
                       "--limit-tps", "3", "--json")
        assert drill.returncode == 0, drill.stderr
        assert '"errors": 0' in drill.stdout and '"accepted": ' in drill.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_drill_whose_server_goes_away_stops_retrying_after_one_report(monkeypatch):
    """Mid-run, a lost connection is retried (a worker may be restarting); once one report has used up its
    retries the server is gone, and the rest of the stream is not retried report by report."""
    from datetime import date

    from siaga.core.simulator import default_classes, election_day
    from siaga.operations import drill

    monkeypatch.setattr(drill, "retry_delays", lambda: [0.0, 0.0])  # two resends per report, at once
    subs = election_day(default_classes([f"74010110010{n:02d}" for n in range(1, 11)]), day=date(2024, 2, 14))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"  # closed when the drill starts
    counts = drill.drive(subs, url=url, token="t", run_id="drill-x", workers=2)
    assert counts["server_lost"] and counts["errors"] == len(subs) > 20
    assert counts["resent"] <= 2 * 2  # one report per connection retried, the others refused at once
