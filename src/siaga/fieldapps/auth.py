"""Who is sending: a device key in the URL path (/odk/key/<key>/..., ODK Central's app-user URL), HTTP Digest
(RFC 7616 with MD5 and qop=auth, as Collect answers a challenge: the username and the device's key), or HTTP
Basic (the username with a device key, or with the Siaga password, checked by Django's auth backends so that
axes' lock-out applies). Failed Digest and key attempts are logged as failed sign-ins for axes too."""

import hashlib
import hmac
import re
import time
from base64 import b64decode
from binascii import Error as Base64Error

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed

from siaga.accounts.models import User
from siaga.accounts.signin import account_locked
from siaga.fieldapps.models import Device

REALM = "Siaga"
NONCE_SECONDS = 6 * 3600  # Collect keeps answering with one nonce while it works; a stale one is re-challenged
_PARAM = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def digest_ha1(username: str, key: str) -> str:
    return hashlib.md5(f"{username}:{REALM}:{key}".encode()).hexdigest()


def _nonce_mac(stamp: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"odk-nonce:{stamp}".encode(), hashlib.sha256).hexdigest()[:32]


def nonce_new(now=None) -> str:
    stamp = f"{int(now if now is not None else time.time()):x}"
    return stamp + _nonce_mac(stamp)


def nonce_fresh(nonce: str, now=None) -> bool | None:
    """True when fresh, False when ours but stale, None when not ours."""
    stamp, mac = nonce[:-32], nonce[-32:]
    if not stamp or not hmac.compare_digest(mac, _nonce_mac(stamp)):
        return None
    try:
        age = (now if now is not None else time.time()) - int(stamp, 16)
    except ValueError:
        return None
    return 0 <= age <= NONCE_SECONDS


def challenge(stale=False) -> str:
    return (f'Digest realm="{REALM}", qop="auth", algorithm=MD5, nonce="{nonce_new()}", '
            f'opaque="{hashlib.md5(REALM.encode()).hexdigest()}"' + (", stale=TRUE" if stale else ""))


def digest_params(header: str) -> dict:
    return {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) for m in _PARAM.finditer(header)}


def device_by_key(raw: str):
    return Device.objects.select_related("user", "user__agency").filter(
        key_hash=key_hash(raw), revoked_at__isnull=True, user__is_active=True).first()


def _failed(request, username):
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)


def _locked(request, username) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.update_request(request)
    return AxesProxyHandler.is_locked(request, {"username": username})


class Outcome:
    """The result of reading the credentials: user and device, or why not (stale nonce, locked)."""

    def __init__(self, user=None, device=None, stale=False, locked=False):
        self.user, self.device, self.stale, self.locked = user, device, stale, locked


def _digest(request, header) -> Outcome:
    p = digest_params(header)
    username = p.get("username", "")
    needed = ("username", "realm", "nonce", "uri", "response")
    if any(not p.get(k) for k in needed) or p["realm"] != REALM or p.get("algorithm", "MD5").upper() != "MD5":
        return Outcome()
    if _locked(request, username):
        return Outcome(locked=True)
    fresh = nonce_fresh(p["nonce"])
    if fresh is None:
        return Outcome()
    if p["uri"] != request.get_full_path() and p["uri"] != request.build_absolute_uri():
        return Outcome()
    ha2 = hashlib.md5(f"{request.method}:{p['uri']}".encode()).hexdigest()
    qop = p.get("qop")
    if qop not in (None, "auth"):
        return Outcome()
    user = User.objects.select_related("agency").filter(username=username, is_active=True).first()
    for device in (user.odk_devices.filter(revoked_at__isnull=True) if user else ()):
        tail = f"{p['nonce']}:{p.get('nc', '')}:{p.get('cnonce', '')}:auth:{ha2}" if qop else f"{p['nonce']}:{ha2}"
        expected = hashlib.md5(f"{device.digest_ha1}:{tail}".encode()).hexdigest()
        if hmac.compare_digest(expected, p["response"]):
            if not fresh:  # right key, old nonce: answer a new challenge, not a failure
                return Outcome(stale=True)
            device.user = user
            return Outcome(user, device)
    _failed(request, username)
    return Outcome()


def _basic(request, header) -> Outcome:
    try:
        username, _, password = b64decode(header.split(None, 1)[1]).decode().partition(":")
    except (IndexError, ValueError, Base64Error, UnicodeDecodeError):
        return Outcome()
    device = device_by_key(password) if password else None
    if device is not None and device.user.username == username:
        if _locked(request, username):
            return Outcome(locked=True)
        return Outcome(device.user, device)
    user = authenticate(request, username=username, password=password)  # axes' backend first: locked -> None
    if user is None:
        return Outcome(locked=bool(getattr(request, "axes_locked_out", False)))
    return Outcome(user, None)


def credentials(request, key=None) -> Outcome:
    """Who the request is from (Outcome with user None when nobody: answer a challenge)."""
    if key is not None:
        if _locked(request, None):  # an address guessing keys is throttled like one guessing passwords
            return Outcome(locked=True)
        device = device_by_key(key)
        if device is None:
            _failed(request, "odk-key:" + key[:6])
            return Outcome()
        if account_locked(device.user.username):
            return Outcome(locked=True)
        return Outcome(device.user, device)
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme = header.split(None, 1)[0].lower() if header else ""
    if scheme == "digest":
        return _digest(request, header)
    if scheme == "basic":
        return _basic(request, header)
    return Outcome()
