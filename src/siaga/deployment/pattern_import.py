"""Import security patterns (pola pengamanan) from CSV/XLSX: one row per class, all or nothing.

Columns: operasi, kelas, polri_per_pos, tps_per_pos_min, tps_per_pos_max,
linmas_per_tps, optional tni_per_pos and gabung_desa, and provinsi (default:
``province``, else the importer's province; a national user such as the
command-line account without either is told so once, not once per row).
Each (province, operation) in the file becomes a new pattern version unless
it equals the version in force.
"""

from django.db import transaction

from siaga.accounts.scope import area_contains, user_area
from siaga.core import planner
from siaga.core.importkit import (
    ImportRejected,
    Progress,
    ProblemList,
    Source,
    file_bytes,
    make_problem,
    read_table,
)
from siaga.deployment.services import PLANNER_ROLES, pattern_set_save

MAX_BYTES = 20 * 1024 * 1024

VARIANTS = {
    "province": ("provinsi", "kode_provinsi", "province"),
    "operation": ("operasi", "operation"),
    "klass": ("kelas", "class", "kerawanan"),
    "polri_per_post": ("polri_per_pos", "polri", "polri per post"),
    "tps_per_post_min": ("tps_per_pos_min", "tps min", "min tps per post"),
    "tps_per_post_max": ("tps_per_pos_max", "tps max", "tps_per_pos", "max tps per post"),
    "linmas_per_tps": ("linmas_per_tps", "linmas", "linmas per tps"),
    "tni_per_post": ("tni_per_pos", "tni", "tni per post"),
    "allow_neighbour_desa": ("gabung_desa", "neighbour desa", "merge desa"),
}
REQUIRED = ("operation", "klass", "polri_per_post", "tps_per_post_min", "tps_per_post_max", "linmas_per_tps")
CLASSES = {"kurangrawan": planner.KURANG_RAWAN, "rawan": planner.RAWAN, "sangatrawan": planner.SANGAT_RAWAN,
           "khusus": planner.KHUSUS, "low": planner.KURANG_RAWAN, "high": planner.SANGAT_RAWAN,
           "special": planner.KHUSUS, **{str(k): k for k in planner.CLASS_NAMES}}
BOOLS = {"ya": True, "yes": True, "1": True, "true": True, "tidak": False, "no": False, "0": False, "false": False,
         "": False}
NUMBERS = ("polri_per_post", "tps_per_post_min", "tps_per_post_max", "linmas_per_tps", "tni_per_post")

MESSAGES = {
    "id": {
        "missing_column": "kolom wajib '{value}' tidak ditemukan.",
        "missing_value": "nilai wajib diisi.",
        "bad_class": "kelas '{value}' tidak dikenal (kurang rawan, rawan, sangat rawan, khusus).",
        "bad_count": "nilai '{value}' bukan bilangan bulat tidak negatif.",
        "zero": "nilai harus paling sedikit 1.",
        "min_over_max": "TPS per pos minimum ({value}) melebihi maksimum ({max}).",
        "bad_bool": "nilai '{value}' harus ya atau tidak.",
        "duplicate_class": "kelas {value} untuk operasi ini sudah ada di baris {first}.",
        "missing_class": "operasi '{value}' tidak memuat kelas: {classes}.",
        "out_of_scope": "provinsi {value} berada di luar wilayah Anda ({area}).",
        "not_allowed": "Pengguna '{value}' tidak berwenang mengubah pola pengamanan.",
        "bad_province": "kode provinsi '{value}' tidak valid (dua angka, mis. 74).",
        "no_province": "{value} baris tanpa provinsi, dan akun '{user}' berlaku nasional: isi kolom 'provinsi' (mis. 74) atau pilih provinsi (--province).",
    },
    "en": {
        "missing_column": "required column '{value}' not found.",
        "missing_value": "a value is required.",
        "bad_class": "class '{value}' is unknown (kurang rawan, rawan, sangat rawan, khusus).",
        "bad_count": "value '{value}' is not a whole number of at least zero.",
        "zero": "the value must be at least 1.",
        "min_over_max": "minimum TPS per post ({value}) exceeds the maximum ({max}).",
        "bad_bool": "value '{value}' must be yes or no.",
        "duplicate_class": "class {value} for this operation already appears on line {first}.",
        "missing_class": "operation '{value}' lacks the classes: {classes}.",
        "out_of_scope": "province {value} lies outside your area ({area}).",
        "not_allowed": "User '{value}' may not change security patterns.",
        "bad_province": "province code '{value}' is not valid (two digits, e.g. 74).",
        "no_province": "{value} rows lack a province and user '{user}' is national: fill the 'provinsi' column (e.g. 74) or choose a province (--province).",
    },
}


def _row(add, line, row, default_province):
    before = add.count
    province = row.get("province") or default_province
    if not province:
        add.no_province += 1  # reported once for the file
    elif not (len(province) == 2 and province.isdigit()):
        add(line, "province", province, "bad_province")
    if not row["operation"]:
        add(line, "operation", "", "missing_value")
    klass = CLASSES.get("".join(row["klass"].lower().split()).replace("_", ""))
    if klass is None:
        add(line, "klass", row["klass"], "bad_class")
    values = {}
    for f in NUMBERS:
        text = row.get(f, "") or ("0" if f == "tni_per_post" else "")
        if not text:
            add(line, f, "", "missing_value")
        elif not text.isdigit():
            add(line, f, text, "bad_count")
        elif int(text) == 0 and f in ("polri_per_post", "tps_per_post_min", "tps_per_post_max"):
            add(line, f, text, "zero")
        else:
            values[f] = int(text)
    if values.get("tps_per_post_min", 0) > values.get("tps_per_post_max", 10**6):
        add(line, "tps_per_post_min", values["tps_per_post_min"], "min_over_max", max=values["tps_per_post_max"])
    merge = BOOLS.get(row.get("allow_neighbour_desa", "").lower())
    if merge is None:
        add(line, "allow_neighbour_desa", row["allow_neighbour_desa"], "bad_bool")
    if add.count > before or not province:
        return None
    return province, row["operation"], {"klass": klass, **values, "allow_neighbour_desa": merge}


def pattern_import(*, actor, data: Source, filename: str, lang="id", tni_assist=None, province=None,
                   progress: Progress = None) -> dict:
    table = read_table(file_bytes(data, MAX_BYTES), filename=filename, variants=VARIANTS, required=REQUIRED, lang=lang,
                       messages=MESSAGES, max_bytes=MAX_BYTES)
    if table.problems:
        raise ImportRejected(table.problems, lang=lang)
    if actor.role not in PLANNER_ROLES:
        raise ImportRejected([make_problem(MESSAGES, lang, None, None, actor.username, "not_allowed")])
    problems = ProblemList()

    def add(line, field, value, code, **params):
        column = table.headers.get(field) if field else None
        problems.append(make_problem(MESSAGES, lang, line, column, value, code, **params))
        add.count += 1

    add.count = add.no_province = 0
    area = user_area(actor)
    sets, first = {}, {}
    for line, row in table.rows:
        parsed = _row(add, line, row, (province or area)[:2])
        if parsed is None:
            continue
        province, operation, rule = parsed
        if not area_contains(area, province):
            add(line, "province", province, "out_of_scope", area=area or "-")
            continue
        key = (province, operation, rule["klass"])
        if key in first:
            add(line, "klass", row["klass"], "duplicate_class", first=first[key])
            continue
        first[key] = line
        sets.setdefault((province, operation), []).append(rule)
    if add.no_province:
        add(table.header_line, None, add.no_province, "no_province", user=actor.username)
    for (province, operation), rules in sets.items() if not problems else ():  # broken rows hide classes
        missing = sorted(set(planner.CLASS_NAMES) - {r["klass"] for r in rules})
        if missing:
            add(table.header_line, "operation", operation, "missing_class",
                classes=", ".join(planner.CLASS_NAMES[c].replace("_", " ") for c in missing))
    if problems:
        raise ImportRejected(problems, lang=lang)
    result = _write(actor, sets, filename, tni_assist)
    if progress:
        progress(len(table.rows))
    return result


@transaction.atomic
def _write(actor, sets, filename, tni_assist):
    created = unchanged = 0
    for (province, operation), rules in sorted(sets.items()):
        assist = any(r["tni_per_post"] for r in rules) if tni_assist is None else tni_assist
        _, new = pattern_set_save(actor=actor, province_code=province, operation=operation, rules=rules,
                                  tni_assist=assist, note=filename)
        created += new
        unchanged += not new
    return {"created": created, "unchanged": unchanged}
