"""Security operations, their election stages, threats, mitigations, KPIs and contingencies."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from siaga.core.risk_matrix import level_name, risk_level, risk_score
from siaga.regions.models import Election


class Operation(models.Model):
    """One police operation securing one election in one area (Operasi Mantap Praja Anoa)."""

    name = models.CharField(_("name"), max_length=200)
    election = models.CharField(_("election"), max_length=10, choices=Election.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    organiser = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("organising unit"))
    area_code = models.CharField(_("area"), max_length=13, blank=True, db_index=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "area_code"], name="planning_operation_unique")]

    def __str__(self):
        return self.name


class TaskForce(models.Model):
    """A Satgas of the operation (Preemtif, Preventif, Gakkum, ...)."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="task_forces")
    name = models.CharField(_("name"), max_length=100)
    duty = models.CharField(_("duty"), max_length=300, blank=True)
    lead = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]


class StageKind(models.TextChoices):
    VOTER_DATA = "pemutakhiran", _("Voter data updating")
    CANDIDACY = "pencalonan", _("Candidate registration")
    CAMPAIGN = "kampanye", _("Campaign")
    QUIET = "tenang", _("Quiet period")
    LOGISTICS = "logistik", _("Logistics distribution")
    VOTING = "pemungutan", _("Voting and counting")
    RECAP_KECAMATAN = "rekap_kecamatan", _("Recapitulation, kecamatan")
    RECAP_KABKOTA = "rekap_kabkota", _("Recapitulation, kab/kota")
    RECAP_PROVINSI = "rekap_provinsi", _("Recapitulation, province")
    RECAP_NASIONAL = "rekap_nasional", _("Recapitulation, national")
    DISPUTES = "sengketa", _("Disputes")
    DETERMINATION = "penetapan", _("Determination and inauguration")


class Stage(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("stage"), max_length=20, choices=StageKind.choices)
    order = models.PositiveSmallIntegerField()
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    # Where the dates come from (the KPU regulation or announcement), or why they could not be verified.
    note = models.CharField(_("note"), max_length=400, blank=True, default="")

    class Meta:
        ordering = ["operation", "order"]
        constraints = [models.UniqueConstraint(fields=["operation", "kind"], name="planning_stage_unique")]

    def __str__(self):
        return self.get_kind_display()


class ThreatCategory(models.TextChoices):
    CLASH = "bentrok", _("Supporter clashes")
    MONEY = "politik_uang", _("Money politics")
    HOAX = "hoaks", _("Hoaxes and hate speech")
    INTIMIDATION = "intimidasi", _("Intimidation")
    CYBER = "siber", _("Cyber attacks and data leaks")
    LOGISTICS = "logistik", _("Logistics delay or damage")
    NEUTRALITY = "netralitas", _("Non-neutral officials")
    SARA = "sara", _("SARA incitement")
    RIOT = "anarkis", _("Riots at KPU or Bawaslu offices")
    TERROR = "terorisme", _("Terrorism")
    DISASTER = "bencana", _("Natural disasters")
    OTHER = "lainnya", _("Other (user-defined)")


class ThreatStatus(models.TextChoices):
    OPEN = "terbuka", _("Open")
    MONITORED = "dipantau", _("Monitored")
    MITIGATED = "termitigasi", _("Mitigated")
    OCCURRED = "terjadi", _("Occurred")
    CLOSED = "ditutup", _("Closed")


class Threat(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="threats")
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="threats")
    area_code = models.CharField(_("area"), max_length=13, db_index=True)
    category = models.CharField(_("category"), max_length=20, choices=ThreatCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"))
    impact = models.PositiveSmallIntegerField(_("impact"))
    owner = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    status = models.CharField(_("status"), max_length=12, choices=ThreatStatus.choices, default=ThreatStatus.OPEN)
    # Vulnerability evidence as written by the analyst (TPS-rawan counts, IKP score, history).
    vulnerability_evidence = models.TextField(_("vulnerability evidence"), blank=True)

    class Meta:
        ordering = ["operation", "-likelihood", "id"]

    def __str__(self):
        return self.title

    @property
    def score(self):
        return risk_score(self.likelihood, self.impact)

    @property
    def level(self):
        return risk_level(self.likelihood, self.impact)

    @property
    def level_label(self):
        """The risk level in the user's language ("Sangat tinggi" / "Extreme"), never its code."""
        return level_name(self.level, "en" if get_language() == "en" else "id")


class WorkStatus(models.TextChoices):
    PLANNED = "rencana", _("Planned")
    IN_PROGRESS = "berjalan", _("In progress")
    DONE = "selesai", _("Done")
    CANCELLED = "batal", _("Cancelled")


class Mitigation(models.Model):
    threat = models.ForeignKey(Threat, on_delete=models.CASCADE, related_name="mitigations")
    action = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=WorkStatus.choices, default=WorkStatus.PLANNED)
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class KpiSource(models.TextChoices):
    TPS_GUARDED = "tps_guarded", _("Share of TPS guarded to pattern")
    SHORTFALL_CLOSED = "shortfall_closed", _("Personnel shortfall closed")
    ESCORT_COVERAGE = "escort_coverage", _("Logistics legs with an escort planned")
    RESPONSE_TIME = "response_time", _("Median incident response time (minutes)")
    ACTIONS_ON_TIME = "actions_on_time", _("Action items done on time")
    MITIGATIONS_ON_TIME = "mitigations_on_time", _("Mitigations done on time")


class Kpi(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="kpis")
    mitigation = models.ForeignKey(Mitigation, null=True, blank=True, on_delete=models.CASCADE, related_name="kpis")
    source = models.CharField(_("indicator"), max_length=24, choices=KpiSource.choices)
    target = models.FloatField(_("target"))
    higher_is_better = models.BooleanField(default=True)
    unit = models.CharField(max_length=10, default="%")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["operation", "mitigation", "source"],
                                               name="planning_kpi_unique")]


class KpiSnapshot(models.Model):
    """A KPI's value at one time; value None = no data at that time. Append-only."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(default=timezone.now, db_index=True)
    value = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["kpi", "taken_at"]


class ContingencyStatus(models.TextChoices):
    READY = "siap", _("Ready")
    ACTIVE = "aktif", _("Active")
    STOOD_DOWN = "selesai", _("Stood down")


class Contingency(models.Model):
    threat = models.ForeignKey(Threat, on_delete=models.CASCADE, related_name="contingencies")
    name = models.CharField(_("name"), max_length=200)
    trigger = models.TextField(_("trigger"))
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=1)
    alerted = models.CharField(_("who is alerted"), max_length=300)
    reserve = models.CharField(_("reserve that moves"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=ContingencyStatus.choices,
                              default=ContingencyStatus.READY)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["threat", "escalation_level", "id"]


class ContingencyStep(models.Model):
    contingency = models.ForeignKey(Contingency, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        ordering = ["contingency", "order"]


class VersionState(models.TextChoices):
    DRAFT = "konsep", _("Draft")
    REVIEWED = "diperiksa", _("Reviewed")
    APPROVED = "disahkan", _("Approved")


VERSION_STATE_ID = {VersionState.DRAFT: "KONSEP", VersionState.REVIEWED: "DIPERIKSA (belum disahkan)",
                    VersionState.APPROVED: "DISAHKAN"}


class PlanVersion(models.Model):
    """One version of an operation's Rencana Pengamanan: draft -> reviewed -> approved.

    On approval the document is rendered once, stored with its SHA-256 and never rendered again:
    the approved plan is what was signed, whatever the data does afterwards."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=10, choices=VersionState.choices, default=VersionState.DRAFT)
    # The deployment plan the version was drafted on (the Sprin names come from it).
    deployment_plan = models.ForeignKey("deployment.Plan", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    number_seq = models.PositiveIntegerField(_("agenda number"), null=True, blank=True)
    classification = models.CharField(max_length=16, blank=True)
    document_docx = models.BinaryField(null=True, blank=True, editable=False)
    document_pdf = models.BinaryField(null=True, blank=True, editable=False)
    sha256_docx = models.CharField(max_length=64, blank=True)
    sha256_pdf = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["operation", "-number"]
        constraints = [models.UniqueConstraint(fields=["operation", "number"], name="planning_version_unique")]

    def __str__(self):
        return f"{self.operation} v{self.number}"

    def state_label_id(self):
        return VERSION_STATE_ID[self.state]
