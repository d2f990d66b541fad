"""Write validated TPS rows: all or nothing, idempotent, audited.

Validation lives in tps_file (pure); this module checks scope against the
importing user, works out what is new, changed or unchanged, and writes it in
one transaction. Rows go to the database straight from the reader's TpsRow
tuples, without model instances: on PostgreSQL new rows through one CSV COPY
written by pyarrow from the rows' columns (the columnar read keeps them as
columns, so a national file of 820,161 rows is never a Python tuple per row),
changed rows through binary COPY into a temporary table, then one UPDATE;
elsewhere (SQLite) through executemany. Audit entries for changed rows are written in bulk. A file that
at least doubles a large registry (a first national load) has the table's
indexes and key checks built once after the COPY (bulk_load).
"""

import gc
import hashlib
from contextlib import contextmanager, nullcontext
from operator import attrgetter

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection, transaction
from psycopg.copy import QueuedLibpqWriter

from siaga.accounts.models import REGISTRY_EDITOR_ROLES, AuditLog
from siaga.accounts.scope import area_contains, user_area
from siaga.accounts.services import audit_entry, audit_record
from siaga.core.codes import parent_code
from siaga.core.importkit import (  # noqa: F401 (problem_dict: for the callers)
    ImportRejected,
    ImportResult,
    Progress,
    ProblemList,
    Source,
    file_bytes,
    problem_dict,
)
from siaga.regions.bulk_load import indexes_rebuilt_after
from siaga.regions.models import ImportBatch, Region, Tps
from siaga.regions.tps_file import DEFAULT_MAX_BYTES, DesaRef, Problem, read_tps_file, render
from siaga.regions.tps_file.rows import ColumnRows, distinct_values, per_value, rows_table

BULK_MIN_ROWS = 50_000  # below this, keeping indexes up to date row by row costs little
# The columns a file sets; compared to decide updated or unchanged.
FIELDS = ("desa_id", "number", "name", "address", "voters", "voters_male", "voters_female",
          "special", "lat", "lng", "access", "notes")
# The TpsRow attributes holding FIELDS, in the same order.
_row_values = attrgetter("desa_code", "number", "name", "address", "voters", "voters_male", "voters_female",
                         "special", "lat", "lng", "access", "notes")


def known_desa(province_codes=None) -> dict[str, DesaRef]:
    """Desa of the loaded hierarchy, as the file reader wants them."""
    desa = Region.objects.filter(level=4)
    if province_codes:
        desa = desa.filter(parent__parent__parent_id__in=province_codes)
    return {
        code: DesaRef(code=code, name=name, kecamatan_code=kec, kabkota_code=parent_code(kec), kecamatan_name=kec_name)
        for code, name, kec, kec_name in desa.values_list("code", "name", "parent_id", "parent__name").iterator(10000)
    }


def _scope_problems(user, rows, lang):
    area = user_area(user)
    found = []
    if user.role not in REGISTRY_EDITOR_ROLES:
        found.append((None, user.username, "not_allowed"))
    outside = {d for d in distinct_values(rows, "desa_code") if not area_contains(area, d)}  # per desa, not per TPS
    if outside:
        found += [(row.line, row.code, "out_of_scope") for row in rows if row.desa_code in outside]
    problems = ProblemList()
    for line, value, code in found:
        problem = Problem(line=line, column=None, value=value, code=code, message="", params={"area": area})
        problem.message = render(problem, lang)
        problems.append(problem)
    return problems


def tps_import(*, actor, data: Source, filename: str, desa_mapping=None, lang="id", progress: Progress = None,
               workers=1, election="pemilu") -> ImportResult:
    """Validate a TPS file (bytes, a path or an open file) completely, then write every row or none.

    ``workers`` > 1 reads a large file in forked processes: for the command line, not a threaded server.
    ``election``: of rows without an election column.
    """
    data = file_bytes(data, DEFAULT_MAX_BYTES)
    with _gc_paused():
        parsed = read_tps_file(data, filename=filename, known_desa=known_desa(), desa_mapping=desa_mapping or {},
                               lang=lang, workers=workers, election=election)
        errors = [p for p in parsed.problems if p.severity == "error"]
        if errors:
            raise ImportRejected(errors, parsed.suggestions, lang=lang, total=parsed.problems.errors)
        errors = _scope_problems(actor, parsed.rows, lang)
        if errors:
            raise ImportRejected(errors, lang=lang)
        result = _write(actor, parsed.rows, filename, hashlib.sha256(data).hexdigest(), progress)
    result.warnings = [p for p in parsed.problems if p.severity != "error"]
    return result


@contextmanager
def _gc_paused():
    """No cyclic garbage collection while a file's rows are built: a national file makes about a million
    long-lived tuples, which hold no cycles, and collections that walk them cost ~10% of the read."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _existing(rows):
    """Current values of the TPS the file names, keyed by (code, election)."""
    elections = distinct_values(rows, "election")
    desa = distinct_values(rows, "desa_code")
    found = {}
    query = Tps.objects.filter(election__in=elections).order_by()  # no sort: a dict is built
    # A whole-province file is filtered by province; a small one by its desa.
    provinces = {d[:2] for d in desa}
    query = query.filter(province_code__in=provinces) if len(desa) > 500 else query.filter(desa_id__in=desa)
    for pk, code, election, *values in query.values_list("pk", "code", "election", *FIELDS).iterator(chunk_size=20000):
        found[(code, election)] = (pk, tuple(values))
    return found


# The columns an import writes, in the order _db_rows gives them; an update keeps code and election.
_INSERT_COLUMNS = ("code", "election", "desa_id", "kecamatan_code", "kabkota_code", "province_code", "number",
                   "name", "address", "voters", "voters_male", "voters_female", "special", "lat", "lng", "access",
                   "notes", "batch_id")
_UPDATE_COLUMNS = _INSERT_COLUMNS[2:]
# The PostgreSQL types of id and _UPDATE_COLUMNS, for the binary COPY of changed rows (from TpsRow tuples).
_UPDATE_TYPES = ("int8", "text", "text", "text", "text", "int2", "text", "text", "int4", "int4", "int4", "bool",
                 "float8", "float8", "text", "text", "int8")
_AREA_TYPES = (pa.string(),) * 4
_CSV_CHUNK_ROWS = 16_384  # CSV written and sent a chunk at a time: the server parses one while pyarrow writes the next


def _area(desa: str) -> tuple[str, str, str, str]:
    """(desa, kecamatan, kab/kota, province) codes of a desa: the region columns a TPS row stores."""
    kec = parent_code(desa)
    kab = parent_code(kec)
    return desa, kec, kab, kab[:2]


def _db_rows(rows, batch_id):
    """The _INSERT_COLUMNS values of each row, straight from its TpsRow."""
    areas = {}  # desa -> _area(desa), worked out once per desa
    for row in rows:
        area = areas.get(row.desa_code)
        if area is None:
            area = areas[row.desa_code] = _area(row.desa_code)
        yield (row.code, row.election, *area, row.number, row.name, row.address, row.voters, row.voters_male,
               row.voters_female, row.special, row.lat, row.lng, row.access, row.notes, batch_id)


def _db_table(rows, batch_id) -> pa.Table:
    """The _INSERT_COLUMNS of ``rows`` (a list or ColumnRows) as columns; areas worked out once per desa."""
    table = rows.table if isinstance(rows, ColumnRows) else rows_table(rows)
    area = per_value(table.column("desa_code"), _area, _AREA_TYPES)
    columns = [table.column("code"), table.column("election"), *area,
               *(table.column(f) for f in ("number", "name", "address", "voters", "voters_male", "voters_female",
                                           "special", "lat", "lng", "access", "notes")),
               pa.repeat(pa.scalar(batch_id, pa.int64()), table.num_rows)]
    return pa.Table.from_arrays(columns, names=list(_INSERT_COLUMNS))


def _insert(rows, batch_id):
    table = connection.ops.quote_name(Tps._meta.db_table)
    columns = ", ".join(_INSERT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * len(_INSERT_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", _db_rows(rows, batch_id))
            return
        # One stream for the whole file, as CSV that pyarrow writes in C from the columns (texts quoted, a
        # null an empty unquoted cell, floats in their shortest exact form); errors as Django's (IntegrityError).
        options = pa_csv.WriteOptions(include_header=False)
        with connection.wrap_database_errors, cursor.cursor.copy(
                f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)", writer=QueuedLibpqWriter(cursor.cursor)) as copy:
            for batch in _db_table(rows, batch_id).to_batches(_CSV_CHUNK_ROWS):
                chunk = pa.BufferOutputStream()
                pa_csv.write_csv(batch, chunk, options)
                copy.write(chunk.getvalue())


def _update(changed, batch_id):
    """``changed``: (pk, TpsRow) pairs."""
    table = connection.ops.quote_name(Tps._meta.db_table)
    values = _db_rows([row for _, row in changed], batch_id)
    updates = ((pk, *v[2:]) for v, (pk, _) in zip(values, changed))
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{c} = %s" for c in _UPDATE_COLUMNS)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", [(*u[1:], u[0]) for u in updates])
            return
        # Changed rows into a temporary table with COPY, then one UPDATE joined on id.
        columns = ", ".join(("id", *_UPDATE_COLUMNS))
        cursor.execute(f"CREATE TEMPORARY TABLE tps_import_changes ON COMMIT DROP AS SELECT {columns} FROM {table} "
                       "WITH NO DATA")
        with connection.wrap_database_errors, cursor.cursor.copy(
                f"COPY tps_import_changes ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_UPDATE_TYPES)
            for row in updates:
                copy.write_row(row)
        assignments = ", ".join(f"{c} = s.{c}" for c in _UPDATE_COLUMNS)
        cursor.execute(f"UPDATE {table} t SET {assignments} FROM tps_import_changes s WHERE t.id = s.id")
        cursor.execute("DROP TABLE tps_import_changes")  # an enclosing transaction may import again


def _audit_updates(actor, changed, note):
    """One tps.update entry per changed row, in bulk."""
    entries = (audit_entry(actor=actor, action="tps.update", obj_type="tps", obj_id=row.code,
                           area_code=row.desa_code, before=dict(zip(FIELDS, before)),
                           after=dict(zip(FIELDS, _row_values(row))), note=note) for _, before, row in changed)
    if connection.vendor == "postgresql":
        _copy_objects(AuditLog, entries)  # bulk_create's UNNEST arrays escape JSON slowly: ~0.4 ms an entry
    else:
        AuditLog.objects.bulk_create(entries, batch_size=2000)


def _copy_objects(model, objects):
    """Insert unsaved model instances with COPY, each value prepared as Django's own insert prepares it."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (connection.cursor() as cursor, connection.wrap_database_errors,
          cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy):
        for obj in objects:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])


def _compared(rows, existing):
    """(new rows, (pk, current values, row) of changed ones, how many are unchanged)."""
    if not existing:  # a first load: all new, and the rows of a columnar read stay columns
        return rows, [], 0
    created, changed, unchanged = [], [], 0
    for row in rows:
        current = existing.get((row.code, row.election))
        if current is None:
            created.append(row)
        elif current[1] != _row_values(row):
            changed.append((current[0], current[1], row))
        else:
            unchanged += 1
    return created, changed, unchanged


def _write(actor, rows, filename, sha256, progress):
    created, changed, unchanged = _compared(rows, _existing(rows))
    result = ImportResult(created=len(created), updated=len(changed), unchanged=unchanged)
    if not created and not changed:
        return result
    with transaction.atomic(), _bulk_load(len(created)):
        batch = ImportBatch.objects.create(kind="tps", filename=filename[:255], sha256=sha256, actor=actor,
                                           created=len(created), updated=len(changed), unchanged=unchanged)
        if created:
            _insert(created, batch.pk)
            if progress:
                progress(len(created))
        if changed:
            _audit_updates(actor, changed, f"import #{batch.pk} {filename}")
            _update([(pk, row) for pk, _, row in changed], batch.pk)
            if progress:
                progress(len(changed))
        audit_record(actor=actor, action="tps.import", obj_type="import_batch", obj_id=batch.pk,
                     area_code=_common_area(rows),
                     after={"filename": filename, "sha256": sha256, "created": len(created),
                            "updated": len(changed), "unchanged": unchanged})
    result.batch_id = batch.pk
    return result


def bulk_wanted(new_rows: int, table_rows: int) -> bool:
    """Whether to rebuild the indexes after the load (bulk_load) rather than keep them up to date row by row:
    when the load is large and at least doubles the registry, so the rebuild never costs more than it saves."""
    return new_rows >= BULK_MIN_ROWS and new_rows >= table_rows


def _bulk_load(new_rows):
    if new_rows < BULK_MIN_ROWS:  # spares a small import the COUNT over the registry
        return nullcontext()
    return indexes_rebuilt_after(Tps) if bulk_wanted(new_rows, Tps.objects.count()) else nullcontext()


def _common_area(rows):
    codes = distinct_values(rows, "desa_code")
    area = next(iter(codes))
    while area and not all(area_contains(area, c) for c in codes):
        area = parent_code(area) or ""
    return area
