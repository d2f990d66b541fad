"""Agencies, users with an area scope, API tokens for field devices, audit trail."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    POLRI = "polri", "Polri"
    KPU = "kpu", "KPU"
    BAWASLU = "bawaslu", "Bawaslu"
    TNI = "tni", "TNI"
    KEJAKSAAN = "kejaksaan", "Kejaksaan"
    PEMDA = "pemda", _("Local government")


class AgencyLevel(models.TextChoices):
    NATIONAL = "nasional", _("National")
    PROVINCE = "provinsi", _("Province")
    KABKOTA = "kabkota", _("Kab/kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa")


class Agency(models.Model):
    """An organisation unit: Polda, Polres, Polsek, KPU provinsi, Bawaslu kab/kota, ..."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=AgencyKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=AgencyLevel.choices)
    # Dotted region code of the area it covers; "" = all of Indonesia.
    area_code = models.CharField(_("area"), max_length=13, blank=True, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COMMANDER = "pimpinan", _("Commander")
    ANALYST = "analis", _("Analyst")
    OPERATOR = "operator", _("Operator")
    FIELD = "petugas", _("Field officer")
    PARTNER = "mitra", _("Partner (read only)")


# Roles that may change reference data (TPS registry, imports) inside their area.
REGISTRY_EDITOR_ROLES = {Role.ADMIN, Role.OPERATOR}


class User(AbstractUser):
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.PARTNER)
    # The area this user may see and change; "" = all of Indonesia.
    area_code = models.CharField(_("area"), max_length=13, blank=True)
    language = models.CharField(_("language"), max_length=5, default="id")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for a field device; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    @classmethod
    def issue(cls, *, user, name):
        raw = "sg_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=_hash_token(raw), prefix=raw[:8])
        return token, raw

    @classmethod
    def lookup(cls, raw: str):
        return (
            cls.objects.select_related("user", "user__agency")
            .filter(key_hash=_hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )


class AuditLog(models.Model):
    """Who changed what, when, with the state before and after. Append-only."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, db_index=True)
    area_code = models.CharField(max_length=13, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
