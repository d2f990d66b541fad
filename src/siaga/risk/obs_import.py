"""Import observation files (CSV or XLSX): every row checked, then all rows written or none.

Same guarantees as the TPS import (siaga.regions.tps_import), whose file
reading and importer kit it shares: each problem names its line, column and
value in the user's language, and every problem of a file (format, registry,
area) is reported in one pass; a re-import of the same file changes nothing;
a user imports only inside their area. Columns (Indonesian or English headers, any order):
kode (TPS code, or region code for area indicators), indikator, nilai,
sumber, tanggal, keterangan (optional).
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from siaga.accounts.scope import area_contains, user_area
from siaga.accounts.services import audit_record
from siaga.core.codes import CodeError, normalize_region_code
from siaga.core.importkit import (
    ImportRejected,
    ImportResult,
    Progress,
    ProblemList,
    file_bytes,
    make_problem,
    match_header,
)
from siaga.core.importkit import Source as FileSource
from siaga.core.importkit import problem_dict  # noqa: F401 (the API and command line render with it)
from siaga.core.tabular import Unreadable, column_keys, nonblank, normal_key, open_rows, read_bytes
from siaga.regions.models import Region, Tps
from siaga.risk import engine
from siaga.risk.models import Indicator, Observation, ObservationBatch, Source
from siaga.risk.services import EDITOR_ROLES, observation_state, value_problem
from siaga.risk.sources import MESSAGES as SOURCE_MESSAGES
from siaga.risk.sources import source_problem

MAX_BYTES = 50 * 1024 * 1024
# Above this many TPS touched, one province re-score is cheaper than re-scoring TPS one by one.
BULK_RESCORE_FROM = 300

COLUMNS = {
    "code": ("kode", "kode_tps", "kode_wilayah", "code", "tps code", "area code"),
    "indicator": ("indikator", "kode_indikator", "indicator", "indicator code"),
    "value": ("nilai", "value", "jumlah"),
    "source": ("sumber", "source"),
    "date": ("tanggal", "date", "tgl"),
    "note": ("keterangan", "catatan", "note", "notes"),
}
REQUIRED = ("code", "indicator", "value", "source", "date")
_HEADER = column_keys(COLUMNS)
SOURCES = {"bawaslu": Source.BAWASLU, "intelkam": Source.INTELKAM, "intel": Source.INTELKAM, "kpu": Source.KPU,
           "insiden": Source.INCIDENT, "riwayatinsiden": Source.INCIDENT, "incident": Source.INCIDENT,
           "incidenthistory": Source.INCIDENT}
BOOLS = {"ya": 1.0, "y": 1.0, "yes": 1.0, "true": 1.0, "tidak": 0.0, "n": 0.0, "no": 0.0, "false": 0.0}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S")

MESSAGES = {
    "id": {
        "missing_column": "kolom wajib '{value}' tidak ditemukan.",
        "missing_value": "nilai wajib diisi.",
        "bad_code": "kode '{value}' bukan kode TPS (13 angka) atau kode wilayah Kemendagri.",
        "unknown_tps": "TPS '{value}' ({election}) tidak terdaftar.",
        "unknown_region": "wilayah '{value}' tidak dikenal.",
        "wrong_target": "indikator {indicator} untuk {target}, tetapi kode '{value}' bukan {target}.",
        "unknown_indicator": "indikator '{value}' tidak ada di katalog yang aktif.",
        "bad_value": "nilai '{value}' bukan angka.",
        "negative": "nilai '{value}' tidak boleh negatif.",
        "bad_bool": "indikator ya/tidak: nilai '{value}' harus ya, tidak, 1 atau 0.",
        "share_over_one": "indikator proporsi: nilai '{value}' harus antara 0 dan 1.",
        "bad_source": "sumber '{value}' tidak dikenal (bawaslu, intelkam, kpu, insiden).",
        "bad_date": "tanggal '{value}' tidak valid (gunakan 2024-11-27 atau 27/11/2024).",
        "future_date": "tanggal '{value}' ada di masa depan.",
        "duplicate_row": "baris sama (kode, indikator, sumber) sudah ada di baris {first_line}.",
        "not_allowed": "Pengguna '{value}' tidak berwenang mengubah data kerawanan.",
        "out_of_scope": "'{value}' berada di luar wilayah Anda ({area}).",
    },
    "en": {
        "missing_column": "required column '{value}' not found.",
        "missing_value": "a value is required.",
        "bad_code": "code '{value}' is neither a TPS code (13 digits) nor a Kemendagri region code.",
        "unknown_tps": "TPS '{value}' ({election}) is not registered.",
        "unknown_region": "region '{value}' is unknown.",
        "wrong_target": "indicator {indicator} is for {target}, but code '{value}' is not a {target}.",
        "unknown_indicator": "indicator '{value}' is not in an active catalogue.",
        "bad_value": "value '{value}' is not a number.",
        "negative": "value '{value}' must not be negative.",
        "bad_bool": "yes/no indicator: value '{value}' must be yes, no, 1 or 0.",
        "share_over_one": "share indicator: value '{value}' must lie between 0 and 1.",
        "bad_source": "source '{value}' is unknown (bawaslu, intelkam, kpu, insiden).",
        "bad_date": "date '{value}' is not valid (use 2024-11-27 or 27/11/2024).",
        "future_date": "date '{value}' lies in the future.",
        "duplicate_row": "the same row (code, indicator, source) already appears on line {first_line}.",
        "not_allowed": "User '{value}' may not change vulnerability data.",
        "out_of_scope": "'{value}' lies outside your area ({area}).",
    },
}
MESSAGES = {lang: {**texts, **SOURCE_MESSAGES[lang]} for lang, texts in MESSAGES.items()}  # values, sources


@dataclass
class ObservationImportResult(ImportResult):
    rescored_tps: int = 0

    def as_dict(self):
        return {**super().as_dict(), "rescored_tps": self.rescored_tps}


@dataclass
class _Row:
    line: int
    code: str  # as given, without dots for a TPS, dotted for a region
    indicator: Indicator
    value: float
    source: str
    observed_on: date
    note: str
    target_id: object = None  # Tps pk or region code, after resolving
    area: str = ""


class _Reader:
    def __init__(self, filename, lang, indicators, today):
        self.filename, self.lang, self.indicators, self.today = filename, lang, indicators, today
        self.problems = ProblemList()
        self.rows: list[_Row] = []
        self.columns: dict[str, tuple[int, str]] = {}
        self.seen: dict[tuple, int] = {}

    def problem(self, line, column, value, code, **params):
        self.problems.append(make_problem(MESSAGES, self.lang, line, column, value, code, filename=self.filename,
                                          **params))

    def read(self, data: bytes):
        try:
            # an observation sheet is often one of several; a "TPS" sheet is the likely one
            rows = nonblank(open_rows(read_bytes(data, MAX_BYTES), MAX_BYTES, sheet_hint="tps").rows)
            header = next(rows, None)
            if header is None:
                raise Unreadable("empty_file")
            if not self._header(*header):
                return
            for line, texts in rows:
                self._row(line, texts)
            if not self.rows and not self.problems:
                raise Unreadable("no_rows")
        except Unreadable as exc:
            self.problem(exc.line, None, None, exc.code, **exc.params)

    def _header(self, line, texts) -> bool:
        header = match_header(line, texts, COLUMNS, _HEADER)
        self.columns = {name: (i, header.names[name]) for name, i in header.columns.items()}
        for text, code, params in header.problems:
            self.problem(line, text if code == "duplicate_column" else None, text, code, **params)
        missing = [COLUMNS[name][0] for name in REQUIRED if name not in self.columns]
        for name in missing:
            self.problem(line, None, name, "missing_column")
        return not (missing or header.problems)

    def _cell(self, texts, name):
        i, header = self.columns.get(name, (None, name))
        text = texts[i].strip() if i is not None and i < len(texts) else ""
        return text, header

    def _row(self, line, texts):
        before = self.problems.total
        values = {}
        for name in REQUIRED:
            text, header = self._cell(texts, name)
            if not text:
                self.problem(line, header, "", "missing_value")
            values[name] = (text, header)
        if self.problems.total > before:
            return
        indicator = self.indicators.get(values["indicator"][0].upper())
        if indicator is None:
            self.problem(line, values["indicator"][1], values["indicator"][0], "unknown_indicator")
        value = self._value(line, indicator, *values["value"])
        source = SOURCES.get(normal_key(values["source"][0]))
        if source is None:
            self.problem(line, values["source"][1], values["source"][0], "bad_source")
        observed_on = self._date(line, *values["date"])
        code = self._code(line, indicator, *values["code"])
        note = self._cell(texts, "note")[0][:500]
        if self.problems.total > before:
            return
        key = (code, indicator.pk, source)
        if key in self.seen:
            self.problem(line, values["code"][1], values["code"][0], "duplicate_row", first_line=self.seen[key])
            return
        self.seen[key] = line
        self.rows.append(_Row(line, code, indicator, value, source, observed_on, note))

    def _value(self, line, indicator, text, header):
        flag = BOOLS.get(text.casefold())
        is_bool = indicator is not None and indicator.kind == "bool"
        if flag is not None and (indicator is None or is_bool):
            return flag
        try:
            value = float(text.replace(",", "."))
        except ValueError:  # "mungkin" for a yes/no indicator is no yes/no, not "no number"
            self.problem(line, header, text, "bad_bool" if is_bool else "bad_value")
            return None
        if indicator is not None and (code := value_problem(indicator.kind, value)):
            self.problem(line, header, text, code)
        return value

    def _date(self, line, text, header):
        for fmt in _DATE_FORMATS:
            try:
                found = datetime.strptime(text, fmt).date()
            except ValueError:
                continue
            if found > self.today:
                self.problem(line, header, text, "future_date")
            return found
        self.problem(line, header, text, "bad_date")
        return None

    def _code(self, line, indicator, text, header):
        digits = re.sub(r"[.\s]", "", text)
        is_tps = digits.isdigit() and len(digits) == 13
        if not is_tps:
            try:
                dotted = normalize_region_code(text)
            except CodeError:
                self.problem(line, header, text, "bad_code")
                return None
        if indicator is not None and (indicator.catalogue.target == "tps") != is_tps:
            target = "TPS" if indicator.catalogue.target == "tps" else ("wilayah" if self.lang == "id" else "area")
            self.problem(line, header, text, "wrong_target", indicator=indicator.code, target=target)
            return None
        return digits if is_tps else dotted


def active_indicators() -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.filter(catalogue__active=True).select_related("catalogue")}


def _resolve(reader: _Reader):
    """Find each row's TPS or region; report the unknown ones with their line."""
    tps_rows = [r for r in reader.rows if r.indicator.catalogue.target == "tps"]
    wanted = {(r.code, r.indicator.catalogue.election) for r in tps_rows}
    known = {}
    codes = sorted({c for c, _ in wanted})
    for chunk in range(0, len(codes), 5000):
        part = codes[chunk:chunk + 5000]
        for pk, code, election, desa in Tps.objects.filter(code__in=part).values_list("pk", "code", "election",
                                                                                        "desa_id"):
            known[(code, election)] = (pk, desa)
    regions = set(Region.objects.filter(code__in={r.code for r in reader.rows if r.indicator.catalogue.target != "tps"})
                  .values_list("code", flat=True))
    header = reader.columns["code"][1]
    for row in reader.rows:
        if row.indicator.catalogue.target == "tps":
            found = known.get((row.code, row.indicator.catalogue.election))
            if found is None:
                reader.problem(row.line, header, row.code, "unknown_tps", election=row.indicator.catalogue.election)
                continue
            row.target_id, row.area = found
        elif row.code in regions:
            row.target_id = row.area = row.code
        else:
            reader.problem(row.line, header, row.code, "unknown_region")


def _scope(reader: _Reader, actor):
    area = user_area(actor)
    if actor.role not in EDITOR_ROLES:
        reader.problem(None, None, actor.username, "not_allowed")
        return
    for row in reader.rows:
        if row.area and not area_contains(area, row.area):
            reader.problem(row.line, reader.columns["code"][1], row.code, "out_of_scope", area=area or "-")
        if (refused := source_problem(actor, row.source)) is not None:
            reader.problem(row.line, reader.columns["source"][1], row.source, "source_not_allowed", **refused)


def observations_import(*, actor, data: FileSource, filename: str, lang: str = "id",
                        progress: Progress = None) -> ObservationImportResult:
    """Check a whole observation file, then write every row or none and re-score what changed.

    Every problem is found in one pass: rows well formed are also looked up in the registry and
    checked against the user's area, whatever other rows hold.
    """
    data = file_bytes(data, MAX_BYTES)
    reader = _Reader(filename, lang, active_indicators(), timezone.localdate())
    reader.read(data)
    if reader.rows:
        _resolve(reader)
    _scope(reader, actor)
    if reader.problems:
        reader.problems.sort(key=lambda p: (p.line or 0))
        raise ImportRejected(reader.problems, lang=lang)
    result = _write(actor, reader.rows, filename, hashlib.sha256(data).hexdigest())
    if progress:
        progress(len(reader.rows))
    return result


def _key_of(row: _Row):
    return (row.indicator.pk, row.target_id, row.source)


def _write(actor, rows, filename, sha256) -> ObservationImportResult:
    tps_ids = {r.target_id for r in rows if isinstance(r.target_id, int)}
    region_ids = {r.target_id for r in rows if isinstance(r.target_id, str)}
    existing = {}
    query = Observation.objects.filter(indicator_id__in={r.indicator.pk for r in rows})
    for chunk in (query.filter(tps_id__in=tps_ids), query.filter(region_id__in=region_ids)):
        for obs in chunk.select_related("indicator", "tps"):
            existing[(obs.indicator_id, obs.tps_id or obs.region_id, obs.source)] = obs
    created, changed = [], []
    for row in rows:
        obs = existing.get(_key_of(row))
        if obs is None:
            created.append(row)
        elif (obs.value, obs.observed_on, obs.note) != (row.value, row.observed_on, row.note):
            changed.append((obs, row))
    result = ObservationImportResult(created=len(created), updated=len(changed),
                          unchanged=len(rows) - len(created) - len(changed))
    if not created and not changed:
        return result
    now = timezone.now()
    with transaction.atomic():
        batch = ObservationBatch.objects.create(filename=filename[:255], sha256=sha256, actor=actor,
                                                created=result.created, updated=result.updated,
                                                unchanged=result.unchanged)
        Observation.objects.bulk_create(
            (Observation(indicator=r.indicator, source=r.source, value=r.value, observed_on=r.observed_on,
                         note=r.note, author=actor, batch=batch, updated_at=now,
                         **({"tps_id": r.target_id} if isinstance(r.target_id, int) else {"region_id": r.target_id}))
             for r in created), batch_size=2000)
        for obs, row in changed:
            before = observation_state(obs)
            obs.value, obs.observed_on, obs.note, obs.author, obs.batch, obs.updated_at = (
                row.value, row.observed_on, row.note, actor, batch, now)
            audit_record(actor=actor, action="risk.observation.correct", obj_type="risk_observation", obj_id=obs.pk,
                         area_code=row.area, before=before, after=observation_state(obs),
                         note=f"import #{batch.pk} {filename}")
        Observation.objects.bulk_update([o for o, _ in changed], ["value", "observed_on", "note", "author", "batch",
                                                                  "updated_at"], batch_size=2000)
        audit_record(actor=actor, action="risk.observation.import", obj_type="risk_observation_batch",
                     obj_id=batch.pk, area_code=user_area(actor),
                     after={"filename": filename, "sha256": sha256, "created": result.created,
                            "updated": result.updated, "unchanged": result.unchanged})
        result.rescored_tps = _rescore_touched(created + [r for _, r in changed])
    result.batch_id = batch.pk
    return result


def _rescore_touched(rows) -> int:
    tps_ids = sorted({r.target_id for r in rows if isinstance(r.target_id, int)})
    regions = sorted({r.target_id for r in rows if isinstance(r.target_id, str)})
    if len(tps_ids) >= BULK_RESCORE_FROM:
        provinces = set(Tps.objects.filter(pk__in=tps_ids).values_list("province_code", flat=True))
        for province in sorted(provinces):
            engine.score_province(province_code=province, cause="import")
    else:
        for tps in Tps.objects.filter(pk__in=tps_ids):
            engine.rescore_tps(tps, cause="import")
    if regions:
        engine.refresh_areas(regions)
    return len(tps_ids)
