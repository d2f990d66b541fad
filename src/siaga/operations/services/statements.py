"""The ingestion hot path's SQL: summary rows locked and saved, many rows inserted in one statement.

Written once here rather than compiled by the ORM on every event. Every lock and insert goes in one global
order (TPS, then client id), so that overlapping batches wait for each other instead of deadlocking; a
serialisation failure that still happens (a client id reused across TPS) is retried by `retrying`.
"""

from functools import wraps

from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections

from siaga.accounts.scope import level_q
from siaga.operations.models import TpsStatus
from siaga.regions.models import Tps
from siaga.regions.selectors import tps_by_codes, tps_code

RETRIES = 5
SERIALISATION_FAILURES = {"40001", "40P01"}  # PostgreSQL: serialization_failure, deadlock_detected


def retrying(function):
    """Run a write again (up to RETRIES times) when the database broke off its transaction as a deadlock or
    serialisation failure: nothing of it was stored, so the caller gets the answer of a clean run instead of a
    500. Only a write that owns its transaction can be run again; inside an outer one the error goes up."""

    @wraps(function)
    def run(*args, **kwargs):
        for attempt in range(1, RETRIES + 1):
            try:
                return function(*args, **kwargs)
            except OperationalError as error:
                cause = error.__cause__
                state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
                if state not in SERIALISATION_FAILURES or connection.in_atomic_block or attempt == RETRIES:
                    raise

    return run

_STATUS_TABLE = TpsStatus._meta.db_table
_STATUS_CHANGING = [f for f in TpsStatus._meta.concrete_fields
                    if f.attname not in ("tps_id", "province_code", "kabkota_code", "kecamatan_code")]


def status_rows_for_update(tps_ids) -> dict:
    """{tps_id: TpsStatus}, locked for this transaction in TPS order (SQLite: the transaction locks)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    marks = ", ".join(["%s"] * len(tps_ids))
    return {row.pk: row for row in TpsStatus.objects.raw(
        f"SELECT * FROM {_STATUS_TABLE} WHERE tps_id IN ({marks}) ORDER BY tps_id{lock}", list(tps_ids))}


_TPS_SQL: dict[tuple, str] = {}  # (scope columns, number of codes) -> the compiled look-up


def tps_in_scope(*, viewer, codes) -> dict:
    """What tps_by_codes answers ({stored code: Tps} of the codes the viewer may report for, the first made where
    a code has a TPS per election), with the same ORM query compiled once per shape (the viewer's scope column,
    the number of codes) instead of on every event: the values change, the statement does not.

    A scope that is not one column filter, or a compiled statement whose parameters are not exactly
    (scope values..., codes...), is answered by tps_by_codes itself."""
    scope = level_q(viewer)
    if scope.connector != "AND" or scope.negated or not all(isinstance(c, tuple) for c in scope.children):
        return tps_by_codes(viewer=viewer, codes=codes)
    wanted = sorted({tps_code(c) for c in codes})
    key = (tuple(column for column, _ in scope.children), len(wanted))
    values = [value for _, value in scope.children] + wanted
    sql = _TPS_SQL.get(key)
    if sql is None:
        sql, params = Tps.objects.filter(scope, code__in=wanted).order_by("-pk").query.sql_with_params()
        if list(params) != values:
            return tps_by_codes(viewer=viewer, codes=codes)
        _TPS_SQL[key] = sql
    found = {}
    for tps in Tps.objects.raw(sql, values):  # newest first: the first made ends up in `found`
        found[tps.code] = tps
    return found


def status_save(rows) -> None:
    db = connections[DEFAULT_DB_ALIAS]  # once, not through the `connection` proxy for every value
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(_STATUS_TABLE)} SET {', '.join(f'{quote(f.column)} = %s' for f in _STATUS_CHANGING)}"
            f" WHERE tps_id = %s", [[f.get_db_prep_save(getattr(row, f.attname), db)
                                     for f in _STATUS_CHANGING] + [row.pk] for row in rows])


def insert_ignoring_conflict(model, objs, *, conflict, returning) -> list[tuple]:
    """INSERT ... VALUES (...), (...) ON CONFLICT (conflict) DO NOTHING RETURNING: the new rows' `returning`.

    One statement for many rows instead of look-up, insert and savepoint each (values as set on the objects:
    no auto_now fields here); on PostgreSQL it waits for a
    concurrent insert of the same key to commit, so a retry racing its original never stores twice. Rows
    whose key exists (or repeats an earlier row of the same statement) are not returned.
    """
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    row = f"({', '.join(['%s'] * len(fields))})"
    values = [f.get_db_prep_save(getattr(obj, f.attname), db) for obj in objs for f in fields]
    with db.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                       f"VALUES {', '.join([row] * len(objs))} ON CONFLICT ({quote(conflict)}) DO NOTHING "
                       f"RETURNING {', '.join(quote(r) for r in returning)}", values)
        return cursor.fetchall()

