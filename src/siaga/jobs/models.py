"""Background jobs: work started from the web (file imports) that runs outside the request."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    kind = models.CharField(max_length=40)  # a key of siaga.jobs.registry
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    area_code = models.CharField(max_length=20, blank=True, db_index=True)  # the owner's area when submitted
    filename = models.CharField(max_length=255, blank=True)
    lang = models.CharField(max_length=5, default="id")
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED, db_index=True)
    progress = models.PositiveIntegerField(default=0)  # rows done, as the job last reported
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    runner = models.CharField(max_length=100, blank=True)  # host:pid of the process running it
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["owner", "state"], name="jobs_owner_state")]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES
