"""The custody chain in the database: append events under item locks, checkpoints, streaming verify.

The chain rules live in siaga.core.custody; this module only stores and reads
them. Appends lock the touched item rows in ascending id order (a fixed order,
so two handovers sharing items cannot deadlock); the unique (item, seq)
constraint is the last guard should a lock ever be skipped. SQLite has no row
locks but serialises writers (IMMEDIATE transactions), which gives the same.
"""

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import F

from siaga.core import custody as core
from siaga.custody.models import Checkpoint, Event, Item


def utc_text(moment: datetime) -> str:
    """The chain's time format: UTC, whole seconds, trailing Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def lock_items(item_ids: Sequence[int] = (), *, handover=None, **annotations) -> dict[int, Item]:
    """Items by id (or all of ``handover``'s), row-locked in ascending id order for the rest of the transaction.

    Only the item rows are locked; ``annotations`` (e.g. a joined column) are read along.
    """
    assert transaction.get_connection().in_atomic_block, "lock_items needs a transaction"
    rows = Item.objects.select_for_update(of=("self",)).order_by("pk")
    rows = rows.filter(pk__in=sorted(set(item_ids))) if handover is None else rows.filter(handovers=handover)
    if annotations:
        rows = rows.annotate(**annotations)
    return {item.pk: item for item in rows}


def append(items: dict[int, Item], drafts: Sequence[tuple[int, dict]], *, handover=None) -> list[Event]:
    """Append one event per draft (item id, event fields without item_id/seq) to locked items.

    Updates each item's head; the caller updates the other summary columns and
    saves them (``save_heads``).
    """
    rows = []
    for item_id, fields in drafts:
        item = items[item_id]
        event = core.make_event(item.code, item.head_seq + 1, **fields)
        stored = core.store_event(item.head_hash or core.GENESIS, event)
        item.head_seq, item.head_hash = stored.seq, stored.hash
        rows.append(Event(item=item, seq=stored.seq, prev_hash=stored.prev_hash, hash=stored.hash,
                          canonical=stored.canonical.decode("utf-8"), kind=fields["kind"], handover=handover))
    return Event.objects.bulk_create(rows)


SUMMARY_FIELDS = ["node", "holder", "seals", "head_seq", "head_hash", "updated_at"]


def save_heads(items) -> None:
    """Write the summary columns of ``items`` (one executemany; bulk_update's CASE chains are far slower)."""
    fields = [Item._meta.get_field(name) for name in SUMMARY_FIELDS]
    columns = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {connection.ops.quote_name(Item._meta.db_table)} SET {columns} WHERE id = %s"
    rows = [[f.get_db_prep_save(getattr(item, f.attname), connection) for f in fields] + [item.pk] for item in items]
    if rows:
        with connection.cursor() as cur:
            cur.executemany(sql, rows)


def stored_events(chunk_size: int = 20000) -> Iterator[core.StoredEvent]:
    """Every stored event, each item's in seq order, read with a server-side cursor."""
    rows = (Event.objects.order_by("item_id", "seq")
            .values_list("item__code", "seq", "prev_hash", "hash", "canonical").iterator(chunk_size=chunk_size))
    for code, seq, prev, hash_, text in rows:
        yield core.StoredEvent(code, seq, prev, hash_, text.encode("utf-8"))


def stored_checkpoints() -> list[core.Checkpoint]:
    out = []
    for body, hash_ in Checkpoint.objects.order_by("seq").values_list("body", "hash"):
        out.append(core.Checkpoint(**json.loads(body), hash=hash_))
    return out


def verify_database(*, deep: bool = False) -> core.VerifyReport:
    """Every chain and checkpoint as stored, in one streaming pass."""
    return core.verify(stored_events(), stored_checkpoints(), deep=deep)


def take_checkpoint(at: datetime) -> Checkpoint:
    """Commit to every chain head now. Call inside a transaction.

    On PostgreSQL the item table is locked against appends for the moment this
    takes, so the heads read and the 'advanced' set are one consistent state.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {Item._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
    last = Checkpoint.objects.order_by("-seq").first()
    prev = core.Checkpoint(**json.loads(last.body), hash=last.hash) if last else None
    heads, advanced = {}, {}
    for code, seq, head, done in Item.objects.filter(head_seq__gt=0).values_list(
            "code", "head_seq", "head_hash", "checkpointed_seq").iterator(chunk_size=20000):
        heads[code] = (seq, head)
        if seq > done:
            advanced[code] = seq
    cp = core.make_checkpoint(prev, utc_text(at), heads, advanced)

    Item.objects.filter(head_seq__gt=F("checkpointed_seq")).update(checkpointed_seq=F("head_seq"))
    return Checkpoint.objects.create(
        seq=cp.seq, at=cp.at, root=cp.root, item_count=cp.item_count, event_count=cp.event_count,
        prev_hash=cp.prev_checkpoint_hash, hash=cp.hash, body=core.canonical_bytes(cp.body()).decode("utf-8"))
