"""Import ports and links (CSV/XLSX or GeoJSON): every row checked, then all written or none; a re-import of
the same file changes nothing.

CSV: one row per port (jenis = pelabuhan) or link (jenis = lintasan). Port columns: kode, nama, lat, lng,
kabkota, pulau. Link columns: kode, nama, dari, ke (port codes), moda (laut/darat/sungai), operator (ferry,
express, speedboat, motor, fishing, polairud, tni_al, or their Indonesian names), menit, orang, kotak, jadwal
("08:00 13:00"; empty = on demand), hari ("sen rab jum"; empty = daily), batas_gelombang (m), batas_angin
(knot; empty = BMKG guidance for the boat kind), perairan (BMKG sea-area code).
GeoJSON: Point features are ports, LineString features links; the same names as properties ("line" in a
message is the feature number, from 1).
"""

import json
import re

from django.db import transaction

from siaga.accounts.services import audit_record
from siaga.core import transport as core
from siaga.core.importkit import ImportRejected, ProblemList, file_bytes, make_problem, read_table
from siaga.transport.models import Link, Port, SeaArea
from siaga.transport.services import require_network_editor

MAX_BYTES = 5 * 1024 * 1024
VARIANTS = {
    "kind": ("jenis", "kind", "type"), "code": ("kode", "code"), "name": ("nama", "name"),
    "lat": ("lat", "latitude", "lintang"), "lng": ("lng", "lon", "longitude", "bujur"),
    "kabkota": ("kabkota", "kab/kota", "kode_kabkota"), "island": ("pulau", "island"),
    "from": ("dari", "from"), "to": ("ke", "to"), "mode": ("moda", "mode"), "operator": ("operator", "kapal"),
    "minutes": ("menit", "minutes"), "persons": ("orang", "persons", "kapasitas_orang"),
    "boxes": ("kotak", "boxes", "kapasitas_kotak"), "schedule": ("jadwal", "schedule", "departures"),
    "days": ("hari", "days"), "wave": ("batas_gelombang", "wave_limit_m"), "wind": ("batas_angin", "wind_limit_kn"),
    "area": ("perairan", "sea_area"),
}
KINDS = {"pelabuhan": "port", "port": "port", "dermaga": "port", "lintasan": "link", "link": "link"}
MODES = {"laut": core.SEA, "sea": core.SEA, "darat": core.LAND, "land": core.LAND, "sungai": core.RIVER,
         "river": core.RIVER}
OPERATORS = {**{o: o for o in core.OPERATORS}, "kmp": core.FERRY, "feri": core.FERRY, "kapal_cepat": core.EXPRESS,
             "kapal_motor": core.MOTOR, "perahu": core.FISHING, "perahu_nelayan": core.FISHING, "tni al": core.TNI_AL}
DAYS = {"sen": 0, "sel": 1, "rab": 2, "kam": 3, "jum": 4, "sab": 5, "min": 6,
        "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
AREA_NAMES = {"perairan-kendari": "Perairan Kendari", "perairan-baubau": "Perairan Baubau",
              "perairan-wakatobi": "Perairan Kepulauan Wakatobi", "teluk-bone": "Teluk Bone bagian selatan",
              "laut-banda": "Laut Banda"}
_HHMM = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")

MESSAGES = {
    "id": {
        "missing_column": "kolom wajib '{value}' tidak ditemukan.",
        "missing_value": "nilai wajib diisi.",
        "bad_kind": "jenis '{value}' harus pelabuhan atau lintasan.",
        "bad_number": "'{value}' bukan angka yang sah.",
        "bad_lat": "lintang '{value}' di luar -90..90.",
        "bad_lng": "bujur '{value}' di luar -180..180.",
        "bad_mode": "moda '{value}' harus laut, darat atau sungai.",
        "bad_operator": "operator '{value}' tidak dikenal (ferry, express, speedboat, motor, fishing, polairud, tni_al).",
        "bad_time": "jadwal '{value}' harus jam JJ:MM dipisah spasi.",
        "bad_day": "hari '{value}' tidak dikenal (sen sel rab kam jum sab min).",
        "unknown_port": "pelabuhan '{value}' tidak ada di berkas ini maupun di basis data.",
        "same_port": "lintasan dari dan ke pelabuhan yang sama '{value}'.",
        "duplicate": "kode '{value}' sudah ada di baris {first}.",
        "bad_json": "berkas GeoJSON tidak dapat dibaca: {value}.",
    },
    "en": {
        "missing_column": "required column '{value}' not found.",
        "missing_value": "a value is required.",
        "bad_kind": "kind '{value}' must be pelabuhan (port) or lintasan (link).",
        "bad_number": "'{value}' is not a valid number.",
        "bad_lat": "latitude '{value}' outside -90..90.",
        "bad_lng": "longitude '{value}' outside -180..180.",
        "bad_mode": "mode '{value}' must be laut (sea), darat (land) or sungai (river).",
        "bad_operator": "operator '{value}' unknown (ferry, express, speedboat, motor, fishing, polairud, tni_al).",
        "bad_time": "schedule '{value}' must be HH:MM times separated by spaces.",
        "bad_day": "day '{value}' unknown (sen sel rab kam jum sab min).",
        "unknown_port": "port '{value}' is neither in this file nor in the database.",
        "same_port": "link from and to the same port '{value}'.",
        "duplicate": "code '{value}' already on line {first}.",
        "bad_json": "the GeoJSON file cannot be read: {value}.",
    },
}


def _geojson_rows(data: bytes):
    doc = json.loads(data.decode("utf-8-sig"))
    rows = []
    for n, feature in enumerate(doc.get("features") or [], start=1):
        props = {k: "" if v is None else str(v) for k, v in (feature.get("properties") or {}).items()}
        geom = feature.get("geometry") or {}
        row = {key: props.get(next((v for v in names if v in props), names[0]), "")
               for key, names in VARIANTS.items()}
        if geom.get("type") == "Point":
            row["kind"] = row["kind"] or "pelabuhan"
            row["lng"], row["lat"] = (str(x) for x in geom["coordinates"][:2])
        elif geom.get("type") == "LineString":
            row["kind"] = row["kind"] or "lintasan"
        rows.append((n, row))
    return rows


def network_import(*, actor, data, filename="", lang="id") -> dict:
    """Ports and links of ``data``; raises ImportRejected with every problem, else writes all of them."""
    require_network_editor(actor)
    raw = file_bytes(data, MAX_BYTES)
    problems = ProblemList()

    def bad(line, field, value, code, **params):
        problems.append(make_problem(MESSAGES, lang, line, field, value, code, **params))

    is_json = filename.lower().endswith((".geojson", ".json")) or raw.lstrip()[:1] == b"{"
    if is_json:
        try:
            rows = _geojson_rows(raw)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            bad(None, None, str(exc)[:200], "bad_json")
            raise ImportRejected(problems, lang=lang) from None
    else:
        table = read_table(raw, filename=filename, variants=VARIANTS, required=("kind", "code"), lang=lang,
                           messages=MESSAGES, max_bytes=MAX_BYTES)
        if table.problems:
            raise ImportRejected(table.problems, lang=lang)
        rows = table.rows

    def number(line, field, text, *, required=True, integer=False, signed=False):
        if not text:
            if required:
                bad(line, field, text, "missing_value")
            return None
        try:
            value = int(text) if integer else float(text.replace(",", "."))
        except ValueError:
            bad(line, field, text, "bad_number")
            return None
        if value < 0 and not signed:
            bad(line, field, text, "bad_number")
            return None
        return value

    ports, links, seen = {}, {}, {}
    for line, row in rows:
        kind = KINDS.get(row.get("kind", "").strip().lower())
        code = row.get("code", "").strip()
        if kind is None:
            bad(line, "jenis", row.get("kind", ""), "bad_kind")
            continue
        if not code:
            bad(line, "kode", code, "missing_value")
            continue
        if (kind, code) in seen:
            bad(line, "kode", code, "duplicate", first=seen[(kind, code)])
            continue
        seen[(kind, code)] = line
        if kind == "port":
            lat = number(line, "lat", row.get("lat", ""), signed=True)
            lng = number(line, "lng", row.get("lng", ""), signed=True)
            if not row.get("name"):
                bad(line, "nama", "", "missing_value")
            if lat is not None and not -90 <= lat <= 90:
                bad(line, "lat", row["lat"], "bad_lat")
            if lng is not None and not -180 <= lng <= 180:
                bad(line, "lng", row["lng"], "bad_lng")
            ports[code] = dict(name=row.get("name", ""), lat=lat, lng=lng, kabkota_code=row.get("kabkota", ""),
                               island=row.get("island", ""))
            continue
        mode = MODES.get((row.get("mode") or "laut").lower())
        if mode is None:
            bad(line, "moda", row["mode"], "bad_mode")
        operator = OPERATORS.get(row.get("operator", "").strip().lower().replace(" ", "_"))
        if operator is None:
            bad(line, "operator", row.get("operator", ""), "bad_operator")
        minutes = number(line, "menit", row.get("minutes", ""))
        persons = number(line, "orang", row.get("persons", ""), required=False, integer=True) or 0
        boxes = number(line, "kotak", row.get("boxes", ""), required=False, integer=True) or 0
        times = row.get("schedule", "").replace(";", " ").replace(",", " ").split()
        if any(not _HHMM.match(t) for t in times):
            bad(line, "jadwal", row["schedule"], "bad_time")
        days = []
        for word in row.get("days", "").replace(",", " ").split():
            if word.lower()[:3] not in DAYS:
                bad(line, "hari", word, "bad_day")
            else:
                days.append(DAYS[word.lower()[:3]])
        frm, to = row.get("from", "").strip(), row.get("to", "").strip()
        for field, value in (("dari", frm), ("ke", to)):
            if not value:
                bad(line, field, value, "missing_value")
        if frm and frm == to:
            bad(line, "ke", to, "same_port")
        links[code] = dict(line=line, name=row.get("name", ""), from_port_id=frm, to_port_id=to, mode=mode,
                           operator=operator, minutes=round(minutes) if minutes is not None else None,
                           persons=persons, boxes=boxes, departures=[t.zfill(5) for t in times],
                           days=sorted(set(days)),
                           wave_limit_m=number(line, "batas_gelombang", row.get("wave", ""), required=False),
                           wind_limit_kn=number(line, "batas_angin", row.get("wind", ""), required=False),
                           sea_area_id=row.get("area", "").strip() or None)
    known = set(ports) | set(Port.objects.filter(code__in={v for lk in links.values()
                                                            for v in (lk["from_port_id"], lk["to_port_id"])})
                             .values_list("code", flat=True))
    for lk in links.values():
        for field, key in (("dari", "from_port_id"), ("ke", "to_port_id")):
            if lk[key] and lk[key] not in known:
                bad(lk["line"], field, lk[key], "unknown_port")
    if problems:
        raise ImportRejected(problems, lang=lang)
    return _store(actor, ports, links, filename)


FIELDS_PORT = ("name", "lat", "lng", "kabkota_code", "island")
FIELDS_LINK = ("name", "from_port_id", "to_port_id", "mode", "operator", "minutes", "persons", "boxes",
               "departures", "days", "wave_limit_m", "wind_limit_kn", "sea_area_id")


@transaction.atomic
def _store(actor, ports, links, filename):
    counts = {"ports": {"created": 0, "updated": 0, "unchanged": 0},
              "links": {"created": 0, "updated": 0, "unchanged": 0}}
    for code in sorted({lk["sea_area_id"] for lk in links.values() if lk["sea_area_id"]}):
        SeaArea.objects.get_or_create(code=code, defaults={"name": AREA_NAMES.get(code, code)})
    for model, rows, fields, key in ((Port, ports, FIELDS_PORT, "ports"), (Link, links, FIELDS_LINK, "links")):
        existing = model.objects.in_bulk(list(rows))
        for code, values in rows.items():
            values = {f: values[f] for f in fields}
            old = existing.get(code)
            if old is None:
                model.objects.create(code=code, **values)
                counts[key]["created"] += 1
            elif any(getattr(old, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(old, f, v)
                old.save()
                counts[key]["updated"] += 1
            else:
                counts[key]["unchanged"] += 1
    audit_record(actor=actor, action="transport.network.import", obj_type="transport_network", obj_id=filename[:100],
                 area_code="", after=counts)
    return counts
