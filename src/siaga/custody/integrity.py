"""What only the server can check about its stored chains (siaga.custody.chain.verify_database).

The chains and signed checkpoints prove the events; these checks tie the rest
of the custody tables to them, each finding located at an item and event seq:

- every event carries the server's tag (an event written into the table by
  hand has none, even with a correct hash);
- each item's stored head (seq, hash) is its last event, and its location is
  that event's node (a box moved by editing ``node_id`` shows here);
- each handover record says what its events say (receiver, giver, nodes,
  times, method, signature, escort, the items received).

The last two are core.summary_breaks, the rules the open bundle is checked with too.
"""

import json
from collections.abc import Iterable, Iterator

from siaga.core import custody as core
from siaga.custody.event_fields import handover_fields
from siaga.custody.models import Event, Handover, Item

_CHUNK = 20000
_HANDOVERS_PER_ROUND = 2000


class TagCheck:
    """Watches the event stream of a verify: the first untagged event per item and each item's last event."""

    def __init__(self, key):
        self.key = key
        self.breaks: list[core.Break] = []
        self.last: dict[str, core.StoredEvent] = {}
        self._bad: set[str] = set()

    def watch(self, rows: Iterable[tuple[core.StoredEvent, str]]) -> Iterator[core.StoredEvent]:
        tag_ok, last, bad = self.key.tag_ok, self.last, self._bad
        for event, tag in rows:
            item = event.item_id
            if item not in bad and not tag_ok(event.hash, tag):
                bad.add(item)
                self.breaks.append(core.Break(item, event.seq, "tag_mismatch", event.seq))
            last[item] = event
            yield event


def head_breaks(last: dict[str, core.StoredEvent]) -> list[core.Break]:
    """Items whose stored head is not their last event, or whose location is not that event's node."""
    found = {item: (ev.seq, ev.hash, _node(ev.canonical)) for item, ev in last.items()}
    items = Item.objects.values_list("code", "head_seq", "head_hash", "node__code").iterator(chunk_size=_CHUNK)
    return core.summary_breaks(found, items, (), {})


def _node(text: bytes):
    try:
        return json.loads(text).get("node")
    except (ValueError, AttributeError):
        return None  # the chain check names a garbled event


def bundle_summaries(covered_only: bool = True) -> tuple[list, list]:
    """(items, handovers) records for the open bundle, in the shape standalone_verify.py reads."""
    items = Item.objects.filter(head_seq__gt=0)
    if covered_only:
        from django.db.models import F

        items = items.filter(head_seq=F("checkpointed_seq"))
    item_rows = [{"item": code, "seq": seq, "hash": head, "node": node} for code, seq, head, node in
                 items.order_by("code").values_list("code", "head_seq", "head_hash", "node__code").iterator(_CHUNK)]
    handovers = []
    for handover in _handovers_with_events(covered_only):
        handover_id, received, fields = _record(handover)
        handovers.append({"handover": handover_id, "received": received, "fields": fields})
    return item_rows, handovers


def _handovers_with_events(covered_only):
    from django.db.models import F

    events = Event.objects.filter(handover__isnull=False)
    if covered_only:
        events = events.filter(seq__lte=F("item__checkpointed_seq"))
    ids = set(events.values_list("handover_id", flat=True).distinct())
    return (Handover.objects.filter(pk__in=ids).select_related("from_node", "to_node").order_by("pk")
            .iterator(chunk_size=_HANDOVERS_PER_ROUND))


def _record(handover):
    """(id, items received, fields every event must carry); a handover not complete expects no events."""
    fields = handover_fields(handover, handover.from_node.code, handover.to_node.code, ())
    del fields["seals"]  # per item: what was seen on each
    received = sorted(handover.received_codes) if handover.state == "complete" else []
    return handover.client_id, received, fields


def handover_breaks(skip=frozenset()) -> list[core.Break]:
    """Handovers (complete, or named by an event) whose record differs from their chain events."""
    ids = set(Handover.objects.filter(state="complete").values_list("pk", flat=True))
    ids |= set(Event.objects.filter(handover__isnull=False).values_list("handover_id", flat=True).distinct())
    ids = sorted(ids)
    breaks = []
    for start in range(0, len(ids), _HANDOVERS_PER_ROUND):
        chunk = ids[start:start + _HANDOVERS_PER_ROUND]
        records = [_record(h) for h in Handover.objects.filter(pk__in=chunk).select_related("from_node", "to_node")]
        by_pk = dict(Handover.objects.filter(pk__in=chunk).values_list("pk", "client_id"))
        events = {}
        rows = Event.objects.filter(handover_id__in=chunk).values_list("handover_id", "item__code", "seq", "canonical")
        for handover_id, code, seq, text in rows.iterator(chunk_size=_CHUNK):
            try:
                event = json.loads(text)
            except ValueError:
                event = {}
            events.setdefault(by_pk[handover_id], []).append((code, seq, event))
        breaks += core.summary_breaks({}, (), records, events, skip)
    return breaks
