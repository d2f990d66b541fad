"""Read a CSV/XLSX table with known columns for the roster and pattern importers.

File decoding, delimiter sniffing and XLSX reading are the TPS reader's
(siaga.regions.tps_file); this adds a column map per file kind and problems
with the file line, the column as written, the value and a message in the
user's language.
"""

from dataclasses import dataclass, field

from siaga.regions import tps_file
from siaga.regions.tps_file import Problem

MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Table:
    header_line: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # field -> header text as written
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def problem(lang, messages, line, column, value, code, **params) -> Problem:
    text = messages[lang][code].format(value=value, **params)
    if line is not None:
        with_column, without_column = tps_file._PREFIX[lang]
        text = (with_column if column is not None else without_column).format(line=line, column=column) + text
    return Problem(line, column, value, code, text, params=params)


def _rows(data: bytes):
    if data.startswith(b"PK\x03\x04"):
        return tps_file._xlsx_rows(data, MAX_BYTES)[1]
    text, _ = tps_file._decode(data)
    return tps_file._csv_rows(text, tps_file._sniff_delimiter(text))


def read_table(data: bytes, *, filename, variants, required, lang, messages) -> Table:
    """Every row as {field: text}; file problems (unreadable, missing columns) stop the reading."""
    table = Table()
    names = {tps_file._key(v): f for f, vs in variants.items() for v in vs}

    def file_problem(code, line=None, **params):
        table.problems.append(Problem(line, None, None, code,
                                      tps_file._message(lang, code, line, None, None, {"filename": filename, **params})))

    try:
        if len(data) > MAX_BYTES:
            raise tps_file._Unreadable("too_large", limit=tps_file._human_size(MAX_BYTES))
        if not data.strip():
            raise tps_file._Unreadable("empty_file")
        for line, cells in _rows(data):
            if not any(cells):
                continue
            if table.header_line is None:
                columns = {}
                for i, text in enumerate(cells):
                    name = names.get(tps_file._key(text))
                    if name and name not in columns:
                        columns[name] = i
                        table.headers[name] = text
                table.header_line = line
                missing = [variants[f][0] for f in required if f not in columns]
                for name in missing:
                    table.problems.append(problem(lang, messages, line, None, name, "missing_column"))
                if missing:
                    return table
                continue
            table.rows.append((line, {f: tps_file._unneutralise(cells[i].strip()) if i < len(cells) else ""
                                      for f, i in columns.items()}))
    except tps_file._Unreadable as exc:
        file_problem(exc.code, exc.line, **exc.params)
        return table
    if table.header_line is None:
        file_problem("empty_file")
    elif not table.rows:
        file_problem("no_rows")
    return table
