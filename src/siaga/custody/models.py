"""Ballot-box custody: items, their append-only hash-chained events, handovers, anomalies, escort missions.

``Event`` rows are the record (canonical bytes, prev hash, hash, seq per item); the
location columns of ``Item`` are a summary derived from them for fast pages.
Events and checkpoints are never updated or deleted: no code path does it and the
admin shows them read-only.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NodeKind(models.TextChoices):
    KPUPROV = "kpuprov", _("KPU provinsi (province recap)")
    KPU = "kpu", _("KPU kab/kota warehouse")
    PPK = "ppk", _("PPK (kecamatan)")
    PPS = "pps", _("PPS (desa)")
    TPS = "tps", "TPS"
    POINT = "point", _("Point")


class Node(models.Model):
    """A place where items change hands: KPU-74.05, PPK-74.05.24, PPS-74.05.24.2009, TPS-7405242009001."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=NodeKind.choices)
    name = models.CharField(_("name"), max_length=200)
    area_code = models.CharField(_("area"), max_length=13, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name


class ItemKind(models.TextChoices):
    BOX = "box", _("Ballot box")
    ENVELOPE = "envelope", _("Result-form envelope")


class Item(models.Model):
    """A ballot box or a sealed result envelope of one TPS; ``code`` is its chain id. ``round`` is 0 for the
    voting day's items and 1, 2, ... for the new ballots of a re-vote (PSU/PSL/PSS) at that TPS."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices)
    race = models.CharField(_("race"), max_length=12)
    election = models.CharField(_("election"), max_length=8)
    tps = models.ForeignKey("regions.Tps", on_delete=models.PROTECT, related_name="custody_items")
    province_code = models.CharField(max_length=2, db_index=True)
    kabkota_code = models.CharField(max_length=5, db_index=True)
    kecamatan_code = models.CharField(max_length=8, db_index=True)
    desa_code = models.CharField(max_length=13, db_index=True)
    round = models.PositiveSmallIntegerField(default=0, db_default=0)
    # Summary of the chain, rewritten by every append (the events are the truth).
    node = models.ForeignKey(Node, null=True, on_delete=models.PROTECT, related_name="items")
    holder = models.CharField(_("holder"), max_length=150, blank=True)
    seals = models.JSONField(_("seals"), default=list)
    head_seq = models.PositiveIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)
    checkpointed_seq = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class Seal(models.Model):
    """A seal number put on an item; a replaced seal keeps its row with ``replaced_at``."""

    number = models.CharField(_("seal number"), max_length=40, unique=True)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="seal_set")
    applied_at = models.DateTimeField(default=timezone.now)
    replaced_at = models.DateTimeField(null=True, blank=True)


class Event(models.Model):
    """One link of an item's chain, stored as the canonical bytes that were hashed."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    canonical = models.TextField()
    # HMAC of the hash with the server's key (siaga.core.custody_sign): tells an event Siaga wrote from one
    # put into the table by someone else, before a signed checkpoint covers it.
    tag = models.CharField(max_length=64, blank=True, db_default="")
    kind = models.CharField(max_length=20)
    handover = models.ForeignKey("Handover", null=True, on_delete=models.PROTECT, related_name="events")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="custody_event_item_seq")]


class Checkpoint(models.Model):
    """A Merkle commitment over every chain head, chained to the previous checkpoint."""

    seq = models.PositiveIntegerField(unique=True)
    at = models.CharField(max_length=32)
    root = models.CharField(max_length=64)
    item_count = models.PositiveIntegerField()
    event_count = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    body = models.TextField()  # canonical text of the checkpoint body
    signature = models.CharField(max_length=128, blank=True, db_default="")  # Ed25519 over the hash, by the server's key

    class Meta:
        ordering = ["seq"]


class HandoverState(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiver")
    COMPLETE = "complete", _("Complete")


class Handover(models.Model):
    """Items passing from a giver to a receiver; complete only once both have confirmed."""

    client_id = models.CharField(max_length=64, unique=True)
    client_seq = models.PositiveBigIntegerField(default=0)
    device = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=8, choices=HandoverState.choices, default=HandoverState.PENDING)
    at = models.DateTimeField()
    from_node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="sent")
    to_node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="received")
    giver = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    giver_name = models.CharField(max_length=150)
    receiver = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    receiver_name = models.CharField(max_length=150)
    seals_seen = models.JSONField(default=dict)  # item code -> [seal numbers]
    # Result and recap forms handed over with the items: form code (c_hasil, d_hasil_kec, ...) -> its number.
    forms = models.JSONField(default=dict, db_default={})
    condition = models.CharField(max_length=200, blank=True)
    escort = models.CharField(max_length=300, blank=True)
    mission = models.ForeignKey("Mission", null=True, blank=True, on_delete=models.PROTECT, related_name="handovers")
    items = models.ManyToManyField(Item, related_name="handovers")
    received_codes = models.JSONField(default=list)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True)
    receiver_method = models.CharField(max_length=10, blank=True)  # device, code, signature
    signature = models.TextField(blank=True)
    # Wrong one-time codes: after CODE_ATTEMPTS the handover locks (the receiver must confirm another way).
    code_failures = models.PositiveSmallIntegerField(default=0, db_default=0)
    code_locked_at = models.DateTimeField(null=True, blank=True)
    giver_confirmed_at = models.DateTimeField()
    receiver_confirmed_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "client_seq", "pk"]
        indexes = [models.Index(fields=["state", "giver_confirmed_at"])]


class AnomalyKind(models.TextChoices):
    UNEXPECTED_NODE = "unexpected_node", _("Item at an unexpected node")
    OVERDUE_LEG = "overdue_leg", _("Overdue leg")
    SEAL_CHANGED = "seal_changed", _("Seal number changed without replacement")
    UNCONFIRMED = "unconfirmed", _("Handover missing its second confirmation")
    COUNT_MISMATCH = "count_mismatch", _("Count mismatch")
    MISSION_OVERDUE = "mission_overdue", _("Escort mission overdue")
    OFF_ROUTE = "off_route", _("Escort off route")
    FORMS_MISSING = "forms_missing", _("Result or recap forms missing at a handover")


class Anomaly(models.Model):
    """A problem found in custody; ``key`` keeps one open anomaly per cause."""

    kind = models.CharField(_("kind"), max_length=16, choices=AnomalyKind.choices)
    key = models.CharField(max_length=120)
    state = models.CharField(max_length=8, default="open")  # open, resolved
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.PROTECT, related_name="anomalies")
    node = models.ForeignKey(Node, null=True, blank=True, on_delete=models.PROTECT, related_name="anomalies")
    mission = models.ForeignKey("Mission", null=True, blank=True, on_delete=models.PROTECT, related_name="anomalies")
    area_code = models.CharField(max_length=13, db_index=True)
    detail = models.JSONField(default=dict)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["key"], condition=Q(state="open"),
                                               name="custody_anomaly_one_open")]


class MissionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDERWAY = "underway", _("Underway")
    ARRIVED = "arrived", _("Arrived")


class Mission(models.Model):
    """An escorted trip carrying items over one or more land or sea legs."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    area_code = models.CharField(_("area"), max_length=13, db_index=True)
    status = models.CharField(max_length=8, choices=MissionStatus.choices, default=MissionStatus.PLANNED)
    off_route_km = models.FloatField(default=2.0)
    due_at = models.DateTimeField(_("due by"), null=True, blank=True)  # a return leg's deadline (stage calendar)
    items = models.ManyToManyField(Item, related_name="missions", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]


class LegMode(models.TextChoices):
    LAND = "land", _("Land")
    SEA = "sea", _("Sea")


class MissionLeg(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="legs")
    position = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=4, choices=LegMode.choices)
    origin = models.CharField(max_length=200)
    destination = models.CharField(max_length=200)
    path = models.JSONField()  # [[lat, lng], ...]
    boat = models.CharField(max_length=120, blank=True)
    planned_depart = models.DateTimeField()
    planned_arrive = models.DateTimeField()
    actual_depart = models.DateTimeField(null=True, blank=True)
    actual_arrive = models.DateTimeField(null=True, blank=True)
    hold_until = models.DateTimeField(null=True, blank=True)  # weather hold
    hold_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["mission", "position"]
        constraints = [models.UniqueConstraint(fields=["mission", "position"], name="custody_leg_position")]


class MissionEscort(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="escorts")
    name = models.CharField(max_length=200)
    nrp = models.CharField(max_length=20, blank=True)
    unit = models.CharField(max_length=200)
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")


class MissionCheckpoint(models.Model):
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="checkpoints")
    leg = models.ForeignKey(MissionLeg, on_delete=models.CASCADE, related_name="checkpoints")
    name = models.CharField(max_length=200)
    lat = models.FloatField()
    lng = models.FloatField()
    planned_at = models.DateTimeField()
    actual_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["planned_at"]


class PositionReport(models.Model):
    """A position sent by an escort's phone; ``client_id`` makes retries harmless."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="positions")
    client_id = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField()
    lat = models.FloatField()
    lng = models.FloatField()
    reporter = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    off_route_km = models.FloatField(default=0)

    class Meta:
        ordering = ["at", "pk"]
