"""Custody bundle: chains and checkpoints as files that anyone can verify.

A bundle directory holds:

``events.jsonl``
    One line per stored event in append order:
    ``{"item": str, "seq": int, "prev": hex, "hash": hex, "event": str}`` where
    ``event`` is the canonical event text exactly as hashed.
``checkpoints.jsonl``
    One line per checkpoint in order: ``{"hash": hex, "checkpoint": str}`` where
    ``checkpoint`` is the canonical text of the checkpoint body.
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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from siaga.core.custody import (
    CHECKPOINT_FIELDS,
    Checkpoint,
    StoredEvent,
    VerifyReport,
    canonical_bytes,
    verify,
)

EVENTS_FILE = "events.jsonl"
CHECKPOINTS_FILE = "checkpoints.jsonl"
VERIFIER_FILE = "standalone_verify.py"
_EVENT_KEYS = {"item", "seq", "prev", "hash", "event"}
_CHECKPOINT_KEYS = {"hash", "checkpoint"}


class BundleError(ValueError):
    """A bundle that cannot be read, with the file and line at fault."""


def write_bundle(
    events: Iterable[StoredEvent], checkpoints: Iterable[Checkpoint], directory: str | Path
) -> Path:
    """Write a bundle (events, checkpoints and the standalone verifier) into ``directory``."""
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
            body = canonical_bytes(cp.body()).decode("utf-8")
            fh.write(_line({"hash": cp.hash, "checkpoint": body}))
    shutil.copyfile(Path(__file__).with_name(VERIFIER_FILE), out / VERIFIER_FILE)
    return out


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def read_events(directory: str | Path) -> Iterator[StoredEvent]:
    """Stream the stored events of a bundle; raises BundleError on an unreadable line."""
    for where, rec in _records(Path(directory) / EVENTS_FILE, _EVENT_KEYS):
        item, seq, prev, hash_, text = (rec[k] for k in ("item", "seq", "prev", "hash", "event"))
        if not (_is_str(item) and _is_int(seq) and _is_str(prev) and _is_str(hash_) and _is_str(text)):
            raise BundleError(f"{where}: a field has the wrong type")
        yield StoredEvent(item, seq, prev, hash_, text.encode("utf-8"))


def read_checkpoints(directory: str | Path) -> list[Checkpoint]:
    """All checkpoints of a bundle in file order; raises BundleError on an unreadable line."""
    checkpoints = []
    for where, rec in _records(Path(directory) / CHECKPOINTS_FILE, _CHECKPOINT_KEYS):
        hash_, text = rec["hash"], rec["checkpoint"]
        if not (_is_str(hash_) and _is_str(text)):
            raise BundleError(f"{where}: a field has the wrong type")
        try:
            body = json.loads(text)
        except ValueError:
            raise BundleError(f"{where}: checkpoint text is not JSON") from None
        if not _is_checkpoint_body(body):
            raise BundleError(f"{where}: checkpoint fields are missing or of the wrong type")
        checkpoints.append(Checkpoint(**body, hash=hash_))
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


def _records(path: Path, keys: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
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
            if not isinstance(rec, dict) or set(rec) != keys:
                raise BundleError(f"{where}: expected the keys {sorted(keys)}")
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


def verify_bundle(directory: str | Path, *, deep: bool = True) -> VerifyReport:
    """Verify a bundle as ``standalone_verify.py`` does (deep by default, as it is)."""
    return verify(read_events(directory), read_checkpoints(directory), deep=deep)
