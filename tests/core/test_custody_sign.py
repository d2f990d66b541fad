"""Checkpoint signatures: the standalone verifier's own Ed25519 check agrees with the cryptography library
(RFC 8032 test vectors and random keys and messages), and signature rules in core.verify."""

import dataclasses
import runpy
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.core import custody_bundle
from siaga.core.custody import CheckpointBreak, CustodyLog, make_event, parse_published, verify
from siaga.core.custody_sign import CustodyKey, signature_ok

STANDALONE = runpy.run_path(str(Path(custody_bundle.__file__).with_name("standalone_verify.py")))
ed25519_ok = STANDALONE["ed25519_ok"]

# RFC 8032, section 7.1: TEST 1 (empty message) and TEST 3 (two bytes).
VECTORS = [
    ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595b"
     "be24655141438e7a100b"),
    ("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716e"
     "d28dc027beceea1ec40a"),
]


@pytest.mark.parametrize("public, message, signature", VECTORS)
def test_rfc8032_vectors(public, message, signature):
    public, message, signature = bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature)
    assert ed25519_ok(public, message, signature)
    assert not ed25519_ok(public, message + b"x", signature)
    assert not ed25519_ok(public, message, signature[:-1] + bytes([signature[-1] ^ 1]))


@settings(max_examples=25, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.binary(max_size=100), st.integers(0, 63), st.integers(0, 7))
def test_standalone_ed25519_agrees_with_cryptography(seed, message, byte, bit):
    key = Ed25519PrivateKey.from_private_bytes(seed)
    public = key.public_key().public_bytes_raw()
    signature = key.sign(message)
    assert ed25519_ok(public, message, signature)
    flipped = bytearray(signature)
    flipped[byte] ^= 1 << bit
    assert not ed25519_ok(public, message, bytes(flipped))  # cryptography refuses every such flip too


def _signed_log(key):
    log = CustodyLog()
    for seq in (1, 2):
        log.append(make_event("kotak-1", seq, "handover", "2024-02-14T07:00:00Z"))
        log.checkpoint(f"2024-02-14T08:0{seq}:00Z")
    return [dataclasses.replace(cp, signature=key.sign(cp.hash)) for cp in log.checkpoints], log.events


def test_verify_checks_every_signature_and_wants_the_last_signed():
    key = CustodyKey(bytes(range(32)))
    checkpoints, events = _signed_log(key)
    assert signature_ok(key.public_hex, checkpoints[0].hash, checkpoints[0].signature)
    assert STANDALONE["signature_ok"](key.public_hex, checkpoints[0].hash, checkpoints[0].signature)
    assert verify(events, checkpoints, public_key=key.public_hex).ok
    other = CustodyKey(bytes(32))
    assert verify(events, checkpoints, public_key=other.public_hex).checkpoint_breaks == [
        CheckpointBreak(1, "signature_invalid"), CheckpointBreak(2, "signature_invalid")]
    unsigned_last = checkpoints[:1] + [dataclasses.replace(checkpoints[1], signature="")]
    assert verify(events, unsigned_last, public_key=key.public_hex).checkpoint_breaks == [
        CheckpointBreak(2, "signature_missing")]
    unsigned_first = [dataclasses.replace(checkpoints[0], signature="")] + checkpoints[1:]
    assert verify(events, unsigned_first, public_key=key.public_hex).ok  # the signed one commits to it


def test_published_roots_are_compared_and_a_mismatch_named():
    key = CustodyKey(bytes(range(32)))
    checkpoints, events = _signed_log(key)
    root = checkpoints[0].root
    assert verify(events, checkpoints, published=[parse_published(f"1:{root}")]).ok
    assert verify(events, checkpoints, published=[parse_published(root)]).ok
    assert verify(events, checkpoints, published=[(2, root)]).checkpoint_breaks == [
        CheckpointBreak(2, "published_root_mismatch", detail=root)]
    with pytest.raises(ValueError):
        parse_published("2:not-a-root")
