"""Import Bawaslu's IKP (Indeks Kerawanan Pemilu) as published, from CSV or XLSX: all rows or none.

One sheet, one row per area and edition, as an analyst types it from the published PDF (headers in any order,
Indonesian or English):

- edisi (edition name, e.g. "IKP Pemilu dan Pemilihan Serentak 2024"), tanggal_rilis (YYYY-MM-DD or DD/MM/YYYY),
  jenis (umum | tematik; blank: umum), tema (for a thematic release: politik uang, netralitas ASN, SARA,
  kampanye digital ...), sumber (the citation: publication, page or address);
- kode_wilayah (province 74 or kab/kota 74.05; the level follows from the code), nama_wilayah (optional, only
  for the reader), skor (0-100, as printed, decimal comma or point), kategori (rendah | sedang | tinggi as
  printed; blank: read from the edition's bands, never recomputed);
- pita_rendah, pita_sedang, pita_tinggi: the edition's bands for the row's level as printed ("21,7-68,5",
  "< 21,7", "68,5-100"); fill them on at least one row of each edition and level (copying them down is fine,
  they must agree); an edition already stored keeps its bands when the file leaves them blank;
- any number of "dimensi: NAME" columns and "subdimensi: DIMENSION > NAME" columns with the published scores.

The edition's metadata repeats on each row (fill down in the spreadsheet); rows of one edition must agree.
A re-import of the same file changes nothing. Counts are of area scores.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from siaga.accounts.scope import user_area
from siaga.accounts.services import audit_record
from siaga.core.codes import CodeError, normalize_region_code
from siaga.core.importkit import ImportRejected, ImportResult, ProblemList, Source, file_bytes, make_problem, read_table
from siaga.core.siaga_index import IKP_BAND_NAMES, bands_overlap, ikp_band
from siaga.core.tabular import Unreadable, nonblank, normal_key, open_rows, read_bytes
from siaga.regions.models import Region
from siaga.risk.models import IkpBand, IkpEdition, IkpKind, IkpScore
from siaga.risk.services import EDITOR_ROLES

MAX_BYTES = 10 * 1024 * 1024
LEVELS = {1: "provinsi", 2: "kabkota"}
COLUMNS = {
    "edition": ("edisi", "edition"),
    "released_on": ("tanggal_rilis", "tanggal", "release date", "released"),
    "kind": ("jenis", "kind"),
    "theme": ("tema", "theme"),
    "source": ("sumber", "source", "citation"),
    "code": ("kode_wilayah", "kode", "area code", "code"),
    "name": ("nama_wilayah", "wilayah", "area name", "name"),
    "score": ("skor", "skor_ikp", "score"),
    "band": ("kategori", "kategori_kerawanan", "band"),
    "band_rendah": ("pita_rendah", "band low"),
    "band_sedang": ("pita_sedang", "band medium"),
    "band_tinggi": ("pita_tinggi", "band high"),
}
REQUIRED = ("edition", "released_on", "source", "code", "score", "band_rendah", "band_sedang", "band_tinggi")
KINDS = {"umum": IkpKind.GENERAL, "general": IkpKind.GENERAL, "tematik": IkpKind.THEMATIC,
         "thematic": IkpKind.THEMATIC}
BANDS = {"rendah": "rendah", "low": "rendah", "sedang": "sedang", "medium": "sedang", "tinggi": "tinggi",
         "high": "tinggi"}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S")
_RANGE_SPLIT = re.compile(r"\s*(?:–|—|-|s\.?\s?d\.?|s/d|sampai|to)\s*", re.IGNORECASE)
_DIM = re.compile(r"^\s*(sub\s*-?\s*dimensi|subdimension|dimensi|dimension)\s*[:：]\s*(.+?)\s*$", re.IGNORECASE)

MESSAGES = {
    "id": {
        "missing_column": "kolom wajib '{value}' tidak ditemukan.",
        "missing_value": "nilai wajib diisi.",
        "bad_score": "skor '{value}' bukan angka 0-100.",
        "bad_date": "tanggal '{value}' tidak valid (TTTT-BB-HH atau HH/BB/TTTT).",
        "bad_kind": "jenis '{value}' tidak dikenal (umum atau tematik).",
        "no_theme": "rilis tematik perlu tema (mis. politik uang).",
        "bad_band": "kategori '{value}' tidak dikenal (rendah, sedang, tinggi).",
        "bad_range": "pita '{value}' tidak terbaca (mis. 21,7-68,5 atau < 21,7).",
        "band_overlap": "pita {first} dan {second} tumpang tindih untuk tingkat {level}.",
        "band_differs": "pita '{value}' berbeda dengan baris {first} untuk edisi dan tingkat yang sama.",
        "no_bands": "edisi '{value}' tingkat {level} tanpa pita: isi pita_rendah, pita_sedang, pita_tinggi.",
        "outside_bands": "skor {value} tidak berada di pita mana pun edisi ini; isi kategori sebagaimana terbit.",
        "edition_differs": "'{value}' berbeda dengan baris {first} untuk edisi yang sama.",
        "bad_code": "kode wilayah '{value}' tidak valid.",
        "bad_level": "kode wilayah '{value}' bukan provinsi atau kabupaten/kota.",
        "unknown_area": "wilayah '{value}' tidak ada dalam registri wilayah.",
        "duplicate": "wilayah '{value}' sudah ada di baris {first} untuk edisi yang sama.",
        "no_parent": "sub-dimensi '{value}' perlu induknya: 'subdimensi: DIMENSI > NAMA'.",
        "not_allowed": "Pengguna '{value}' tidak berwenang mengimpor IKP.",
    },
    "en": {
        "missing_column": "required column '{value}' not found.",
        "missing_value": "a value is required.",
        "bad_score": "score '{value}' is not a number from 0 to 100.",
        "bad_date": "date '{value}' is not valid (YYYY-MM-DD or DD/MM/YYYY).",
        "bad_kind": "kind '{value}' is unknown (umum or tematik).",
        "no_theme": "a thematic release needs a theme (e.g. politik uang).",
        "bad_band": "band '{value}' is unknown (rendah, sedang, tinggi).",
        "bad_range": "band '{value}' cannot be read (e.g. 21,7-68,5 or < 21,7).",
        "band_overlap": "bands {first} and {second} overlap at level {level}.",
        "band_differs": "band '{value}' differs from line {first} for the same edition and level.",
        "no_bands": "edition '{value}' level {level} has no bands: fill pita_rendah, pita_sedang, pita_tinggi.",
        "outside_bands": "score {value} lies in none of this edition's bands; give the band as published.",
        "edition_differs": "'{value}' differs from line {first} for the same edition.",
        "bad_code": "area code '{value}' is not valid.",
        "bad_level": "area code '{value}' is not a province or kab/kota.",
        "unknown_area": "area '{value}' is not in the region registry.",
        "duplicate": "area '{value}' already appears on line {first} for the same edition.",
        "no_parent": "sub-dimension '{value}' needs its parent: 'subdimensi: DIMENSION > NAME'.",
        "not_allowed": "User '{value}' may not import the IKP.",
    },
}


@dataclass
class _Row:
    line: int
    edition: str
    code: str
    level: int
    score: float
    band: str | None
    dimensions: list = field(default_factory=list)


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".").strip())
    except ValueError:
        return None
    return value if 0 <= value <= 100 else None


def parse_range(text: str) -> tuple[float, float] | None:
    """A band as printed: "21,7-68,5", "21,7 s.d. 68,5", "< 21,7" (0 up to it), "> 68,5" (up to 100)."""
    text = text.strip()
    if text[:1] in "<≤":
        upper = _number(text.lstrip("<≤="))
        return None if upper is None else (0.0, upper)
    if text[:1] in ">≥":
        lower = _number(text.lstrip(">≥="))
        return None if lower is None else (lower, 100.0)
    parts = _RANGE_SPLIT.split(text)
    if len(parts) != 2:
        return None
    lower, upper = _number(parts[0]), _number(parts[1])
    return None if lower is None or upper is None or lower > upper else (lower, upper)


def _date(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _dimension_columns(data: bytes) -> dict[str, tuple]:
    """{field: (kind, dimension, sub-dimension or None)} of the header's dimension columns, the field being the
    header text itself (read_table matches it as its own variant)."""
    try:
        first = next(nonblank(open_rows(read_bytes(data, MAX_BYTES), MAX_BYTES).rows), None)
    except Unreadable:
        return {}
    out = {}
    for text in (first[1] if first else []):
        match = _DIM.match(text or "")
        if not match:
            continue
        kind = "sub" if normal_key(match.group(1)).startswith("sub") else "dim"
        name = match.group(2)
        parent, _sep, child = name.partition(">")
        out[f"dim:{text}"] = (kind, parent.strip(), child.strip() or None) if kind == "sub" else (kind, name, None)
    return out


class _Reader:
    def __init__(self, table, lang, dims):
        self.table, self.lang, self.dims, self.problems = table, lang, dims, ProblemList()
        self.editions: dict[str, dict] = {}  # name -> metadata and the line that set it
        self.bands: dict[tuple[str, int], tuple[int, dict]] = {}  # (edition, level) -> (line, {name: (lo, hi)})
        self.rows: list[_Row] = []
        self.bad_bands: set[tuple[str, int]] = set()  # (edition, level) whose bands were refused: said once

    def problem(self, line, fld, value, code, **params):
        column = self.table.headers.get(fld, fld[4:] if fld and fld.startswith("dim:") else fld) if fld else None
        self.problems.append(make_problem(MESSAGES, self.lang, line, column, value, code, **params))

    def row(self, line, cells):
        name = cells.get("edition", "")
        if not name:
            return self.problem(line, "edition", "", "missing_value")
        self._edition(line, name, cells)
        level = self._code(line, cells.get("code", ""))
        score = cells.get("score", "")
        value = _number(score) if score else None
        if value is None:
            self.problem(line, "score", score, "bad_score" if score else "missing_value")
        band = cells.get("band", "")
        band_name = BANDS.get(normal_key(band)) if band else None
        if band and band_name is None:
            self.problem(line, "band", band, "bad_band")
        if level:
            self._bands(line, name, level[1], cells)
        dimensions = self._dimensions(line, cells)
        if level and value is not None and (not band or band_name):
            self.rows.append(_Row(line, name, level[0], level[1], value, band_name, dimensions))

    def _edition(self, line, name, cells):
        released = _date(cells.get("released_on", ""))
        if released is None:
            self.problem(line, "released_on", cells.get("released_on", ""),
                         "bad_date" if cells.get("released_on") else "missing_value")
        kind = KINDS.get(normal_key(cells.get("kind", "") or "umum"))
        if kind is None:
            self.problem(line, "kind", cells.get("kind"), "bad_kind")
        theme, source = cells.get("theme", ""), cells.get("source", "")
        if kind == IkpKind.THEMATIC and not theme:
            self.problem(line, "theme", "", "no_theme")
        if not source:
            self.problem(line, "source", "", "missing_value")
        meta = {"released_on": released, "kind": kind, "theme": theme, "source": source}
        first = self.editions.setdefault(name, {"line": line, **meta})
        for key, value in meta.items():
            if first[key] != value and value is not None and first[key] is not None:
                self.problem(line, key, cells.get(key, ""), "edition_differs", first=first["line"])

    def _code(self, line, text):
        if not text:
            return self.problem(line, "code", "", "missing_value")
        try:
            code = normalize_region_code(text)
        except CodeError:
            return self.problem(line, "code", text, "bad_code")
        level = code.count(".") + 1
        if level not in LEVELS:
            return self.problem(line, "code", text, "bad_level")
        return code, level

    def _bands(self, line, edition, level, cells):
        texts = {name: cells.get(f"band_{name}", "") for name in IKP_BAND_NAMES}
        if not any(texts.values()):
            return
        ranges = {}
        for name, text in texts.items():
            parsed = parse_range(text) if text else None
            if parsed is None:
                self.problem(line, f"band_{name}", text, "bad_range" if text else "missing_value")
            ranges[name] = parsed
        if None in ranges.values():
            return self.bad_bands.add((edition, level))
        overlap = bands_overlap([(n, lo, hi) for n, (lo, hi) in ranges.items()])
        if overlap:
            self.bad_bands.add((edition, level))
            return self.problem(line, f"band_{overlap[1]}", texts[overlap[1]], "band_overlap", first=overlap[0],
                                second=overlap[1], level=LEVELS[level])
        first = self.bands.setdefault((edition, level), (line, ranges))
        if first[1] != ranges:
            name = next(n for n in IKP_BAND_NAMES if first[1][n] != ranges[n])
            self.problem(line, f"band_{name}", texts[name], "band_differs", first=first[0])

    def _dimensions(self, line, cells):
        dims, order = {}, []
        for fld, (kind, parent, child) in self.dims.items():
            text = cells.get(fld, "")
            if not text:
                continue
            value = _number(text)
            if value is None:
                self.problem(line, fld, text, "bad_score")
                continue
            if kind == "sub" and not child:
                self.problem(line, fld, parent, "no_parent")
                continue
            if parent not in dims:
                dims[parent] = {"name": parent, "score": None, "subdimensions": []}
                order.append(parent)
            if kind == "dim":
                dims[parent]["score"] = value
            else:
                dims[parent]["subdimensions"].append({"name": child, "score": value})
        return [dims[name] for name in order]


def ikp_import(*, actor, data: Source, filename: str, lang: str = "id") -> ImportResult:
    """Check a whole IKP file, then store its editions, bands and area scores, or nothing."""
    raw = file_bytes(data, MAX_BYTES)
    if actor.role not in EDITOR_ROLES:
        raise ImportRejected([make_problem(MESSAGES, lang, None, None, actor.username, "not_allowed")], lang=lang)
    dims = _dimension_columns(raw)
    variants = {**COLUMNS, **{fld: (fld[4:],) for fld in dims}}
    table = read_table(raw, filename=filename, variants=variants, required=REQUIRED, lang=lang, messages=MESSAGES,
                       max_bytes=MAX_BYTES)
    if table.problems:
        raise ImportRejected(table.problems, lang=lang)
    reader = _Reader(table, lang, dims)
    for line, cells in table.rows:
        reader.row(line, cells)
    _check_areas(reader)
    bands = _resolve_bands(reader)
    if reader.problems.total:
        raise ImportRejected(sorted(reader.problems, key=lambda p: p.line or 0), lang=lang,
                             total=reader.problems.total)
    return _write(actor, reader, bands, filename)


def _check_areas(reader):
    known = set(Region.objects.filter(code__in={r.code for r in reader.rows}).values_list("code", flat=True))
    first, kept = {}, []
    for row in reader.rows:
        if row.code not in known:
            reader.problem(row.line, "code", row.code, "unknown_area")
        elif (row.edition, row.code) in first:
            reader.problem(row.line, "code", row.code, "duplicate", first=first[(row.edition, row.code)])
        else:
            first[(row.edition, row.code)] = row.line
            kept.append(row)
    reader.rows = kept


def _resolve_bands(reader) -> dict:
    """(edition, level) -> {band: (lower, upper)} from the file, else as stored; each row's band read from them
    when the file does not give it."""
    stored = {}
    for edition, level, name, lower, upper in IkpBand.objects.filter(edition__name__in=reader.editions).values_list(
            "edition__name", "level", "name", "lower", "upper"):
        stored.setdefault((edition, level), {})[name] = (lower, upper)
    bands = {key: ranges for key, (_line, ranges) in reader.bands.items()}
    for row in reader.rows:
        ranges = bands.get((row.edition, row.level)) or stored.get((row.edition, row.level))
        if ranges is None and (row.edition, row.level) in reader.bad_bands:
            continue
        if ranges is None:
            reader.problem(row.line, "band_rendah", row.edition, "no_bands", level=LEVELS[row.level])
            bands[(row.edition, row.level)] = {}  # said once
            continue
        if row.band is None and ranges:
            row.published = False
            row.band = ikp_band(row.score, [(n, lo, hi) for n, (lo, hi) in ranges.items()])
            if row.band is None:
                reader.problem(row.line, "score", row.score, "outside_bands")
    return {key: ranges for key, ranges in bands.items() if ranges}


def _write(actor, reader, bands, filename) -> ImportResult:
    result = ImportResult()
    now = timezone.now()
    with transaction.atomic():
        editions = {}
        for name, meta in reader.editions.items():
            fields = {k: meta[k] for k in ("released_on", "kind", "theme", "source")}
            editions[name], _ = IkpEdition.objects.update_or_create(name=name, defaults=fields)
        for (name, level), ranges in bands.items():
            edition = editions[name]
            for band_name, (lower, upper) in ranges.items():
                IkpBand.objects.update_or_create(edition=edition, level=level, name=band_name,
                                                 defaults={"lower": lower, "upper": upper})
        existing = {(s.edition_id, s.region_id): s for s in IkpScore.objects.filter(edition__in=editions.values())}
        for row in reader.rows:
            edition = editions[row.edition]
            values = {"level": row.level, "score": row.score, "band": row.band,
                      "band_published": getattr(row, "published", True), "dimensions": row.dimensions}
            stored = existing.get((edition.pk, row.code))
            if stored is None:
                IkpScore.objects.create(edition=edition, region_id=row.code, updated_at=now, **values)
                result.created += 1
            elif any(getattr(stored, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(stored, k, v)
                stored.updated_at = now
                stored.save()
                result.updated += 1
            else:
                result.unchanged += 1
        if result.created or result.updated:
            audit_record(actor=actor, action="risk.ikp.import", obj_type="risk_ikp_edition",
                         obj_id=",".join(str(e.pk) for e in editions.values())[:64], area_code=user_area(actor),
                         after={"filename": filename, "editions": sorted(editions), "created": result.created,
                                "updated": result.updated, "unchanged": result.unchanged})
    return result
