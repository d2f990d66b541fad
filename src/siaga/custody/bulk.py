"""Fast inserts of many plain rows (registry and demo scale): one executemany, no model instances.

Django's bulk_create spends most of its time building and compiling model
instances; at 50,000 rows that is tens of seconds on a small machine.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples in ``fields`` order) into ``model``'s table; returns the row count."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    # Only JSON and datetime values need the backend's adaptation; the rest go as they are.
    adapt = [(i, col) for i, col in enumerate(columns)
             if isinstance(col, (models.JSONField, models.DateTimeField))]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c.column) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    batch, total, seen = [], 0, {}
    with connection.cursor() as cur:
        for row in rows:
            row = list(row)
            for i, col in adapt:
                if isinstance(col, models.JSONField):
                    row[i] = col.get_db_prep_save(row[i], connection)
                else:  # a batch has few distinct times: adapt each once
                    key = (i, row[i])
                    if key not in seen:
                        seen[key] = col.get_db_prep_save(row[i], connection)
                    row[i] = seen[key]
            batch.append(row)
            if len(batch) == 5000:
                cur.executemany(sql, batch)
                total, batch = total + len(batch), []
        if batch:
            cur.executemany(sql, batch)
            total += len(batch)
    return total
