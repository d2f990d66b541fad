"""Read a CSV/XLSX table with known columns for the roster and pattern importers.

File decoding, delimiter sniffing and XLSX reading are siaga.core.tabular's;
this adds a column map per file kind and problems
with the file line, the column as written, the value and a message in the
user's language.
"""

from dataclasses import dataclass, field

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
from siaga.regions.tps_file import Problem

MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Table:
    header_line: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # field -> header text as written
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def problem(lang, messages, line, column, value, code, **params) -> Problem:
    return Problem(line, column, value, code, message(messages, lang, code, line, column, value, params),
                   params=params)


def read_table(data: bytes, *, filename, variants, required, lang, messages) -> Table:
    """Every row as {field: text}; file problems (unreadable, missing columns) stop the reading."""
    table = Table()
    names = column_keys(variants)

    def file_problem(code, line=None, **params):
        text = message(FILE_MESSAGES, lang, code, line, None, None, {"filename": filename, **params})
        table.problems.append(Problem(line, None, None, code, text))

    try:
        for line, cells in nonblank(open_rows(read_bytes(data, MAX_BYTES), MAX_BYTES, sheet_hint="tps").rows):
            if table.header_line is None:
                columns = {}
                for i, text in enumerate(cells):
                    name = names.get(normal_key(text))
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
            table.rows.append((line, {f: unneutralise(cells[i].strip()) if i < len(cells) else ""
                                      for f, i in columns.items()}))
    except Unreadable as exc:
        file_problem(exc.code, exc.line, **exc.params)
        return table
    if table.header_line is None:
        file_problem("empty_file")
    elif not table.rows:
        file_problem("no_rows")
    return table
