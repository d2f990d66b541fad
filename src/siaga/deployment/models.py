"""Units and their strength, personnel rosters, security patterns, stored plans."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """The same kinds as siaga.core.planner.UNIT_KINDS."""

    POLSEK = "polsek", "Polsek"
    POLRES = "polres", "Polres"
    POLDA = "polda", "Polda"
    BRIMOB = "brimob", "Brimob"
    DALMAS = "dalmas", "Dalmas"
    TNI = "tni", "TNI"
    LINMAS = "linmas", "Linmas"


# Kinds that guard TPS posts (the rest are reserves or assisting contingents).
POST_KINDS = (UnitKind.POLSEK, UnitKind.POLRES, UnitKind.POLDA)
RESERVE_KINDS = (UnitKind.BRIMOB, UnitKind.DALMAS)


class Unit(models.Model):
    """A unit supplying personnel, linked to the agency it belongs to.

    Polda, Polres and Polsek are the agencies themselves; Brimob and Dalmas
    belong to the Polda, TNI contingents to the TNI agency, Linmas to the
    local government. ``available`` counts those free for election duty when
    no named roster is kept (a roster, when present, is the truth)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=UnitKind.choices)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="deployment_units")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    area_code = models.CharField(_("area"), max_length=13, db_index=True)
    province_code = models.CharField(max_length=2, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    island = models.BooleanField(_("island"), default=False)
    strength = models.PositiveIntegerField(_("strength"), default=0)
    available = models.PositiveIntegerField(_("available"), default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name


class Personnel(models.Model):
    nrp = models.CharField("NRP", max_length=8, unique=True)
    rank = models.CharField(_("rank"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="personnel")
    function = models.CharField(_("function"), max_length=100, blank=True)

    class Meta:
        ordering = ["unit__code", "nrp"]
        verbose_name = _("officer")
        verbose_name_plural = _("personnel")


class WindowKind(models.TextChoices):
    LEAVE = "cuti", _("Leave")
    DUTY = "dinas", _("Other duty")
    SHIFT = "shift", _("Shift")


class AvailabilityWindow(models.Model):
    """Leave and other duties make an officer unavailable; shifts, when listed, are when they are on."""

    person = models.ForeignKey(Personnel, on_delete=models.CASCADE, related_name="windows")
    kind = models.CharField(_("kind"), max_length=5, choices=WindowKind.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["person_id", "start", "kind"]


class PatternSet(models.Model):
    """One version of a Polda's security patterns for an operation; the newest version is in force."""

    province_code = models.CharField(max_length=2, db_index=True)
    operation = models.CharField(_("operation"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    tni_assist = models.BooleanField(_("TNI assistance"), default=False)
    # The voting-day duty window people must be free for (leave and other duties are checked against it).
    duty_start = models.DateTimeField(_("duty from"), null=True, blank=True)
    duty_end = models.DateTimeField(_("duty until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # Share of each reserve unit (Brimob, Dalmas) held back as the Polda reserve; the rest may go BKO.
    reserve_share = models.FloatField(_("reserve share"), default=1.0)
    # The election the operation secures (its TPS are planned); blank in sets made before elections were kept.
    election = models.CharField(_("election"), max_length=8, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["province_code", "operation", "-version"]
        constraints = [models.UniqueConstraint(fields=["province_code", "operation", "version"],
                                               name="pattern_set_version_unique")]


class PatternRule(models.Model):
    """Polri per post, TPS per post (min..max), Linmas per TPS, TNI per post for one class."""

    pattern_set = models.ForeignKey(PatternSet, on_delete=models.CASCADE, related_name="rules")
    klass = models.PositiveSmallIntegerField(_("class"))
    polri_per_post = models.PositiveSmallIntegerField()
    tps_per_post_min = models.PositiveSmallIntegerField()
    tps_per_post_max = models.PositiveSmallIntegerField()
    linmas_per_tps = models.PositiveSmallIntegerField()
    tni_per_post = models.PositiveSmallIntegerField(default=0)
    allow_neighbour_desa = models.BooleanField(default=False)

    class Meta:
        ordering = ["pattern_set_id", "klass"]
        constraints = [models.UniqueConstraint(fields=["pattern_set", "klass"], name="pattern_rule_class_unique")]


class ObjectKind(models.TextChoices):
    """Guarded objects beside TPS (the planner's ``Post.kind``; TPS posts are "tps")."""

    KANTOR_KPU = "kantor_kpu", _("KPU office")
    KANTOR_BAWASLU = "kantor_bawaslu", _("Bawaslu office")
    PPK_REKAP = "ppk_rekap", _("PPK/PPS recapitulation venue")
    GUDANG_LOGISTIK = "gudang_logistik", _("Logistics warehouse")
    KAMPANYE = "kampanye", _("Campaign event")
    PENGAWALAN_PASLON = "pengawalan_paslon", _("Candidate escort")
    KUNJUNGAN_VIP = "kunjungan_vip", _("VIP visit")
    OBJEK_VITAL = "objek_vital", _("Vital object")
    TPS_ULANG = "tps_ulang", _("TPS re-vote (PSU/PSL/PSS)")
    REKAP_KABKOTA = "rekap_kabkota", _("KPU kab/kota recapitulation venue")
    REKAP_PROVINSI = "rekap_provinsi", _("KPU provinsi recapitulation venue")


class ObjectPattern(models.Model):
    """Polri (and TNI when assisted) per guarded object of one kind and class, in a pattern version."""

    pattern_set = models.ForeignKey(PatternSet, on_delete=models.CASCADE, related_name="object_rules")
    kind = models.CharField(_("kind"), max_length=20, choices=ObjectKind.choices)
    klass = models.PositiveSmallIntegerField(_("class"))
    polri_per_object = models.PositiveSmallIntegerField()
    tni_per_object = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pattern_set_id", "kind", "klass"]
        constraints = [models.UniqueConstraint(fields=["pattern_set", "kind", "klass"],
                                               name="object_pattern_kind_class_unique")]


class GuardObject(models.Model):
    """A place or activity guarded beside TPS. ``area_code`` is the level it serves (a KPU provinsi office
    serves the province) and ``kabkota_code``/``kecamatan_code`` where it stands, which decide the Polres
    and Polsek responsible. ``election`` and ``operation`` (a pattern-set operation name) narrow which
    plans guard it; blank means every one. Campaign events and escorts have a date window."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ObjectKind.choices)
    name = models.CharField(_("name"), max_length=200)
    area_code = models.CharField(_("area"), max_length=13, db_index=True)
    province_code = models.CharField(max_length=2, db_index=True)
    kabkota_code = models.CharField(max_length=5)
    kecamatan_code = models.CharField(max_length=8, blank=True)
    lat = models.FloatField()
    lng = models.FloatField()
    klass = models.PositiveSmallIntegerField(_("class"), default=0)
    election = models.CharField(_("election"), max_length=8, blank=True)
    operation = models.CharField(_("operation"), max_length=100, blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("guarded object")


class LinmasRoster(models.Model):
    """Linmas members a desa has for election duty (the Pemda's Satlinmas count), replacing the 2-per-TPS
    default for that desa's TPS."""

    desa_code = models.CharField(max_length=13, unique=True)
    count = models.PositiveIntegerField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["desa_code"]


class Plan(models.Model):
    """A stored deployment plan with the inputs that produced it: one election's TPS (and objects) in one
    area. ``operation_id`` is the planning app's operation, kept as a plain number (planning sits above)."""

    area_code = models.CharField(_("area"), max_length=13, db_index=True)
    election = models.CharField(_("election"), max_length=8, default="pemilu", db_index=True)
    operation_id = models.PositiveIntegerField(null=True, blank=True)
    province_code = models.CharField(max_length=2, db_index=True)
    method = models.CharField(max_length=8, default="optimal")
    status = models.CharField(max_length=12)
    pattern_set = models.ForeignKey(PatternSet, on_delete=models.PROTECT, related_name="plans")
    class_hash = models.CharField(max_length=64)
    classes = models.JSONField(default=dict)  # {tps id: class} for every class other than kurang rawan
    class_overrides = models.JSONField(default=dict)  # what-if classes saved with the plan {tps id: class}
    strengths = models.JSONField(default=dict)  # {unit id: available used}
    summary = models.JSONField(default=dict)
    shortfall_by_unit = models.JSONField(default=dict)  # {polres unit id: missing}
    moves = models.JSONField(default=list)  # difference from the previous plan
    travel_m = models.BigIntegerField(default=0)
    cost = models.BigIntegerField(default=0)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    incremental = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deployment plan")


class PlanPost(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="posts")
    key = models.BigIntegerField()  # the planner's post id: the smallest TPS id in the post; -object id
    kind = models.CharField(max_length=20, default="tps")  # "tps" or an ObjectKind
    name = models.CharField(max_length=200, blank=True)  # an object's name
    klass = models.PositiveSmallIntegerField()
    tps_ids = models.JSONField()
    tps_codes = models.JSONField()
    lat = models.FloatField()
    lng = models.FloatField()
    desa_code = models.CharField(max_length=13)
    kecamatan_code = models.CharField(max_length=8, db_index=True)
    kabkota_code = models.CharField(max_length=5, db_index=True)
    island = models.BooleanField(default=False)
    polri_required = models.PositiveSmallIntegerField()
    polri_assigned = models.PositiveSmallIntegerField(default=0)
    linmas_required = models.PositiveIntegerField()
    tni_required = models.PositiveSmallIntegerField(default=0)
    tni_assigned = models.PositiveSmallIntegerField(default=0)
    linmas_assigned = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan_id", "key"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="plan_post_key_unique")]


class PlanAssignment(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments")
    post = models.ForeignKey(PlanPost, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField()
    bko = models.BooleanField(default=False)


class PlanPersonAssignment(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="person_assignments")
    post = models.ForeignKey(PlanPost, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Personnel, on_delete=models.PROTECT, related_name="+")


class PlanBko(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="bko_orders")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField()
