"""Signatures over custody checkpoints (Ed25519) and the server's tags on stored events (HMAC-SHA256).

A checkpoint is signed over ``SIGNING_CONTEXT + bytes.fromhex(checkpoint hash)``; the
hash already commits to the body (and, through ``prev_checkpoint_hash``, to every
earlier checkpoint), so one signature per checkpoint covers every chain head. The
public key (32 bytes, lowercase hex) is published beside the checkpoint roots;
anyone verifies with it (``standalone_verify.py`` carries its own small
Ed25519 verifier so it needs nothing but Python).

Event tags are private: ``HMAC-SHA256(tag key, event hash bytes)`` with a key
derived from the same seed. Only the server can check them; they let it tell
an event it wrote from one written into its database by someone else, before a
checkpoint signs it.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SIGNING_CONTEXT = b"siaga-custody-checkpoint-v1\x00"
_TAG_CONTEXT = b"siaga-custody-event-tag-v1\x00"
_HEX = re.compile(r"[0-9a-f]*")


class CustodyKey:
    """The server's custody key, from a 32-byte seed."""

    def __init__(self, seed: bytes):
        if len(seed) != 32:
            raise ValueError("a custody key seed is 32 bytes")
        self._private = Ed25519PrivateKey.from_private_bytes(seed)
        self._tag_key = hashlib.sha256(_TAG_CONTEXT + seed).digest()
        self.public_hex = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()

    def sign(self, checkpoint_hash: str) -> str:
        """The signature (64 bytes, lowercase hex) of a checkpoint hash."""
        return self._private.sign(SIGNING_CONTEXT + bytes.fromhex(checkpoint_hash)).hex()

    def tag(self, event_hash: str) -> str:
        return hmac.new(self._tag_key, bytes.fromhex(event_hash), hashlib.sha256).hexdigest()

    def tag_ok(self, event_hash: str, tag: str) -> bool:
        if not _is_hex(event_hash, 32):
            return False
        return hmac.compare_digest(self.tag(event_hash), tag)


def signature_ok(public_hex: str, checkpoint_hash: str, signature_hex: str) -> bool:
    """Whether ``signature_hex`` is the key's signature of the checkpoint hash (malformed input: False)."""
    if not (_is_hex(public_hex, 32) and _is_hex(checkpoint_hash, 32) and _is_hex(signature_hex, 64)):
        return False
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        key.verify(bytes.fromhex(signature_hex), SIGNING_CONTEXT + bytes.fromhex(checkpoint_hash))
    except (InvalidSignature, ValueError):
        return False
    return True


def key_id(public_hex: str) -> str:
    """A short fingerprint to print and compare by eye: the first 16 hex digits of sha256(public key)."""
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:16]


def _is_hex(value, size: int) -> bool:
    return isinstance(value, str) and len(value) == 2 * size and bool(_HEX.fullmatch(value))
