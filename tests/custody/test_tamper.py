"""The custody tamper suite: tail truncation, forged append, full rewrite with recomputed checkpoints, a box
moved without an event, handover fields edited. Each is found by `siaga custody verify` (the database) and
by the standalone verifier on the exported bundle (run with `python -S`, nothing but the standard library),
located at the item and event seq (or, for a recomputed checkpoint, at the checkpoint)."""

import argparse
import hashlib
import json
import subprocess
import sys

import pytest
from django.db import connection

from siaga.core import custody as core
from siaga.core.custody_bundle import verify_bundle
from siaga.custody import commands, services
from siaga.custody.keys import custody_key
from siaga.custody.models import Checkpoint, Event, Handover, Item, Node


def _move(admin, boxes, origin, dest, at, cid):
    h, code = services.handover_offer(actor=admin, client_id=cid, item_codes=[b.code for b in boxes],
                                      from_node=origin, to_node=dest, at=at, receiver_name="PPK")
    return services.handover_confirm(actor=admin, handover=h, code=code)


@pytest.fixture
def moved(user, warehouse_tps, at, client_id, django_capture_on_commit_callbacks, settings):
    """A box moved KPU -> PPK -> PPS through the services; each commit took its signed checkpoint."""
    settings.CUSTODY_CHECKPOINT_GAP = 0  # every batch its own checkpoint (production lets batches share one)
    admin = user("admin")
    _, boxes = warehouse_tps
    kab, kec, desa = boxes[0].kabkota_code, boxes[0].kecamatan_code, boxes[0].desa_code
    with django_capture_on_commit_callbacks(execute=True):
        _move(admin, boxes, f"KPU-{kab}", f"PPK-{kec}", at, client_id())
    with django_capture_on_commit_callbacks(execute=True):
        second = _move(admin, boxes, f"PPK-{kec}", f"PPS-{desa}", at, client_id())
    box = Item.objects.get(pk=boxes[2].pk)
    last = Checkpoint.objects.order_by("-seq").first()
    assert json.loads(last.body)["advanced"][box.code] == 3 == box.head_seq  # taken automatically
    return box, second


def _db_verify(capsys, *roots):
    code = commands.cmd_verify(argparse.Namespace(deep=False, json=True, root=list(roots)))
    return code, json.loads(capsys.readouterr().out)


def _export(tmp_path, capsys):
    bundle = tmp_path / "bundle"
    commands.cmd_export(argparse.Namespace(output=str(bundle)))
    capsys.readouterr()
    return bundle


def _standalone(bundle, *args, agree=False):
    """The standalone verifier's exit code and JSON report; ``agree``: also the module's, which must be equal."""
    done = subprocess.run([sys.executable, "-S", str(bundle / "standalone_verify.py"), str(bundle), "--json", *args],
                          capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout)
    if agree:
        key = args[args.index("--key") + 1] if "--key" in args else None
        assert report == verify_bundle(bundle, key=key).to_dict()
    return done.returncode, report


def _sql(sql, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_untouched_database_and_bundle_verify_with_the_servers_key(moved, tmp_path, capsys):
    code, out = _db_verify(capsys)
    assert (code, out["ok"], out["key"]) == (0, True, custody_key().public_hex)
    bundle = _export(tmp_path, capsys)
    assert (bundle / "public_key.txt").read_text().strip() == custody_key().public_hex
    code, report = _standalone(bundle, "--key", custody_key().public_hex, agree=True)
    assert code == 0 and report["ok"] and report["checkpoints"] == Checkpoint.objects.count()
    assert all("signature" in line for line in _lines(bundle / "checkpoints.jsonl"))


def test_tail_truncation_is_found_by_both(moved, tmp_path, capsys):
    box, _ = moved
    _sql("DELETE FROM custody_event WHERE item_id = %s AND seq = 3", [box.pk])  # the tail, already checkpointed
    code, out = _db_verify(capsys)
    assert code == 1
    assert out["breaks"] == [{"item": box.code, "seq": 3, "reason": "stored_head", "record_seq": 3}]
    assert {"item": box.code, "seq": 3, "reason": "head_missing"}.items() <= out["checkpoint_problems"][0].items()
    # The attacker who also rewinds the item's head: the signed checkpoint still names the missing event.
    prev = Event.objects.get(item=box, seq=2)
    _sql("UPDATE custody_item SET head_seq = 2, head_hash = %s, checkpointed_seq = 2 WHERE id = %s",
         [prev.hash, box.pk])
    code, out = _db_verify(capsys)
    assert code == 1 and any(p["reason"] == "head_missing" and (p["item"], p["seq"]) == (box.code, 3)
                             for p in out["checkpoint_problems"])
    code, report = _standalone(_export(tmp_path, capsys))
    assert code == 1 and any(p["reason"] == "head_missing" and (p["item"], p["seq"]) == (box.code, 3)
                             for p in report["checkpoint_breaks"])


def test_tail_cut_from_the_bundle_is_found(moved, tmp_path, capsys):
    box, _ = moved
    bundle = _export(tmp_path, capsys)
    events = [e for e in _lines(bundle / "events.jsonl") if not (e["item"] == box.code and e["seq"] == 3)]
    _write(bundle / "events.jsonl", events)
    code, report = _standalone(bundle, agree=True)
    assert code == 1
    assert report["broken"] == [{"item": box.code, "seq": 3, "reason": "stored_head", "record_seq": 3}]
    assert any(p["reason"] == "head_missing" and (p["item"], p["seq"]) == (box.code, 3)
               for p in report["checkpoint_breaks"])


def _forge_next(box):
    """An event after the box's head, linked and hashed correctly (anyone can compute a sha256)."""
    head = Event.objects.get(item=box, seq=box.head_seq)
    event = {**json.loads(head.canonical), "seq": head.seq + 1, "node": "PPK-palsu", "receiver": "Orang lain"}
    return core.store_event(head.hash, event)


def test_forged_append_is_found_by_both(moved, tmp_path, capsys, django_capture_on_commit_callbacks):
    box, _ = moved
    forged = _forge_next(box)
    _sql("INSERT INTO custody_event (item_id, seq, prev_hash, hash, canonical, tag, kind, recorded_at) "
         "VALUES (%s, %s, %s, %s, %s, %s, 'handover', CURRENT_TIMESTAMP)",
         [box.pk, forged.seq, forged.prev_hash, forged.hash, forged.canonical.decode(), "0" * 64])
    _sql("UPDATE custody_item SET head_seq = %s, head_hash = %s WHERE id = %s", [forged.seq, forged.hash, box.pk])
    code, out = _db_verify(capsys)
    assert code == 1
    assert out["breaks"] == [{"item": box.code, "seq": 4, "reason": "tag_mismatch", "record_seq": 4}]
    # The next checkpoint refuses to sign it (and says so in the audit trail).
    before = Checkpoint.objects.count()
    assert services.checkpoint_auto() is None and Checkpoint.objects.count() == before
    # In a bundle: a line appended after the last signed checkpoint.
    _sql("DELETE FROM custody_event WHERE item_id = %s AND seq = 4", [box.pk])
    bundle = _export(tmp_path, capsys)
    events = _lines(bundle / "events.jsonl")
    events.append({"item": box.code, "seq": 4, "prev": forged.prev_hash, "hash": forged.hash,
                   "event": forged.canonical.decode()})
    _write(bundle / "events.jsonl", events)
    code, report = _standalone(bundle, agree=True)
    assert code == 1
    assert report["broken"] == [{"item": box.code, "seq": 4, "reason": "after_checkpoint", "record_seq": 4}]


def _rewrite_chain(box):
    """The box's registration says it arrived damaged; every later event re-linked with hashes recomputed,
    and the item's head follows: a chain that verifies on its own."""
    prev = core.GENESIS
    for ev in Event.objects.filter(item=box).order_by("seq"):
        event = json.loads(ev.canonical)
        if ev.seq == 1:
            event["condition"] = "rusak"
        stored = core.store_event(prev, event)
        _sql("UPDATE custody_event SET prev_hash = %s, hash = %s, canonical = %s WHERE id = %s",
             [stored.prev_hash, stored.hash, stored.canonical.decode(), ev.pk])
        prev = stored.hash
    _sql("UPDATE custody_item SET head_hash = %s WHERE id = %s", [prev, box.pk])


def _recompute_checkpoints():
    """Every checkpoint recomputed over the stored heads (roots, hashes, links); the old signatures kept."""
    hashes = dict(((code, seq), h) for code, seq, h in Event.objects.values_list("item__code", "seq", "hash"))
    heads, prev = {}, core.GENESIS
    for row in Checkpoint.objects.order_by("seq"):
        body = json.loads(row.body)
        heads.update(body["advanced"])
        body["root"] = core.merkle_root({item: hashes[item, seq] for item, seq in heads.items()})
        body["prev_checkpoint_hash"] = prev
        digest = hashlib.sha256(core.canonical_bytes(body)).hexdigest()
        _sql("UPDATE custody_checkpoint SET body = %s, hash = %s, root = %s, prev_hash = %s WHERE id = %s",
             [core.canonical_bytes(body).decode(), digest, body["root"], prev, row.pk])
        prev = digest


def test_full_rewrite_with_recomputed_checkpoints_is_found_by_both(moved, tmp_path, capsys):
    box, _ = moved
    published = Checkpoint.objects.order_by("-seq").first()  # its root was published before the rewrite
    _rewrite_chain(box)
    _recompute_checkpoints()
    code, out = _db_verify(capsys, f"{published.seq}:{published.root}")
    assert code == 1
    # The server's tag locates the first rewritten event; the signatures show the checkpoints were recomputed.
    assert out["breaks"] == [{"item": box.code, "seq": 1, "reason": "tag_mismatch", "record_seq": 1}]
    reasons = {(p["checkpoint"], p["reason"]) for p in out["checkpoint_problems"]}
    assert (1, "signature_invalid") in reasons and (published.seq, "published_root_mismatch") in reasons
    code, report = _standalone(_export(tmp_path, capsys))
    assert code == 1 and report["checkpoint_breaks"][0] == {
        "checkpoint": 1, "reason": "signature_invalid", "item": None, "seq": None, "detail": None}
    # Signed again with a key of the attacker's own, and that key put into the bundle: the published key
    # or the published root still tells.
    from siaga.core.custody_sign import CustodyKey

    bundle = tmp_path / "bundle"
    theirs = CustodyKey(b"\x01" * 32)
    rows = _lines(bundle / "checkpoints.jsonl")
    for row in rows:
        row["signature"] = theirs.sign(row["hash"])
    _write(bundle / "checkpoints.jsonl", rows)
    (bundle / "public_key.txt").write_text(theirs.public_hex + "\n")
    assert _standalone(bundle)[0] == 0  # self-consistent: why the key must be compared with the published one
    code, report = _standalone(bundle, "--key", custody_key().public_hex, agree=True)
    assert code == 1 and report["checkpoint_breaks"][0]["reason"] == "key_mismatch"
    assert {p["reason"] for p in report["checkpoint_breaks"][1:]} == {"signature_invalid"}
    code, report = _standalone(bundle, "--root", f"{published.seq}:{published.root}")
    assert code == 1 and report["checkpoint_breaks"] == [{
        "checkpoint": published.seq, "reason": "published_root_mismatch", "item": None, "seq": None,
        "detail": published.root}]


def test_box_moved_without_an_event_is_found_by_both(moved, tmp_path, capsys):
    box, _ = moved
    elsewhere = Node.objects.exclude(pk=box.node_id).filter(kind="pps").first()
    _sql("UPDATE custody_item SET node_id = %s WHERE id = %s", [elsewhere.pk, box.pk])
    code, out = _db_verify(capsys)
    assert code == 1 and out["breaks"] == [{"item": box.code, "seq": 3, "reason": "node_mismatch", "record_seq": 3}]
    code, report = _standalone(_export(tmp_path, capsys), agree=True)
    assert code == 1
    assert report["broken"] == [{"item": box.code, "seq": 3, "reason": "node_mismatch", "record_seq": 3}]


@pytest.mark.parametrize("column, value", [("receiver_name", "Orang lain"), ("signature", "ttd-palsu"),
                                           ("giver_name", "Bukan pemberi"), ("received_codes", [])])
def test_handover_field_edits_are_found_by_both(moved, tmp_path, capsys, column, value):
    box, handover = moved
    Handover.objects.filter(pk=handover.pk).update(**{column: value})  # straight to the table, no service
    first = min(handover.items.values_list("code", flat=True))  # located at the handover's first event
    expected = [{"item": first, "seq": 3, "reason": "handover_mismatch", "record_seq": 3}]
    code, out = _db_verify(capsys)
    assert code == 1 and out["breaks"] == expected
    code, report = _standalone(_export(tmp_path, capsys))
    assert code == 1 and report["broken"] == expected
    assert Handover.objects.get(pk=handover.pk).state == "complete"
