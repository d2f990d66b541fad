"""TPS import into PostgreSQL: the national file (820,161 rows) against a raw COPY of the same rows.

    python bench/bench_import.py [--quick] [--database-url postgres://root@127.0.0.1:5432/siaga_bench]

It prepares its own database (created if missing), loads the national hierarchy,
generates the calibrated national TPS file, then measures in the same run:
  baseline  COPY of the file's rows into a bare table with the same columns
  import    `siaga tps import` path: read, validate every row (in one process per core, as the
            command does), scope, write (COPY; indexes and key checks rebuilt after a first load), audit
  read      the read and validation alone (the part of the import before any write)
  floor     what any import into the registry's table must do after reading: the imported rows
            COPYed into a copy of the table without indexes, then its indexes and key checks
            built and the table analysed, as a first national load does (bulk_load)
  re-import the same file (nothing to write), then a copy with every 10th row's DPT changed
            (updates in place with one audit entry per changed row)
--quick uses three provinces (about 80,000 TPS).
"""

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe, machine  # noqa: E402

DEFAULT_URL = "postgres://root@127.0.0.1:5432/siaga_bench"
QUICK_PROVINCES = {"11", "51", "74"}


def _prepare(url):
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SIAGA_HOME", tempfile.mkdtemp(prefix="siaga_bench_"))
    from siaga.cli import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _raw_copy_seconds(csv_path):
    """Baseline: the same CSV rows into a bare table (no indexes, no checks) with COPY."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_tps")
        cursor.execute("CREATE TABLE bench_raw_tps (kode_tps text, kode_desa text, no_tps int, nama_tps text, "
                       "alamat text, dpt int, dpt_laki int, dpt_perempuan int, jenis_pemilihan text, "
                       "tps_khusus int, lat double precision, lng double precision, akses text)")
        started = time.perf_counter()
        with open(csv_path, "rb") as fh, cursor.cursor.copy(
                "COPY bench_raw_tps FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_tps")
    return seconds


def _write_floor_seconds():
    """(COPY seconds, index and key rebuild seconds) of the imported rows written into a copy of the registry's
    table without its indexes, then its indexes and key checks built and ANALYZE: the write alone, as a first
    national load does it, with no reading, checking or Python in between."""
    from django.db import connection, transaction

    from siaga.regions.bulk_load import definitions
    from siaga.regions.models import Tps

    columns = [f.column for f in Tps._meta.concrete_fields]
    listed = ", ".join(columns)
    constraints, indexes = definitions(Tps._meta.db_table)
    with connection.cursor() as cursor:
        out = io.BytesIO()
        with cursor.cursor.copy(f"COPY regions_tps ({listed}) TO STDOUT (FORMAT binary)") as copy:
            for chunk in copy:
                out.write(chunk)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor_tps (LIKE regions_tps INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute("ALTER TABLE bench_floor_tps ADD PRIMARY KEY (id)")
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY bench_floor_tps ({listed}) FROM STDIN (FORMAT binary)") as copy:
            copy.write(out.getvalue())
        copied = time.perf_counter()
        for name, definition in constraints:  # the registry's own names, made unique for the copy
            cursor.execute(f'ALTER TABLE bench_floor_tps ADD CONSTRAINT "bench_{name}" {definition}')
        for name, definition in indexes:
            cursor.execute(definition.replace(f"INDEX {name} ON", f"INDEX bench_{name} ON")
                           .replace("regions_tps ", "bench_floor_tps "))
        cursor.execute("ANALYZE bench_floor_tps")
        rebuilt = time.perf_counter()
        transaction.set_rollback(True)  # the copy is not kept
    return copied - started, rebuilt - copied


def _every_tenth_changed(data: bytes) -> tuple[bytes, int]:
    """The file with the DPT of every 10th row lowered by one (its male/female split left blank)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    dpt, male, female = (header.index(c) for c in ("dpt", "dpt_laki", "dpt_perempuan"))
    changed = rows[1::10]
    for row in changed:
        row[dpt], row[male], row[female] = str(int(row[dpt]) - 1), "", ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(), len(changed)


def run(quick: bool = False, database_url: str = DEFAULT_URL) -> dict:
    _prepare(database_url)
    from siaga.cli import cli_actor
    from siaga.regions.demo import generate_tps_file
    from siaga.regions.loader import default_source, regions_load
    from siaga.regions.models import ImportBatch, Tps
    from siaga.regions.tps_file import default_workers, read_tps_file
    from siaga.regions.tps_import import _gc_paused, known_desa, tps_import

    provinces = QUICK_PROVINCES if quick else None
    workers = default_workers()  # as `siaga tps import` reads
    regions_load(source=default_source(), provinces=provinces)
    Tps.objects.all().delete()
    ImportBatch.objects.all().delete()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "tps.csv"
        rows = generate_tps_file(provinces=provinces, seed=2024, output=csv_path)
        baseline = _raw_copy_seconds(csv_path)
        data = csv_path.read_bytes()
        started = time.perf_counter()
        result = tps_import(actor=cli_actor(), data=data, filename=csv_path.name, workers=workers)
        seconds = time.perf_counter() - started
        assert result.created == rows == Tps.objects.count(), (result, rows)
        floor_copy, floor_rebuild = _write_floor_seconds()
        started = time.perf_counter()
        again = tps_import(actor=cli_actor(), data=data, filename=csv_path.name, workers=workers)
        reimport = time.perf_counter() - started
        assert again.unchanged == rows
        with _gc_paused():  # as the import reads
            started = time.perf_counter()
            read = read_tps_file(data, filename=csv_path.name, known_desa=known_desa(), desa_mapping={},
                                 workers=workers)
            read_seconds = time.perf_counter() - started
        assert len(read.rows) == rows
        del read
        changed_data, changed_rows = _every_tenth_changed(data)
        started = time.perf_counter()
        changed = tps_import(actor=cli_actor(), data=changed_data, filename="changed.csv", workers=workers)
        changed_seconds = time.perf_counter() - started
        assert (changed.updated, changed.unchanged) == (changed_rows, rows - changed_rows), changed
    return {"name": "tps_import", "rows": rows, "import_s": round(seconds, 2), "rows_per_s": round(rows / seconds),
            "raw_copy_s": round(baseline, 2), "raw_copy_rows_per_s": round(rows / baseline),
            "ratio_import_to_copy": round(seconds / baseline, 2), "read_s": round(read_seconds, 2),
            "ratio_read_to_copy": round(read_seconds / baseline, 2), "reimport_unchanged_s": round(reimport, 2),
            "changed_rows": changed_rows, "reimport_changed_s": round(changed_seconds, 2),
            "floor_copy_s": round(floor_copy, 2), "floor_rebuild_s": round(floor_rebuild, 2),
            "ratio_floor_to_copy": round((floor_copy + floor_rebuild) / baseline, 2),
            "workers": workers, "goal": "import within 5x of raw COPY", "machine": machine()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    r = run(args.quick, args.database_url)
    print(f"TPS import into PostgreSQL, {r['rows']:,} rows")
    print(f"  baseline raw COPY:     {r['raw_copy_s']:8.2f} s  ({r['raw_copy_rows_per_s']:,} rows/s)")
    print(f"  siaga tps import:      {r['import_s']:8.2f} s  ({r['rows_per_s']:,} rows/s)")
    print(f"  ratio import / COPY:   {r['ratio_import_to_copy']:8.2f}x  (goal: within 5x)")
    print(f"  of which read+check:   {r['read_s']:8.2f} s  ({r['ratio_read_to_copy']:.2f}x COPY; measured alone)")
    print(f"  write floor: COPY into the registry's table {r['floor_copy_s']:.2f} s + its indexes and key checks "
          f"{r['floor_rebuild_s']:.2f} s = {r['ratio_floor_to_copy']:.2f}x COPY, before any reading or checking")
    print(f"  re-import, unchanged:  {r['reimport_unchanged_s']:8.2f} s")
    print(f"  re-import, {r['changed_rows']:,} changed: {r['reimport_changed_s']:6.2f} s")
    print(f"  machine: {describe()}")


if __name__ == "__main__":
    main()
