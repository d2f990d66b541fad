"""The server's custody key: signs checkpoints and tags the events Siaga writes.

Taken from the environment variable ``SIAGA_CUSTODY_KEY`` (64 hex digits: the
Ed25519 seed; use this in production and keep it in the secret store), else
from ``SIAGA_HOME/custody_ed25519.key``, which is created on first use with
permissions 0600. Losing the key does not lose any record, but checkpoints
taken after a new key is made verify only with the new public key.
"""

import os
import re
import secrets
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from siaga.core.custody_sign import CustodyKey

ENV = "SIAGA_CUSTODY_KEY"
FILE = "custody_ed25519.key"
_SEED = re.compile(r"[0-9a-fA-F]{64}")


def custody_key() -> CustodyKey:
    return _load(os.environ.get(ENV, ""), str(Path(settings.SIAGA_HOME) / FILE))


@lru_cache(maxsize=4)
def _load(env_value: str, path: str) -> CustodyKey:
    if env_value:
        if not _SEED.fullmatch(env_value.strip()):
            raise ImproperlyConfigured(f"{ENV} must be 64 hex digits (an Ed25519 seed)")
        return CustodyKey(bytes.fromhex(env_value.strip()))
    return CustodyKey(bytes.fromhex(_seed_file(Path(path))))


def _seed_file(path: Path) -> str:
    """The seed in ``path``, written once (0600) when absent; refused when others may read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or by another worker a moment ago
    else:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_bytes(32).hex() + "\n")
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise ImproperlyConfigured(f"{path}: the custody key must be readable by its owner only (chmod 600)")
    text = path.read_text(encoding="ascii").strip()
    if not _SEED.fullmatch(text):
        raise ImproperlyConfigured(f"{path}: expected 64 hex digits (an Ed25519 seed)")
    return text
