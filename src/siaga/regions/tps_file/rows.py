"""Accepted rows held as pyarrow columns: the columnar read keeps them so, and an import can write them
with COPY without a Python tuple per row (a national file: 820,161). TpsRow tuples are built from the
columns only when something reads the rows one by one, and are the same as the per-row read's."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

import pyarrow as pa
import pyarrow.compute as pc

from siaga.regions.tps_file.data import TpsRow

ROW_SCHEMA = pa.schema([
    ("line", pa.int64()), ("desa_code", pa.string()), ("number", pa.int64()), ("code", pa.string()),
    ("name", pa.string()), ("address", pa.string()), ("voters", pa.int64()), ("voters_male", pa.int64()),
    ("voters_female", pa.int64()), ("election", pa.string()), ("special", pa.bool_()), ("lat", pa.float64()),
    ("lng", pa.float64()), ("access", pa.string()), ("notes", pa.string()),
])
assert ROW_SCHEMA.names == list(TpsRow._fields)


class ColumnRows(Sequence):
    """A read's rows as a table with ROW_SCHEMA; reads as a list of TpsRow (built on first use)."""

    def __init__(self, table: pa.Table) -> None:
        self.table, self._rows = table, None

    def _list(self) -> list[TpsRow]:
        if self._rows is None:
            fields = [self.table.column(f).to_pylist() for f in TpsRow._fields]
            self._rows = list(map(tuple.__new__, repeat(TpsRow), zip(*fields)))  # TpsRow._make, no call per row
        return self._rows

    def __len__(self) -> int:
        return self.table.num_rows

    def __getitem__(self, index):
        return self._list()[index]

    def __iter__(self):
        return iter(self._list())

    def __eq__(self, other) -> bool:
        return self._list() == list(other) if isinstance(other, (list, ColumnRows)) else NotImplemented

    def __repr__(self) -> str:
        return f"ColumnRows({len(self)} rows)"


def rows_table(rows: list[TpsRow]) -> pa.Table:
    """TpsRow tuples as a table with ROW_SCHEMA."""
    columns = list(zip(*rows)) or [()] * len(ROW_SCHEMA)
    return pa.Table.from_arrays([pa.array(c, f.type) for c, f in zip(columns, ROW_SCHEMA)], schema=ROW_SCHEMA)


def distinct_values(rows, field: str) -> set:
    """The values of one TpsRow field among ``rows`` (a list or ColumnRows), without building tuples."""
    if isinstance(rows, ColumnRows):
        return set(pc.unique(rows.table.column(field)).to_pylist())
    return {getattr(row, field) for row in rows}


def per_value(column, function, type_):
    """``function`` applied to each distinct value of ``column`` (None stays None): one rule, few calls.

    With a tuple of types, ``function`` gives a tuple and each part comes back as a column."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = column.dictionary_encode()
    results = [function(v) for v in encoded.dictionary.to_pylist()]
    if not isinstance(type_, tuple):
        return pc.take(pa.array(results, type_), encoded.indices)
    parts = zip(*results) if results else [()] * len(type_)
    return tuple(pc.take(pa.array(list(p), t), encoded.indices) for p, t in zip(parts, type_))
