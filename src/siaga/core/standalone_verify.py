#!/usr/bin/env python3
"""Verify a Siaga ballot-box custody bundle with nothing but Python 3.11+.

    python standalone_verify.py BUNDLE_DIR [--key HEX] [--root [SEQ:]ROOT ...] [--json] [--lang id|en]

Exit code: 0 every chain and checkpoint verifies, 1 something is broken (the
first broken link of each item is reported with its item and event seq),
2 the bundle cannot be read or an argument is malformed.

--key: the server's published Ed25519 public key. Without it the key in the
bundle (public_key.txt) is used, which proves nothing against someone who
rewrote the whole bundle with a key of their own: compare the printed key id
with the published one, or pass --key. --root: a checkpoint root published
earlier (SEQ:ROOT for checkpoint SEQ, ROOT alone for any checkpoint).

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
- Signatures (when the bundle has public_key.txt or --key is given): a
  checkpoint line may carry "signature", Ed25519 (RFC 8032) by the public key
  over b"siaga-custody-checkpoint-v1" + 0x00 + the checkpoint hash bytes; every
  signature present must verify, the last checkpoint must be signed, and every
  event must be covered by the last checkpoint's heads.
- items.jsonl {"item", "seq", "hash", "node"}: the server's summary of each item; its
  head must be the item's last event (else "stored_head" at the first seq where they
  part) and its node that event's node. handovers.jsonl {"handover", "received",
  "fields"}: every event whose payload names the handover (kind "handover") must
  carry each of "fields", and those events' items must be "received"; else
  "handover_mismatch" at the first such event (by item, then seq). Only the earliest
  finding per item is reported, and items whose chain is already broken are left
  out of the handover comparison.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
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
    "after_checkpoint": (
        "Peristiwa tidak dicakup checkpoint bertanda tangan terakhir (ditambahkan di luar Siaga?)",
        "Event not covered by the last signed checkpoint (appended outside Siaga?)",
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
    "count_mismatch": ("Jumlah barang atau peristiwa tidak cocok", "Item or event count does not match"),
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
SIGNING_CONTEXT = b"siaga-custody-checkpoint-v1\x00"


# --- Ed25519 verification (RFC 8032, section 5.1), small and slow: one call per checkpoint ---------
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _point_add(a, b):
    """Sum of two points in extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, x*y = T/Z."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    pa, pb = (y1 - x1) * (y2 - x2) % P, (y1 + x1) * (y2 + x2) % P
    pc, pd = t1 * 2 * D * t2 % P, z1 * 2 * z2 % P
    e, f, g, h = pb - pa, pd - pc, pd + pc, pb + pa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _scalar_mult(k, point):
    result = (0, 1, 1, 0)  # the neutral element
    while k:
        if k & 1:
            result = _point_add(result, point)
        point = _point_add(point, point)
        k >>= 1
    return result


def _decode_point(data):
    """The point encoded in 32 bytes, or None when they encode none."""
    value = int.from_bytes(data, "little")
    sign, y = value >> 255, value & ((1 << 255) - 1)
    if y >= P:
        return None
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    if v * x * x % P == (-u) % P:
        x = x * SQRT_M1 % P
    elif v * x * x % P != u:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


def _encode_point(point):
    x, y, z, _ = point
    inverse = pow(z, P - 2, P)
    x, y = x * inverse % P, y * inverse % P
    return (y | (x & 1) << 255).to_bytes(32, "little")


BASE = _decode_point((4 * pow(5, P - 2, P) % P).to_bytes(32, "little"))


def ed25519_ok(public, message, signature):
    """Whether ``signature`` (64 bytes) is ``public``'s (32 bytes) signature of ``message``."""
    if len(public) != 32 or len(signature) != 64:
        return False
    a, s = _decode_point(public), int.from_bytes(signature[32:], "little")
    if a is None or s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % L
    # [s]B - [k]A must encode to R, as in the reference implementations.
    minus_ka = _scalar_mult(k, a)
    minus_ka = ((-minus_ka[0]) % P, minus_ka[1], minus_ka[2], (-minus_ka[3]) % P)
    return _encode_point(_point_add(_scalar_mult(s, BASE), minus_ka)) == signature[:32]


def signature_ok(public_hex, checkpoint_hash, signature_hex):
    try:
        public, digest, signature = (bytes.fromhex(v) for v in (public_hex, checkpoint_hash, signature_hex))
    except ValueError:
        return False
    if any(v != v.lower() for v in (public_hex, checkpoint_hash, signature_hex)) or len(digest) != 32:
        return False
    return ed25519_ok(public, SIGNING_CONTEXT + digest, signature)


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
            if not isinstance(rec, dict) or set(rec) not in keys:
                raise Unreadable(f"{where}: expected the keys {sorted(keys[-1])}")
            yield where, rec


def read_checkpoints(directory):
    out = []
    keys = ({"hash", "checkpoint"}, {"hash", "checkpoint", "signature"})
    for where, rec in records(f"{directory}/checkpoints.jsonl", keys):
        signature = rec.get("signature", "")
        if not (is_str(rec["hash"]) and is_str(rec["checkpoint"]) and is_str(signature)):
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
        out.append((body, rec["hash"], signature))
    return out


def read_public_key(directory):
    try:
        with open(f"{directory}/public_key.txt", "rb") as fh:
            text = fh.read().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Unreadable(f"public_key.txt: {exc.strerror}") from None
    if len(text) != 64 or text.strip(b"0123456789abcdef"):
        raise Unreadable("public_key.txt: expected 64 lowercase hex digits")
    return text.decode("ascii")


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
    for where, rec in records(f"{directory}/events.jsonl", ({"item", "seq", "prev", "hash", "event"},)):
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
    last = {item: st[0] - 1 for item, st in state.items() if st is not None}
    return len(state), count, broken, found, last


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


def verify_bundle(directory, key=None, published=()):
    """The report as a dict (the same shape as siaga's VerifyReport.to_dict())."""
    own = read_public_key(directory)
    use = key or own
    checkpoints = read_checkpoints(directory)
    wanted = {}
    for body, _, _ in checkpoints:
        for item, seq in body["advanced"].items():
            wanted.setdefault(item, set()).add(seq)
    items, count, broken, found, last = verify_events(directory, wanted)
    breaks, heads, prev_hash = {}, {}, GENESIS
    for position, (body, stored, _) in enumerate(checkpoints, start=1):
        problem = checkpoint_problem(position, body, stored, prev_hash, heads, found)
        if problem:
            reason, item, seq = problem
            breaks[position] = {"checkpoint": position, "reason": reason, "item": item, "seq": seq, "detail": None}
        prev_hash = stored
    if use is not None:
        covered = {}
        for body, _, _ in checkpoints:
            covered.update(body["advanced"])
        for item, seq in last.items():
            if seq > covered.get(item, 0):
                first = covered.get(item, 0) + 1
                broken.append({"item": item, "seq": first, "reason": "after_checkpoint", "record_seq": first})
        for position, (_, stored, signature) in enumerate(checkpoints, start=1):
            bad = {"checkpoint": position, "item": None, "seq": None, "detail": None}
            if signature and not signature_ok(use, stored, signature):
                breaks[position] = {**bad, "reason": "signature_invalid"}
            elif not signature and position == len(checkpoints) and position not in breaks:
                breaks[position] = {**bad, "reason": "signature_missing"}
    merge(broken, summary_breaks(directory, {b["item"] for b in broken}))
    listed = [breaks[k] for k in sorted(breaks)]
    if key and own and own != key:
        listed.insert(0, {"checkpoint": 0, "reason": "key_mismatch", "item": None, "seq": None, "detail": own})
    for seq, root in published:
        if seq is None:
            if not any(body["root"] == root for body, _, _ in checkpoints):
                listed.append({"checkpoint": 0, "reason": "published_root_mismatch", "item": None, "seq": None,
                               "detail": root})
        elif not (1 <= seq <= len(checkpoints)) or checkpoints[seq - 1][0]["root"] != root:
            listed.append({"checkpoint": seq, "reason": "published_root_mismatch", "item": None, "seq": None,
                           "detail": root})
    return {
        "ok": not broken and not listed,
        "items": items,
        "events": count,
        "checkpoints": len(checkpoints),
        "key": use,
        "broken": broken,
        "checkpoint_breaks": listed,
    }


def summary_breaks(directory, skip):
    """The items' and handovers' summaries against the events (when the bundle has them)."""
    if not (os.path.exists(f"{directory}/items.jsonl") or os.path.exists(f"{directory}/handovers.jsonl")):
        return []
    last, named = {}, {}
    for _, rec in records(f"{directory}/events.jsonl", ({"item", "seq", "prev", "hash", "event"},)):
        try:
            event = json.loads(rec["event"])
        except (ValueError, TypeError):
            event = None
        if not isinstance(event, dict):
            event = {}
        last[rec["item"]] = (rec["seq"], rec["hash"], event.get("node"))
        payload = event.get("payload")
        if event.get("kind") == "handover" and isinstance(payload, dict) and is_str(payload.get("handover")):
            named.setdefault(payload["handover"], []).append((rec["item"], rec["seq"], event))
    found = []
    if os.path.exists(f"{directory}/items.jsonl"):
        for where, rec in records(f"{directory}/items.jsonl", ({"item", "seq", "hash", "node"},)):
            if not (is_str(rec["item"]) and is_int(rec["seq"]) and is_str(rec["hash"])
                    and (rec["node"] is None or is_str(rec["node"]))):
                raise Unreadable(f"{where}: a field has the wrong type")
            seq, head = rec["seq"], rec["hash"]
            found_seq, found_hash, found_node = last.get(rec["item"], (0, "", None))
            if (seq, head) != (found_seq, found_hash):
                at = min(seq, found_seq) + 1 if seq != found_seq else seq
                found.append({"item": rec["item"], "seq": at, "reason": "stored_head", "record_seq": at})
            elif rec["node"] != found_node:
                found.append({"item": rec["item"], "seq": seq, "reason": "node_mismatch", "record_seq": seq})
    skip = set(skip) | {b["item"] for b in found}
    listed = set()
    if os.path.exists(f"{directory}/handovers.jsonl"):
        for where, rec in records(f"{directory}/handovers.jsonl", ({"handover", "received", "fields"},)):
            received, fields = rec["received"], rec["fields"]
            if not (is_str(rec["handover"]) and isinstance(received, list) and all(is_str(r) for r in received)
                    and isinstance(fields, dict)):
                raise Unreadable(f"{where}: a field has the wrong type")
            listed.add(rec["handover"])
            events = sorted((e for e in named.get(rec["handover"], ()) if e[0] not in skip),
                            key=lambda e: (e[0], e[1]))
            at = handover_disagreement(events, [item for item in received if item not in skip], fields)
            if at is not None:
                found.append({"item": at[0], "seq": at[1], "reason": "handover_mismatch", "record_seq": at[1]})
    for handover in sorted(set(named) - listed):
        unbroken = [e for e in named[handover] if e[0] not in skip]
        if unbroken:
            item, seq, _ = min(unbroken, key=lambda e: (e[0], e[1]))
            found.append({"item": item, "seq": seq, "reason": "handover_mismatch", "record_seq": seq})
    return found


def handover_disagreement(events, received, fields):
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


def merge(broken, extra):
    """Keep one break per item: the earliest seq (the first one on a tie)."""
    position = {b["item"]: n for n, b in enumerate(broken)}
    for b in extra:
        n = position.get(b["item"])
        if n is None:
            position[b["item"]] = len(broken)
            broken.append(b)
        elif b["seq"] < broken[n]["seq"]:
            broken[n] = b


def parse_key(text):
    if text is None:
        return None
    key = text.strip().lower()
    if not HEX64.fullmatch(key):
        raise Unreadable(f"--key {text!r}: expected 64 hex digits")
    return key


def parse_root(text):
    """ROOT or SEQ:ROOT as (seq or None, root)."""
    seq, _, root = text.strip().lower().rpartition(":")
    if not HEX64.fullmatch(root) or (seq and not seq.isdigit()):
        raise Unreadable(f"--root {text!r}: expected ROOT or SEQ:ROOT (64 hex digits)")
    return (int(seq) if seq else None), root


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
    if report["key"] is None:
        lines.append("  UNSIGNED: no public key; checkpoints not checked against a server signature" if en
                     else "  TANPA TANDA TANGAN: tidak ada kunci publik; checkpoint tidak diperiksa tanda tangannya")
    else:
        fingerprint = hashlib.sha256(bytes.fromhex(report["key"])).hexdigest()[:16]
        lines.append(("  Public key {key} (id {id}): compare with the key the server publishes" if en
                      else "  Kunci publik {key} (id {id}): cocokkan dengan kunci yang dipublikasikan server")
                     .format(key=report["key"], id=fingerprint))
    for c in report["checkpoint_breaks"]:
        where = "checkpoint {checkpoint}".format(**c) if c["checkpoint"] else ("bundle" if en else "bundel")
        if c["item"] is not None:
            where += (", item {item}, event {seq}" if en else ", barang {item}, peristiwa {seq}").format(**c)
        if c["detail"] is not None:
            where += f" ({c['detail']})"
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
    parser.add_argument("--key", help="the server's published public key (64 hex digits)")
    parser.add_argument("--root", action="append", default=[], help="a published root: ROOT or SEQ:ROOT")
    args = parser.parse_args(argv)
    try:
        report = verify_bundle(args.bundle, key=parse_key(args.key), published=[parse_root(r) for r in args.root])
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
