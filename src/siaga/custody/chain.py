"""The custody chain in the database: append events under item locks, checkpoints, streaming verify.

The chain rules live in siaga.core.custody; this module only stores and reads
them. Appends lock the touched item rows in ascending id order (a fixed order,
so two handovers sharing items cannot deadlock); the unique (item, seq)
constraint is the last guard should a lock ever be skipped. SQLite has no row
locks but serialises writers (IMMEDIATE transactions), which gives the same.

Every event row carries the server's tag (siaga.custody.keys) and every
checkpoint its signature: a checkpoint refuses to cover an event without a good
tag, so an event put into the table by hand is never signed.
"""

import json
from collections.abc import Iterator, Sequence
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F

from siaga.core import custody as core
from siaga.custody.event_fields import handover_fields, utc_text  # noqa: F401 (the chain's field shapes)
from siaga.custody.keys import custody_key
from siaga.custody.models import Checkpoint, Event, Item


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
                          canonical=stored.canonical.decode("utf-8"), tag=event_tag(stored.hash),
                          kind=fields["kind"], handover=handover))
    return Event.objects.bulk_create(rows)


def event_tag(event_hash: str) -> str:
    return custody_key().tag(event_hash)


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


def stored_events(chunk_size: int = 20000, *, covered_only: bool = False) -> Iterator[core.StoredEvent]:
    """Every stored event (or those checkpoints cover), each item's in seq order, read with a server-side cursor."""
    rows = Event.objects.filter(seq__lte=F("item__checkpointed_seq")) if covered_only else Event.objects.all()
    rows = (rows.order_by("item_id", "seq")
            .values_list("item__code", "seq", "prev_hash", "hash", "canonical").iterator(chunk_size=chunk_size))
    for code, seq, prev, hash_, text in rows:
        yield core.StoredEvent(code, seq, prev, hash_, text.encode("utf-8"))


def export_bundle(directory) -> tuple:
    """Write the open bundle: the checkpoints and the events they cover, read as one snapshot; (path, public key).

    Events appended after the last checkpoint are left out (the next bundle has them), so a bundle verifies
    strictly: every event in it is covered by its last, signed checkpoint.
    """
    from siaga.core.custody_bundle import write_bundle

    from siaga.custody.integrity import bundle_summaries

    public = custody_key().public_hex
    fresh = not connection.in_atomic_block  # inside a caller's transaction, its snapshot rules
    with transaction.atomic():
        if fresh and connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        checkpoints = stored_checkpoints()
        items, handovers = bundle_summaries()
        events = stored_events(covered_only=True)
        path = write_bundle(events, checkpoints, directory, public_key=public, items=items, handovers=handovers)
        return path, public


def stored_checkpoints() -> list[core.Checkpoint]:
    out = []
    for body, hash_, signature in Checkpoint.objects.order_by("seq").values_list("body", "hash", "signature"):
        out.append(core.Checkpoint(**json.loads(body), hash=hash_, signature=signature))
    return out


def verify_database(*, deep: bool = False, published=()) -> core.VerifyReport:
    """Every chain and checkpoint as stored, in one streaming pass, then what only the server can check.

    Checkpoint signatures are checked with the server's public key; every event's
    tag; each item's stored head and location against its last event; each
    complete handover's record against its events (siaga.custody.integrity).
    """
    from siaga.custody import integrity

    key = custody_key()
    tags = integrity.TagCheck(key)
    report = core.verify(tags.watch(stored_events_tagged()), stored_checkpoints(), deep=deep,
                         public_key=key.public_hex, published=published)
    core.merge_breaks(report, tags.breaks + integrity.head_breaks(tags.last))
    core.merge_breaks(report, integrity.handover_breaks(skip={b.item_id for b in report.broken}))
    return report


def stored_events_tagged(chunk_size: int = 20000):
    """(StoredEvent, tag) for every stored event, in the order of ``stored_events``."""
    rows = (Event.objects.order_by("item_id", "seq")
            .values_list("item__code", "seq", "prev_hash", "hash", "canonical", "tag").iterator(chunk_size=chunk_size))
    for code, seq, prev, hash_, text, tag in rows:
        yield core.StoredEvent(code, seq, prev, hash_, text.encode("utf-8")), tag


def take_checkpoint(at: datetime) -> Checkpoint:
    """Commit to every chain head now and sign it. Call inside a transaction.

    Appends go on meanwhile: the heads are read in one statement (one snapshot, in which a handover's items
    moved together or not at all), and everything after covers exactly those heads, not what appends add
    in the meantime, so the checkpoint never waits on the item table nor holds it. Only the advanced items'
    rows are locked, briefly and in ascending id order like appends, to record how far they are covered.
    Raises CustodyError, signing nothing, when an event since the last checkpoint lacks the server's tag or
    an item's head is not its last event.
    """
    last = Checkpoint.objects.order_by("-seq").first()
    prev = core.Checkpoint(**json.loads(last.body), hash=last.hash) if last else None
    heads, advanced, advanced_ids = {}, {}, {}
    for pk, code, seq, head, done in Item.objects.filter(head_seq__gt=0).values_list(
            "pk", "code", "head_seq", "head_hash", "checkpointed_seq").iterator(chunk_size=20000):
        heads[code] = (seq, head)
        if seq > done:
            advanced[code] = seq
            advanced_ids[pk] = seq
    _check_new_events(heads, advanced)
    cp = core.make_checkpoint(prev, utc_text(at), heads, advanced)

    covered = list(Item.objects.select_for_update(of=("self",)).filter(pk__in=list(advanced_ids))
                   .order_by("pk").only("pk", "checkpointed_seq"))
    for item in covered:
        item.checkpointed_seq = max(item.checkpointed_seq, advanced_ids[item.pk])
    Item.objects.bulk_update(covered, ["checkpointed_seq"], batch_size=5000)
    return Checkpoint.objects.create(
        seq=cp.seq, at=cp.at, root=cp.root, item_count=cp.item_count, event_count=cp.event_count,
        prev_hash=cp.prev_checkpoint_hash, hash=cp.hash, body=core.canonical_bytes(cp.body()).decode("utf-8"),
        signature=custody_key().sign(cp.hash))


def _check_new_events(heads, advanced) -> None:
    """The events a checkpoint is about to cover for the first time (up to the heads read): tagged by this
    server, and each item's head its last event. A few per handover, so cheap."""
    key = custody_key()
    rows = (Event.objects.filter(item__head_seq__gt=F("item__checkpointed_seq"), seq__gt=F("item__checkpointed_seq"))
            .order_by("item_id", "seq").values_list("item__code", "seq", "hash", "tag"))
    last = {}
    for code, seq, hash_, tag in rows.iterator(chunk_size=20000):
        if code not in heads or seq > heads[code][0]:
            continue  # appended after the heads were read: the next checkpoint covers it
        if not key.tag_ok(hash_, tag):
            raise core.CustodyError(f"{code} #{seq}: event without the server's tag; not signed")
        last[code] = (seq, hash_)
    for code, seq in advanced.items():
        if last.get(code) != heads[code]:
            raise core.CustodyError(f"{code} #{seq}: the stored head is not the item's last event; not signed")
