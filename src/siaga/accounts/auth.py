"""API authentication: bearer tokens for field devices, the session for pages."""

from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from siaga.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.lookup(token)
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


API_AUTH = [TokenAuth(), django_auth]
