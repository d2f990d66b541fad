"""The map of the ground: the Kemendagri region hierarchy and every TPS."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINSI = 1, _("Province")
    KABKOTA = 2, _("Kab/kota")
    KECAMATAN = 3, _("Kecamatan")
    DESA = 4, _("Desa/kelurahan")


class Region(models.Model):
    """A province, kab/kota, kecamatan or desa, keyed by its dotted Kemendagri code."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    # provinsi, kabupaten, kota, kecamatan, desa, kelurahan
    kind = models.CharField(_("kind"), max_length=10)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    has_geometry = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.code} {self.name}"


class RegionGeometry(models.Model):
    """Boundary as GeoJSON (lon/lat), simplified for display; kept apart so lists stay light."""

    region = models.OneToOneField(Region, primary_key=True, on_delete=models.CASCADE, related_name="geometry")
    geojson = models.TextField()


class Island(models.Model):
    code = models.CharField(max_length=20, primary_key=True)
    kabkota = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="islands")
    name = models.CharField(max_length=200)
    lat = models.FloatField(null=True)
    lng = models.FloatField(null=True)
    populated = models.BooleanField(default=False)
    outermost = models.BooleanField(default=False)


class Election(models.TextChoices):
    PEMILU = "pemilu", "Pemilu"
    PILKADA = "pilkada", "Pilkada"


# Voters per TPS at most, and ballot boxes per TPS (domain.md, 2024 rules).
VOTER_LIMIT = {Election.PEMILU: 300, Election.PILKADA: 600}
BALLOT_BOXES = {Election.PEMILU: 5, Election.PILKADA: 2}


class Access(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HARD = "hard", _("Hard to reach")
    BOAT = "boat", _("Boat needed")
    ISLAND = "island", _("Island")


class ImportBatchBase(models.Model):
    """One accepted import of a file: who, when, which file, what it changed. Each importer that
    keeps its batches (TPS here, observations in risk) has a table of this shape."""

    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class ImportBatch(ImportBatchBase):
    """A TPS import."""

    kind = models.CharField(max_length=20)


class Tps(models.Model):
    """A polling station. Region codes per level are stored for scoped, indexed reads."""

    code = models.CharField(_("TPS code"), max_length=13)
    election = models.CharField(_("election"), max_length=8, choices=Election.choices, default=Election.PEMILU)
    desa = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="tps", db_index=False)
    kecamatan_code = models.CharField(max_length=8)
    kabkota_code = models.CharField(max_length=5)
    province_code = models.CharField(max_length=2)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=1000, blank=True)
    voters = models.PositiveIntegerField(_("voters (DPT)"))
    voters_male = models.PositiveIntegerField(null=True, blank=True)
    voters_female = models.PositiveIntegerField(null=True, blank=True)
    special = models.BooleanField(_("special TPS"), default=False)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    access = models.CharField(_("access"), max_length=8, choices=Access.choices, default=Access.NORMAL)
    notes = models.CharField(_("notes"), max_length=1000, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code", "election"], name="tps_code_election_unique")]
        # Scope filters are exact matches on one level's code. Plain indexes, declared here,
        # skip the extra pattern-ops index PostgreSQL would add per column: fewer indexes
        # to maintain is what keeps a national import near the speed of COPY.
        indexes = [models.Index(fields=[f], name=f"tps_{f}_idx")
                   for f in ("desa", "kecamatan_code", "kabkota_code", "province_code")]
        verbose_name = "TPS"
        verbose_name_plural = "TPS"

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def voter_limit(self):
        return VOTER_LIMIT[self.election]

    @property
    def ballot_boxes(self):
        return BALLOT_BOXES[self.election]
