"""What every file importer shares beyond reading cells (siaga.core.tabular): the problem
shape, header matching, a capped problem list, the rejection and the result. No Django.

The rules every importer follows through this kit:
- a header is matched by ``normal_key`` against the importer's variants; a header that
  matches nothing is an error (``unknown_column``, or ``unreadable_column`` when it holds a
  line break or control character), as is a second header meaning the same field
  (``duplicate_column``): a column is never dropped silently. Only a running row number
  ("No", "No. Urut") is ignored, and listed as ignored.
- at most ``MAX_PROBLEMS`` problems are kept; the rest are counted, so a broken 50 MB file
  answers with the first thousand and the total, not with a hundred megabytes of JSON.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from siaga.core.tabular import (
    FILE_MESSAGES,
    Unreadable,
    column_keys,
    message,
    nonblank,
    normal_key,
    open_rows,
    read_bytes,
    unneutralise,
)

Severity = Literal["error", "warning"]
Source = str | os.PathLike | bytes | IO[bytes]  # what every importer accepts: bytes, a path or an open file
Progress = Callable[[int], Any] | None  # called with a count of rows done, e.g. by a background job
MAX_PROBLEMS = 1000
ROW_NUMBER_KEYS = frozenset({"no", "nourut", "nomorurut"})  # normal_key of a running row number's header
_BREAK_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


@dataclass(slots=True)  # mutable: a caller may re-render ``message`` in another language
class Problem:
    line: int | None  # CSV line (header = 1) or Excel row; None for the whole file
    column: str | None  # header text as written in the file
    value: Any
    code: str
    message: str
    severity: Severity = "error"
    params: Mapping[str, Any] = field(default_factory=dict)  # extra message fields


def file_bytes(source: Source, max_bytes: int) -> bytes:
    """The bytes of ``source``, at most one past ``max_bytes``, so the reader refuses an oversized file
    (tabular.read_bytes) without it ever being read whole."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            return fh.read(max_bytes + 1)
    return source.read(max_bytes + 1)


def problem_dict(problem: Problem) -> dict:
    return {"line": problem.line, "column": problem.column, "value": problem.value, "code": problem.code,
            "message": problem.message}


def make_problem(messages: Mapping[str, Mapping[str, str]], lang: str, line: int | None, column: str | None,
                 value: Any, code: str, severity: Severity = "error", **params) -> Problem:
    """A Problem worded from ``messages`` or, for file and header codes, from FILE_MESSAGES."""
    table = messages if code in messages[lang] else FILE_MESSAGES
    return Problem(line, column, value, code, message(table, lang, code, line, column, value, params), severity,
                   params)


class ProblemList(list):
    """Problems as found: the first ``limit`` errors and the first ``limit`` warnings kept, every one counted
    (``total``, ``errors``), so warnings never crowd out the errors that refuse a file.

    Ask ``total`` (not ``len``) whether a step found something: the length stops growing."""

    def __init__(self, problems: Iterable[Problem] = (), limit: int = MAX_PROBLEMS) -> None:
        super().__init__()
        self.limit, self.total, self.errors, self.kept_errors = limit, 0, 0, 0
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        self.total += 1
        if problem.severity == "error":
            self.errors += 1
            if self.kept_errors < self.limit:
                self.kept_errors += 1
                super().append(problem)
        elif len(self) - self.kept_errors < self.limit:
            super().append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def merge(self, other: ProblemList) -> None:
        """Add another list's problems and the ones it counted without keeping."""
        kept_errors = sum(p.severity == "error" for p in other)
        self.extend(other)
        self.total += other.total - len(other)
        self.errors += other.errors - kept_errors

    def __reduce__(self):  # pickled plainly: list pickling would call append before limit exists
        return _problem_list, (list(self), self.limit, self.total, self.errors)


def _problem_list(items, limit, total, errors) -> ProblemList:
    out = ProblemList(limit=limit)
    list.extend(out, items)
    out.total, out.errors = total, errors
    out.kept_errors = sum(p.severity == "error" for p in items)
    return out


class ImportRejected(Exception):
    """The file has problems; nothing was written. ``problems`` holds at most MAX_PROBLEMS, ``total`` counts all;
    when some were left out, a last ``more_problems`` entry says how many."""

    def __init__(self, problems: Iterable[Problem], suggestions: Iterable = (), *, lang: str = "id",
                 total: int | None = None) -> None:
        total = total or getattr(problems, "total", None)
        problems = list(problems)
        total = max(total or 0, len(problems))
        kept = problems[:MAX_PROBLEMS]
        if total > len(kept):
            kept.append(make_problem(FILE_MESSAGES, lang, None, None, None, "more_problems",
                                     more=total - len(kept), total=total))
        super().__init__(f"{total} problem(s)")
        self.problems, self.total, self.suggestions = kept, total, list(suggestions)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    batch_id: int | None = None
    warnings: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "errors": [],
                "warnings": [problem_dict(w) for w in self.warnings], "batch": self.batch_id}


# --------------------------------------------------------------------------- headers


@dataclass(slots=True)
class Header:
    line: int
    columns: dict[str, int] = field(default_factory=dict)  # field -> cell index
    names: dict[str, str] = field(default_factory=dict)  # field -> header text as written
    ignored: list[str] = field(default_factory=list)  # row-number columns, ignored by rule
    problems: list[tuple[str, str, dict]] = field(default_factory=list)  # (header text, code, params)


def shown(text: str) -> str:
    """Header text for a message: line breaks shown as ⏎ so the reader sees them."""
    return _BREAK_RE.sub("⏎", text.replace("\r\n", "\n"))


def match_header(line: int, texts: list[str], variants: Mapping[str, Iterable[str]],
                 keys: Mapping[str, str] | None = None) -> Header:
    """Which cell holds which field; every header that is unknown, unreadable or repeated is a problem."""
    keys = column_keys(variants) if keys is None else keys
    header = Header(line)
    known = ", ".join(next(iter(names)) for names in variants.values())
    for index, text in enumerate(texts):
        if not text:
            continue
        key = normal_key(text)
        name = keys.get(key)
        if name is None:
            if key in ROW_NUMBER_KEYS:
                header.ignored.append(text)
            else:
                code = "unreadable_column" if _BREAK_RE.search(text) or not key else "unknown_column"
                header.problems.append((shown(text), code, {"known": known}))
        elif name in header.columns:
            header.problems.append((shown(text), "duplicate_column", {"first": shown(header.names[name])}))
        else:
            header.columns[name], header.names[name] = index, text
    return header


# ------------------------------------------------------------------- a small table


@dataclass
class Table:
    header_line: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # field -> header text as written
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)


def read_table(data: bytes, *, filename: str, variants: Mapping[str, Iterable[str]], required: Iterable[str],
               lang: str, messages: Mapping[str, Mapping[str, str]], max_bytes: int,
               sheet_hint: str = "") -> Table:
    """Every row of a small file as {field: text}; file and header problems stop the reading."""
    table = Table()

    def file_problem(code, line=None, **params):
        table.problems.append(make_problem(FILE_MESSAGES, lang, line, None, None, code, filename=filename, **params))

    try:
        rows = nonblank(open_rows(read_bytes(data, max_bytes), max_bytes, sheet_hint=sheet_hint).rows)
        first = next(rows, None)
        if first is None:
            file_problem("empty_file")
            return table
        line, cells = first
        header = match_header(line, cells, variants)
        table.header_line, table.headers = line, header.names
        for text, code, params in header.problems:
            column = text if code == "duplicate_column" else None
            table.problems.append(make_problem(messages, lang, line, column, text, code, **params))
        for name in required:
            if name not in header.columns:
                table.problems.append(make_problem(messages, lang, line, None, next(iter(variants[name])),
                                                   "missing_column"))
        if table.problems:
            return table
        columns = header.columns.items()
        for line, cells in rows:
            table.rows.append((line, {f: unneutralise(cells[i].strip()) if i < len(cells) else ""
                                      for f, i in columns}))
    except Unreadable as exc:
        file_problem(exc.code, exc.line, **exc.params)
        return table
    if not table.rows:
        file_problem("no_rows")
    return table
