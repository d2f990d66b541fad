"""The MySQL dumps of wilayah_boundaries: a streaming INSERT parser and the boundary reader."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from siaga.regions.sources.geometry import build_multipolygon, nesting_depth
from siaga.regions.sources.records import BoundaryRecord, SourceError
from siaga.regions.sources.tables import any_code

_SQL_GAP = re.compile(r"(?:\s+|--[^\n]*|#[^\n]*|/\*.*?\*/)*", re.S)
# Possessive quantifiers keep a truncated dump from backtracking for ages.
_SQL_QUOTED = r"""'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'|"[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+\""""
_SQL_OTHER_STATEMENT = re.compile(rf"""(?:[^;'"]++|{_SQL_QUOTED})*+;""", re.S)
_SQL_INSERT = re.compile(r"INSERT\s+(?:IGNORE\s+)?INTO\s+`?(\w+)`?\s*(?:\(([^)]*)\))?\s*VALUES\s*", re.I)
_SQL_VALUE = re.compile(
    r"""\s*(?:'([^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+)'|"([^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+)"|(NULL)\b"""
    r"""|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))\s*""",
    re.I | re.S,
)
_SQL_ESCAPE = {"'": re.compile(r"\\(.)|''", re.S), '"': re.compile(r'\\(.)|""', re.S)}
_SQL_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
DDL_COLUMNS = ("kode", "nama", "lat", "lng", "path", "status")


def _sql_unescape(text: str, quote: str) -> str:
    """Undo MySQL escapes: backslash sequences and the doubled quote character."""
    if "\\" not in text and quote * 2 not in text:
        return text
    return _SQL_ESCAPE[quote].sub(lambda m: _SQL_ESCAPES.get(m.group(1), m.group(1)) if m.group(1) else quote, text)


def iter_sql_rows(text: str, path: object, table: str = "wilayah_boundaries") -> Iterator[tuple[int, dict]]:
    """Yield (line, {column: value}) for every row INSERTed into ``table``; other statements are skipped."""

    def fail(message_id, message_en, pos):
        raise SourceError(message_id, message_en, path, text.count("\n", 0, pos) + 1)

    pos, end = 0, len(text)
    line, counted = 1, 0
    while True:
        pos = _SQL_GAP.match(text, pos).end()
        if pos >= end:
            return
        insert = _SQL_INSERT.match(text, pos)
        if insert is None or insert.group(1).lower() != table:
            statement = _SQL_OTHER_STATEMENT.match(text, pos)
            if statement is None:
                fail("pernyataan SQL tidak berakhir dengan ';'", "SQL statement not terminated by ';'", pos)
            pos = statement.end()
            continue
        columns = DDL_COLUMNS
        if insert.group(2):
            columns = tuple(c.strip().strip("`").lower() for c in insert.group(2).split(","))
        if "kode" not in columns or "path" not in columns:
            fail("INSERT tanpa kolom kode dan path", "INSERT without columns kode and path", pos)
        pos = insert.end()
        while True:  # one (...) tuple per iteration
            row_pos = pos
            if text.startswith("(", pos):
                pos += 1
            else:
                fail("'(' diharapkan", "'(' expected", pos)
            values = []
            while True:
                value = _SQL_VALUE.match(text, pos)
                if value is None:
                    fail("nilai SQL tidak terbaca", "unreadable SQL value", pos)
                single, double, null, number = value.groups()
                if null is not None:
                    values.append(None)
                elif number is not None:
                    values.append(float(number))
                elif single is not None:
                    values.append(_sql_unescape(single, "'"))
                else:
                    values.append(_sql_unescape(double, '"'))
                pos = value.end()
                if text.startswith(",", pos):
                    pos += 1
                    continue
                if text.startswith(")", pos):
                    pos += 1
                    break
                fail("',' atau ')' diharapkan", "',' or ')' expected", pos)
            if len(values) != len(columns):
                fail(f"{len(values)} nilai untuk {len(columns)} kolom",
                     f"{len(values)} values for {len(columns)} columns", row_pos)
            line += text.count("\n", counted, row_pos)  # incremental: dumps have long lines
            counted = row_pos
            yield line, dict(zip(columns, values))
            pos = _SQL_GAP.match(text, pos).end()
            if text.startswith(",", pos):
                pos = _SQL_GAP.match(text, pos + 1).end()
            elif text.startswith(";", pos):
                pos += 1
                break
            else:
                fail("',' atau ';' diharapkan setelah baris", "',' or ';' expected after a row", pos)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError("berkas tidak ditemukan", "file not found", path) from None
    except UnicodeDecodeError:
        raise SourceError("bukan teks UTF-8", "not UTF-8 text", path) from None


def read_boundary_sql(path: str | Path, *, provinces: set[str] | None = None) -> list[BoundaryRecord]:
    """Read a wilayah_boundaries MySQL dump; ``path`` holds [lat, lng] rings, converted to lon/lat."""
    path = Path(path)
    text = read_text(path)
    records = []
    for line, row in iter_sql_rows(text, path):
        code = any_code(str(row["kode"]), path, line)
        if provinces is not None and code[:2] not in provinces:
            continue
        geometry, repaired, dropped = None, False, False
        if row["path"]:
            try:
                nested = json.loads(row["path"])
                depth = nesting_depth(nested)
                # a ring, a polygon (rings) or a multipolygon (polygons)
                polygons = {0: [], 2: [[nested]], 3: [nested], 4: nested}.get(depth)
                if polygons is None:
                    raise ValueError(f"unexpected nesting depth {depth}")
                geometry, repaired, dropped = build_multipolygon(polygons, lat_first=True)
            except (TypeError, ValueError) as exc:
                raise SourceError(f"kolom path tidak terbaca ({exc})", f"unreadable path column ({exc})",
                                  path, line) from None
        lat, lng = row.get("lat"), row.get("lng")
        records.append(BoundaryRecord(code=code, name=row.get("nama") or "", geometry=geometry,
                                      lat=lat if isinstance(lat, float) else None,
                                      lng=lng if isinstance(lng, float) else None,
                                      repaired=repaired, dropped=dropped))
    return records
