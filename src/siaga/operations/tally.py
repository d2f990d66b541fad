"""Per-kecamatan counters of the TPS summary rows, for dashboards at national scale.

A national command post would otherwise count 820,161 summary rows on every
refresh. Each event changes one summary row, so its contribution to the
counters of that row's kecamatan changes by a small delta, applied in the same
transaction as the summary row (one UPDATE). A dashboard then sums about 7,300
kecamatan rows. `rebuild` recounts from the summary rows (migration, repair).
"""

from django.db import connection
from django.db.models import Count, Q

from siaga.core import tps_state

FLAG_COLUMNS = ("disturbed", "suspended")
# Same names as the TpsStatus milestone columns: a count of the rows where it is set.
MILESTONE_COLUMNS = ("opened_at", "counting_at", "finished_at")
COLUMNS = tps_state.STAGES + FLAG_COLUMNS + MILESTONE_COLUMNS


def contribution(row) -> dict:
    """What one summary row (a TpsStatus, or None when absent) adds to its kecamatan's counters."""
    if row is None:
        return {}
    counts = {row.stage: 1}
    counts.update({column: 1 for column in FLAG_COLUMNS + MILESTONE_COLUMNS if getattr(row, column)})
    return counts


def delta(before: dict, after: dict) -> dict:
    """The non-zero changes from one contribution to another."""
    changes = {column: after.get(column, 0) - before.get(column, 0) for column in before.keys() | after.keys()}
    return {column: n for column, n in changes.items() if n}


def apply(changes: dict) -> None:
    """Add {kecamatan_code: changes} to the counters (the rows must exist), in the caller's transaction.

    One statement text for any set of changes, sent for every kecamatan at once (a pipeline on PostgreSQL),
    in code order so concurrent writers lock the rows in the same order.
    """
    rows = [(kecamatan, counts) for kecamatan, counts in sorted(changes.items()) if counts]
    if not rows:
        return
    from siaga.operations.models import StatusTally

    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(c)} = {quote(c)} + %s" for c in COLUMNS)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {quote(StatusTally._meta.db_table)} SET {assignments} WHERE kecamatan_code = %s",
                           [[counts.get(c, 0) for c in COLUMNS] + [kecamatan] for kecamatan, counts in rows])


def recount_query(status_rows):
    """Per kecamatan: its codes, then the counters in COLUMNS order, from summary rows (a TpsStatus queryset)."""
    aggregates = {stage: Count("pk", filter=Q(stage=stage)) for stage in tps_state.STAGES}
    aggregates.update({column: Count("pk", filter=Q(**{column: True})) for column in FLAG_COLUMNS})
    aggregates.update({column: Count(column) for column in MILESTONE_COLUMNS})
    return status_rows.order_by().values("kecamatan_code", "kabkota_code", "province_code").annotate(**aggregates)


def recount(status_rows) -> dict:
    """{kecamatan_code: {column: n}} counted from summary rows (a TpsStatus queryset)."""
    return {row.pop("kecamatan_code"): row for row in recount_query(status_rows)}


def rebuild(status_model, tally_model) -> int:
    """Replace every counter with a recount of the summary rows; returns the number of kecamatan."""
    counted = recount(status_model.objects.all())
    tally_model.objects.all().delete()
    tally_model.objects.bulk_create([tally_model(kecamatan_code=kec, **counts) for kec, counts in counted.items()],
                                    batch_size=2000)
    return len(counted)
