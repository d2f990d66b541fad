"""Custody chain: hand-computed hashes and roots, tamper detection, standalone verifier agreement."""

import dataclasses
import hashlib
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siaga.core import custody_bundle
from siaga.core.custody import (
    GENESIS,
    Break,
    CheckpointBreak,
    CustodyError,
    CustodyLog,
    canonical_bytes,
    chain_append,
    checkpoint_hash,
    event_hash,
    make_event,
    merkle_root,
    store_event,
    verify,
    verify_chains,
    verify_checkpoints,
)
from siaga.core.custody_bundle import BundleError, read_checkpoints, verify_bundle, write_bundle

STANDALONE = Path(custody_bundle.__file__).with_name("standalone_verify.py")
BOX = "7405242009001-1"


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def box_event(seq: int, **fields) -> dict:
    event = {
        "item_id": BOX, "seq": seq, "kind": "handover", "at": "2024-02-14T06:30:00Z",
        "node": "TPS 7405242009001", "giver": "KPPS", "receiver": "PPS", "seals": ["S-1", "S-2"],
        "condition": "utuh", "corrects": None, "payload": {},
    }  # fmt: skip
    return {**event, **fields}


# --- canonical encoding -------------------------------------------------------------------


def test_canonical_bytes_hand_written():
    event = box_event(1, payload={"catatan": "Segel utuh — baik", "n": 2, "ok": True, "x": None})
    expected = (
        '{"at":"2024-02-14T06:30:00Z","condition":"utuh","corrects":null,"giver":"KPPS",'
        '"item_id":"7405242009001-1","kind":"handover","node":"TPS 7405242009001",'
        '"payload":{"catatan":"Segel utuh — baik","n":2,"ok":true,"x":null},'
        '"receiver":"PPS","seals":["S-1","S-2"],"seq":1}'
    ).encode("utf-8")
    assert canonical_bytes(event) == expected


def test_canonical_bytes_escapes_only_quotes_backslash_and_controls():
    assert canonical_bytes({"k": 'a"b\\c\nd\x01é\u2028'}) == '{"k":"a\\"b\\\\c\\nd\\u0001é\u2028"}'.encode()


@pytest.mark.parametrize(
    "bad",
    [{"x": math.nan}, {"x": math.inf}, {"x": {1: "a"}}, {"x": "\ud800"}, {"x": {1, 2}}, {"x": b"a"}],
)
def test_canonical_bytes_rejects_what_has_no_single_encoding(bad):
    with pytest.raises(CustodyError):
        canonical_bytes(bad)


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 0}, {"seq": True}, {"item_id": ""}, {"at": "2024-02-14 06:30:00"},
        {"at": "2024-02-30T06:30:00Z"}, {"at": "2024-02-14T06:30:00+07:00"}, {"seals": "S-1"},
        {"corrects": 1}, {"payload": []}, {"giver": 5}, {"extra": 1},
    ],
)  # fmt: skip
def test_schema_rejections(change):
    with pytest.raises(CustodyError):
        chain_append(GENESIS, {**box_event(1), **change})


def test_missing_field_rejected():
    event = box_event(1)
    del event["payload"]
    with pytest.raises(CustodyError):
        chain_append(GENESIS, event)


# --- hand-computed chain, Merkle root and checkpoint -----------------------------------


def test_chain_hashes_by_hand():
    text1 = (
        '{"at":"2024-02-14T06:30:00Z","condition":"utuh","corrects":null,"giver":"KPPS",'
        '"item_id":"7405242009001-1","kind":"handover","node":"TPS 7405242009001","payload":{},'
        '"receiver":"PPS","seals":["S-1","S-2"],"seq":1}'
    )
    text2 = text1.replace('"condition":"utuh"', '"condition":"segel rusak"').replace(
        '"corrects":null', '"corrects":1'
    ).replace('"seq":1}', '"seq":2}')
    h1 = hashlib.sha256(bytes(32) + text1.encode()).hexdigest()
    h2 = hashlib.sha256(bytes.fromhex(h1) + text2.encode()).hexdigest()
    assert chain_append(GENESIS, box_event(1)) == h1
    assert event_hash(GENESIS, box_event(1)) == h1
    assert chain_append(h1, box_event(2, condition="segel rusak", corrects=1)) == h2
    stored = store_event(h1, box_event(2, condition="segel rusak", corrects=1))
    assert (stored.prev_hash, stored.hash, stored.canonical) == (h1, h2, text2.encode())


def test_merkle_root_of_one_two_three_leaves_by_hand():
    ha, hb, hc = ("11" * 32, "22" * 32, "33" * 32)
    la = sha(b"A\x00" + bytes.fromhex(ha))
    lb = sha(b"B\x00" + bytes.fromhex(hb))
    lc = sha(b"C\x00" + bytes.fromhex(hc))
    assert merkle_root({}) == "0" * 64
    assert merkle_root({"A": ha}) == la.hex()
    assert merkle_root({"B": hb, "A": ha}) == sha(la + lb).hex()
    # Odd last node promoted, not duplicated.
    assert merkle_root({"C": hc, "A": ha, "B": hb}) == sha(sha(la + lb) + lc).hex()
    hd, he = "44" * 32, "55" * 32
    ld, le = sha(b"D\x00" + bytes.fromhex(hd)), sha(b"E\x00" + bytes.fromhex(he))
    five = {"E": he, "D": hd, "C": hc, "B": hb, "A": ha}
    assert merkle_root(five) == sha(sha(sha(la + lb) + sha(lc + ld)) + le).hex()


def test_checkpoint_by_hand():
    log = CustodyLog()
    h1 = log.append(box_event(1)).hash
    cp = log.checkpoint("2024-02-14T07:00:00Z")
    root = sha(BOX.encode() + b"\x00" + bytes.fromhex(h1)).hex()
    body = (
        '{"advanced":{"7405242009001-1":1},"at":"2024-02-14T07:00:00Z","event_count":1,'
        f'"item_count":1,"prev_checkpoint_hash":"{GENESIS}","root":"{root}","seq":1}}'
    )
    assert (cp.root, cp.hash) == (root, hashlib.sha256(body.encode()).hexdigest())
    cp2 = log.checkpoint("2024-02-14T08:00:00Z")
    assert (cp2.seq, cp2.prev_checkpoint_hash, cp2.advanced, cp2.root) == (2, cp.hash, {}, root)


def test_log_refuses_a_seq_out_of_turn():
    log = CustodyLog()
    log.append(box_event(1))
    with pytest.raises(CustodyError):
        log.append(box_event(3))


# --- hand cases of tampering ---------------------------------------------------------------


def three_box_log() -> CustodyLog:
    log = CustodyLog()
    for seq in (1, 2, 3):
        log.append(box_event(seq))
    log.checkpoint("2024-02-14T09:00:00Z")
    return log


def test_good_log_verifies():
    log = three_box_log()
    report = verify(log.events, log.checkpoints, deep=True)
    assert report.ok and (report.items, report.events, report.checkpoints) == (1, 3, 1)


def test_hand_tampering_cases():
    e1, e2, e3 = three_box_log().events
    edited = e2._replace(canonical=e2.canonical.replace(b"utuh", b"rusak"))
    assert verify_chains([e1, edited, e3]).broken == [Break(BOX, 2, "hash_mismatch", 2)]
    assert verify_chains([e1, e3]).broken == [Break(BOX, 2, "seq_mismatch", 3)]
    assert verify_chains([e2, e1, e3]).broken == [Break(BOX, 1, "seq_mismatch", 2)]
    relabelled = e3._replace(seq=2)
    assert verify_chains([e1, relabelled]).broken == [Break(BOX, 2, "prev_mismatch", 2)]
    assert verify_chains([e1]).ok  # a cut-off tail is invisible to the chain alone...
    assert verify_checkpoints(three_box_log().checkpoints, [e1]) == [  # ...but not to a checkpoint
        CheckpointBreak(1, "head_missing", BOX, 3)
    ]


def test_label_must_match_the_hashed_text():
    log = CustodyLog()
    log.append(box_event(1))
    log.append(make_event("OTHER", 1, "seal", "2024-02-14T06:00:00Z"))
    other = log.events[1]
    # A genuine first event of OTHER relabelled as BOX's first event: links fine, label does not.
    stolen = other._replace(item_id=BOX)
    assert verify_chains([stolen]).broken == [Break(BOX, 1, "label_mismatch", 1)]


@pytest.mark.parametrize("item", ["kotak-1", 'kotak "1"', "kotak\\1", "kotak\t1", "kotak\x7f1", "kotak-é", "kotak-\u2028"])
def test_labels_are_read_right_whatever_the_item_id(item):
    """The label check has a fast path for plain ASCII ids; quotes, escapes and non-ASCII take json.dumps."""
    first = store_event(GENESIS, make_event(item, 1, "seal", "2024-02-14T06:00:00Z"))
    assert verify_chains([first]).ok
    assert verify_chains([first._replace(item_id=item + "x")]).broken == [Break(item + "x", 1, "label_mismatch", 1)]
    other = store_event(GENESIS, make_event(item + "x", 1, "seal", "2024-02-14T06:00:00Z"))
    assert verify_chains([other._replace(item_id=item)]).broken == [Break(item, 1, "label_mismatch", 1)]


def test_deep_mode_catches_non_canonical_text():
    text = b'{"seq": 1}'  # hashed correctly but neither canonical nor an event
    forged = store_event(GENESIS, box_event(1))._replace(
        canonical=text, hash=hashlib.sha256(bytes(32) + text).hexdigest()
    )
    assert verify_chains([forged], deep=True).broken == [Break(BOX, 1, "label_mismatch", 1)]
    real = store_event(GENESIS, box_event(1))
    spaced = real.canonical.replace(b'"kind":', b'"kind": ')
    forged = real._replace(canonical=spaced, hash=hashlib.sha256(bytes(32) + spaced).hexdigest())
    assert verify_chains([forged]).ok
    assert verify_chains([forged], deep=True).broken == [Break(BOX, 1, "not_canonical", 1)]


# --- property tests --------------------------------------------------------------------------

ITEM_NAMES = ["7405242009001-1", "7405242009001-2", "7405011001903-5", "kotak-é", "B"]


@st.composite
def logs(draw, max_items=4, max_events=5) -> CustodyLog:
    items = draw(st.lists(st.sampled_from(ITEM_NAMES), min_size=1, max_size=max_items, unique=True))
    counts = draw(st.lists(st.integers(1, max_events), min_size=len(items), max_size=len(items)))
    order = draw(st.permutations([item for item, n in zip(items, counts) for _ in range(n)]))
    cuts = draw(st.sets(st.integers(0, len(order) - 1), max_size=3))
    log = CustodyLog()
    for pos, item in enumerate(order):
        seq = log.next_seq(item)
        log.append(
            make_event(
                item, seq, draw(st.sampled_from(["seal", "handover", "receive"])),
                f"2024-02-14T{pos // 60:02d}:{pos % 60:02d}:00Z",
                condition=draw(st.sampled_from([None, "utuh", "segel rusak"])),
                corrects=seq - 1 if seq > 1 and draw(st.booleans()) else None,
                payload={"pos": pos, "catatan": draw(st.text(max_size=5))},
            )
        )  # fmt: skip
        if pos in cuts:
            log.checkpoint(f"2024-02-14T{pos // 60:02d}:{pos % 60:02d}:30Z")
    return log


def last_of(events, item):
    return max(e.seq for e in events if e.item_id == item)


def covering_checkpoint(log, item, seq):
    """Position of the first checkpoint whose heads hold (item, seq), or None."""
    for position, cp in enumerate(log.checkpoints, start=1):
        if cp.advanced.get(item) == seq:
            return position
    return None


def rehash(ev, canonical):
    return ev._replace(
        canonical=canonical, hash=hashlib.sha256(bytes.fromhex(ev.prev_hash) + canonical).hexdigest()
    )


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(logs(), st.data())
def test_good_logs_verify(log, data):
    report = verify(log.events, log.checkpoints, deep=data.draw(st.booleans()))
    assert report.ok
    assert (report.items, report.events) == (len(log.heads), len(log.events))


@FAST
@given(logs(), st.data())
def test_any_content_edit_is_located(log, data):
    i = data.draw(st.integers(0, len(log.events) - 1))
    ev = log.events[i]
    tampered = ev.canonical.replace(b'"pos":', b'"pos":1')  # pos 3 -> 13 etc.
    events = list(log.events)
    events[i] = ev._replace(canonical=tampered)
    report = verify(events, log.checkpoints)
    assert report.broken == [Break(ev.item_id, ev.seq, "hash_mismatch", ev.seq)]
    assert report.checkpoint_breaks == []  # stored hashes untouched; the chain names the edit


@FAST
@given(logs(), st.data())
def test_edit_with_recomputed_hash_is_located(log, data):
    i = data.draw(st.integers(0, len(log.events) - 1))
    ev = log.events[i]
    events = list(log.events)
    events[i] = rehash(ev, ev.canonical.replace(b'"pos":', b'"pos":1'))
    report = verify(events, log.checkpoints)
    if ev.seq < last_of(events, ev.item_id):
        assert report.broken == [Break(ev.item_id, ev.seq + 1, "prev_mismatch", ev.seq + 1)]
    else:
        assert report.broken == []
        position = covering_checkpoint(log, ev.item_id, ev.seq)
        expected = [] if position is None else [CheckpointBreak(position, "root_mismatch")]
        assert report.checkpoint_breaks[:1] == expected


@FAST
@given(logs(), st.data())
def test_any_deletion_is_located(log, data):
    i = data.draw(st.integers(0, len(log.events) - 1))
    ev = log.events[i]
    events = log.events[:i] + log.events[i + 1 :]
    report = verify(events, log.checkpoints)
    if ev.seq < last_of(log.events, ev.item_id):
        assert report.broken == [Break(ev.item_id, ev.seq, "seq_mismatch", ev.seq + 1)]
    else:
        assert report.broken == []
        position = covering_checkpoint(log, ev.item_id, ev.seq)
        expected = [] if position is None else [CheckpointBreak(position, "head_missing", ev.item_id, ev.seq)]
        assert report.checkpoint_breaks[:1] == expected


@FAST
@given(logs(), st.data())
def test_any_insertion_is_located(log, data):
    i = data.draw(st.integers(0, len(log.events) - 1))
    ev = log.events[i]
    forged_event = {**ev.event(), "condition": "diganti"}
    linked = data.draw(st.booleans())  # a forger who links correctly, or one who does not
    forged = store_event(ev.prev_hash if linked else GENESIS, forged_event)
    events = log.events[:i] + [forged] + log.events[i:]
    report = verify(events, log.checkpoints)
    if linked or ev.seq == 1:  # accepted as event seq (64 zeros is seq 1's right prev)
        assert report.broken == [Break(ev.item_id, ev.seq + 1, "seq_mismatch", ev.seq)]
    else:
        assert report.broken == [Break(ev.item_id, ev.seq, "prev_mismatch", ev.seq)]


@FAST
@given(logs(max_events=5), st.data())
def test_any_reordering_is_located(log, data):
    multi = [item for item, (seq, _) in log.heads.items() if seq >= 2]
    if not multi:
        return
    item = data.draw(st.sampled_from(multi))
    k = data.draw(st.integers(1, log.heads[item][0] - 1))
    events = list(log.events)
    a = next(n for n, e in enumerate(events) if (e.item_id, e.seq) == (item, k))
    b = next(n for n, e in enumerate(events) if (e.item_id, e.seq) == (item, k + 1))
    events[a], events[b] = events[b], events[a]
    assert verify_chains(events).broken == [Break(item, k, "seq_mismatch", k + 1)]


CHECKPOINT_EDITS = {
    "at": lambda cp: {"at": "2030-01-01T00:00:00Z"},
    "root": lambda cp: {"root": "ab" * 32},
    "item_count": lambda cp: {"item_count": cp.item_count + 1},
    "event_count": lambda cp: {"event_count": cp.event_count - 1},
    "seq": lambda cp: {"seq": cp.seq + 1},
    "prev": lambda cp: {"prev_checkpoint_hash": "cd" * 32},
    "advanced": lambda cp: {"advanced": {**cp.advanced, "B": 99}},
}


@FAST
@given(logs(), st.data())
def test_any_checkpoint_alteration_is_located(log, data):
    if not log.checkpoints:
        return
    k = data.draw(st.integers(1, len(log.checkpoints)))
    edit = CHECKPOINT_EDITS[data.draw(st.sampled_from(sorted(CHECKPOINT_EDITS)))]
    checkpoints = list(log.checkpoints)
    checkpoints[k - 1] = dataclasses.replace(checkpoints[k - 1], **edit(checkpoints[k - 1]))
    report = verify(log.events, checkpoints)
    assert report.broken == []
    assert report.checkpoint_breaks[0] == CheckpointBreak(k, "hash_mismatch")
    # A forger who also recomputes the hash is caught by the next checkpoint's link.
    forged = dataclasses.replace(checkpoints[k - 1], hash=checkpoint_hash(checkpoints[k - 1]))
    checkpoints[k - 1] = forged
    first = verify(log.events, checkpoints).checkpoint_breaks[:1]
    if k < len(checkpoints):
        assert first and first[0].checkpoint_seq <= k + 1
    elif forged.at == log.checkpoints[k - 1].at:  # only the label "at" can be rewritten unseen
        assert first and first[0].checkpoint_seq == k


# --- bundles and the standalone verifier -----------------------------------------------------


def run_standalone(directory, *args, script=STANDALONE):
    proc = subprocess.run(
        [sys.executable, "-S", str(script), str(directory), *args],
        capture_output=True, text=True, encoding="utf-8", timeout=60,
    )  # fmt: skip
    return proc.returncode, proc.stdout, proc.stderr


def bundle_lines(log):
    events = [
        {"item": e.item_id, "seq": e.seq, "prev": e.prev_hash, "hash": e.hash, "event": e.canonical.decode()}
        for e in log.events
    ]
    checkpoints = [
        {"hash": cp.hash, "checkpoint": canonical_bytes(cp.body()).decode()} for cp in log.checkpoints
    ]
    return events, checkpoints


def write_lines(directory, events, checkpoints):
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in (("events.jsonl", events), ("checkpoints.jsonl", checkpoints)):
        with open(directory / name, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def _rehash_line(line):
    line["hash"] = hashlib.sha256(bytes.fromhex(line["prev"]) + line["event"].encode()).hexdigest()


MUTATIONS = [
    "none", "edit", "edit_rehash", "delete", "duplicate", "swap", "item", "seq",
    "spaces_rehash", "checkpoint_field", "checkpoint_delete",
]  # fmt: skip


def mutate(data, kind, events, checkpoints):
    """Tamper with the bundle lines, including forms write_bundle never writes."""
    i = data.draw(st.integers(0, len(events) - 1))
    line = events[i]
    if kind == "edit":
        line["event"] = line["event"].replace('"pos":', '"pos":7')
    elif kind == "edit_rehash":
        line["event"] = line["event"].replace('"pos":', '"pos":7')
        _rehash_line(line)
    elif kind == "delete":
        del events[i]
    elif kind == "duplicate":
        events.insert(data.draw(st.integers(0, len(events))), dict(line))
    elif kind == "swap":
        j = data.draw(st.integers(0, len(events) - 1))
        events[i], events[j] = events[j], events[i]
    elif kind == "item":
        line["item"] = data.draw(st.sampled_from(ITEM_NAMES))
    elif kind == "seq":
        line["seq"] = data.draw(st.integers(1, 6))
    elif kind == "spaces_rehash":
        line["event"] = line["event"].replace(",", ", ", 1)
        _rehash_line(line)
    elif kind == "checkpoint_field" and checkpoints:
        row = data.draw(st.sampled_from(checkpoints))
        body = json.loads(row["checkpoint"])
        body[data.draw(st.sampled_from(["event_count", "item_count", "seq"]))] += 1
        row["checkpoint"] = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    elif kind == "checkpoint_delete" and checkpoints:
        del checkpoints[data.draw(st.integers(0, len(checkpoints) - 1))]


@pytest.mark.parametrize("kind", MUTATIONS)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logs(max_items=3, max_events=4), st.data())
def test_standalone_agrees_with_module_on_random_bundles(tmp_path_factory, kind, log, data):
    events, checkpoints = bundle_lines(log)
    mutate(data, kind, events, checkpoints)
    directory = tmp_path_factory.mktemp("bundle")
    write_lines(directory, events, checkpoints)
    expected = verify_bundle(directory).to_dict()
    code, out, _ = run_standalone(directory, "--json")
    assert json.loads(out) == expected
    assert code == (0 if expected["ok"] else 1)


def test_write_bundle_round_trip_and_copied_verifier(tmp_path):
    log = three_box_log()
    log.append(make_event("kotak-é", 1, "seal", "2024-02-14T10:00:00Z", payload={"catatan": "baris\nbaru"}))
    log.checkpoint("2024-02-14T10:30:00Z")
    write_bundle(log.events, log.checkpoints, tmp_path)
    assert list(custody_bundle.read_events(tmp_path)) == log.events
    assert read_checkpoints(tmp_path) == log.checkpoints
    assert verify_bundle(tmp_path).ok
    code, out, _ = run_standalone(tmp_path, "--lang", "en", script=tmp_path / "standalone_verify.py")
    assert code == 0 and "OK" in out


def test_standalone_reports_item_and_event_in_text(tmp_path):
    events, checkpoints = bundle_lines(three_box_log())
    events[1]["event"] = events[1]["event"].replace("utuh", "rusak")
    write_lines(tmp_path, events, checkpoints)
    code, out, _ = run_standalone(tmp_path)
    assert code == 1
    assert f"barang {BOX}, peristiwa 2: Isi peristiwa tidak cocok" in out
    code, out, _ = run_standalone(tmp_path, "--lang", "en")
    assert f"item {BOX}, event 2: Event content does not match" in out


@pytest.mark.parametrize(
    "damage",
    [
        lambda ev, cp: ev.__setitem__(0, "not json"),
        lambda ev, cp: ev.__setitem__(0, json.dumps({"item": BOX, "seq": "1", "prev": "", "hash": "", "event": ""})),
        lambda ev, cp: ev.__setitem__(0, json.dumps({"item": BOX})),
        lambda ev, cp: cp.__setitem__(0, json.dumps({"hash": "", "checkpoint": "{}"})),
        lambda ev, cp: cp.__setitem__(0, json.dumps({"hash": "", "checkpoint": "[1"})),
    ],
)
def test_unreadable_bundles_exit_2(tmp_path, damage):
    events, checkpoints = bundle_lines(three_box_log())
    ev_lines = [json.dumps(e) for e in events]
    cp_lines = [json.dumps(c) for c in checkpoints]
    damage(ev_lines, cp_lines)
    (tmp_path / "events.jsonl").write_text("\n".join(ev_lines) + "\n")
    (tmp_path / "checkpoints.jsonl").write_text("\n".join(cp_lines) + "\n")
    with pytest.raises(BundleError):
        verify_bundle(tmp_path)
    code, out, _ = run_standalone(tmp_path, "--json")
    assert code == 2 and json.loads(out)["ok"] is False


def test_missing_bundle_exit_2(tmp_path):
    with pytest.raises(BundleError):
        verify_bundle(tmp_path)
    assert run_standalone(tmp_path)[0] == 2


@FAST
@given(logs(), st.data())
def test_interleaved_and_grouped_streams_verify_alike(log, data):
    """Verify keeps the item being read in locals: the result must not depend on how items interleave."""
    events = list(log.events)
    if data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(events) - 1))
        events[i] = events[i]._replace(canonical=events[i].canonical.replace(b'"pos":', b'"pos":1'))
    grouped = sorted(events, key=lambda e: e.item_id)  # stable: each item's events keep their order
    a, b = verify(events, log.checkpoints), verify(grouped, log.checkpoints)
    assert sorted(a.broken, key=repr) == sorted(b.broken, key=repr)
    assert (a.items, a.events, a.checkpoint_breaks) == (b.items, b.events, b.checkpoint_breaks)
    assert a.ok == (events == log.events)
