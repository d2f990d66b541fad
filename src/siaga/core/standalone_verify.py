#!/usr/bin/env python3
"""Verify a Siaga ballot-box custody bundle with nothing but Python 3.11+.

    python standalone_verify.py BUNDLE_DIR [--json] [--lang id|en]

Exit code: 0 every chain and checkpoint verifies, 1 something is broken (the
first broken link of each item is reported with its item and event seq),
2 the bundle cannot be read.

This file deliberately imports nothing from Siaga so it can be copied next to a
bundle and read on its own. The rules it checks:

- events.jsonl: one JSON object per line {"item", "seq", "prev", "hash", "event"};
  "event" is the canonical event text. checkpoints.jsonl: {"hash", "checkpoint"}.
- Canonical text: json.dumps(value, sort_keys=True, separators=(",", ":"),
  ensure_ascii=False, allow_nan=False) encoded as UTF-8.
- Event: exactly the keys at, condition, corrects, giver, item_id, kind, node,
  payload, receiver, seals, seq (types in valid_event below).
- Link: hash = sha256(bytes.fromhex(prev) + event text bytes), lowercase hex;
  an item's first event (seq 1) has prev = 64 zeros; seqs go 1, 2, 3, ... in
  file order for each item (items may interleave).
- Merkle root of heads: leaf = sha256(item UTF-8 + 0x00 + head hash bytes),
  leaves sorted by item; pairs hashed as sha256(left + right), an odd last node
  promoted unchanged; no items gives 64 zeros.
- Checkpoint k: hash = sha256(canonical text of its body); seq = k; its
  prev_checkpoint_hash is the stored hash of checkpoint k-1 (64 zeros for k=1);
  "advanced" gives each item's new head seq since k-1; the heads it covers are
  the union of "advanced" over 1..k; item_count and event_count are their
  number and seq sum; root is their Merkle root, taking the hash of the first
  record of (item, seq) in file order.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from datetime import datetime

GENESIS = "0" * 64
EVENT_FIELDS = {
    "at", "condition", "corrects", "giver", "item_id", "kind",
    "node", "payload", "receiver", "seals", "seq",
}  # fmt: skip
CHECKPOINT_FIELDS = {
    "advanced", "at", "event_count", "item_count", "prev_checkpoint_hash", "root", "seq",
}  # fmt: skip
AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z")
HEX64 = re.compile(r"[0-9a-f]{64}")

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
    "invalid_event": ("Isi peristiwa tidak sesuai skema", "Event content does not follow the schema"),
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
    "count_mismatch": ("Jumlah barang atau peristiwa tidak cocok", "Item or event count does not match"),
    "head_missing": (
        "Peristiwa kepala rantai tidak ada dalam catatan",
        "The chain-head event is not in the records",
    ),
    "root_mismatch": (
        "Akar Merkle tidak cocok dengan kepala rantai",
        "Merkle root does not match the chain heads",
    ),
}


class Unreadable(Exception):
    """The bundle cannot be read (exit code 2)."""


def canonical(value):
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_str(value):
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_utc_time(value):
    if not isinstance(value, str) or not AT.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value[:19])
    except ValueError:
        return False
    return True


def valid_event(ev):
    if set(ev) != EVENT_FIELDS or not is_int(ev["seq"]) or ev["seq"] < 1:
        return False
    if not all(isinstance(ev[k], str) and ev[k] for k in ("item_id", "kind")):
        return False
    if not is_utc_time(ev["at"]):
        return False
    if not all(ev[k] is None or isinstance(ev[k], str) for k in ("node", "giver", "receiver", "condition")):
        return False
    if not isinstance(ev["seals"], list) or not all(isinstance(s, str) for s in ev["seals"]):
        return False
    corrects = ev["corrects"]
    if corrects is not None and not (is_int(corrects) and 1 <= corrects < ev["seq"]):
        return False
    return isinstance(ev["payload"], dict)


def deep_reason(data):
    """Re-read the event text: canonical form, then schema."""
    try:
        value = json.loads(data.decode("utf-8"))
        if not isinstance(value, dict) or canonical(value) != data:
            return "not_canonical"
    except (ValueError, RecursionError):
        return "not_canonical"
    return None if valid_event(value) else "invalid_event"


def records(path, keys):
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise Unreadable(f"{path}: {exc.strerror}") from None
    with fh:
        for number, raw in enumerate(fh, start=1):
            where = f"{path.rsplit('/', 1)[-1]}:{number}"
            try:
                rec = json.loads(raw.decode("utf-8"))
            except ValueError:
                raise Unreadable(f"{where}: not a UTF-8 JSON line") from None
            if not isinstance(rec, dict) or set(rec) != keys:
                raise Unreadable(f"{where}: expected the keys {sorted(keys)}")
            yield where, rec


def read_checkpoints(directory):
    out = []
    for where, rec in records(f"{directory}/checkpoints.jsonl", {"hash", "checkpoint"}):
        if not (is_str(rec["hash"]) and is_str(rec["checkpoint"])):
            raise Unreadable(f"{where}: a field has the wrong type")
        try:
            body = json.loads(rec["checkpoint"])
        except ValueError:
            raise Unreadable(f"{where}: checkpoint text is not JSON") from None
        if not (
            isinstance(body, dict)
            and set(body) == CHECKPOINT_FIELDS
            and all(is_int(body[k]) for k in ("seq", "item_count", "event_count"))
            and all(is_str(body[k]) for k in ("at", "root", "prev_checkpoint_hash"))
            and isinstance(body["advanced"], dict)
            and all(is_str(k) and is_int(v) for k, v in body["advanced"].items())
        ):
            raise Unreadable(f"{where}: checkpoint fields are missing or of the wrong type")
        out.append((body, rec["hash"]))
    return out


def merkle_root(heads):
    level = [
        hashlib.sha256(item.encode("utf-8") + b"\x00" + bytes.fromhex(head)).digest()
        for item, head in sorted(heads.items())
    ]
    if not level:
        return GENESIS
    while len(level) > 1:
        nxt = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()


def verify_events(directory, wanted):
    """One pass over events.jsonl: first break per item, and the hashes of wanted heads."""
    state, broken, found, count = {}, [], {}, 0
    for where, rec in records(f"{directory}/events.jsonl", {"item", "seq", "prev", "hash", "event"}):
        item, seq, prev, stored, text = (rec[k] for k in ("item", "seq", "prev", "hash", "event"))
        if not (is_str(item) and is_int(seq) and is_str(prev) and is_str(stored) and is_str(text)):
            raise Unreadable(f"{where}: a field has the wrong type")
        count += 1
        if seq in wanted.get(item, ()) and (item, seq) not in found:
            found[(item, seq)] = stored
        if item in state and state[item] is None:
            continue
        expected, last = state.get(item) or (1, GENESIS)
        data = text.encode("utf-8")
        label = b',"item_id":' + json.dumps(item, ensure_ascii=False).encode("utf-8") + b',"kind":'
        if seq != expected:
            reason = "seq_mismatch"
        elif prev != last:
            reason = "prev_mismatch"
        elif hashlib.sha256(bytes.fromhex(last) + data).hexdigest() != stored:
            reason = "hash_mismatch"
        elif not data.startswith(label, data.find(b',"item_id":')) or not data.endswith(
            b',"seq":%d}' % seq
        ):
            reason = "label_mismatch"
        else:
            reason = deep_reason(data)
        if reason:
            broken.append({"item": item, "seq": expected, "reason": reason, "record_seq": seq})
            state[item] = None
        else:
            state[item] = (expected + 1, stored)
    return len(state), count, broken, found


def checkpoint_problem(position, body, stored, prev_hash, heads, found):
    regressed = None
    for item, seq in sorted(body["advanced"].items()):
        if regressed is None and heads.get(item, 0) >= seq:
            regressed = ("head_regressed", item, seq)
        heads[item] = seq
    if hashlib.sha256(canonical(body)).hexdigest() != stored:
        return ("hash_mismatch", None, None)
    if body["seq"] != position:
        return ("seq_mismatch", None, None)
    if body["prev_checkpoint_hash"] != prev_hash:
        return ("prev_mismatch", None, None)
    if regressed:
        return regressed
    if body["item_count"] != len(heads) or body["event_count"] != sum(heads.values()):
        return ("count_mismatch", None, None)
    head_hashes = {}
    for item in sorted(heads):
        head = found.get((item, heads[item]))
        if head is None:
            return ("head_missing", item, heads[item])
        head_hashes[item] = head
    if not all(HEX64.fullmatch(h) for h in head_hashes.values()):
        return ("root_mismatch", None, None)
    if merkle_root(head_hashes) != body["root"]:
        return ("root_mismatch", None, None)
    return None


def verify_bundle(directory):
    """The report as a dict (the same shape as siaga's VerifyReport.to_dict())."""
    checkpoints = read_checkpoints(directory)
    wanted = {}
    for body, _ in checkpoints:
        for item, seq in body["advanced"].items():
            wanted.setdefault(item, set()).add(seq)
    items, count, broken, found = verify_events(directory, wanted)
    breaks, heads, prev_hash = [], {}, GENESIS
    for position, (body, stored) in enumerate(checkpoints, start=1):
        problem = checkpoint_problem(position, body, stored, prev_hash, heads, found)
        if problem:
            reason, item, seq = problem
            breaks.append({"checkpoint": position, "reason": reason, "item": item, "seq": seq})
        prev_hash = stored
    return {
        "ok": not broken and not breaks,
        "items": items,
        "events": count,
        "checkpoints": len(checkpoints),
        "broken": broken,
        "checkpoint_breaks": breaks,
    }


def render(report, lang):
    en = lang == "en"
    pick = 1 if en else 0
    lines = [
        ("Items {items}, events {events}, checkpoints {checkpoints}" if en
         else "Barang {items}, peristiwa {events}, checkpoint {checkpoints}").format(**report),
    ]  # fmt: skip
    for b in report["broken"]:
        where = ("item {item}, event {seq}" if en else "barang {item}, peristiwa {seq}").format(**b)
        lines.append(f"  {where}: {EVENT_REASONS[b['reason']][pick]}")
    for c in report["checkpoint_breaks"]:
        where = "checkpoint {checkpoint}".format(**c)
        if c["item"] is not None:
            where += (", item {item}, event {seq}" if en else ", barang {item}, peristiwa {seq}").format(**c)
        lines.append(f"  {where}: {CHECKPOINT_REASONS[c['reason']][pick]}")
    if report["ok"]:
        lines.append("OK: all chains and checkpoints verify" if en else "BAIK: semua rantai dan checkpoint utuh")
    else:
        n = len(report["broken"]) + len(report["checkpoint_breaks"])
        lines.append(f"BROKEN: {n} problem(s) found" if en else f"RUSAK: {n} masalah ditemukan")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Verify a Siaga custody bundle.")
    parser.add_argument("bundle", help="bundle directory (events.jsonl, checkpoints.jsonl)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--lang", choices=("id", "en"), default="id")
    args = parser.parse_args(argv)
    try:
        report = verify_bundle(args.bundle)
    except Unreadable as exc:
        if args.json:
            print(json.dumps({"ok": False, "unreadable": str(exc)}, ensure_ascii=False))
        else:
            label = "UNREADABLE" if args.lang == "en" else "TIDAK TERBACA"
            print(f"{label}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False) if args.json else render(report, args.lang))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
