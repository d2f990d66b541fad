"""Sign-in throttling (django-axes handler): a throttle per address in front, an account lock behind it.

Every failed sign-in is kept in axes' failure log (who, from which address, when). Two rules read it
(numbers in settings.py, SIAGA_SIGNIN_*):

- An address with ADDRESS_FAILURES failed sign-ins (any accounts) in the last ADDRESS_WINDOW is refused
  (429) until its failures age out. A command post signs in dozens of officers through one NAT address,
  so the limit is far above a room's typing mistakes, and a guesser on one address gets that many tries
  per window for all accounts together.
- An account is locked while its failures in the last AXES_COOLOFF_TIME number ACCOUNT_FAILURES or more
  and come from ACCOUNT_ADDRESSES or more different addresses: a guess spread over many machines. Wrong
  passwords from one address never lock an account (that address is throttled instead), so nobody can
  lock the Kapolda out with a handful of requests.

A locked account's API tokens are refused too (accounts.auth.TokenAuth), as are a deactivated user's.
Addresses are REMOTE_ADDR (axes' default), which a client cannot forge with a header.
"""

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog


def address_throttled(address: str | None) -> bool:
    if not address:
        return False
    since = timezone.now() - settings.SIAGA_SIGNIN_ADDRESS_WINDOW
    return AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since).count() \
        >= settings.SIAGA_SIGNIN_ADDRESS_FAILURES


def account_locked(username: str | None) -> bool:
    if not username:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    seen = AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).aggregate(
        n=Count("id"), addresses=Count("ip_address", distinct=True))
    return seen["n"] >= settings.SIAGA_SIGNIN_ACCOUNT_FAILURES and \
        seen["addresses"] >= settings.SIAGA_SIGNIN_ACCOUNT_ADDRESSES


class SigninHandler(AxesDatabaseHandler):
    """Axes' database handler with the two rules above in place of its count per lock-out parameter."""

    def is_locked(self, request, credentials=None) -> bool:
        return address_throttled(getattr(request, "axes_ip_address", None)) or account_locked(
            get_client_username(request, credentials))

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)  # logs the failure
        if request is not None and not getattr(request, "axes_locked_out", False) and \
                self.is_locked(request, credentials):
            request.axes_locked_out = True  # this answer is already the lock-out page
            request.axes_credentials = credentials
