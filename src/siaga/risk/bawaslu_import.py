"""Import Bawaslu's per-TPS TPS-rawan results as Bawaslu kab/kota offices fill them (CSV or XLSX).

One row per TPS: a TPS code column, then one column per indicator, headed by the indicator's code
(P24.HAK.01), Bawaslu's indicator name or a short name Bawaslu's forms use (siaga.core.catalogues.
SHORT_NAMES), holding Ya/Tidak, Y/T, 1/0, ✓/blank or, for a count or share, the number. Descriptive
columns (kab/kota, kecamatan, desa, TPS name or number) are ignored; any other column is refused by name.
A "Ya" stores the indicator at its saturation (the indicator is met), as an observation with source
Bawaslu and the date given. A "Tidak" stores nothing new, but sets an earlier Bawaslu finding for that TPS
to 0, so the file is the TPS's current state; re-importing the same file changes nothing.

The reading, registry look-up, area scope, all-or-nothing write and re-scoring are the observation
importer's (risk/obs_import.py)."""

import hashlib

from django.utils import timezone

from siaga.core.catalogues import SHORT_NAMES
from siaga.core.importkit import ImportRejected, Progress, file_bytes
from siaga.core.importkit import Source as FileSource
from siaga.core.tabular import normal_key
from siaga.risk import obs_import
from siaga.risk.catalogues import active_tps_catalogues
from siaga.risk.models import Observation, Source
from siaga.risk.obs_import import ObservationImportResult, _Reader, _Row, _resolve, _scope, _write

CODE_HEADERS = ("kode_tps", "kode", "kode tps", "tps code", "code", "id_tps")
IGNORED_HEADERS = ("no", "nomor", "provinsi", "kabupaten", "kabupaten/kota", "kab/kota", "kabkota", "kecamatan",
                   "desa", "kelurahan", "desa/kelurahan", "nama_tps", "nama tps", "tps", "no_tps", "nomor tps",
                   "keterangan", "catatan")
YES = {"ya", "y", "yes", "1", "true", "✓", "✔", "v", "x"}
NO = {"tidak", "t", "no", "n", "0", "false", "", "-"}

MESSAGES = {
    "id": {
        "no_catalogue": "tidak ada katalog Bawaslu yang aktif untuk {value}.",
        "unknown_indicator_column": "kolom '{value}' bukan indikator katalog {catalogue}.",
        "missing_code_column": "kolom kode TPS tidak ditemukan (kode_tps).",
        "bad_flag": "nilai '{value}' harus Ya, Tidak, 1, 0, ✓ atau angka.",
    },
    "en": {
        "no_catalogue": "no Bawaslu catalogue is active for {value}.",
        "unknown_indicator_column": "column '{value}' is not an indicator of catalogue {catalogue}.",
        "missing_code_column": "TPS code column not found (kode_tps).",
        "bad_flag": "value '{value}' must be Ya, Tidak, 1, 0, ✓ or a number.",
    },
}
for _lang, _texts in MESSAGES.items():
    obs_import.MESSAGES[_lang].update(_texts)


class _BawasluReader(_Reader):
    """The observation reader with a wide header: a TPS code, then one column per indicator."""

    def __init__(self, filename, lang, version, observed_on, today):
        indicators = list(version.indicators.select_related("catalogue"))
        super().__init__(filename, lang, {i.code: i for i in indicators}, today)
        self.version, self.observed_on = version, observed_on
        self.by_header = {}
        for ind in indicators:
            for text in (ind.code, ind.name_id, ind.name_en, ind.key, *SHORT_NAMES.get(ind.key, ())):
                self.by_header.setdefault(normal_key(text), ind)
        self.wide: list[tuple[int, str, object]] = []  # (cell index, header, indicator)

    def _header(self, line, texts) -> bool:
        codes = {normal_key(h) for h in CODE_HEADERS}
        ignored = {normal_key(h) for h in IGNORED_HEADERS}
        for index, text in enumerate(texts):
            key = normal_key(text)
            if not key:
                continue
            if key in codes and "code" not in self.columns:
                self.columns["code"] = (index, text)
            elif key in self.by_header:
                self.wide.append((index, text, self.by_header[key]))
            elif key not in ignored:
                self.problem(line, text, text, "unknown_indicator_column", catalogue=str(self.version))
        if "code" not in self.columns:
            self.problem(line, None, None, "missing_code_column")
        self.columns["source"] = (None, "sumber")
        return "code" in self.columns  # rows are still read: every bad value is reported with the header

    def _row(self, line, texts):
        text, header = self._cell(texts, "code")
        if not text:
            self.problem(line, header, "", "missing_value")
            return
        code = self._code(line, next(iter(self.indicators.values())), text, header)
        for index, column, indicator in self.wide:
            raw = texts[index].strip() if index < len(texts) else ""
            value = self._flag(line, column, raw, indicator)
            if value is None or code is None:
                continue
            key = (code, indicator.pk, Source.BAWASLU)
            if key in self.seen:
                self.problem(line, header, text, "duplicate_row", first_line=self.seen[key])
                return
            self.seen[key] = line
            self.rows.append(_Row(line, code, indicator, value, Source.BAWASLU, self.observed_on, ""))

    def _flag(self, line, column, raw, indicator):
        folded = raw.casefold()
        if folded in YES:
            return 1.0 if indicator.kind == "bool" else indicator.saturation
        if folded in NO:
            return 0.0
        if indicator.kind != "bool":
            try:
                float(raw.replace(",", "."))
            except ValueError:
                self.problem(line, column, raw, "bad_flag")
                return None
            return self._value(line, indicator, raw, column)
        self.problem(line, column, raw, "bad_flag")
        return None


def bawaslu_import(*, actor, data: FileSource, filename: str, election: str, observed_on=None, lang: str = "id",
                   progress: Progress = None) -> ObservationImportResult:
    """Check a whole Bawaslu TPS-rawan file against ``election``'s active Bawaslu catalogue, then write every
    finding or none (obs_import's guarantees); a "Tidak" only clears an earlier Bawaslu finding."""
    data = file_bytes(data, obs_import.MAX_BYTES)
    today = timezone.localdate()
    version = active_tps_catalogues().get(election)
    reader = _BawasluReader(filename, lang, version, observed_on or today, today) if version else None
    if reader is None:
        reader = _Reader(filename, lang, {}, today)
        reader.problem(None, None, election, "no_catalogue")
        raise ImportRejected(reader.problems, lang=lang)
    if observed_on and observed_on > today:
        reader.problem(None, "--date", observed_on.isoformat(), "future_date")
    reader.read(data)
    if reader.rows:
        _resolve(reader)
    _scope(reader, actor)
    if reader.problems:
        reader.problems.sort(key=lambda p: (p.line or 0))
        raise ImportRejected(reader.problems, lang=lang)
    rows = _without_empty_news(reader.rows)
    result = _write(actor, rows, filename, hashlib.sha256(data).hexdigest())
    if progress:
        progress(len(reader.rows))
    return result


def _without_empty_news(rows):
    """Drop "Tidak" rows for which Bawaslu has no finding yet: they would store a 0 for nothing."""
    zeros = [r for r in rows if r.value == 0]
    if not zeros:
        return rows
    known = set(Observation.objects.filter(source=Source.BAWASLU, tps_id__in={r.target_id for r in zeros},
                                           indicator_id__in={r.indicator.pk for r in zeros})
                .values_list("indicator_id", "tps_id"))
    return [r for r in rows if r.value != 0 or (r.indicator.pk, r.target_id) in known]
