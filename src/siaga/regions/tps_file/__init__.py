"""Read, validate and write TPS lists as KPU and Bawaslu offices keep them.

Offices send CSV (any of ``,`` ``;`` tab; UTF-8, UTF-16 or Windows code pages)
or XLSX, with Indonesian or English headers in any order. ``read_tps_file``
checks every row and collects every problem with its file line and the
column name as written in the file, so an importer can show them all and then
write all rows or none. ``write_tps_file`` exports rows in the generator's
column order so an export re-imports unchanged.

A package of one job each: ``data`` (rows, results, limits), ``messages``,
``columns`` (header and value spellings), ``reader`` (structure and full row
checks), ``fast`` (the fast path), ``columnar`` (a large CSV read by pyarrow, the fast
path's rules on whole columns), ``parallel`` (pieces in worker processes),
``suggestions`` (code mapping for unknown desa) and ``writer``. Shared importer
pieces (problem shape, header rules, error cap) are siaga.core.importkit's.

No Django here: plain dataclasses in and out. The raw file is held in memory
(bounded by ``max_bytes``) while rows are parsed and checked one at a time.
Most rows of a real file are plain and valid, so each row first takes a fast
path that accepts only such rows; anything unusual goes through the full
checks, which alone report problems.
"""

from siaga.core.tabular import neutralise  # noqa: F401 (exports use it from here)
from siaga.regions.tps_file.columns import _COLUMN_VARIANTS, _HEADER_FIELDS  # noqa: F401
from siaga.regions.tps_file.data import (  # noqa: F401
    DEFAULT_MAX_BYTES,
    FILE_COLUMNS,
    VOTER_LIMITS,
    WRITE_COLUMNS,
    DesaRef,
    Lang,
    Problem,
    Suggestion,
    TpsFileResult,
    TpsRow,
)
from siaga.regions.tps_file.messages import MESSAGES, render  # noqa: F401
from siaga.regions.tps_file.parallel import default_workers  # noqa: F401
from siaga.regions.tps_file.reader import _Reader, read_tps_file  # noqa: F401
from siaga.regions.tps_file.writer import write_tps_file  # noqa: F401
