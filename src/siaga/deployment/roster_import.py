"""Import a personnel roster or per-unit counts (CSV/XLSX): all rows or none, idempotent, audited.

A roster row is one officer (NRP, rank, name, unit code, function) and may
carry one availability window (jenis cuti/dinas/shift, mulai, selesai); an
officer with several windows takes several rows with the same details. A
file without NRP but with 'tersedia' gives counts per unit instead. A Polres
imports only its own units and officers: an NRP already recorded in a unit outside the
importer's area is an error, never a move across areas. Every problem is reported with line
and column.
"""

import re
from datetime import datetime, timezone as dt_timezone

from django.db import transaction
from django.utils import timezone

from siaga.accounts.scope import area_contains, user_area
from siaga.accounts.services import audit_record
from siaga.core.importkit import (
    ImportRejected,
    Progress,
    ProblemList,
    Source,
    file_bytes,
    make_problem,
    read_table,
)
from siaga.deployment.models import AvailabilityWindow, Personnel, Unit, WindowKind
from siaga.deployment.services import PLANNER_ROLES, require_planner, unit_strength_set

MAX_BYTES = 20 * 1024 * 1024

VARIANTS = {
    "nrp": ("nrp", "nomor registrasi pokok"),
    "rank": ("pangkat", "rank"),
    "name": ("nama", "name"),
    "unit": ("kode_unit", "unit", "satuan", "unit code"),
    "function": ("fungsi", "function", "jabatan"),
    "window_kind": ("jenis", "jenis_ketersediaan", "availability"),
    "start": ("mulai", "start", "dari"),
    "end": ("selesai", "end", "sampai"),
    "strength": ("kekuatan", "jumlah", "strength"),
    "available": ("tersedia", "available"),
}
ROSTER_REQUIRED = ("nrp", "rank", "name", "unit")
COUNTS_REQUIRED = ("unit", "available")
KINDS = {"cuti": WindowKind.LEAVE, "leave": WindowKind.LEAVE, "dinas": WindowKind.DUTY, "duty": WindowKind.DUTY,
         "dinaslain": WindowKind.DUTY, "shift": WindowKind.SHIFT, "piket": WindowKind.SHIFT}
NRP_RE = re.compile(r"\d{8}")

MESSAGES = {
    "id": {
        "missing_column": "kolom wajib '{value}' tidak ditemukan.",
        "missing_value": "nilai wajib diisi.",
        "bad_nrp": "NRP '{value}' harus 8 angka.",
        "unknown_unit": "kode unit '{value}' tidak dikenal.",
        "out_of_scope": "unit {value} berada di luar wilayah Anda ({area}).",
        "person_out_of_scope": "NRP {value} tercatat di unit {unit}, di luar wilayah Anda ({area}); pemindahan antarwilayah dilakukan oleh satuan atasan.",
        "not_allowed": "Pengguna '{value}' tidak berwenang mengimpor data personel.",
        "bad_kind": "jenis '{value}' tidak dikenal (cuti, dinas, shift).",
        "bad_time": "waktu '{value}' tidak valid; gunakan 2024-02-14 07:00.",
        "bad_window": "waktu selesai '{value}' harus sesudah waktu mulai.",
        "incomplete_window": "jenis, mulai dan selesai harus diisi bersama.",
        "conflict_person": "NRP {value} sudah tercatat di baris {first} dengan data berbeda.",
        "bad_count": "nilai '{value}' bukan bilangan bulat tidak negatif.",
        "over_strength": "tersedia ({value}) melebihi kekuatan ({strength}).",
        "duplicate_unit": "unit {value} sudah ada di baris {first}.",
    },
    "en": {
        "missing_column": "required column '{value}' not found.",
        "missing_value": "a value is required.",
        "bad_nrp": "NRP '{value}' must be 8 digits.",
        "unknown_unit": "unit code '{value}' is unknown.",
        "out_of_scope": "unit {value} lies outside your area ({area}).",
        "person_out_of_scope": "NRP {value} is recorded in unit {unit}, outside your area ({area}); a move between areas is made by the superior command.",
        "not_allowed": "User '{value}' may not import personnel data.",
        "bad_kind": "kind '{value}' is unknown (cuti, dinas, shift).",
        "bad_time": "time '{value}' is not valid; use 2024-02-14 07:00.",
        "bad_window": "end time '{value}' must be after the start.",
        "incomplete_window": "kind, start and end must be given together.",
        "conflict_person": "NRP {value} already appears on line {first} with different details.",
        "bad_count": "value '{value}' is not a whole number of at least zero.",
        "over_strength": "available ({value}) exceeds strength ({strength}).",
        "duplicate_unit": "unit {value} already appears on line {first}.",
    },
}


def _time(text):
    try:
        value = datetime.fromisoformat(text.replace("T", " ").strip())
    except ValueError:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _utc(when):
    return when.astimezone(dt_timezone.utc).isoformat()


def _count(text):
    return int(text) if text.isdigit() else None


class _Check:
    def __init__(self, actor, table, lang):
        self.actor, self.table, self.lang = actor, table, lang
        self.problems = ProblemList()
        self.units = {u.code: u for u in Unit.objects.all()}
        self.area = user_area(actor)

    def add(self, line, field, value, code, **params):
        column = self.table.headers.get(field) if field else None
        self.problems.append(make_problem(MESSAGES, self.lang, line, column, value, code, **params))

    def unit(self, line, row):
        code = row["unit"]
        if not code:
            return self.add(line, "unit", code, "missing_value")
        unit = self.units.get(code)
        if unit is None:
            return self.add(line, "unit", code, "unknown_unit")
        if not area_contains(self.area, unit.area_code):
            return self.add(line, "unit", code, "out_of_scope", area=self.area or "-")
        return unit


def _roster(check, rows):
    people, windows, first = {}, {}, {}
    for line, row in rows:
        before = check.problems.total
        nrp = row["nrp"]
        if not NRP_RE.fullmatch(nrp):
            check.add(line, "nrp", nrp, "bad_nrp")
        for f in ("rank", "name"):
            if not row[f]:
                check.add(line, f, "", "missing_value")
        unit = check.unit(line, row)
        kind_text, start_text, end_text = (row.get(f, "") for f in ("window_kind", "start", "end"))
        window = None
        if any((kind_text, start_text, end_text)):
            kind = KINDS.get(re.sub(r"\W", "", kind_text.lower()))
            start, end = _time(start_text), _time(end_text)
            if not all((kind_text, start_text, end_text)):
                check.add(line, None, None, "incomplete_window")
            elif kind is None:
                check.add(line, "window_kind", kind_text, "bad_kind")
            elif start is None or end is None:
                bad = "start" if start is None else "end"
                check.add(line, bad, row[bad], "bad_time")
            elif end <= start:
                check.add(line, "end", end_text, "bad_window")
            else:
                window = (kind, start, end)
        if check.problems.total > before:
            continue
        details = (row["rank"], row["name"], unit.pk, row.get("function", ""))
        if nrp in people and people[nrp] != details:
            check.add(line, "nrp", nrp, "conflict_person", first=first[nrp])
            continue
        first.setdefault(nrp, line)
        people[nrp] = details
        windows.setdefault(nrp, set())
        if window:
            windows[nrp].add(window)
    _foreign_officers(check, people, first)
    check.problems.sort(key=lambda p: p.line or 0)
    return people, windows


def _foreign_officers(check, people, first):
    """Report each NRP already recorded in a unit outside the importer's area (one query for the file)."""
    recorded = Personnel.objects.filter(nrp__in=people).values_list("nrp", "unit__code", "unit__area_code")
    for nrp, unit_code, area_code in recorded.order_by("nrp"):
        if not area_contains(check.area, area_code):
            check.add(first[nrp], "nrp", nrp, "person_out_of_scope", unit=unit_code, area=check.area or "-")


def _counts(check, rows):
    counts, first = {}, {}
    for line, row in rows:
        before = check.problems.total
        unit = check.unit(line, row)
        available = _count(row["available"])
        strength = _count(row["strength"]) if row.get("strength") else None
        if available is None:
            check.add(line, "available", row["available"], "bad_count")
        if row.get("strength") and strength is None:
            check.add(line, "strength", row["strength"], "bad_count")
        elif strength is not None and available is not None and available > strength:
            check.add(line, "available", available, "over_strength", strength=strength)
        if check.problems.total > before:
            continue
        if unit.code in first:
            check.add(line, "unit", unit.code, "duplicate_unit", first=first[unit.code])
            continue
        first[unit.code] = line
        counts[unit.code] = (available, strength)
    return counts


def personnel_import(*, actor, data: Source, filename: str, lang="id", progress: Progress = None) -> dict:
    """Check the whole file (bytes, a path or an open file), then write every row or none.

    Returns counts of what changed; ``progress`` hears the rows done (for a background job)."""
    table = read_table(file_bytes(data, MAX_BYTES), filename=filename, variants=VARIANTS, required=("unit",),
                       lang=lang, messages=MESSAGES, max_bytes=MAX_BYTES)
    if not table.problems:
        required = ROSTER_REQUIRED if "nrp" in table.headers else COUNTS_REQUIRED
        for name in (f for f in required if f not in table.headers):
            table.problems.append(make_problem(MESSAGES, lang, table.header_line, None, VARIANTS[name][0],
                                               "missing_column"))
    if table.problems:
        raise ImportRejected(table.problems, lang=lang)
    if actor.role not in PLANNER_ROLES:
        raise ImportRejected([make_problem(MESSAGES, lang, None, None, actor.username, "not_allowed")])
    check = _Check(actor, table, lang)
    if "nrp" in table.headers:
        people, windows = _roster(check, table.rows)
        if check.problems:
            raise ImportRejected(check.problems, lang=lang)
        result = _write_roster(actor, people, windows, filename)
    else:
        counts = _counts(check, table.rows)
        if check.problems:
            raise ImportRejected(check.problems, lang=lang)
        result = _write_counts(actor, counts, check.units)
    if progress:
        progress(len(table.rows))
    return result


def _common_area(a, b):
    """The smallest area code containing both dotted codes ("" for the whole country)."""
    common = []
    for x, y in zip(a.split("."), b.split(".")):
        if x != y:
            break
        common.append(x)
    return ".".join(common)


def _person_state(person, windows):
    return {"rank": person.rank, "name": person.name, "unit": person.unit_id, "function": person.function,
            "windows": sorted([w.kind, _utc(w.start), _utc(w.end)] for w in windows)}


@transaction.atomic
def _write_roster(actor, people, windows, filename):
    existing = {p.nrp: p for p in Personnel.objects.filter(nrp__in=people).select_related("unit")
                .prefetch_related("windows")}
    created = updated = unchanged = 0
    for nrp, (rank, name, unit_id, function) in sorted(people.items()):
        person = existing.get(nrp)
        before = _person_state(person, person.windows.all()) if person else None
        old_area = person.unit.area_code if person else None
        person = person or Personnel(nrp=nrp)
        person.rank, person.name, person.unit_id, person.function = rank, name, unit_id, function
        wanted = [AvailabilityWindow(person=person, kind=k, start=s, end=e) for k, s, e in sorted(windows[nrp])]
        after = _person_state(person, wanted)
        if before == after:
            unchanged += 1
            continue
        area = Unit.objects.get(pk=unit_id).area_code
        require_planner(actor, area)
        if old_area is not None:
            require_planner(actor, old_area)  # checked with a message by _foreign_officers; kept as a guard
        person.save()
        person.windows.all().delete()
        AvailabilityWindow.objects.bulk_create(wanted)
        created += before is None
        updated += before is not None
        # A move is filed under the area holding both units, so the unit left behind sees it too.
        audit_record(actor=actor, action="personnel.import", obj_type="personnel", obj_id=nrp,
                     area_code=_common_area(area, old_area or area), before=before, after=after, note=filename)
    return {"kind": "roster", "created": created, "updated": updated, "unchanged": unchanged}


@transaction.atomic
def _write_counts(actor, counts, units):
    updated = unchanged = 0
    for code, (available, strength) in sorted(counts.items()):
        unit = units[code]
        if unit.available == available and (strength is None or unit.strength == strength):
            unchanged += 1
            continue
        unit_strength_set(actor=actor, unit=unit, available=available, strength=strength)
        updated += 1
    return {"kind": "counts", "created": 0, "updated": updated, "unchanged": unchanged}
