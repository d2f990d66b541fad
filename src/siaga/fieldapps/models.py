"""Devices (app users with a key), received submissions (the raw XML kept for audit), their attachments, and
the cursor of a pull from an ODK Central server."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Device(models.Model):
    """A phone running ODK Collect or KoboCollect for one Siaga user (Central's "app user").

    The device's key is shown once: it goes in the project URL (/odk/key/<key>/) or is typed as the password for
    HTTP Digest with the user's username. Only its SHA-256 (for the URL) and the Digest HA1
    (MD5 of username:realm:key, which Digest needs) are stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="odk_devices")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    digest_ha1 = models.CharField(max_length=32)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    last_form = models.CharField(max_length=64, blank=True)
    submissions = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["user__username", "name"]
        verbose_name = _("device")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="odk_device_user_name_unique")]

    def __str__(self):
        return f"{self.user.username}/{self.name}"


class Submission(models.Model):
    """One accepted submission, once per instanceID; what it became (record type and id)."""

    instance_id = models.CharField(max_length=80, unique=True)
    form_id = models.CharField(max_length=64)
    form_version = models.CharField(max_length=32, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=200, default="openrosa")  # or the Central server it was pulled from
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    xml = models.TextField()
    xml_sha256 = models.CharField(max_length=64)
    record_type = models.CharField(max_length=30)
    record_id = models.CharField(max_length=64)
    area_code = models.CharField(max_length=13, blank=True, db_index=True)
    data = models.JSONField(default=dict)  # the answers as read (a PSU report keeps only this)

    class Meta:
        ordering = ["-received_at", "-id"]


class Attachment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="odk/%Y/%m/%d/")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "name"], name="odk_attachment_unique")]


class SyncCursor(models.Model):
    """How far a pull from a Central server got for one form: its newest submission seen."""

    server = models.CharField(max_length=200)
    project = models.CharField(max_length=20)
    form_id = models.CharField(max_length=64)
    last_created_at = models.CharField(max_length=40, blank=True)
    pulled = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["server", "project", "form_id"], name="odk_cursor_unique")]
