"""Ballot-box custody chain: canonical events, per-item hash chains, Merkle checkpoints.

Every custody item (a ballot box, a sealed result envelope) has its own chain of
events, numbered 1, 2, 3, ... Events are appended, never edited; a mistake is
fixed by a later event whose ``corrects`` names the seq it corrects.

Rules an outside verifier needs (``standalone_verify.py`` re-implements them with
the standard library only):

Canonical encoding (``canonical_bytes``)
    JSON as written by Python's ``json.dumps(value, sort_keys=True,
    separators=(",", ":"), ensure_ascii=False, allow_nan=False)``, encoded as
    UTF-8: object keys sorted by code point (which is UTF-8 byte order), no
    whitespace, non-ASCII characters written as themselves; inside strings only
    ``"`` ``\\`` and U+0000..U+001F are escaped (``\\n \\r \\t \\b \\f``, the rest as
    ``\\u00xx`` in lowercase hex). Keys must be strings. Integers in decimal;
    floats as Python's shortest round-trip ``repr`` (avoid them when a
    non-Python verifier must re-encode); NaN and infinities are rejected. No
    Unicode normalisation.

Event schema (``validate_event``)
    Exactly the keys of ``EVENT_FIELDS``, all present (a missing key and a null
    would otherwise be two encodings of one event): ``item_id`` non-empty str,
    ``seq`` int >= 1, ``kind`` non-empty str, ``at`` UTC time
    ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``, ``node``/``giver``/``receiver``/
    ``condition`` str or null, ``seals`` list of str, ``corrects`` null or an
    int in 1..seq-1, ``payload`` an object. Everything else goes in ``payload``.

Chain link
    ``hash = sha256(bytes.fromhex(prev_hash) + canonical_bytes(event))`` in
    lowercase hex; the first event of an item has ``prev_hash`` = 64 zeros.

Merkle root of chain heads (``merkle_root``)
    Leaf per item: ``sha256(item_id UTF-8 + b"\\x00" + bytes.fromhex(head_hash))``,
    leaves ordered by item_id. Each level hashes adjacent pairs
    ``sha256(left + right)``; an odd last node is promoted unchanged to the next
    level (never duplicated, so [a, b, c] and [a, b, c, c] differ). One leaf: the
    root is that leaf. No items: the root is 64 zeros.

Checkpoint
    Body ``{"advanced", "at", "event_count", "item_count",
    "prev_checkpoint_hash", "root", "seq"}`` hashed as
    ``sha256(canonical_bytes(body))``; seq starts at 1, the first
    ``prev_checkpoint_hash`` is 64 zeros. ``advanced`` maps every item whose head
    moved since the previous checkpoint to its new head seq, so the heads a
    checkpoint covers are the running union of ``advanced`` over checkpoints
    1..k. This is exact whatever the field clocks said (an ``at`` cut-off would
    misplace late-synced offline events) and costs storage proportional to the
    events, not items x checkpoints. ``item_count`` = number of heads,
    ``event_count`` = sum of head seqs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

GENESIS = "0" * 64
EVENT_FIELDS = (
    "at", "condition", "corrects", "giver", "item_id", "kind",
    "node", "payload", "receiver", "seals", "seq",
)  # fmt: skip
CHECKPOINT_FIELDS = (
    "advanced", "at", "event_count", "item_count", "prev_checkpoint_hash", "root", "seq",
)  # fmt: skip
_AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_GENESIS_BYTES = bytes(32)

# Reason codes with their messages: (Indonesian, English).
EVENT_REASONS = {
    "seq_mismatch": (
        "Urutan terputus: peristiwa hilang, tersisip, atau tertukar",
        "Sequence broken: an event is missing, inserted or out of order",
    ),
    "prev_mismatch": (
        "Tautan ke peristiwa sebelumnya tidak cocok",
        "Link to the previous event does not match",
    ),
    "hash_mismatch": (
        "Isi peristiwa tidak cocok dengan hash tersimpan (diubah)",
        "Event content does not match its stored hash (edited)",
    ),
    "label_mismatch": (
        "Barang atau nomor urut catatan berbeda dengan isi peristiwa",
        "Item or seq of the record differs from the event content",
    ),
    "not_canonical": (
        "Teks peristiwa tidak dalam bentuk kanonik",
        "Event text is not in canonical form",
    ),
    "invalid_event": (
        "Isi peristiwa tidak sesuai skema",
        "Event content does not follow the schema",
    ),
    "after_checkpoint": (
        "Peristiwa tidak dicakup checkpoint bertanda tangan terakhir (ditambahkan di luar Siaga?)",
        "Event not covered by the last signed checkpoint (appended outside Siaga?)",
    ),
    # Found by the server only (siaga.custody.chain): its own tags and summary rows.
    "tag_mismatch": (
        "Peristiwa tidak bertanda server: tidak ditulis oleh Siaga",
        "Event lacks the server's tag: not written by Siaga",
    ),
    "stored_head": (
        "Kepala rantai tersimpan pada barang berbeda dengan peristiwa terakhir (ekor dipotong atau ditambah)",
        "The item's stored chain head differs from its last event (tail cut off or added)",
    ),
    "node_mismatch": (
        "Lokasi barang berbeda dengan simpul pada peristiwa terakhirnya (dipindah tanpa peristiwa)",
        "The item's location differs from the node of its last event (moved without an event)",
    ),
    "handover_mismatch": (
        "Data serah terima berbeda dengan yang tercatat di rantai (penerima, tanda tangan, atau barang diubah)",
        "Handover record differs from what the chain recorded (receiver, signature or items edited)",
    ),
}
CHECKPOINT_REASONS = {
    "hash_mismatch": (
        "Isi checkpoint tidak cocok dengan hash tersimpan",
        "Checkpoint content does not match its stored hash",
    ),
    "seq_mismatch": ("Nomor checkpoint tidak berurutan", "Checkpoint numbers are not consecutive"),
    "prev_mismatch": (
        "Tautan ke checkpoint sebelumnya tidak cocok",
        "Link to the previous checkpoint does not match",
    ),
    "head_regressed": ("Kepala rantai mundur", "A chain head moved backwards"),
    "count_mismatch": (
        "Jumlah barang atau peristiwa tidak cocok",
        "Item or event count does not match",
    ),
    "head_missing": (
        "Peristiwa kepala rantai tidak ada dalam catatan",
        "The chain-head event is not in the records",
    ),
    "root_mismatch": (
        "Akar Merkle tidak cocok dengan kepala rantai",
        "Merkle root does not match the chain heads",
    ),
    "signature_missing": (
        "Checkpoint terakhir tidak bertanda tangan server",
        "The last checkpoint carries no server signature",
    ),
    "signature_invalid": (
        "Tanda tangan checkpoint tidak sah untuk kunci publik ini (checkpoint dihitung ulang?)",
        "Checkpoint signature is not valid for this public key (checkpoint recomputed?)",
    ),
    "published_root_mismatch": (
        "Akar yang dipublikasikan tidak cocok dengan checkpoint ini",
        "The published root does not match this checkpoint",
    ),
    "key_mismatch": (
        "Kunci publik dalam bundel berbeda dengan kunci yang diberikan",
        "The public key in the bundle differs from the key given",
    ),
}


class CustodyError(ValueError):
    """An event or checkpoint that cannot enter the chain."""


def canonical_bytes(value: dict[str, Any]) -> bytes:
    """The canonical JSON encoding of an event or checkpoint body (rule in the module doc)."""
    if not isinstance(value, dict):
        raise CustodyError("a custody record is a JSON object")
    _check_json(value)
    try:
        return _encode(value)
    except ValueError as exc:  # NaN/inf, lone surrogates
        raise CustodyError(str(exc)) from exc


def _encode(value: Any) -> bytes:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


_SCALARS = (str, int, float, type(None))  # bool is an int


def _check_json(value: Any) -> None:
    # Only types json.dumps writes one way; it would silently turn int keys into strings.
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CustodyError(f"object key {key!r} is not a string")
            if not isinstance(item, _SCALARS):
                _check_json(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            if not isinstance(item, _SCALARS):
                _check_json(item)
    elif not isinstance(value, _SCALARS):
        raise CustodyError(f"{type(value).__name__} is not a JSON value")


def validate_event(event: Mapping[str, Any]) -> None:
    """Raise CustodyError unless ``event`` follows the event schema (module doc)."""
    keys = set(event)
    if keys != set(EVENT_FIELDS):
        missing, unknown = sorted(set(EVENT_FIELDS) - keys), sorted(keys - set(EVENT_FIELDS))
        raise CustodyError(f"event fields: missing {missing}, unknown {unknown}")
    seq = event["seq"]
    if not _is_int(seq) or seq < 1:
        raise CustodyError("seq must be an integer >= 1")
    for name in ("item_id", "kind"):
        if not isinstance(event[name], str) or not event[name]:
            raise CustodyError(f"{name} must be a non-empty string")
    if not _is_utc_time(event["at"]):
        raise CustodyError("at must be a UTC time YYYY-MM-DDTHH:MM:SS[.ffffff]Z")
    for name in ("node", "giver", "receiver", "condition"):
        if event[name] is not None and not isinstance(event[name], str):
            raise CustodyError(f"{name} must be a string or null")
    seals = event["seals"]
    if not isinstance(seals, (list, tuple)) or not all(isinstance(s, str) for s in seals):
        raise CustodyError("seals must be a list of strings")
    corrects = event["corrects"]
    if corrects is not None and not (_is_int(corrects) and 1 <= corrects < seq):
        raise CustodyError("corrects must be null or the seq of an earlier event")
    if not isinstance(event["payload"], dict):
        raise CustodyError("payload must be an object")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_utc_time(value: Any) -> bool:
    if not isinstance(value, str) or not _AT.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value[:19])  # the regex fixed the shape; this checks ranges
    except ValueError:
        return False
    return True


def make_event(
    item_id: str,
    seq: int,
    kind: str,
    at: str,
    *,
    node: str | None = None,
    giver: str | None = None,
    receiver: str | None = None,
    seals: Sequence[str] = (),
    condition: str | None = None,
    corrects: int | None = None,
    payload: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An event dict with every schema field present, validated."""
    event = {
        "item_id": item_id, "seq": seq, "kind": kind, "at": at, "node": node,
        "giver": giver, "receiver": receiver, "seals": list(seals),
        "condition": condition, "corrects": corrects, "payload": dict(payload or {}),
    }  # fmt: skip
    validate_event(event)
    return event


def _link(prev_hash: str, data: bytes) -> str:
    if not isinstance(prev_hash, str) or not _HEX64.fullmatch(prev_hash):
        raise CustodyError("prev_hash must be 64 lowercase hex digits")
    return hashlib.sha256(bytes.fromhex(prev_hash) + data).hexdigest()


def event_hash(prev_hash: str, event: dict[str, Any]) -> str:
    """sha256(prev hash bytes + canonical bytes of the event), lowercase hex."""
    return _link(prev_hash, canonical_bytes(event))


class StoredEvent(NamedTuple):
    """One stored link: the canonical event text exactly as hashed, plus its labels.

    Keeping the canonical bytes (not a re-encodable dict) is what lets
    verification hash straight from storage, and keeps the record byte-exact.
    A tuple, because verification unpacks millions of them.
    """

    item_id: str
    seq: int
    prev_hash: str
    hash: str
    canonical: bytes

    def event(self) -> dict[str, Any]:
        return json.loads(self.canonical)


def store_event(prev_hash: str, event: dict[str, Any]) -> StoredEvent:
    """Validate and encode ``event`` and link it after ``prev_hash``."""
    validate_event(event)
    data = canonical_bytes(event)
    return StoredEvent(event["item_id"], event["seq"], prev_hash, _link(prev_hash, data), data)


def chain_append(prev_hash: str, event: dict[str, Any]) -> str:
    """The hash of ``event`` appended after ``prev_hash`` (validated)."""
    return store_event(prev_hash, event).hash


def merkle_root(heads: Mapping[str, str]) -> str:
    """Merkle root over item -> head hash (rule in the module doc)."""
    sha = hashlib.sha256
    level = [
        sha(item.encode("utf-8") + b"\x00" + bytes.fromhex(head)).digest()
        for item, head in sorted(heads.items())
    ]
    if not level:
        return GENESIS
    while len(level) > 1:
        paired = [sha(level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


@dataclass(frozen=True)
class Checkpoint:
    """A chained commitment to every chain head at one moment (module doc)."""

    seq: int
    at: str
    root: str
    item_count: int
    event_count: int
    prev_checkpoint_hash: str
    advanced: Mapping[str, int] = field(default_factory=dict)
    hash: str = ""
    signature: str = ""  # Ed25519 over the hash (siaga.core.custody_sign); not part of the body

    def body(self) -> dict[str, Any]:
        return {
            "advanced": dict(self.advanced), "at": self.at, "event_count": self.event_count,
            "item_count": self.item_count, "prev_checkpoint_hash": self.prev_checkpoint_hash,
            "root": self.root, "seq": self.seq,
        }  # fmt: skip


def checkpoint_hash(checkpoint: Checkpoint) -> str:
    return hashlib.sha256(canonical_bytes(checkpoint.body())).hexdigest()


def make_checkpoint(
    prev: Checkpoint | None,
    at: str,
    heads: Mapping[str, tuple[int, str]],
    advanced: Mapping[str, int],
) -> Checkpoint:
    """The checkpoint after ``prev`` over ``heads`` (item -> (head seq, head hash)).

    ``advanced`` names every item whose head moved since ``prev`` with its new seq.
    """
    if not _is_utc_time(at):
        raise CustodyError("at must be a UTC time YYYY-MM-DDTHH:MM:SS[.ffffff]Z")
    for item, seq in advanced.items():
        if item not in heads or heads[item][0] != seq:
            raise CustodyError(f"advanced head {item}@{seq} is not the current head")
    draft = Checkpoint(
        seq=prev.seq + 1 if prev else 1,
        at=at,
        root=merkle_root({item: head for item, (_, head) in heads.items()}),
        item_count=len(heads),
        event_count=sum(seq for seq, _ in heads.values()),
        prev_checkpoint_hash=prev.hash if prev else GENESIS,
        advanced=dict(sorted(advanced.items())),
    )
    return replace(draft, hash=checkpoint_hash(draft))


class CustodyLog:
    """An in-memory custody log: appends events to chains and takes checkpoints."""

    def __init__(self) -> None:
        self.events: list[StoredEvent] = []
        self.checkpoints: list[Checkpoint] = []
        self.heads: dict[str, tuple[int, str]] = {}
        self._advanced: dict[str, int] = {}

    def next_seq(self, item_id: str) -> int:
        return self.heads.get(item_id, (0, GENESIS))[0] + 1

    def append(self, event: Mapping[str, Any]) -> StoredEvent:
        seq, prev = self.heads.get(event["item_id"], (0, GENESIS))
        if event["seq"] != seq + 1:
            raise CustodyError(f"{event['item_id']}: next seq is {seq + 1}, not {event['seq']}")
        stored = store_event(prev, event)
        self.events.append(stored)
        self.heads[stored.item_id] = (stored.seq, stored.hash)
        self._advanced[stored.item_id] = stored.seq
        return stored

    def checkpoint(self, at: str) -> Checkpoint:
        prev = self.checkpoints[-1] if self.checkpoints else None
        cp = make_checkpoint(prev, at, self.heads, self._advanced)
        self.checkpoints.append(cp)
        self._advanced = {}
        return cp


@dataclass(frozen=True)
class Break:
    """The first broken link of one item's chain.

    ``seq`` is where the chain fails: events 1..seq-1 verified, the record that
    should be event ``seq`` did not. ``record_seq`` is the seq the offending
    record claims (differs from ``seq`` for a gap or a reordering).
    """

    item_id: str
    seq: int
    reason: str
    record_seq: int

    def message(self, lang: str = "id") -> str:
        return EVENT_REASONS[self.reason][0 if lang == "id" else 1]


@dataclass(frozen=True)
class CheckpointBreak:
    """The first failed check of one checkpoint (position ``checkpoint_seq``, 1-based)."""

    checkpoint_seq: int
    reason: str
    item_id: str | None = None
    seq: int | None = None
    detail: str | None = None  # e.g. the published root that did not match

    def message(self, lang: str = "id") -> str:
        return CHECKPOINT_REASONS[self.reason][0 if lang == "id" else 1]


@dataclass
class VerifyReport:
    items: int
    events: int
    broken: list[Break]
    checkpoints: int = 0
    checkpoint_breaks: list[CheckpointBreak] = field(default_factory=list)
    key: str | None = None  # the public key the signatures were checked with; None: not checked

    @property
    def ok(self) -> bool:
        return not self.broken and not self.checkpoint_breaks

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe form; ``standalone_verify.py --json`` prints the same."""
        return {
            "ok": self.ok,
            "items": self.items,
            "events": self.events,
            "checkpoints": self.checkpoints,
            "key": self.key,
            "broken": [
                {"item": b.item_id, "seq": b.seq, "reason": b.reason, "record_seq": b.record_seq}
                for b in self.broken
            ],
            "checkpoint_breaks": [
                {"checkpoint": c.checkpoint_seq, "reason": c.reason, "item": c.item_id, "seq": c.seq,
                 "detail": c.detail}
                for c in self.checkpoint_breaks
            ],
        }


def verify(
    events: Iterable[StoredEvent],
    checkpoints: Sequence[Checkpoint] = (),
    *,
    deep: bool = False,
    public_key: str | None = None,
    published: Sequence[tuple[int | None, str]] = (),
    covered: bool = False,
) -> VerifyReport:
    """Verify every chain and every checkpoint in one streaming pass over ``events``.

    ``events`` may interleave items but must list each item's events in seq
    order (append order); a record out of place is a break. Per record, in this
    order: seq is the next one, prev is the previous event's hash, the hash
    matches sha256(prev + stored bytes), the record's item/seq are the ones in
    the text. That last check is made on seq-1 records only: every seq-1 record
    has the same prev (zeros), so only the text tells whose it is, while a later
    record placed in the wrong chain or position already fails its prev link
    unless its hash was recomputed, and whoever recomputes hashes can forge
    matching labels too (that is the checkpoints' job). ``deep=True`` checks
    the labels of every record, parses every text and requires canonical form
    and schema (several times slower; the standalone verifier always does
    this). Only the first break per item is reported.

    What chains alone cannot see: the last events of an item cut off, or a whole
    item removed or rewritten. Checkpoints cover those up to the last
    checkpoint; a checkpoint recomputed over rewritten chains is caught by its
    signature. With ``public_key`` (hex) every signature present must verify and
    the last checkpoint must be signed (earlier unsigned ones are committed to
    by the signed one's ``prev_checkpoint_hash``). ``published`` lists roots
    published outside as (checkpoint seq or None for "any checkpoint", root).
    ``covered=True`` requires every event to lie within the last checkpoint's
    heads (a bundle exported by Siaga ends with a checkpoint over everything):
    the first uncovered event of an item is an ``after_checkpoint`` break.
    """
    wanted: dict[str, set[int]] = {}
    for cp in checkpoints:
        for item, seq in cp.advanced.items():
            wanted.setdefault(item, set()).add(seq)
    found: dict[tuple[str, int], str] = {}
    state: dict[str, tuple[int, str, bytes] | None] = {}  # next seq, last hash hex and bytes; None once broken
    broken: list[Break] = []
    count = 0
    sha = hashlib.sha256
    fresh = (1, GENESIS, _GENESIS_BYTES)
    # A run of consecutive records of one item is checked in an inner loop with the chain state in locals
    # (records usually come grouped by item; an interleaved stream just makes shorter runs).
    for item, records in groupby(events, itemgetter(0)):
        seqs = wanted.get(item)
        current = state.get(item, fresh)
        if current is not None:
            expected, last, last_bytes = current
            for _, seq, prev, stored, data in records:
                count += 1
                if seqs is not None and seq in seqs and (item, seq) not in found:
                    found[item, seq] = stored
                if seq != expected:
                    reason = "seq_mismatch"
                elif prev != last:
                    reason = "prev_mismatch"
                elif (digest := sha(last_bytes + data).digest()).hex() != stored:
                    reason = "hash_mismatch"
                elif (seq == 1 or deep) and not _labels_match(data, item, seq):
                    reason = "label_mismatch"
                elif deep and (reason := _deep_reason(data)):
                    pass
                else:
                    expected, last, last_bytes = seq + 1, stored, digest
                    continue
                broken.append(Break(item, expected, reason, seq))  # only the first break per item
                state[item] = None
                break
            else:
                state[item] = (expected, last, last_bytes)
                continue
        for _, seq, _prev, stored, _data in records:  # after a break: counted, heads noted, not checked
            count += 1
            if seqs is not None and seq in seqs and (item, seq) not in found:
                found[item, seq] = stored
    if covered:
        heads = covered_heads(checkpoints)
        for item, current in state.items():
            if current is not None and current[0] - 1 > heads.get(item, 0):
                first = heads.get(item, 0) + 1
                broken.append(Break(item, first, "after_checkpoint", first))
    breaks = _check_checkpoints(checkpoints, found)
    if public_key is not None:
        breaks = _check_signatures(checkpoints, public_key, breaks)
    return VerifyReport(
        items=len(state),
        events=count,
        broken=broken,
        checkpoints=len(checkpoints),
        checkpoint_breaks=breaks + _check_published(checkpoints, published),
        key=public_key,
    )


def merge_breaks(report: VerifyReport, extra: Iterable[Break]) -> None:
    """Add ``extra`` to the report keeping one break per item: the earliest seq (the first one on a tie)."""
    position = {b.item_id: n for n, b in enumerate(report.broken)}
    for b in extra:
        n = position.get(b.item_id)
        if n is None:
            position[b.item_id] = len(report.broken)
            report.broken.append(b)
        elif b.seq < report.broken[n].seq:
            report.broken[n] = b


def summary_breaks(
    last: Mapping[str, tuple[int, str, Any]],
    items: Iterable[tuple[str, int, str, Any]],
    handovers: Iterable[tuple[str, Sequence[str], Mapping[str, Any]]],
    handover_events: Mapping[str, Sequence[tuple[str, int, Mapping[str, Any]]]],
    skip: Set[str] = frozenset(),
) -> list[Break]:
    """Summary records that disagree with the chains (the rules ``standalone_verify.py`` repeats).

    ``last``: item -> (seq, hash, node) of its last event. ``items``: (item, head seq, head hash, node) as
    the summary stores them: a head that is not the last event is ``stored_head`` at the first seq where
    they part; a node that is not the last event's is ``node_mismatch``. ``handovers``: (handover id,
    items received, fields) where fields are what each of its events must say; ``handover_events``:
    handover id -> (item, seq, event) for every event naming it. A handover whose events name other items
    or say other things is ``handover_mismatch`` at its first event (by item). Items in ``skip`` or with a
    finding above (their chain is already broken, and reported there) are left out of that comparison.
    """
    breaks = []
    for item, seq, head, node in items:
        found_seq, found_hash, found_node = last.get(item, (0, "", None))
        if (seq, head) != (found_seq, found_hash):
            at = min(seq, found_seq) + 1 if seq != found_seq else seq
            breaks.append(Break(item, at, "stored_head", at))
        elif node != found_node:
            breaks.append(Break(item, seq, "node_mismatch", seq))
    skip = set(skip) | {b.item_id for b in breaks}
    listed = set()
    for handover, received, fields in handovers:
        listed.add(handover)
        events = sorted((e for e in handover_events.get(handover, ()) if e[0] not in skip), key=itemgetter(0, 1))
        at = _handover_disagreement(events, [item for item in received if item not in skip], fields)
        if at is not None:
            breaks.append(Break(*at, "handover_mismatch", at[1]))
    for handover in sorted(set(handover_events) - listed):  # events naming a handover with no record
        named = [e for e in handover_events[handover] if e[0] not in skip]
        if named:
            item, seq, _ = min(named, key=itemgetter(0, 1))
            breaks.append(Break(item, seq, "handover_mismatch", seq))
    return breaks


def _handover_disagreement(events, received, fields) -> tuple[str, int] | None:
    """Where a handover's events and record part: an event of an item not received (or a second one of an
    item), else (a received item without an event) its first event, else the first event saying something else; None when they agree."""
    taken, seen = set(received), set()
    for item, seq, _ in events:
        if item not in taken or item in seen:
            return item, seq
        seen.add(item)
    if seen != taken:
        return events[0][:2] if events else (sorted(taken)[0], 0)
    for item, seq, event in events:
        if any(event.get(name) != value for name, value in fields.items()):
            return item, seq
    return None


def covered_heads(checkpoints: Sequence[Checkpoint]) -> dict[str, int]:
    """item -> head seq covered by the last checkpoint (the union of ``advanced``)."""
    heads: dict[str, int] = {}
    for cp in checkpoints:
        heads.update(cp.advanced)
    return heads


def _check_signatures(
    checkpoints: Sequence[Checkpoint], public_key: str, breaks: list[CheckpointBreak]
) -> list[CheckpointBreak]:
    """A bad signature replaces a checkpoint's other finding (it says more: the checkpoint was recomputed)."""
    from siaga.core.custody_sign import signature_ok

    by_position = {b.checkpoint_seq: b for b in breaks}
    for position, cp in enumerate(checkpoints, start=1):
        if cp.signature and not signature_ok(public_key, cp.hash, cp.signature):
            by_position[position] = CheckpointBreak(position, "signature_invalid")
        elif not cp.signature and position == len(checkpoints) and position not in by_position:
            by_position[position] = CheckpointBreak(position, "signature_missing")
    return [by_position[k] for k in sorted(by_position)]


def _check_published(
    checkpoints: Sequence[Checkpoint], published: Sequence[tuple[int | None, str]]
) -> list[CheckpointBreak]:
    breaks = []
    for seq, root in published:
        if seq is None:
            if not any(cp.root == root for cp in checkpoints):
                breaks.append(CheckpointBreak(0, "published_root_mismatch", detail=root))
        elif not (1 <= seq <= len(checkpoints)) or checkpoints[seq - 1].root != root:
            breaks.append(CheckpointBreak(seq, "published_root_mismatch", detail=root))
    return breaks


def parse_published(text: str) -> tuple[int | None, str]:
    """``ROOT`` or ``SEQ:ROOT`` as given to ``--root``; raises CustodyError when malformed."""
    seq_text, _, root = text.strip().lower().rpartition(":")
    if not _HEX64.fullmatch(root) or (seq_text and not seq_text.isdigit()):
        raise CustodyError(f"{text!r}: expected ROOT or SEQ:ROOT (64 hex digits)")
    return (int(seq_text) if seq_text else None), root


def _labels_match(data: bytes, item: str, seq: int) -> bool:
    """The text's top-level item_id and seq, read from the bytes: in schema-valid
    canonical text the first ',"item_id":' is the top-level one (only scalars
    sort before it) and seq is the last key."""
    if item.isascii() and item.isprintable() and '"' not in item and "\\" not in item:
        quoted = b'"' + item.encode() + b'"'  # what json.dumps writes for such a string, without its cost
    else:
        quoted = json.dumps(item, ensure_ascii=False).encode()
    label = b',"item_id":' + quoted + b',"kind":'
    return data.startswith(label, data.find(b',"item_id":')) and data.endswith(b',"seq":%d}' % seq)


def _deep_reason(data: bytes) -> str | None:
    try:
        value = json.loads(data.decode("utf-8"))  # only JSON types, so no _check_json
        if not isinstance(value, dict) or _encode(value) != data:
            return "not_canonical"
    except (ValueError, RecursionError):  # bad UTF-8, JSON, NaN
        return "not_canonical"
    try:
        validate_event(value)
    except CustodyError:
        return "invalid_event"
    return None


def _check_checkpoints(
    checkpoints: Sequence[Checkpoint], found: Mapping[tuple[str, int], str]
) -> list[CheckpointBreak]:
    """First failed check per checkpoint, in the order the checks are listed below."""
    breaks: list[CheckpointBreak] = []
    heads: dict[str, int] = {}
    prev_hash = GENESIS
    for position, cp in enumerate(checkpoints, start=1):
        problem = _checkpoint_problem(position, cp, prev_hash, heads, found)
        if problem:
            breaks.append(CheckpointBreak(position, *problem))
        prev_hash = cp.hash
    return breaks


def _checkpoint_problem(
    position: int,
    cp: Checkpoint,
    prev_hash: str,
    heads: dict[str, int],
    found: Mapping[tuple[str, int], str],
) -> tuple[str, str | None, int | None] | None:
    """Check one checkpoint and advance ``heads``; the first problem as (reason, item, seq)."""
    regressed = None
    for item, seq in sorted(cp.advanced.items()):
        if regressed is None and heads.get(item, 0) >= seq:
            regressed = ("head_regressed", item, seq)
        heads[item] = seq
    if checkpoint_hash(cp) != cp.hash:
        return ("hash_mismatch", None, None)
    if cp.seq != position:
        return ("seq_mismatch", None, None)
    if cp.prev_checkpoint_hash != prev_hash:
        return ("prev_mismatch", None, None)
    if regressed:
        return regressed
    if cp.item_count != len(heads) or cp.event_count != sum(heads.values()):
        return ("count_mismatch", None, None)
    head_hashes = {}
    for item in sorted(heads):
        head = found.get((item, heads[item]))
        if head is None:
            return ("head_missing", item, heads[item])
        head_hashes[item] = head
    # A garbled stored hash cannot be a leaf; the chain check names that event.
    if not all(_HEX64.fullmatch(h) for h in head_hashes.values()):
        return ("root_mismatch", None, None)
    if merkle_root(head_hashes) != cp.root:
        return ("root_mismatch", None, None)
    return None


def verify_chains(events: Iterable[StoredEvent], *, deep: bool = False) -> VerifyReport:
    """Verify the chains only (see ``verify``)."""
    return verify(events, deep=deep)


def verify_checkpoints(
    checkpoints: Sequence[Checkpoint], events: Iterable[StoredEvent]
) -> list[CheckpointBreak]:
    """Recompute each checkpoint from the chain heads it covers; its failures."""
    return verify(events, checkpoints).checkpoint_breaks
