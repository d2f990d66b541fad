"""Import the Linmas roster per desa from CSV/XLSX (the Pemda's Satlinmas count): all rows or none.

Columns: kode_desa (dotted or KPU form) and jumlah_linmas. A desa with a roster
gets its own Linmas on its TPS (up to the pattern's number per TPS); a desa
without one keeps the pattern's default (2 per TPS).
"""

from siaga.accounts.scope import area_contains, user_area
from siaga.core.codes import CodeError, normalize_region_code
from siaga.core.importkit import ImportRejected, ProblemList, Source, file_bytes, make_problem, read_table
from siaga.deployment.services import PLANNER_ROLES, linmas_roster_set
from siaga.regions.models import Region

MAX_BYTES = 20 * 1024 * 1024
VARIANTS = {"desa": ("kode_desa", "desa", "kode_kelurahan"), "count": ("jumlah_linmas", "jumlah", "linmas")}
MESSAGES = {
    "id": {"missing_column": "kolom wajib '{value}' tidak ditemukan.",
           "bad_desa": "desa '{value}' tidak dikenal.",
           "bad_count": "nilai '{value}' bukan bilangan bulat tidak negatif.",
           "duplicate": "desa {value} sudah ada di baris {first}.",
           "out_of_scope": "desa {value} berada di luar wilayah Anda ({area}).",
           "not_allowed": "Pengguna '{value}' tidak berwenang mengubah data pengamanan."},
    "en": {"missing_column": "required column '{value}' not found.",
           "bad_desa": "desa '{value}' is unknown.",
           "bad_count": "value '{value}' is not a whole number of at least zero.",
           "duplicate": "desa {value} already appears on line {first}.",
           "out_of_scope": "desa {value} lies outside your area ({area}).",
           "not_allowed": "User '{value}' may not change security data."},
}


def linmas_import(*, actor, data: Source, filename: str, lang="id") -> dict:
    if actor.role not in PLANNER_ROLES:
        raise ImportRejected([make_problem(MESSAGES, lang, None, None, actor.username, "not_allowed")])
    table = read_table(file_bytes(data, MAX_BYTES), filename=filename, variants=VARIANTS, required=("desa", "count"),
                       lang=lang, messages=MESSAGES, max_bytes=MAX_BYTES)
    if table.problems:
        raise ImportRejected(table.problems, lang=lang)
    problems, counts, first, area = ProblemList(), {}, {}, user_area(actor)

    def add(line, field, value, code, **params):
        problems.append(make_problem(MESSAGES, lang, line, table.headers.get(field), value, code, **params))

    wanted = {}
    for line, row in table.rows:
        try:
            wanted[line] = normalize_region_code(row["desa"])
        except CodeError:
            wanted[line] = None
    known = set(Region.objects.filter(level=4, code__in=[c for c in wanted.values() if c])
                .values_list("code", flat=True))
    for line, row in table.rows:
        desa, text = wanted[line], row["count"].strip()
        if desa not in known:
            add(line, "desa", row["desa"], "bad_desa")
        elif not area_contains(area, desa):
            add(line, "desa", desa, "out_of_scope", area=area or "-")
        elif desa in first:
            add(line, "desa", desa, "duplicate", first=first[desa])
        if not text.isdigit():
            add(line, "count", text, "bad_count")
        if desa in known and desa not in first and text.isdigit():
            first[desa] = line
            counts[desa] = int(text)
    if problems:
        raise ImportRejected(problems, lang=lang)
    created, updated, unchanged = linmas_roster_set(actor=actor, counts=counts)
    return {"kind": "linmas", "created": created, "updated": updated, "unchanged": unchanged}
