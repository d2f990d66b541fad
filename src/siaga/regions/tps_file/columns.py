"""The headers and cell spellings offices use, mapped to fields and values."""

from __future__ import annotations

from collections.abc import Mapping

from siaga.core.tabular import column_keys



# The first variant of each field is the name used when the file lacks the column. Variants
# include the headers of KPU's and Bawaslu's own exports (KELURAHAN/DESA, KODE DESA/KEL, NO. TPS,
# JML DPT, TOTAL DPT; DPT L and DPT P match "dpt (l)" and "dpt (p)"). When only DPT L and DPT P
# are given, DPT is their sum; when all three are, they must agree.
# A bare 'No' is deliberately absent: offices use it for the running row number (importkit ignores it).
_COLUMN_VARIANTS: Mapping[str, tuple[str, ...]] = {
    "code": ("kode_tps", "tps code", "kode", "id_tps"),
    "desa_code": ("kode_desa", "kode_kel", "kode_kelurahan", "kode desa/kelurahan", "kode kelurahan/desa",
                  "kode desa/kel", "kode kel/desa", "desa code", "village code"),
    "number": ("no_tps", "nomor tps", "tps", "tps number", "tps no"),
    "name": ("nama_tps", "nama", "name", "tps name"),
    "desa_name": ("nama_desa", "desa", "kelurahan", "desa/kelurahan", "kelurahan/desa", "kel/desa", "desa/kel",
                  "nama kelurahan", "nama desa/kelurahan", "nama kelurahan/desa", "village", "village name"),
    "kecamatan_name": ("nama_kecamatan", "kecamatan", "kec", "district", "subdistrict"),
    "address": ("alamat", "address", "lokasi", "location"),
    "voters": ("dpt", "jumlah dpt", "jml dpt", "total dpt", "voters", "total voters", "jumlah pemilih", "l+p"),
    "voters_male": ("dpt_laki", "dpt laki-laki", "laki-laki", "laki", "l", "male", "dpt (l)"),
    "voters_female": ("dpt_perempuan", "perempuan", "p", "female", "dpt (p)"),
    "election": ("jenis_pemilihan", "pemilihan", "election", "election type"),
    "special": ("tps_khusus", "khusus", "special", "special tps"),
    "lat": ("lat", "latitude", "lintang"),
    "lng": ("lng", "lon", "long", "longitude", "bujur"),
    "access": ("akses", "access"),
    "notes": ("keterangan", "notes", "catatan", "ket", "note"),
    # Context columns of KPU exports: known, so not refused, but not read (the codes say it all).
    "province_name": ("provinsi", "nama provinsi", "prov", "province"),
    "kabkota_name": ("kabupaten/kota", "kab/kota", "kabupaten", "kota", "nama kabupaten/kota", "regency"),
    "province_code": ("kode provinsi", "kode prov", "province code"),
    "kabkota_code": ("kode kabupaten/kota", "kode kab/kota", "kode kab", "regency code"),
    "kecamatan_code": ("kode_kecamatan", "kode kec", "district code"),
}
_HEADER_FIELDS = column_keys(_COLUMN_VARIANTS)
_IDENTITY_COLUMNS = "kode_tps | kode_desa + no_tps"
_TEXT_FIELDS = ("name", "address", "notes", "desa_name", "kecamatan_name")

_ELECTIONS = {
    "pemilu": "pemilu", "pemilihanumum": "pemilu", "general": "pemilu", "generalelection": "pemilu",
    "pilpres": "pemilu", "pileg": "pemilu",  # both are held in the Pemilu
    "pilkada": "pilkada", "pemilihankepaladaerah": "pilkada", "regional": "pilkada", "localelection": "pilkada",
}
_BOOLS = {
    "ya": True, "y": True, "yes": True, "1": True, "true": True,
    "tidak": False, "n": False, "no": False, "0": False, "false": False,
}
_ACCESS = {
    "normal": "normal", "biasa": "normal",
    "sulit": "hard", "sulitdijangkau": "hard", "hard": "hard",
    "perahu": "boat", "kapal": "boat", "boat": "boat",
    "pulau": "island", "kepulauan": "island", "island": "island",
}
