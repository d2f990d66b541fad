"""Voting day: TPS events and summary rows, check-in windows, incidents, dispatch, SMS, drills."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siaga.core import tps_state
from siaga.operations import labels
from siaga.regions.models import Election


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    FIELD = "lapangan", _("Field app")
    SMS = "sms", "SMS"
    PARTNER = "mitra", _("Partner")


class DrillRun(models.Model):
    """One election-day exercise; its rows carry the run so they can be counted and removed."""

    id = models.CharField(max_length=40, primary_key=True)
    started_at = models.DateTimeField(default=timezone.now)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)


class TpsEvent(models.Model):
    """One reported stage or flag of a TPS. Append-only."""

    KINDS = [(k, k) for k in tps_state.EVENT_KINDS]

    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    tps = models.ForeignKey("regions.Tps", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=14, choices=KINDS)
    at = models.DateTimeField(db_index=True)  # when it happened (reported by the field)
    received_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    reporter = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    exercise = models.BooleanField(default=False)
    drill = models.ForeignKey(DrillRun, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Where the reporting phone was (its GPS fix), not where the TPS is: the command post compares the two.
    gps_lat = models.FloatField(null=True, blank=True)
    gps_lng = models.FloatField(null=True, blank=True)
    gps_accuracy_m = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tps", "at"])]


class TpsStatus(models.Model):
    """The current state of one TPS, derived from its events; one row per TPS that has reported."""

    tps = models.OneToOneField("regions.Tps", primary_key=True, on_delete=models.CASCADE, related_name="+")
    province_code = models.CharField(max_length=2)
    kabkota_code = models.CharField(max_length=5)
    kecamatan_code = models.CharField(max_length=8)
    stage = models.CharField(max_length=14, default=tps_state.PREPARATION)
    last_event_at = models.DateTimeField(null=True)
    disturbed = models.BooleanField(default=False)
    suspended = models.BooleanField(default=False)
    opened_at = models.DateTimeField(null=True)
    counting_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    events = models.PositiveIntegerField(default=0)
    anomalies = models.PositiveIntegerField(default=0)

    class Meta:
        # The milestone indexes answer "reached after its deadline" by a range scan of the late rows only.
        indexes = [models.Index(fields=["province_code", "stage"]), models.Index(fields=["kabkota_code", "stage"]),
                   models.Index(fields=["kecamatan_code", "stage"]), models.Index(fields=["opened_at"]),
                   models.Index(fields=["counting_at"]), models.Index(fields=["finished_at"])]


# Milestone stage -> TpsStatus column holding when it was reached.
MILESTONE_FIELDS = {tps_state.OPENED: "opened_at", tps_state.COUNTING: "counting_at", tps_state.FINISHED: "finished_at"}


class StatusTally(models.Model):
    """Counts of the TpsStatus rows of one kecamatan, kept in the transaction that changes them (see tally.py).

    Stage columns count rows per stage; flag and milestone columns count rows where that column is set.
    """

    kecamatan_code = models.CharField(max_length=8, primary_key=True)
    kabkota_code = models.CharField(max_length=5, db_index=True)
    province_code = models.CharField(max_length=2, db_index=True)
    persiapan = models.IntegerField(default=0)
    logistik = models.IntegerField(default=0)
    buka = models.IntegerField(default=0)
    pemungutan = models.IntegerField(default=0)
    penghitungan = models.IntegerField(default=0)
    selesai = models.IntegerField(default=0)
    serah = models.IntegerField(default=0)
    disturbed = models.IntegerField(default=0)
    suspended = models.IntegerField(default=0)
    opened_at = models.IntegerField(default=0)
    counting_at = models.IntegerField(default=0)
    finished_at = models.IntegerField(default=0)


class VotingDay(models.Model):
    """The voting day of a province with its check-in windows and escalation ladder (configuration)."""

    province_code = models.CharField(max_length=2, unique=True)
    date = models.DateField()
    # Whose TPS vote that day: voting-day pages, check-ins and field reports read that election's TPS only.
    election = models.CharField(max_length=8, choices=Election.choices, default=Election.PEMILU)
    timezone = models.CharField(max_length=40, default="Asia/Makassar")
    # [{"milestone": "buka", "deadline": "07:15"}, ...] in local time.
    windows = models.JSONField()
    # [{"after_minutes": 0, "level": "polsek"}, ...]
    escalation = models.JSONField()


class MissedCheckin(models.Model):
    """A TPS that did not report a milestone by its deadline, with how far it has escalated."""

    tps = models.ForeignKey("regions.Tps", on_delete=models.CASCADE, related_name="+")
    province_code = models.CharField(max_length=2, db_index=True)
    kabkota_code = models.CharField(max_length=5, db_index=True)
    kecamatan_code = models.CharField(max_length=8, db_index=True)
    milestone = models.CharField(max_length=14)
    round = models.PositiveSmallIntegerField(default=0, db_default=0)  # 0: voting day; n: the TPS's n-th re-vote
    deadline = models.DateTimeField()
    level = models.CharField(max_length=10)
    escalated_to = models.ForeignKey("accounts.Agency", null=True, on_delete=models.SET_NULL, related_name="+")
    flagged_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tps", "milestone", "round"], name="missed_checkin_unique")]


class Category(models.TextChoices):
    CLASH = "bentrok", _("Supporter clash")
    MONEY = "politik_uang", _("Money politics")
    HOAX = "hoaks", _("Hoax / black campaign")
    INTIMIDATION = "intimidasi", _("Intimidation")
    LOGISTICS = "logistik", _("Logistics")
    NEUTRALITY = "netralitas", _("Non-neutral officials")
    SARA = "sara", "SARA"
    RIOT = "kerusuhan", _("Riot")
    TERRORISM = "terorisme", _("Terrorism")
    DISASTER = "bencana", _("Natural disaster")
    OTHER = "lainnya", _("Other")


class Incident(models.Model):
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    tps = models.ForeignKey("regions.Tps", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    province_code = models.CharField(max_length=2, db_index=True)
    kabkota_code = models.CharField(max_length=5, db_index=True)
    kecamatan_code = models.CharField(max_length=8, db_index=True)
    category = models.CharField(_("category"), max_length=14, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(_("severity"))
    description = models.TextField(_("description"))
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    reporter = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=16, default="baru", db_index=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    action_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates")
    lock_holder = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    lock_expires_at = models.DateTimeField(null=True, blank=True)
    exercise = models.BooleanField(default=False)
    drill = models.ForeignKey(DrillRun, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The reporting phone's GPS fix (lat/lng above are the incident's place: its TPS when it has one).
    gps_lat = models.FloatField(null=True, blank=True)
    gps_lng = models.FloatField(null=True, blank=True)
    gps_accuracy_m = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["tps", "category", "occurred_at"])]

    def get_status_display(self):
        return labels.label(labels.IncidentStatus, self.status)


def photo_path(photo, filename):
    return f"insiden/{photo.incident_id}/{uuid.uuid4().hex}{filename[filename.rfind('.'):].lower()}"


class IncidentPhoto(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=photo_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)


def event_photo_path(photo, filename):
    return f"laporan/{photo.event_id}/{uuid.uuid4().hex}{filename[filename.rfind('.'):].lower()}"


class TpsEventPhoto(models.Model):
    """A photo the field sent with a TPS report (at most one per report); read through scoped views only."""

    event = models.OneToOneField(TpsEvent, on_delete=models.CASCADE, related_name="photo")
    file = models.FileField(upload_to=event_photo_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)


class FieldOfficer(models.Model):
    """Which roster entry (deployment Personnel) a field sign-in is: their posts are that person's posts in the
    newest plan, which the report form offers."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="field_officer")
    person = models.OneToOneField("deployment.Personnel", on_delete=models.CASCADE, related_name="+")


class Dispatch(models.Model):
    """A unit sent to an incident: ordered, acknowledged, arrived, outcome.

    ``unit`` is the responsible agency (scope rules read it); when a reserve team (Brimob, Dalmas) is sent,
    ``reserve`` names it and ``unit`` is the reserve's own agency (the Polda)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="dispatches")
    unit = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    reserve = models.ForeignKey("deployment.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="dispatches")
    status = models.CharField(max_length=12, default="dikirim", db_index=True)
    distance_km = models.FloatField()
    eta_minutes = models.FloatField()
    dispatched_at = models.DateTimeField(default=timezone.now)
    ack_deadline = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    dispatched_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    def get_status_display(self):
        return labels.label(labels.DispatchStatus, self.status)


class SmsSender(models.Model):
    """A phone number registered to an officer; only these may report by SMS."""

    phone = models.CharField(max_length=20, unique=True)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")


class SmsGateway(models.Model):
    """A gateway allowed to post received SMS; only the token hash is stored."""

    name = models.CharField(max_length=60, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)


class SmsMessage(models.Model):
    """Every SMS received and the answer sent back."""

    gateway = models.ForeignKey(SmsGateway, on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(max_length=20)
    text = models.CharField(max_length=480)
    reply = models.CharField(max_length=480)
    accepted = models.BooleanField()
    received_at = models.DateTimeField(default=timezone.now)


class RevoteKind(models.TextChoices):
    PSU = "psu", _("PSU (re-vote)")
    PSL = "psl", _("PSL (continued vote)")
    PSS = "pss", _("PSS (follow-up vote)")


class RevoteReason(models.TextChoices):
    """The legal grounds, each with its article (UU 7/2017). PSU: Ps. 372; PSL and PSS: Ps. 431-432."""

    DISASTER_RIOT = "bencana_kerusuhan", _("Natural disaster or riot: results unusable or not counted (Ps. 372 (1))")
    BOX_OPENED = "kotak_dibuka", _("Box or count documents opened against procedure (Ps. 372 (2) a)")
    MARKED_BALLOTS = "tanda_khusus", _("KPPS asked voters to mark, sign or name used ballots (Ps. 372 (2) b)")
    SPOILED_BALLOTS = "surat_suara_rusak", _("KPPS spoiled more than one used ballot (Ps. 372 (2) c)")
    INELIGIBLE_VOTERS = "pemilih_tidak_berhak", _("People without e-KTP, not on DPT or DPTb voted (Ps. 372 (2) d)")
    INTERRUPTED = "terhenti", _("Riot, disturbance or disaster stopped part of the vote (Ps. 431)")
    NOT_HELD = "tidak_terlaksana", _("Riot, disturbance or disaster: the vote could not be held (Ps. 432)")


# Which grounds fit which kind of re-vote.
REVOTE_GROUNDS = {
    RevoteKind.PSU: {RevoteReason.DISASTER_RIOT, RevoteReason.BOX_OPENED, RevoteReason.MARKED_BALLOTS,
                     RevoteReason.SPOILED_BALLOTS, RevoteReason.INELIGIBLE_VOTERS},
    RevoteKind.PSL: {RevoteReason.INTERRUPTED},
    RevoteKind.PSS: {RevoteReason.NOT_HELD},
}
PSU_MAX_DAYS = 10  # UU 7/2017 Ps. 373 (3): a PSU is held at most 10 days after voting day


class Recommender(models.TextChoices):
    PANWASCAM = "panwascam", "Panwascam"
    BAWASLU = "bawaslu", _("Bawaslu kab/kota")


class Revote(models.Model):
    """A TPS put into re-voting: the kind, the legal ground, the supervisor's recommendation, the KPU decision
    and the new voting date. ``round`` counts the TPS's re-votes (1 for the first)."""

    tps = models.ForeignKey("regions.Tps", on_delete=models.PROTECT, related_name="+")
    election = models.CharField(max_length=8, choices=Election.choices)
    province_code = models.CharField(max_length=2, db_index=True)
    kabkota_code = models.CharField(max_length=5, db_index=True)
    kecamatan_code = models.CharField(max_length=8, db_index=True)
    round = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=3, choices=RevoteKind.choices)
    reason = models.CharField(_("legal ground"), max_length=24, choices=RevoteReason.choices)
    detail = models.TextField(_("what happened"), blank=True)
    recommended_by = models.CharField(_("recommended by"), max_length=10, choices=Recommender.choices)
    recommendation_number = models.CharField(_("recommendation number"), max_length=100)
    recommendation_date = models.DateField(_("recommendation date"))
    decision_number = models.CharField(_("KPU decision number"), max_length=100)
    decision_date = models.DateField(_("KPU decision date"))
    voting_date = models.DateField(_("original voting day"))
    new_date = models.DateField(_("new voting date"))
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["new_date", "tps_id", "round"]
        constraints = [models.UniqueConstraint(fields=["tps", "round"], name="revote_tps_round")]
