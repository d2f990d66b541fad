"""Vulnerability mapping: catalogues as data, observations, incidents, scores, class history."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siaga.regions.models import Election, ImportBatchBase


class Target(models.TextChoices):
    TPS = "tps", "TPS"
    AREA = "area", _("Area")


class Kind(models.TextChoices):
    BOOL = "bool", _("Yes/no")
    COUNT = "count", _("Count")
    SHARE = "share", _("Share")


class RiskClass(models.IntegerChoices):
    KURANG_RAWAN = 0, _("Kurang rawan")
    RAWAN = 1, _("Rawan")
    SANGAT_RAWAN = 2, _("Sangat rawan")
    KHUSUS = 3, _("Khusus")


class Source(models.TextChoices):
    BAWASLU = "bawaslu", "Bawaslu"
    INTELKAM = "intelkam", "Intelkam"
    KPU = "kpu", "KPU"
    INCIDENT = "insiden", _("Incident history")


class CatalogueVersion(models.Model):
    """One version of an indicator catalogue with its class rules; the active one per election scores."""

    code = models.CharField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    target = models.CharField(_("target"), max_length=4, choices=Target.choices)
    # Election whose TPS it scores ("" for area catalogues).
    election = models.CharField(_("election"), max_length=8, blank=True)
    name = models.CharField(_("name"), max_length=200)
    # Who issued the criteria: "bawaslu" and "polri" catalogues each give a TPS a view of its class, which the
    # class rules combine (siaga.core.catalogues.COMBINED_RULE); "intelkam" scores areas.
    authority = models.CharField(_("authority"), max_length=10, default="bawaslu")
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    active = models.BooleanField(_("active"), default=False)
    rawan_min = models.FloatField(_("rawan from score"), default=10.0)
    sangat_rawan_min = models.FloatField(_("sangat rawan from score"), default=25.0)
    incident_raise_days = models.PositiveIntegerField(_("incident raise (days)"), default=30)
    incident_raise_by = models.PositiveSmallIntegerField(_("incident raise (classes)"), default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code", "version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="risk_catalogue_version_unique")]
        verbose_name = _("indicator catalogue")
        verbose_name_plural = _("indicator catalogues")

    def __str__(self):
        return f"{self.code} {self.version}"


class Indicator(models.Model):
    catalogue = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=30)
    # What stays the same across versions (siaga.core.catalogues.KEYS); observations move by it.
    key = models.CharField(_("key"), max_length=40, blank=True)
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    variable = models.CharField(_("variable"), max_length=10)
    variable_name_id = models.CharField(_("variable (Indonesian)"), max_length=120)
    variable_name_en = models.CharField(_("variable (English)"), max_length=120)
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    weight = models.FloatField(_("weight"))
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    # The value at which a count or share earns the full weight.
    saturation = models.FloatField(_("saturation"), default=1.0)
    floor_class = models.PositiveSmallIntegerField(_("floor class"), null=True, blank=True,
                                                   choices=RiskClass.choices)

    class Meta:
        ordering = ["catalogue", "position"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "code"], name="risk_indicator_code_unique")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return f"{self.code} {self.name_id}"


class ObservationBatch(ImportBatchBase):
    """One accepted observation file."""


class Observation(models.Model):
    """The current value of one indicator for one TPS or area from one source; corrections update it (audited)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="observations")
    tps = models.ForeignKey("regions.Tps", null=True, blank=True, on_delete=models.CASCADE,
                            related_name="risk_observations")
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="risk_observations")
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    observed_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    author = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    batch = models.ForeignKey(ObservationBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(tps__isnull=False, region__isnull=True)
                                   | Q(tps__isnull=True, region__isnull=False), name="risk_observation_one_target"),
            models.UniqueConstraint(fields=["indicator", "tps", "source"], condition=Q(tps__isnull=False),
                                    name="risk_observation_tps_unique"),
            models.UniqueConstraint(fields=["indicator", "region", "source"], condition=Q(region__isnull=False),
                                    name="risk_observation_region_unique"),
        ]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")


class RiskIncident(models.Model):
    """A security incident at a TPS; raises its class for the catalogue's incident window."""

    tps = models.ForeignKey("regions.Tps", on_delete=models.CASCADE, related_name="risk_incidents")
    at = models.DateTimeField(_("when"), db_index=True)
    severity = models.PositiveSmallIntegerField(_("severity"), default=1)
    kind = models.CharField(_("kind"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=1000, blank=True)
    # The report's id in the system that sent it (e.g. "operations:12"), so it is recorded once.
    external_ref = models.CharField(max_length=64, null=True, blank=True, unique=True)
    reporter = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")


class TpsRisk(models.Model):
    """The latest score and class of a TPS, with the indicators and rules that explain it.

    ``klass`` is the combined class; ``bawaslu_klass`` and ``polri_klass`` the two views it combines (None
    where no catalogue of that authority is active); ``provenance`` which catalogue(s) and which
    observations (source, date, indicator) decided it (risk/provenance.py). ``score`` and ``contributions``
    are the Bawaslu view's."""

    tps = models.OneToOneField("regions.Tps", primary_key=True, on_delete=models.CASCADE, related_name="risk")
    catalogue = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="+")
    score = models.FloatField()
    klass = models.PositiveSmallIntegerField(choices=RiskClass.choices, db_index=True)
    contributions = models.JSONField(default=list)  # [[indicator code, points], ...] largest first
    reasons = models.JSONField(default=list)  # ["floor:CODE", "polri:CODE", "incident", "special"]
    bawaslu_klass = models.PositiveSmallIntegerField(null=True, choices=RiskClass.choices)
    polri_klass = models.PositiveSmallIntegerField(null=True, choices=RiskClass.choices)
    provenance = models.JSONField(default=dict)
    computed_at = models.DateTimeField()


class AreaRisk(models.Model):
    """Indeks Kerawanan Siaga (0-100, Siaga's own formula: core.siaga_index) of a desa, kecamatan, kab/kota or
    province in one election, its Tingkat Siaga, and its TPS per class.

    One row per (region, election): Pemilu and Pilkada have TPS sets of their own (the same code may name a
    TPS in both), so an area's figures are always those of one election. The Intelkam area score is not
    election-bound and is the same on every election's row of a region."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="area_risks")
    election = models.CharField(_("election"), max_length=8, choices=Election.choices, default=Election.PEMILU)
    level = models.PositiveSmallIntegerField(db_index=True)
    index = models.FloatField()
    siaga_level = models.PositiveSmallIntegerField()  # 0, 1, 2: Tingkat Siaga 1, 2, 3 (never Bawaslu's bands)
    intel = models.FloatField(null=True, blank=True)
    # Running total of the TPS scores: with the counts below it gives the index of
    # the area, so re-scoring one TPS updates its areas by a delta (engine.py).
    score_sum = models.FloatField(default=0.0)
    tps = models.PositiveIntegerField(default=0)
    kurang_rawan = models.PositiveIntegerField(default=0)
    rawan = models.PositiveIntegerField(default=0)
    sangat_rawan = models.PositiveIntegerField(default=0)
    khusus = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "election"], name="risk_arearisk_region_election")]


class ClassChange(models.Model):
    """Append-only history of TPS class changes; the deployment planner reads it."""

    tps = models.ForeignKey("regions.Tps", on_delete=models.CASCADE, related_name="risk_class_changes")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    old_class = models.PositiveSmallIntegerField(null=True, choices=RiskClass.choices)
    new_class = models.PositiveSmallIntegerField(choices=RiskClass.choices)
    old_score = models.FloatField(null=True)
    new_score = models.FloatField()
    cause = models.CharField(max_length=40)  # full_score, observation, incident, import
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-id"]


class IkpKind(models.TextChoices):
    GENERAL = "umum", _("General")
    THEMATIC = "tematik", _("Thematic")


class IkpEdition(models.Model):
    """One release of Bawaslu's Indeks Kerawanan Pemilu (IKP), general or thematic, stored as published."""

    name = models.CharField(_("edition"), max_length=200, unique=True)
    released_on = models.DateField(_("release date"))
    kind = models.CharField(_("kind"), max_length=8, choices=IkpKind.choices, default=IkpKind.GENERAL)
    theme = models.CharField(_("theme"), max_length=100, blank=True)  # politik uang, netralitas ASN, SARA, ...
    source = models.CharField(_("source"), max_length=500)  # the citation: publication, page, address
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-released_on", "name"]
        verbose_name = _("IKP edition")
        verbose_name_plural = _("IKP editions")

    def __str__(self):
        return self.name


class IkpBand(models.Model):
    """A band of an edition at one level (1 province, 2 kab/kota) with its bounds exactly as published."""

    edition = models.ForeignKey(IkpEdition, on_delete=models.CASCADE, related_name="bands")
    level = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=10)  # rendah, sedang, tinggi
    lower = models.FloatField()
    upper = models.FloatField()

    class Meta:
        ordering = ["edition", "level", "lower"]
        constraints = [models.UniqueConstraint(fields=["edition", "level", "name"], name="risk_ikpband_unique")]


class IkpScore(models.Model):
    """An area's IKP in one edition as published: total, dimensions and sub-dimensions, band. Never recomputed."""

    edition = models.ForeignKey(IkpEdition, on_delete=models.CASCADE, related_name="scores")
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="ikp_scores")
    level = models.PositiveSmallIntegerField()
    score = models.FloatField()
    band = models.CharField(max_length=10)  # as published, else read from the edition's bands
    band_published = models.BooleanField(default=True)  # False: the file gave no band; read from the bands
    # [{"name": ..., "score": ..., "subdimensions": [{"name": ..., "score": ...}]}] in the file's column order
    dimensions = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["edition", "region"]
        constraints = [models.UniqueConstraint(fields=["edition", "region"], name="risk_ikpscore_unique")]
