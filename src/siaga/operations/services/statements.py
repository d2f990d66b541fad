"""The ingestion hot path's SQL: summary rows locked and saved, many rows inserted in one statement.

Written once here rather than compiled by the ORM on every event. Every lock and insert goes in one global
order (TPS, then client id), so that overlapping batches wait for each other instead of deadlocking; a
serialisation failure that still happens (a client id reused across TPS) is retried by `retrying`.
"""

from functools import lru_cache, wraps

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
    """Write the changing columns of these (locked) summary rows: several on PostgreSQL in one UPDATE ... FROM
    unnest of one array per column (see _arrays), else one UPDATE per row."""
    db = connections[DEFAULT_DB_ALIAS]  # once, not through the `connection` proxy for every value
    values = [[f.get_db_prep_save(getattr(row, f.attname), db) for f in _STATUS_CHANGING] + [row.pk] for row in rows]
    arrays = _arrays(db, values)
    with db.cursor() as cursor:
        if arrays:
            cursor.execute(_status_update_sql(arrays), [list(column) for column in zip(*values)])
        else:
            cursor.executemany(_status_update_sql(arrays), values)


def _arrays(db, rows) -> bool:
    """Whether to send these rows as one array per column: several rows on PostgreSQL. The statement's text is then
    the same for any number of rows (short to send and to parse, where VALUES (...), (...) grows with the rows);
    one row goes quicker as plain values."""
    return db.vendor == "postgresql" and len(rows) > 1


@lru_cache
def _status_update_sql(arrays: bool) -> str:
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    if not arrays:
        return (f"UPDATE {quote(_STATUS_TABLE)} SET {', '.join(f'{quote(f.column)} = %s' for f in _STATUS_CHANGING)}"
                f" WHERE tps_id = %s")
    fields = [*_STATUS_CHANGING, TpsStatus._meta.pk]
    names = [quote(f.column) for f in fields]
    return (f"UPDATE {quote(_STATUS_TABLE)} AS s SET {', '.join(f'{n} = v.{n}' for n in names[:-1])} "
            f"FROM {_unnest(fields, db)} AS v({', '.join(names)}) WHERE s.tps_id = v.tps_id")


def _unnest(fields, db) -> str:
    """unnest(%s::type[], ...): one array parameter per column."""
    return f"unnest({', '.join(f'%s::{f.cast_db_type(db)}[]' for f in fields)})"


def insert_ignoring_conflict(model, objs, *, conflict, returning) -> list[tuple]:
    """INSERT ... ON CONFLICT (conflict) DO NOTHING RETURNING: the new rows' `returning`, rows inserted in order.

    One statement for many rows instead of look-up, insert and savepoint each (values as set on the objects:
    no auto_now fields here), as arrays or VALUES (see _arrays); on PostgreSQL it waits for a concurrent insert of
    the same key to commit, so a retry racing its original never stores twice. Rows whose key exists (or repeats an
    earlier row of the same statement) are not returned.
    """
    db = connections[DEFAULT_DB_ALIAS]
    fields = _inserted_fields(model)
    values = [[f.get_db_prep_save(getattr(obj, f.attname), db) for f in fields] for obj in objs]
    arrays = _arrays(db, values)
    with db.cursor() as cursor:
        cursor.execute(_insert_sql(model, conflict, tuple(returning), None if arrays else len(objs)),
                       [list(column) for column in zip(*values)] if arrays else [v for row in values for v in row])
        return cursor.fetchall()


@lru_cache
def _inserted_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]


@lru_cache
def _insert_sql(model, conflict: str, returning: tuple, rows: int | None) -> str:
    """The INSERT statement: its rows as arrays (rows None; in the given order, WITH ORDINALITY, the order its key
    locks are taken in), or as `rows` VALUES tuples."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    fields = _inserted_fields(model)
    columns = ", ".join(quote(f.column) for f in fields)
    if rows is None:
        source = f"SELECT {columns} FROM {_unnest(fields, db)} WITH ORDINALITY AS r({columns}, n) ORDER BY n"
    else:
        row = f"({', '.join(['%s'] * len(fields))})"
        source = f"VALUES {', '.join([row] * rows)}"
    return (f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {source} ON CONFLICT ({quote(conflict)}) "
            f"DO NOTHING RETURNING {', '.join(quote(r) for r in returning)}")
