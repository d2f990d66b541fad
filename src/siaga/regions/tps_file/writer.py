"""Write TPS rows in the generator's column order, so an export re-imports unchanged."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import IO, Any, Literal

import openpyxl

from siaga.core.codes import is_special_tps_number, normalize_region_code, tps_code, undotted
from siaga.core.tabular import neutralise
from siaga.regions.tps_file.data import WRITE_COLUMNS, TpsRow


def write_tps_file(rows: Iterable[Mapping[str, Any] | TpsRow], fmt: Literal["csv", "xlsx"], out: IO[bytes]) -> int:
    """Write rows (TpsRow or mappings with TpsRow's field names) to ``out``; returns the row count.

    CSV is UTF-8 with a BOM so Excel shows accented names correctly. Free-text
    cells that a spreadsheet would run as a formula get a leading ``'``.
    """
    if fmt == "csv":
        return _write_csv(rows, out)
    if fmt == "xlsx":
        return _write_xlsx(rows, out)
    raise ValueError(f"unknown format {fmt!r}")


def _record(row: Mapping[str, Any] | TpsRow) -> list[Any]:
    get = row.get if isinstance(row, Mapping) else lambda name, default=None: getattr(row, name, default)
    number = int(get("number"))
    desa = normalize_region_code(get("desa_code"))
    special = get("special")
    return [  # the generator's conventions: undotted codes, tps_khusus 1/0, machine values
        get("code") or tps_code(desa, number),
        undotted(desa),
        number,
        neutralise(get("name") or ""),
        neutralise(get("address") or ""),
        get("voters"),
        get("voters_male"),
        get("voters_female"),
        get("election") or "pemilu",
        int(is_special_tps_number(number) if special is None else bool(special)),
        get("lat"),
        get("lng"),
        get("access") or "normal",
        neutralise(get("notes") or ""),
    ]


def _write_csv(rows, out: IO[bytes]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(WRITE_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(_record(row))  # csv writes None as "" and floats by repr (exact)
        count += 1
    text.flush()
    text.detach()  # leave the caller's stream open
    return count


def _write_xlsx(rows, out: IO[bytes]) -> int:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("TPS")
    sheet.append(list(WRITE_COLUMNS))
    count = 0
    for row in rows:
        sheet.append(_record(row))  # codes stay text so Excel does not show 7.40524E+12
        count += 1
    book.save(out)
    return count
