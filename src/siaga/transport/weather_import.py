"""Import a BMKG-style marine forecast (CSV/XLSX): one row per sea area ("perairan") and day; all or nothing.

Columns: perairan (sea-area code or name), tanggal (YYYY-MM-DD or DD/MM/YYYY), kategori (wave class: tenang,
rendah, sedang, tinggi, sangat tinggi, ekstrem, sangat ekstrem), gelombang_min, gelombang_maks (m; from the
class when empty), angin_maks (knot). A row for an area and day already stored replaces it.
"""

from datetime import date, datetime

from django.db import transaction

from siaga.accounts.services import audit_record
from siaga.core import transport as core
from siaga.core.importkit import ImportRejected, ProblemList, file_bytes, make_problem, read_table
from siaga.core.tabular import normal_key
from siaga.transport import registry
from siaga.transport.models import MarineForecast, SeaArea
from siaga.transport.services import require_network_editor

MAX_BYTES = 5 * 1024 * 1024
VARIANTS = {"area": ("perairan", "wilayah_perairan", "sea_area", "area"), "day": ("tanggal", "date", "day"),
            "klass": ("kategori", "kategori_gelombang", "wave_class"),
            "wave_min": ("gelombang_min", "wave_min_m"), "wave_max": ("gelombang_maks", "gelombang_max", "wave_max_m"),
            "wind": ("angin_maks", "angin_max", "wind_max_kn", "angin")}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
MESSAGES = {
    "id": {"missing_column": "kolom wajib '{value}' tidak ditemukan.", "missing_value": "nilai wajib diisi.",
           "unknown_area": "perairan '{value}' tidak dikenal (muat pelabuhan dan lintasan dahulu).",
           "bad_date": "tanggal '{value}' tidak valid (gunakan 2024-02-14 atau 14/02/2024).",
           "bad_class": "kategori gelombang '{value}' tidak dikenal.",
           "bad_number": "'{value}' bukan angka yang sah.",
           "duplicate": "perairan dan tanggal sama sudah ada di baris {first}."},
    "en": {"missing_column": "required column '{value}' not found.", "missing_value": "a value is required.",
           "unknown_area": "sea area '{value}' unknown (load ports and links first).",
           "bad_date": "date '{value}' is not valid (use 2024-02-14 or 14/02/2024).",
           "bad_class": "wave class '{value}' unknown.",
           "bad_number": "'{value}' is not a valid number.",
           "duplicate": "same sea area and date already on line {first}."},
}


def _date(text):
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    return None


def forecast_import(*, actor, data, filename="", lang="id") -> dict:
    require_network_editor(actor)
    table = read_table(file_bytes(data, MAX_BYTES), filename=filename, variants=VARIANTS,
                       required=("area", "day", "wind"), lang=lang, messages=MESSAGES, max_bytes=MAX_BYTES)
    if table.problems:
        raise ImportRejected(table.problems, lang=lang)
    problems = ProblemList()
    areas = {}
    for a in SeaArea.objects.all():
        areas[normal_key(a.code)] = a.code
        areas[normal_key(a.name)] = a.code
    classes = {normal_key(k): k for k in core.WAVE_CLASSES}
    rows, seen = [], {}

    def bad(line, column, value, code, **params):
        problems.append(make_problem(MESSAGES, lang, line, column, value, code, **params))

    def number(line, column, text):
        if not text:
            return None
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            value = -1
        if value < 0:
            bad(line, column, text, "bad_number")
            return None
        return value

    for line, row in table.rows:
        area = areas.get(normal_key(row["area"]))
        if area is None:
            bad(line, table.headers["area"], row["area"], "unknown_area" if row["area"] else "missing_value")
        day = _date(row["day"])
        if day is None:
            bad(line, table.headers["day"], row["day"], "bad_date")
        klass = classes.get(normal_key(row.get("klass", ""))) if row.get("klass") else ""
        if klass is None:
            bad(line, table.headers["klass"], row["klass"], "bad_class")
        wave_min = number(line, table.headers.get("wave_min"), row.get("wave_min", ""))
        wave_max = number(line, table.headers.get("wave_max"), row.get("wave_max", ""))
        wind = number(line, table.headers["wind"], row["wind"])
        if not row["wind"]:
            bad(line, table.headers["wind"], "", "missing_value")
        if wave_max is None and klass:
            wave_min, wave_max = core.WAVE_CLASSES[klass]
        if wave_max is None and not row.get("wave_max") and not klass:
            bad(line, table.headers.get("wave_max", "gelombang_maks"), "", "missing_value")
        if area and day:
            if (area, day) in seen:
                bad(line, table.headers["area"], row["area"], "duplicate", first=seen[(area, day)])
            seen[(area, day)] = line
        rows.append(dict(area_id=area, day=day, wave_class=klass or "", wave_min_m=wave_min, wave_max_m=wave_max,
                         wind_max_kn=wind))
    if problems:
        raise ImportRejected(problems, lang=lang)
    counts = _store(actor, rows, filename)
    registry.forecast_changed(sorted({r["day"] for r in rows}), actor=actor)
    return counts


@transaction.atomic
def _store(actor, rows, filename):
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for r in rows:
        old = MarineForecast.objects.filter(area_id=r["area_id"], day=r["day"]).first()
        values = {k: v for k, v in r.items() if k not in ("area_id", "day")}
        if old is None:
            MarineForecast.objects.create(**r)
            counts["created"] += 1
        elif any(getattr(old, k) != v for k, v in values.items()):
            MarineForecast.objects.filter(pk=old.pk).update(**values)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    days = sorted({r["day"] for r in rows})
    audit_record(actor=actor, action="transport.forecast.import", obj_type="transport_forecast",
                 obj_id=filename[:100], after={**counts, "days": [d.isoformat() for d in days]})
    return counts


def parse_day(text) -> date | None:
    return _date(text)
