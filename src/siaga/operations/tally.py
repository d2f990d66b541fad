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


def apply(kecamatan_code: str, changes: dict) -> None:
    """Add the changes to a kecamatan's counters (the row must exist), in the caller's transaction."""
    if not changes:
        return
    from siaga.operations.models import StatusTally

    quote = connection.ops.quote_name
    columns = sorted(changes)  # a fixed text per set of columns keeps the statement cacheable
    assignments = ", ".join(f"{quote(c)} = {quote(c)} + %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(StatusTally._meta.db_table)} SET {assignments} WHERE kecamatan_code = %s",
                       [changes[c] for c in columns] + [kecamatan_code])


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
