"""Words for the command-post map legend: each voting-day stage (core.tps_state.STAGES) and flag in the
user's language, with the rank that decides a cluster's colour (its most urgent member: a disturbance,
then a missed check-in, then the least advanced stage)."""

from django.utils.translation import gettext_lazy as _

from siaga.core import tps_state
from siaga.operations.labels import TpsStage

STAGE_LABELS = {stage: TpsStage(stage).label for stage in tps_state.STAGES}  # the words of labels.py
FLAG_LABELS = {"gangguan": _("Disturbed or suspended"), "terlambat": _("Check-in overdue")}


def legend() -> list[tuple[str, str, int]]:
    """(key, label, rank) in the legend's order: the flags first, then the stages in their order."""
    flags = [("gangguan", FLAG_LABELS["gangguan"], 100), ("terlambat", FLAG_LABELS["terlambat"], 90)]
    stages = [(stage, STAGE_LABELS[stage], len(tps_state.STAGES) - i) for i, stage in enumerate(tps_state.STAGES)]
    return flags + stages
