"""API authentication: bearer tokens for field devices, the session for pages."""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from siaga.accounts.models import ApiToken
from siaga.accounts.signin import account_locked


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.lookup(token)  # a deactivated user's tokens are not found
        if found is None or account_locked(found.user.username):
            return None
        now = timezone.now()
        # A field phone sends many reports a minute: record use at most once a minute, not a write per request.
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


API_AUTH = [TokenAuth(), django_auth]
