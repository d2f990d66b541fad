"""API authentication: bearer tokens for field devices, the session for pages."""

from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from siaga.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.lookup(token)
        if found is None:
            return None
        now = timezone.now()
        # A field phone sends many reports a minute: record use at most once a minute, not a write per request.
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


API_AUTH = [TokenAuth(), django_auth]
