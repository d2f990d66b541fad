"""Import guarded objects and their patterns from CSV/XLSX: all rows or none (the importkit rules).

Objects file, one object per row: kode, jenis, nama, kode_wilayah (the level it
serves: 74 for a KPU provinsi office), lat, lng, and optionally kelas (default
kurang rawan), kode_kabkota (where it stands; needed when kode_wilayah is a
province), pemilihan (pemilu|pilkada, blank: both), operasi (blank: every
operation), mulai and selesai (YYYY-MM-DD, a campaign event's window).

Object patterns file (told apart by its polri_per_objek column): operasi, jenis,
kelas, polri_per_objek, optional tni_per_objek and provinsi. The rows of one
(province, operation) set those kinds and classes in a new pattern version; its
other object rules and its TPS rules carry over, so the set must exist already.
"""

import datetime

from django.db import transaction

from siaga.accounts.scope import area_contains, user_area
from siaga.core.codes import CodeError, normalize_region_code
from siaga.core.importkit import ImportRejected, ProblemList, Source, file_bytes, make_problem, read_table
from siaga.deployment.models import ObjectKind, PatternSet
from siaga.deployment.pattern_import import CLASSES
from siaga.deployment.services import PLANNER_ROLES, guard_object_upsert, pattern_set_save

MAX_BYTES = 20 * 1024 * 1024
KINDS = {k.value: k.value for k in ObjectKind} | {"kpu": "kantor_kpu", "bawaslu": "kantor_bawaslu",
                                                  "ppk": "ppk_rekap", "gudang": "gudang_logistik",
                                                  "paslon": "pengawalan_paslon", "vip": "kunjungan_vip"}
ELECTIONS = {"": "", "pemilu": "pemilu", "pilkada": "pilkada"}

OBJECT_VARIANTS = {
    "code": ("kode", "kode_objek", "code"),
    "kind": ("jenis", "jenis_objek", "kind"),
    "name": ("nama", "nama_objek", "name"),
    "area": ("kode_wilayah", "wilayah", "area"),
    "kabkota": ("kode_kabkota", "kabkota"),
    "lat": ("lat", "latitude", "lintang"),
    "lng": ("lng", "lon", "longitude", "bujur"),
    "klass": ("kelas", "class", "kerawanan"),
    "election": ("pemilihan", "jenis_pemilihan", "election"),
    "operation": ("operasi", "operation"),
    "starts_on": ("mulai", "from"),
    "ends_on": ("selesai", "until"),
}
OBJECT_REQUIRED = ("code", "kind", "name", "area", "lat", "lng")
PATTERN_VARIANTS = {
    "province": ("provinsi", "kode_provinsi", "province"),
    "operation": ("operasi", "operation"),
    "kind": ("jenis", "jenis_objek", "kind"),
    "klass": ("kelas", "class", "kerawanan"),
    "polri": ("polri_per_objek", "polri per object"),
    "tni": ("tni_per_objek", "tni per object"),
}
PATTERN_REQUIRED = ("operation", "kind", "klass", "polri")

MESSAGES = {
    "id": {
        "missing_column": "kolom wajib '{value}' tidak ditemukan.",
        "missing_value": "nilai wajib diisi.",
        "bad_kind": "jenis objek '{value}' tidak dikenal ({kinds}).",
        "bad_class": "kelas '{value}' tidak dikenal (kurang rawan, rawan, sangat rawan, khusus).",
        "bad_code": "kode wilayah '{value}' tidak valid.",
        "bad_number": "nilai '{value}' bukan angka.",
        "bad_count": "nilai '{value}' bukan bilangan bulat tidak negatif.",
        "bad_date": "tanggal '{value}' tidak valid (TTTT-BB-HH).",
        "bad_election": "pemilihan '{value}' tidak dikenal (pemilu atau pilkada).",
        "no_kabkota": "objek tingkat provinsi perlu kode_kabkota tempatnya.",
        "out_of_scope": "wilayah {value} berada di luar wilayah Anda ({area}).",
        "duplicate": "'{value}' sudah ada di baris {first}.",
        "no_pattern_set": "belum ada pola pengamanan TPS untuk operasi '{value}' di provinsi {province}.",
        "no_province": "baris tanpa provinsi: isi kolom 'provinsi' (mis. 74) atau pilih provinsi (--province).",
        "not_allowed": "Pengguna '{value}' tidak berwenang mengubah data pengamanan.",
    },
    "en": {
        "missing_column": "required column '{value}' not found.",
        "missing_value": "a value is required.",
        "bad_kind": "object kind '{value}' is unknown ({kinds}).",
        "bad_class": "class '{value}' is unknown (kurang rawan, rawan, sangat rawan, khusus).",
        "bad_code": "area code '{value}' is not valid.",
        "bad_number": "value '{value}' is not a number.",
        "bad_count": "value '{value}' is not a whole number of at least zero.",
        "bad_date": "date '{value}' is not valid (YYYY-MM-DD).",
        "bad_election": "election '{value}' is unknown (pemilu or pilkada).",
        "no_kabkota": "a province-level object needs the kode_kabkota where it stands.",
        "out_of_scope": "area {value} lies outside your area ({area}).",
        "duplicate": "'{value}' already appears on line {first}.",
        "no_pattern_set": "no TPS security pattern yet for operation '{value}' in province {province}.",
        "no_province": "a row without a province: fill the 'provinsi' column (e.g. 74) or choose one (--province).",
        "not_allowed": "User '{value}' may not change security data.",
    },
}


class _Problems:
    def __init__(self, table, lang):
        self.table, self.lang, self.list = table, lang, ProblemList()

    def __call__(self, line, field, value, code, **params):
        column = self.table.headers.get(field) if field else None
        self.list.append(make_problem(MESSAGES, self.lang, line, column, value, code, **params))


def _klass(add, line, text):
    klass = CLASSES.get("".join((text or "0").lower().split()).replace("_", ""))
    if klass is None:
        add(line, "klass", text, "bad_class")
    return klass


def _kind(add, line, text):
    kind = KINDS.get(text.strip().lower())
    if kind is None:
        add(line, "kind", text, "bad_kind", kinds=", ".join(k.value for k in ObjectKind))
    return kind


def _date(add, line, field, text):
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        add(line, field, text, "bad_date")
        return None


def _object_row(add, line, row, area):
    n = len(add.list)
    kind = _kind(add, line, row["kind"])
    klass = _klass(add, line, row.get("klass"))
    for f in ("code", "name"):
        if not row[f]:
            add(line, f, "", "missing_value")
    codes = {}
    for f in ("area", "kabkota"):
        if row.get(f):
            try:
                codes[f] = normalize_region_code(row[f])
            except CodeError:
                add(line, f, row[f], "bad_code")
    place = codes.get("area", "")
    kab = codes.get("kabkota") or (place[:5] if len(place) >= 5 else "")
    if "area" in codes and not kab:
        add(line, "kabkota", "", "no_kabkota")
    point = []
    for f in ("lat", "lng"):
        try:
            point.append(float(row[f].replace(",", ".")))
        except ValueError:
            add(line, f, row[f], "bad_number")
    election = ELECTIONS.get(row.get("election", "").strip().lower())
    if election is None:
        add(line, "election", row["election"], "bad_election")
    starts, ends = _date(add, line, "starts_on", row.get("starts_on")), _date(add, line, "ends_on", row.get("ends_on"))
    if kab and not area_contains(area, kab):
        add(line, "area", kab, "out_of_scope", area=area or "-")
    if len(add.list) > n:
        return None
    return dict(code=row["code"], kind=kind, name=row["name"], area_code=place, kabkota_code=kab,
                kecamatan_code=place[:8] if len(place) >= 8 else "", lat=point[0], lng=point[1], klass=klass,
                election=election, operation=row.get("operation", ""), starts_on=starts, ends_on=ends)


def _pattern_row(add, line, row, province):
    n = len(add.list)
    kind, klass = _kind(add, line, row["kind"]), _klass(add, line, row["klass"])
    counts = {}
    for f in ("polri", "tni"):
        text = row.get(f) or ("0" if f == "tni" else "")
        if not text.isdigit():
            add(line, f, text, "bad_count" if text else "missing_value")
        else:
            counts[f] = int(text)
    if not row["operation"]:
        add(line, "operation", "", "missing_value")
    province = row.get("province") or province
    if not province:
        add(line, "province", "", "no_province")
    if len(add.list) > n:
        return None
    return (province, row["operation"],
            {"kind": kind, "klass": klass, "polri_per_object": counts["polri"], "tni_per_object": counts["tni"]})


def guard_import(*, actor, data: Source, filename: str, lang="id", province=None) -> dict:
    """Guarded objects, or object patterns when the file has a polri_per_objek column."""
    raw = file_bytes(data, MAX_BYTES)
    if actor.role not in PLANNER_ROLES:
        raise ImportRejected([make_problem(MESSAGES, lang, None, None, actor.username, "not_allowed")])
    probe = read_table(raw, filename=filename, variants={**PATTERN_VARIANTS, **OBJECT_VARIANTS}, required=(),
                       lang=lang, messages=MESSAGES, max_bytes=MAX_BYTES)
    patterns = "polri" in probe.headers
    table = read_table(raw, filename=filename, variants=PATTERN_VARIANTS if patterns else OBJECT_VARIANTS,
                       required=PATTERN_REQUIRED if patterns else OBJECT_REQUIRED, lang=lang, messages=MESSAGES,
                       max_bytes=MAX_BYTES)
    if table.problems:
        raise ImportRejected(table.problems, lang=lang)
    add, area = _Problems(table, lang), user_area(actor)
    first, parsed = {}, []
    for line, row in table.rows:
        item = (_pattern_row(add, line, row, (province or area or "")[:2]) if patterns
                else _object_row(add, line, row, area))
        if item is None:
            continue
        key = item[:2] + (item[2]["kind"], item[2]["klass"]) if patterns else item["code"]
        if key in first:
            add(line, "kind" if patterns else "code", row.get("kind") or row.get("code"), "duplicate",
                first=first[key])
            continue
        first[key] = line
        parsed.append(item)
    sets = {}
    if patterns:
        for prov, operation, rule in parsed:
            sets.setdefault((prov, operation), []).append(rule)
        for (prov, operation), _rules in sets.items():
            if not area_contains(area, prov):
                add(table.header_line, "province", prov, "out_of_scope", area=area or "-")
            elif not PatternSet.objects.filter(province_code=prov, operation=operation).exists():
                add(table.header_line, "operation", operation, "no_pattern_set", province=prov)
    if add.list:
        raise ImportRejected(add.list, lang=lang)
    return _write_patterns(actor, sets, filename) if patterns else _write_objects(actor, parsed)


@transaction.atomic
def _write_objects(actor, rows) -> dict:
    from siaga.deployment.models import GuardObject

    known = set(GuardObject.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
    for r in rows:
        guard_object_upsert(actor=actor, **r)
    return {"kind": "objects", "created": sum(r["code"] not in known for r in rows),
            "updated_or_unchanged": sum(r["code"] in known for r in rows)}


@transaction.atomic
def _write_patterns(actor, sets, filename) -> dict:
    created = unchanged = 0
    for (prov, operation), rules in sorted(sets.items()):
        current = PatternSet.objects.filter(province_code=prov, operation=operation).order_by("-version").first()
        tps_rules = [{"klass": r.klass, **{f: getattr(r, f) for f in ("polri_per_post", "tps_per_post_min",
                                                                      "tps_per_post_max", "linmas_per_tps",
                                                                      "tni_per_post", "allow_neighbour_desa")}}
                     for r in current.rules.all()]
        merged = {(r.kind, r.klass): {"kind": r.kind, "klass": r.klass, "polri_per_object": r.polri_per_object,
                                      "tni_per_object": r.tni_per_object} for r in current.object_rules.all()}
        merged.update({(r["kind"], r["klass"]): r for r in rules})
        _, new = pattern_set_save(actor=actor, province_code=prov, operation=operation, rules=tps_rules,
                                  tni_assist=current.tni_assist or any(r["tni_per_object"] for r in rules),
                                  note=filename, object_rules=list(merged.values()))
        created += new
        unchanged += not new
    return {"kind": "object_patterns", "created": created, "unchanged": unchanged}
