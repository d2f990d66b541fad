"""Custody bundle: chains and checkpoints as files that anyone can verify.

A bundle directory holds:

``events.jsonl``
    One line per stored event in append order:
    ``{"item": str, "seq": int, "prev": hex, "hash": hex, "event": str}`` where
    ``event`` is the canonical event text exactly as hashed.
``checkpoints.jsonl``
    One line per checkpoint in order: ``{"hash": hex, "checkpoint": str}`` where
    ``checkpoint`` is the canonical text of the checkpoint body, plus
    ``"signature": hex`` when the server signed it (Ed25519, siaga.core.custody_sign).
``public_key.txt``
    The server's Ed25519 public key (64 hex digits) when the checkpoints are
    signed. A bundle with a key is strict: every event must be covered by the
    last checkpoint, which must be signed. Compare the key with the one the
    server publishes (``--key``), or a root published earlier (``--root``): an
    attacker who rewrites a bundle can also put in a key of their own.
``items.jsonl``
    The summary the server keeps per item, one line each:
    ``{"item": str, "seq": int, "hash": hex, "node": str | null}`` (its head and where it is).
``handovers.jsonl``
    One line per handover with events: ``{"handover": id, "received": [items], "fields": {...}}``
    where ``fields`` are what each of its events must say (custody.summary_breaks).
``standalone_verify.py``
    The standard-library verifier: ``python standalone_verify.py BUNDLE_DIR``.

Lines are UTF-8 JSON objects; only the ``event`` and ``checkpoint`` strings are
hashed, so the outer key order and spacing are free. A line that is not such an
object, or has a field of the wrong type, makes the bundle unreadable
(``BundleError``, exit code 2 in the standalone verifier); everything else is
judged by ``custody.verify``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from siaga.core.custody import (
    CHECKPOINT_FIELDS,
    Checkpoint,
    CheckpointBreak,
    StoredEvent,
    VerifyReport,
    canonical_bytes,
    merge_breaks,
    summary_breaks,
    verify,
)

EVENTS_FILE = "events.jsonl"
CHECKPOINTS_FILE = "checkpoints.jsonl"
VERIFIER_FILE = "standalone_verify.py"
KEY_FILE = "public_key.txt"
ITEMS_FILE = "items.jsonl"
HANDOVERS_FILE = "handovers.jsonl"
_EVENT_KEYS = {"item", "seq", "prev", "hash", "event"}
_CHECKPOINT_KEYS = ({"hash", "checkpoint"}, {"hash", "checkpoint", "signature"})


class BundleError(ValueError):
    """A bundle that cannot be read, with the file and line at fault."""


def write_bundle(
    events: Iterable[StoredEvent],
    checkpoints: Iterable[Checkpoint],
    directory: str | Path,
    public_key: str | None = None,
    items: Iterable[dict[str, Any]] = (),
    handovers: Iterable[dict[str, Any]] = (),
) -> Path:
    """Write a bundle (events, checkpoints, the public key if signed, the standalone verifier)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / EVENTS_FILE, "w", encoding="utf-8", newline="\n") as fh:
        for ev in events:
            record = {
                "item": ev.item_id, "seq": ev.seq, "prev": ev.prev_hash, "hash": ev.hash,
                "event": ev.canonical.decode("utf-8"),
            }  # fmt: skip
            fh.write(_line(record))
    with open(out / CHECKPOINTS_FILE, "w", encoding="utf-8", newline="\n") as fh:
        for cp in checkpoints:
            record = {"hash": cp.hash, "checkpoint": canonical_bytes(cp.body()).decode("utf-8")}
            if cp.signature:
                record["signature"] = cp.signature
            fh.write(_line(record))
    if public_key:
        (out / KEY_FILE).write_text(public_key + "\n", encoding="ascii")
    for name, rows in ((ITEMS_FILE, items), (HANDOVERS_FILE, handovers)):
        with open(out / name, "w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(_line(row) for row in rows)
    shutil.copyfile(Path(__file__).with_name(VERIFIER_FILE), out / VERIFIER_FILE)
    return out


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def read_events(directory: str | Path) -> Iterator[StoredEvent]:
    """Stream the stored events of a bundle; raises BundleError on an unreadable line."""
    for where, rec in _records(Path(directory) / EVENTS_FILE, (_EVENT_KEYS,)):
        item, seq, prev, hash_, text = (rec[k] for k in ("item", "seq", "prev", "hash", "event"))
        if not (_is_str(item) and _is_int(seq) and _is_str(prev) and _is_str(hash_) and _is_str(text)):
            raise BundleError(f"{where}: a field has the wrong type")
        yield StoredEvent(item, seq, prev, hash_, text.encode("utf-8"))


def read_checkpoints(directory: str | Path) -> list[Checkpoint]:
    """All checkpoints of a bundle in file order; raises BundleError on an unreadable line."""
    checkpoints = []
    for where, rec in _records(Path(directory) / CHECKPOINTS_FILE, _CHECKPOINT_KEYS):
        hash_, text, signature = rec["hash"], rec["checkpoint"], rec.get("signature", "")
        if not (_is_str(hash_) and _is_str(text) and _is_str(signature)):
            raise BundleError(f"{where}: a field has the wrong type")
        try:
            body = json.loads(text)
        except ValueError:
            raise BundleError(f"{where}: checkpoint text is not JSON") from None
        if not _is_checkpoint_body(body):
            raise BundleError(f"{where}: checkpoint fields are missing or of the wrong type")
        checkpoints.append(Checkpoint(**body, hash=hash_, signature=signature))
    return checkpoints


def _is_checkpoint_body(body: Any) -> bool:
    if not isinstance(body, dict) or set(body) != set(CHECKPOINT_FIELDS):
        return False
    ints = all(_is_int(body[k]) for k in ("seq", "item_count", "event_count"))
    strs = all(_is_str(body[k]) for k in ("at", "root", "prev_checkpoint_hash"))
    advanced = body["advanced"]
    heads = isinstance(advanced, dict) and all(
        _is_str(k) and _is_int(v) for k, v in advanced.items()
    )
    return ints and strs and heads


def _records(path: Path, keys: tuple[set[str], ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise BundleError(f"{path.name}: {exc.strerror}") from None
    with fh:
        for number, raw in enumerate(fh, start=1):
            where = f"{path.name}:{number}"
            try:
                rec = json.loads(raw.decode("utf-8"))
            except ValueError:
                raise BundleError(f"{where}: not a UTF-8 JSON line") from None
            if not isinstance(rec, dict) or set(rec) not in keys:
                raise BundleError(f"{where}: expected the keys {sorted(keys[-1])}")
            yield where, rec


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_str(value: Any) -> bool:
    """A string that UTF-8 can carry (JSON lets lone surrogates through)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _summary_breaks(directory: str | Path, skip: set[str]) -> list:
    """The items' and handovers' summaries against the events (when the bundle has them)."""
    base = Path(directory)
    items, handovers = base / ITEMS_FILE, base / HANDOVERS_FILE
    if not items.exists() and not handovers.exists():
        return []
    last, named = {}, {}
    for ev in read_events(directory):
        try:
            event = json.loads(ev.canonical)
        except ValueError:
            event = None
        if not isinstance(event, dict):
            event = {}
        last[ev.item_id] = (ev.seq, ev.hash, event.get("node"))
        payload = event.get("payload")
        if event.get("kind") == "handover" and isinstance(payload, dict) and _is_str(payload.get("handover")):
            named.setdefault(payload["handover"], []).append((ev.item_id, ev.seq, event))
    item_rows = []
    if items.exists():
        for where, rec in _records(items, ({"item", "seq", "hash", "node"},)):
            if not (_is_str(rec["item"]) and _is_int(rec["seq"]) and _is_str(rec["hash"])
                    and (rec["node"] is None or _is_str(rec["node"]))):
                raise BundleError(f"{where}: a field has the wrong type")
            item_rows.append((rec["item"], rec["seq"], rec["hash"], rec["node"]))
    handover_rows = []
    if handovers.exists():
        for where, rec in _records(handovers, ({"handover", "received", "fields"},)):
            received = rec["received"]
            if not (_is_str(rec["handover"]) and isinstance(received, list) and all(_is_str(r) for r in received)
                    and isinstance(rec["fields"], dict)):
                raise BundleError(f"{where}: a field has the wrong type")
            handover_rows.append((rec["handover"], received, rec["fields"]))
    return summary_breaks(last, item_rows, handover_rows, named, skip)


def read_public_key(directory: str | Path) -> str | None:
    """The bundle's public key, or None for an unsigned bundle; raises BundleError when malformed."""
    path = Path(directory) / KEY_FILE
    if not path.exists():
        return None
    text = path.read_bytes().strip()
    if len(text) != 64 or text.strip(b"0123456789abcdef"):
        raise BundleError(f"{KEY_FILE}: expected 64 lowercase hex digits")
    return text.decode("ascii")


def verify_bundle(
    directory: str | Path,
    *,
    deep: bool = True,
    key: str | None = None,
    published: Sequence[tuple[int | None, str]] = (),
) -> VerifyReport:
    """Verify a bundle as ``standalone_verify.py`` does (deep by default, as it is).

    ``key`` is the public key published by the server; without it the bundle's
    own key is used. With either, signatures and full coverage are required.
    """
    own = read_public_key(directory)
    use = key or own
    report = verify(read_events(directory), read_checkpoints(directory), deep=deep, public_key=use,
                    published=published, covered=use is not None)
    merge_breaks(report, _summary_breaks(directory, {b.item_id for b in report.broken}))
    if key and own and own != key:
        report.checkpoint_breaks.insert(0, CheckpointBreak(0, "key_mismatch", detail=own))
    return report
