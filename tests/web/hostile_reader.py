"""Run by test_hostile_input in a fresh process: read each file as every importer does, print codes and peak memory.

No Django: the readers are pure. The address space is capped first, so a regression that inflates a
workbook fails here with MemoryError instead of taking the shared machine's memory.
"""

import json
import resource
import sys

resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))

from siaga.core.importkit import read_table  # noqa: E402
from siaga.core.tabular import Unreadable, open_rows  # noqa: E402
from siaga.regions.tps_file import read_tps_file  # noqa: E402

MB = 1024 * 1024
codes = []
for path in sys.argv[1:]:
    with open(path, "rb") as fh:
        data = fh.read()
    found = [p.code for p in read_tps_file(data, filename=path, known_desa={}).problems]  # TPS: 200 MB cap
    try:  # observation files: 50 MB cap, rows streamed
        list(open_rows(data, 50 * MB).rows)
        found.append("read")
    except Unreadable as exc:
        found.append(exc.code)
    table = read_table(data, filename=path, variants={"unit": ("kode_unit",)}, required=("unit",), lang="id",
                       messages={"id": {}}, max_bytes=20 * MB)  # roster and pattern files: 20 MB cap
    found += [p.code for p in table.problems]
    codes.append(found)
# VmHWM: this process's own peak resident memory (ru_maxrss would carry the parent's peak across exec)
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"codes": codes, "peak_mb": peak_kb / 1024}))
