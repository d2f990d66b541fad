"""Election-crime cases handled by Sentra Gakkumdu (Bawaslu, Polri, Kejaksaan), step by step."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siaga.gakkumdu import rules


class Election(models.TextChoices):
    PEMILU = rules.PEMILU, "Pemilu"
    PILKADA = rules.PILKADA, "Pilkada"


class Origin(models.TextChoices):
    LAPORAN = "laporan", _("Report (laporan)")
    TEMUAN = "temuan", _("Finding (temuan)")


class Step(models.TextChoices):
    KAJIAN = rules.KAJIAN, _("Study by Bawaslu (kajian)")
    KAJIAN_TAMBAHAN = rules.KAJIAN_TAMBAHAN, _("Study with additional information")
    PENERUSAN = rules.PENERUSAN, _("Forwarding to the investigator")
    PENYIDIKAN = rules.PENYIDIKAN, _("Investigation (penyidikan)")
    PENUNTUTAN = rules.PENUNTUTAN, _("Prosecution (penuntutan)")
    PERBAIKAN = rules.PERBAIKAN, _("File returned for completion")
    PENGADILAN = rules.PENGADILAN, _("District court (pengadilan negeri)")
    PUTUSAN = rules.PUTUSAN, _("Verdict: appeal window")
    BANDING = rules.BANDING, _("Appeal (banding)")
    DIHENTIKAN = rules.DIHENTIKAN, _("Stopped")
    SELESAI = rules.SELESAI, _("Final")


class GakkumduCase(models.Model):
    election = models.CharField(_("election"), max_length=8, choices=Election.choices)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    area_code = models.CharField(_("area"), max_length=13, db_index=True)
    known_on = models.DateField(_("known on"))
    reported_on = models.DateField(_("reported on"))
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.KAJIAN, db_index=True)
    # When the current step began: its deadline counts from here (or from the registration).
    step_started_at = models.DateTimeField(_("step started"))
    file_returned = models.BooleanField(default=False)  # the prosecutor's one return has been used
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+")
    registered_agency = models.ForeignKey("accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.step in rules.OPEN_STEPS


class CaseEvent(models.Model):
    """One move of a case from a step to the next, with who and when. Append-only."""

    case = models.ForeignKey(GakkumduCase, on_delete=models.CASCADE, related_name="events")
    step_from = models.CharField(max_length=16, blank=True)
    step_to = models.CharField(max_length=16)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
