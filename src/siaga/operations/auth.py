"""Bearer-token authentication for field submissions, with the token -> user look-up kept for a minute.

A field phone posts many reports a minute and a national peak is ~1,500 reports per second: one
indexed look-up per token per minute per worker instead of one per request. The price: a revoked
token, or a deactivated user, is still accepted for up to CACHE_SECONDS by a worker that saw it.
"""

import hashlib
import threading
import time

from ninja.security import django_auth

from siaga.accounts.auth import TokenAuth

CACHE_SECONDS = 60
CACHE_MAX_TOKENS = 20_000  # a national worker sees at most a few thousand phones a minute


class CachedTokenAuth(TokenAuth):
    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._users: dict[str, tuple[float, object]] = {}

    def authenticate(self, request, token):
        key = hashlib.sha256(token.encode()).hexdigest()
        now = time.monotonic()
        with self._lock:
            expires, user = self._users.get(key, (0.0, None))
        if expires > now:
            request.user = user
            return user
        user = super().authenticate(request, token)  # also records the token's use, at most once a minute
        if user is not None:
            with self._lock:
                if len(self._users) >= CACHE_MAX_TOKENS:
                    self._users.clear()
                self._users[key] = (now + CACHE_SECONDS, user)
        return user


FIELD_AUTH = [CachedTokenAuth(), django_auth]
