"""Reads of the field apps, scoped by the viewer's area."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from siaga.accounts.models import Role
from siaga.accounts.scope import user_area
from siaga.fieldapps.models import Device, Submission

BOARD_ROLES = {Role.ADMIN, Role.COMMANDER, Role.OPERATOR, Role.ANALYST}


def _in_area(viewer, field):
    area = user_area(viewer)
    return Q() if not area else Q(**{field: area}) | Q(**{f"{field}__startswith": area + "."})


def device_list(*, viewer, include_revoked=True):
    """The devices of users of the viewer's kind of agency in the viewer's area (staff roles only)."""
    if viewer.role not in BOARD_ROLES:
        raise PermissionDenied("Peran Anda tidak boleh melihat perangkat.")
    rows = Device.objects.select_related("user", "user__agency").filter(_in_area(viewer, "user__area_code"))
    if viewer.agency_id is not None:  # a KPU operator sees KPU's devices, a Polres Polri's: never another agency's
        rows = rows.filter(user__agency__kind=viewer.agency.kind)
    return rows if include_revoked else rows.filter(revoked_at__isnull=True)


def device_get(*, viewer, pk) -> Device:
    device = device_list(viewer=viewer).filter(pk=pk).first()
    if device is None:
        raise Device.DoesNotExist(pk)
    return device


def submission_list(*, viewer):
    return Submission.objects.filter(_in_area(viewer, "area_code"))
