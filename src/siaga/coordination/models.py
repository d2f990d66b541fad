"""Inter-agency coordination: liaison officers, meetings with decisions and action items,
intelligence reports with classification and sharing, referrals between agencies."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Liaison(models.Model):
    """An agency's liaison officer (perwira penghubung) for the operation."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["agency__code", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="coordination_liaison_unique")]


class MeetingKind(models.TextChoices):
    RAKERNIS = "rakernis", _("Technical working meeting (rakernis)")
    RAKOR = "rakor", _("Coordination meeting (rakor)")
    OTHER = "lainnya", _("Other meeting")


class Meeting(models.Model):
    operation = models.ForeignKey("planning.Operation", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="meetings")
    kind = models.CharField(_("kind"), max_length=10, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    organiser = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("area"), max_length=13, blank=True, db_index=True)
    attendees = models.ManyToManyField("accounts.Agency", through="Attendance", related_name="+")
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        ordering = ["-held_at"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT)
    people = models.CharField(_("people"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="coordination_attendance_unique")]


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))

    class Meta:
        ordering = ["id"]


class ActionStatus(models.TextChoices):
    OPEN = "terbuka", _("Open")
    DONE = "selesai", _("Done")
    CANCELLED = "batal", _("Cancelled")


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.CharField(_("person"), max_length=150, blank=True)
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_on = models.DateField(_("done"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class Classification(models.TextChoices):
    """Ordered: BIASA < TERBATAS < RAHASIA (see clearance.py)."""

    BIASA = "biasa", _("Ordinary (biasa)")
    TERBATAS = "terbatas", _("Restricted (terbatas)")
    RAHASIA = "rahasia", _("Secret (rahasia)")


class IntelReport(models.Model):
    """A laporan informasi, graded with the admiralty code (source A-F, information 1-6)."""

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    area_code = models.CharField(_("area"), max_length=13, db_index=True)
    stage = models.ForeignKey("planning.Stage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_reliability = models.CharField(_("source reliability"), max_length=1)
    credibility = models.PositiveSmallIntegerField(_("information credibility"))
    classification = models.CharField(_("classification"), max_length=8, choices=Classification.choices)
    author_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    shared_agencies = models.ManyToManyField("accounts.Agency", blank=True, related_name="+")
    # Roles shared with, stored ",pimpinan,analis," so one icontains filter works on every database.
    shared_roles = models.CharField(max_length=100, blank=True, default="")
    threats = models.ManyToManyField("planning.Threat", blank=True, related_name="intel_reports")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def roles(self):
        return [r for r in self.shared_roles.split(",") if r]

    @property
    def grade(self):
        return f"{self.source_reliability}{self.credibility}"


class ReportRead(models.Model):
    """Every read of an intelligence report: who, when, through what. Append-only."""

    report = models.ForeignKey(IntelReport, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reader_name = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    via = models.CharField(max_length=12)

    class Meta:
        ordering = ["-at", "-id"]


class ReferralStatus(models.TextChoices):
    SENT = "dikirim", _("Sent")
    ACKNOWLEDGED = "diterima", _("Acknowledged")
    ESCALATED = "eskalasi", _("Escalated")
    CLOSED = "selesai", _("Closed with outcome")


class Referral(models.Model):
    """A matter passed from one agency to another (Polri to KPU, Bawaslu to Polri, Polda to Polres)."""

    from_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("what"), max_length=300)
    reason = models.TextField(_("why"))
    deadline = models.DateField(_("deadline"))
    area_code = models.CharField(_("area"), max_length=13, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=9, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The parent agency the overdue referral was escalated to (the recipient's parent).
    escalated_to = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        ordering = ["deadline", "id"]
