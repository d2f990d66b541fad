"""The chain through the database: hand-made handovers, verification, tampering found by `custody verify`."""

import argparse
import json

import pytest
from django.db import connection, transaction

from siaga.core import custody as core
from siaga.custody import chain, commands, services
from siaga.custody.models import Event, Item


def _move(admin, boxes, origin, dest, at, cid, **kw):
    h, code = services.handover_offer(actor=admin, client_id=cid, item_codes=[b.code for b in boxes],
                                      from_node=origin, to_node=dest, at=at, receiver_name="PPK", **kw)
    return services.handover_confirm(actor=admin, handover=h, code=code)


def test_handover_appends_linked_events_with_stored_canonical_bytes(user, warehouse_tps, at, client_id):
    admin = user("admin")
    tps, boxes = warehouse_tps
    kec = boxes[0].kecamatan_code
    _move(admin, boxes, f"KPU-{boxes[0].kabkota_code}", f"PPK-{kec}", at, client_id())
    box = Item.objects.get(pk=boxes[0].pk)
    assert box.head_seq == 2 and box.node.code == f"PPK-{kec}"
    first, second = Event.objects.filter(item=box).order_by("seq")
    # Recompute the link by hand: sha256(prev bytes + stored text).
    import hashlib
    assert second.prev_hash == first.hash
    assert second.hash == hashlib.sha256(bytes.fromhex(first.hash) + second.canonical.encode()).hexdigest()
    ev = json.loads(second.canonical)
    assert (ev["item_id"], ev["seq"], ev["kind"], ev["node"]) == (box.code, 2, "handover", f"PPK-{kec}")
    assert core.canonical_bytes(ev) == second.canonical.encode()
    assert box.head_hash == second.hash


def test_verify_database_reports_clean_then_checkpoint_covers_new_heads(user, warehouse_tps, at, client_id):
    admin = user("admin")
    _, boxes = warehouse_tps
    _move(admin, boxes, f"KPU-{boxes[0].kabkota_code}", f"PPK-{boxes[0].kecamatan_code}", at, client_id())
    cp = services.checkpoint_create(actor=admin, at=at)
    body = json.loads(cp.body)
    assert body["advanced"] == {b.code: 2 for b in boxes}
    report = chain.verify_database()
    assert report.ok and report.events == Event.objects.count() and report.checkpoints == cp.seq


def test_a_served_process_leaves_the_batch_checkpoint_to_its_timer(user, warehouse_tps, at, client_id, monkeypatch,
                                                                   settings, django_capture_on_commit_callbacks):
    """Under `siaga serve` the request that committed a handover only nudges the timer thread; without a
    timer (the CLI, a test) the batch takes its checkpoint itself."""
    import threading

    from siaga.custody import timer_wake
    from siaga.custody.models import Checkpoint

    settings.CUSTODY_CHECKPOINT_GAP = 0
    _, boxes = warehouse_tps
    wake, taken = threading.Event(), Checkpoint.objects.count()
    monkeypatch.setattr(timer_wake, "_wake", wake)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _move(user("admin"), boxes, f"KPU-{boxes[0].kabkota_code}", f"PPK-{boxes[0].kecamatan_code}", at,
              client_id())
    assert callbacks and wake.is_set() and Checkpoint.objects.count() == taken
    monkeypatch.setattr(timer_wake, "_wake", None)
    assert services.checkpoint_after_commit() is not None and Checkpoint.objects.count() == taken + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="table locks exist only on PostgreSQL")
def test_a_checkpoint_locks_only_the_rows_it_covers_never_the_item_table(user, warehouse_tps, at, client_id):
    """Handovers go on while a checkpoint is signed: it holds no lock on the item table that would stop an
    append, only the rows of the items it advances (an append takes ROW EXCLUSIVE; anything from SHARE up
    would make it wait)."""
    admin = user("admin")
    _, boxes = warehouse_tps
    _move(admin, boxes, f"KPU-{boxes[0].kabkota_code}", f"PPK-{boxes[0].kecamatan_code}", at, client_id())
    with transaction.atomic():
        cp = chain.take_checkpoint(at)
        with connection.cursor() as cur:
            cur.execute("SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = %s::regclass",
                        [Item._meta.db_table])
            modes = {row[0] for row in cur.fetchall()}
    assert json.loads(cp.body)["advanced"] == {b.code: 2 for b in boxes}
    assert modes and modes <= {"AccessShareLock", "RowShareLock", "RowExclusiveLock"}
    assert set(Item.objects.filter(pk__in=[b.pk for b in boxes]).values_list("checkpointed_seq", flat=True)) == {2}


def _verify(capsys):
    code = commands.cmd_verify(argparse.Namespace(deep=False, json=True, root=[]))
    return code, json.loads(capsys.readouterr().out)


def _tamper(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)


@pytest.fixture
def moved(user, warehouse_tps, at, client_id):
    admin = user("admin")
    _, boxes = warehouse_tps
    _move(admin, boxes, f"KPU-{boxes[0].kabkota_code}", f"PPK-{boxes[0].kecamatan_code}", at, client_id())
    _move(admin, boxes, f"PPK-{boxes[0].kecamatan_code}", f"PPS-{boxes[0].desa_code}", at, client_id())
    return boxes[2]


def _event(item, seq):
    return Event.objects.get(item=item, seq=seq)


def test_edit_is_found_and_located(moved, capsys):
    ev = _event(moved, 2)
    _tamper("UPDATE custody_event SET canonical = %s WHERE id = %s", [ev.canonical.replace("baik", "rusak", 1)
                                                                     if "baik" in ev.canonical
                                                                     else ev.canonical + " ", ev.pk])
    code, out = _verify(capsys)
    assert code == 1 and out["broken"] == 1
    assert out["breaks"] == [{"item": moved.code, "seq": 2, "reason": "hash_mismatch", "record_seq": 2}]


def test_delete_is_found_and_located(moved, capsys):
    _tamper("DELETE FROM custody_event WHERE id = %s", [_event(moved, 2).pk])
    code, out = _verify(capsys)
    assert out["breaks"] == [{"item": moved.code, "seq": 2, "reason": "seq_mismatch", "record_seq": 3}]


def test_insert_is_found_and_located(moved, capsys):
    head = _event(moved, 3)
    forged = head.canonical.replace('"seq":3}', '"seq":4}')
    _tamper("INSERT INTO custody_event (item_id, seq, prev_hash, hash, canonical, kind, recorded_at) "
            "VALUES (%s, 4, %s, %s, %s, 'handover', %s)", [moved.pk, head.hash, "ab" * 32, forged, head.recorded_at])
    code, out = _verify(capsys)
    assert out["breaks"] == [{"item": moved.code, "seq": 4, "reason": "hash_mismatch", "record_seq": 4}]


def test_reorder_is_found_and_located(moved, capsys):
    two, three = _event(moved, 2), _event(moved, 3)
    _tamper("UPDATE custody_event SET seq = 99 WHERE id = %s", [two.pk])
    _tamper("UPDATE custody_event SET seq = 2 WHERE id = %s", [three.pk])
    _tamper("UPDATE custody_event SET seq = 3 WHERE id = %s", [two.pk])
    code, out = _verify(capsys)
    assert out["breaks"] == [{"item": moved.code, "seq": 2, "reason": "prev_mismatch", "record_seq": 2}]


def test_correction_is_a_new_event_naming_the_old(user, moved, at):
    ev = services.event_correct(actor=user("admin"), item=moved, seq=2, reason="kondisi salah tulis",
                                changes={"condition": "segel longgar"}, at=at)
    data = json.loads(ev.canonical)
    assert (ev.seq, data["kind"], data["corrects"]) == (4, "correction", 2)
    assert _event(moved, 2).canonical == Event.objects.get(item=moved, seq=2).canonical
    assert chain.verify_database().ok
