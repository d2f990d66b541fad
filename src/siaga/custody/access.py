"""Who may see and handle custody items: area scope plus agency rules."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from siaga.accounts.models import AgencyKind, Role
from siaga.accounts.scope import area_contains, code_q, level_q, user_area

ITEM_FIELDS = {"provinsi": "province_code", "kabkota": "kabkota_code", "kecamatan": "kecamatan_code",
               "desa": "desa_code"}
# Agencies that hold or escort items; Bawaslu and others watch read-only.
CUSTODIAN_KINDS = {AgencyKind.KPU, AgencyKind.POLRI, AgencyKind.TNI}


def item_q(viewer, prefix=""):
    return level_q(viewer, ITEM_FIELDS, prefix)


def area_code_q(viewer, field="area_code"):
    return code_q(viewer, field)


def may_handle(user) -> bool:
    if user.role == Role.ADMIN or user.is_superuser:
        return True
    if user.agency is None or user.agency.kind not in CUSTODIAN_KINDS:
        return False
    return user.role != Role.PARTNER or user.agency.kind == AgencyKind.KPU


def require_custodian(user, area_code: str) -> None:
    """Raise PermissionDenied unless ``user`` may record custody in ``area_code``."""
    if not may_handle(user):
        raise PermissionDenied(_("Your agency may view custody records but not change them."))
    if not area_contains(user_area(user), area_code):
        raise PermissionDenied(_("Area %(area)s is outside your area.") % {"area": area_code})


def sees_escort_names(viewer) -> bool:
    """Officers' names are police data: Polri, TNI and administrators only."""
    return viewer.agency_id is None or viewer.agency.kind in (AgencyKind.POLRI, AgencyKind.TNI) \
        or viewer.role == Role.ADMIN
