"""Dit Intelkam's products and case work.

Product: one table for the four products the directorate writes, told apart by `kind`:
  LI (Laporan Informasi), Lapinhar (Laporan Harian), Lapsus (Laporan Khusus), Kirka (Perkiraan Keadaan).
Each is numbered in its unit's series per kind and year (numbering.py), classified in four levels and read
under coordination's clearance rule (its columns area_code, classification, author_agency, shared_roles
mirror coordination.IntelReport so coordination.clearance.readable_q filters both).
ProductRead is the read log; Forward the way up the chain with its acknowledgement.
WatchRule/Alert: early detection (detection.py). Case/Evidence: election-offence cases.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Classification(models.TextChoices):
    """Ordered BIASA < TERBATAS < RAHASIA < SANGAT_RAHASIA (coordination/clearance.py LEVEL)."""

    BIASA = "biasa", _("Ordinary (biasa)")
    TERBATAS = "terbatas", _("Restricted (terbatas)")
    RAHASIA = "rahasia", _("Secret (rahasia)")
    SANGAT_RAHASIA = "sangat_rahasia", _("Top secret (sangat rahasia)")


class Kind(models.TextChoices):
    LI = "li", _("Information report (LI)")
    LAPINHAR = "lapinhar", _("Daily report (Lapinhar)")
    LAPSUS = "lapsus", _("Special report (Lapsus)")
    KIRKA = "kirka", _("Situation estimate (Kirka)")


class Series(models.Model):
    """The last number a unit gave in one product series in one year."""

    unit = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "year"], name="intel_series_unique")]


class Product(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, db_index=True)
    number = models.CharField(_("number"), max_length=80)
    seq = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    area_code = models.CharField(_("area"), max_length=13, db_index=True)
    stage = models.ForeignKey("planning.Stage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    classification = models.CharField(_("classification"), max_length=14, choices=Classification.choices)
    author_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The day the information is about (LI: when obtained; Lapinhar: the day compiled; Lapsus: the event).
    day = models.DateField(_("date"), db_index=True)
    # LI: source evaluation (admiralty code) and the five parts the directorate writes.
    source = models.CharField(_("source"), max_length=200, blank=True)
    source_reliability = models.CharField(_("source reliability"), max_length=1, blank=True)
    credibility = models.PositiveSmallIntegerField(_("information credibility"), null=True, blank=True)
    facts = models.TextField(_("facts"), blank=True)
    analysis = models.TextField(_("analysis"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    # Lapinhar: what was compiled from the day's records, and the analyst's own text kept beside it.
    compiled = models.JSONField(default=dict, blank=True)
    analyst_text = models.TextField(_("analyst's notes"), blank=True)
    # Kirka: the period assessed.
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    threats = models.ManyToManyField("planning.Threat", blank=True, related_name="+")
    shared_agencies = models.ManyToManyField("accounts.Agency", blank=True, related_name="+")
    # Roles shared with, ",pimpinan,analis," as in coordination.IntelReport.
    shared_roles = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["-day", "-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["author_agency", "kind", "year", "seq"],
                                               name="intel_product_number_unique")]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def roles(self):
        return [r for r in self.shared_roles.split(",") if r]

    @property
    def grade(self):
        return f"{self.source_reliability}{self.credibility}" if self.source_reliability else ""


VIA_LABELS = {"page": _("page"), "list": _("list"), "search": _("search"), "api": "API", "cli": _("command line"),
              "document": _("document")}


class ProductRead(models.Model):
    """Who opened which product, when, through what (page, api, cli, document). Append-only."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reader_name = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    via = models.CharField(max_length=12)

    class Meta:
        ordering = ["-at", "-id"]

    @property
    def via_label(self):
        return VIA_LABELS.get(self.via, self.via)


class Forward(models.Model):
    """A product sent up the chain (Polsek to Polres, Polres to Polda) and its acknowledgement."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="forwards")
    from_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["product", "to_agency"], name="intel_forward_unique")]


class Indicator(models.TextChoices):
    INCIDENTS = "insiden_kategori", _("Incidents by category")
    LI_MENTIONS = "li_wilayah", _("Information reports about the area")
    OBSERVATIONS = "observasi_rawan", _("Vulnerability observations raised")
    CASES = "kasus_jenis", _("Cases by kind")


class WatchRule(models.Model):
    """An early-warning rule, stored as data: the count of `indicator` (narrowed by `category`) per kab/kota
    over the last `window_days` fires when it reaches `threshold`, or when it reaches `rise_min` and is at least
    `rise_factor` times the window before (a rising trend); only during `stage_kind` when set."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    indicator = models.CharField(_("indicator"), max_length=16, choices=Indicator.choices)
    category = models.CharField(_("category"), max_length=30, blank=True)
    stage_kind = models.CharField(_("stage"), max_length=20, blank=True)
    window_days = models.PositiveSmallIntegerField(_("window (days)"), default=7)
    threshold = models.PositiveIntegerField(_("threshold"))
    rise_factor = models.FloatField(_("rise factor"), null=True, blank=True)
    rise_min = models.PositiveIntegerField(null=True, blank=True)
    task_days = models.PositiveSmallIntegerField(_("days to act"), default=2)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def category_label(self):
        """The category as its label: an incident category (operations) or a case kind."""
        if not self.category:
            return ""
        from siaga.operations.models import Category

        for enum in (CaseKind, Category):
            if self.category in enum.values:
                return enum(self.category).label
        return self.category


class Alert(models.Model):
    """One crossing of a rule in one area: opened when the count crosses, closed when it falls back."""

    rule = models.ForeignKey(WatchRule, on_delete=models.CASCADE, related_name="alerts")
    area_code = models.CharField(_("area"), max_length=13, db_index=True)
    fired_on = models.DateField(_("fired on"))
    value = models.PositiveIntegerField()
    previous = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)
    referral_id = models.PositiveIntegerField(null=True, blank=True)  # the task (coordination.Referral)
    cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-fired_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "area_code"], condition=Q(cleared_on__isnull=True),
                                               name="intel_alert_one_open")]


class CaseKind(models.TextChoices):
    MONEY = "politik_uang", _("Money politics")
    HOAX = "hoaks", _("Hoax / hate speech")
    SARA = "sara", "SARA"
    ASN = "netralitas_asn", _("Neutrality: civil servant (ASN)")
    TNI_POLRI = "netralitas_tni_polri", _("Neutrality: TNI/Polri")
    KADES = "netralitas_kades", _("Neutrality: village head")
    INTIMIDATION = "intimidasi", _("Intimidation")


class CaseStatus(models.TextChoices):
    OPEN = "baru", _("New case")
    INQUIRY = "pendalaman", _("Under inquiry")
    GAKKUMDU = "diteruskan_gakkumdu", _("Forwarded to Sentra Gakkumdu")
    CLOSED = "selesai", _("Closed")


class Case(models.Model):
    kind = models.CharField(_("kind"), max_length=22, choices=CaseKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    subjects = models.TextField(_("subjects"), blank=True)  # one per line
    area_code = models.CharField(_("area"), max_length=13, db_index=True)  # the desa (or wider) where it happened
    tps = models.ForeignKey("regions.Tps", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    occurred_on = models.DateField(_("date"))
    links = models.TextField(_("links"), blank=True)  # one URL per line
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    products = models.ManyToManyField(Product, blank=True, related_name="cases")
    incidents = models.ManyToManyField("operations.Incident", blank=True, related_name="+")
    author_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    gakkumdu_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self):
        return self.title

    @property
    def subject_list(self):
        return [s.strip() for s in self.subjects.splitlines() if s.strip()]

    @property
    def link_list(self):
        return [s.strip() for s in self.links.splitlines() if s.strip()]


def evidence_path(instance, filename):
    return f"intel/evidence/{instance.case_id}/{instance.sha256[:16]}-{filename}"


class Evidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(upload_to=evidence_path)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_by_name = models.CharField(max_length=150)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
