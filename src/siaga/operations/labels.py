"""Labels of the operations codes stored as plain strings (TPS stages and flags, incident and dispatch
statuses): the one place that turns them into words in the user's language, for pages and the live feed.

The stored values stay as they are (the field API, SMS and exports speak them); these choices are not
attached to the model fields, so labelling needs no migration.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.core import tps_state
from siaga.operations import workflow


class TpsStage(models.TextChoices):
    PREPARATION = tps_state.PREPARATION, _("Preparation")
    LOGISTICS = tps_state.LOGISTICS, _("Logistics received")
    OPENED = tps_state.OPENED, _("Opened")
    VOTING = tps_state.VOTING, _("Voting")
    COUNTING = tps_state.COUNTING, _("Counting")
    FINISHED = tps_state.FINISHED, _("Finished")
    HANDED_OVER = tps_state.HANDED_OVER, _("Handed over")
    DISTURBED = tps_state.DISTURBED, _("Disturbance")
    SUSPENDED = tps_state.SUSPENDED, _("Suspended")
    RESUMED = tps_state.RESUMED, _("Resumed")


class IncidentStatus(models.TextChoices):
    NEW = workflow.NEW, _("New")
    VERIFIED = workflow.VERIFIED, _("Verified")
    ASSIGNED = workflow.ASSIGNED, _("Assigned")
    ACTION_TAKEN = workflow.ACTION_TAKEN, _("Action taken")
    CLOSED = workflow.CLOSED, _("Closed")
    INVALIDATED = workflow.INVALIDATED, _("Invalid")
    REOPENED = workflow.REOPENED, _("Reopened")
    MERGED = workflow.MERGED, _("Merged")


class DispatchStatus(models.TextChoices):
    SENT = "dikirim", _("Sent")
    ACKNOWLEDGED = "diterima", _("Acknowledged")
    ARRIVED = "tiba", _("Arrived")
    FINISHED = "selesai", _("Done")


def label(choices, value):
    """The label of a stored value, or the value itself when it is not (yet) one of the choices."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
