"""A large load into a PostgreSQL table: build its indexes and check its keys once, after the rows are in.

Keeping a btree up to date row by row costs several times what building it
from the finished table costs, and a foreign key is checked by one query per
row at commit. For a load that at least doubles a table (a national TPS file
into an empty registry: 820,161 rows), ``indexes_rebuilt_after`` drops the
table's secondary indexes, unique and foreign-key constraints inside the
load's transaction and recreates them when the load is done. Recreating a
unique constraint or a foreign key checks every row, set-based, and fails
the transaction if one breaks it: the same rows are accepted either way. The
primary key stays, so tables that refer to this one are not touched.

It needs the table's owner (the role that runs the migrations) and holds an
ACCESS EXCLUSIVE lock on the table, and on the tables its foreign keys point
to (dropping a key locks both ends), until commit: readers of those tables
wait for the load. When the role does not own the table, or the lock is not
granted within ``LOCK_WAIT``, the load goes row by row as usual.
"""

from contextlib import contextmanager

from django.db import OperationalError, connection, transaction

LOCK_WAIT = "3s"  # a load queued behind a long transaction would block every reader behind it

# Unique and foreign-key constraints (recreated by definition), then indexes that back no constraint.
_CONSTRAINTS = """
    SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname"""
_INDEXES = """
    SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
    WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    ORDER BY 1"""


def definitions(table: str) -> tuple[list, list]:
    """(constraints, indexes) of ``table`` that ``indexes_rebuilt_after`` drops and recreates."""
    with connection.cursor() as cursor:
        cursor.execute(_CONSTRAINTS, [table])
        constraints = cursor.fetchall()
        cursor.execute(_INDEXES, [table])
        return constraints, cursor.fetchall()


@contextmanager
def indexes_rebuilt_after(model):
    """Yield True when ``model``'s table lost its secondary indexes and constraints, to be recreated on exit.

    Use inside the load's transaction; on False the table is unchanged and the load goes row by row.
    """
    if connection.vendor != "postgresql":
        yield False
        return
    assert connection.in_atomic_block, "the drop and the rebuild must commit together"
    table = model._meta.db_table
    quoted = connection.ops.quote_name(table)
    constraints, indexes = definitions(table)
    if not _owns(table) or not _locked(quoted, constraints, indexes):
        yield False
        return
    yield True
    with connection.cursor() as cursor:
        for name, definition in constraints:  # unique before foreign keys: ORDER BY contype DESC
            cursor.execute(f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
        for _, definition in indexes:
            cursor.execute(definition)
        # The planner's statistics, in the same transaction: without them the first look-ups after a national
        # load (voting-day reports by TPS code) are planned for an empty table, as parallel scans.
        cursor.execute(f"ANALYZE {quoted}")


def _owns(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE oid = %s::regclass",
                       [table])
        return cursor.fetchone()[0]


def _locked(quoted: str, constraints, indexes) -> bool:
    """Lock the table and drop what is rebuilt later; False, with nothing changed, if a lock is not granted."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:  # a savepoint to fall back to
            cursor.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                           [LOCK_WAIT])
            usual_wait = cursor.fetchone()[0]
            cursor.execute(f"LOCK TABLE {quoted} IN ACCESS EXCLUSIVE MODE")
            for name, _ in constraints:  # dropping a foreign key locks the table it refers to as well
                cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {name}")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [usual_wait])
    except OperationalError:  # lock_timeout: someone holds the table; go row by row instead
        return False
    return True

