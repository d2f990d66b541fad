"""Who may change planning and coordination records (report reads are in coordination/clearance.py)."""

from django.core.exceptions import PermissionDenied

from siaga.accounts.models import AgencyKind, Role
from siaga.accounts.scope import can_see_area

EDITOR_ROLES = {Role.ADMIN, Role.COMMANDER, Role.ANALYST, Role.OPERATOR}


def is_polri_editor(user) -> bool:
    """Polri staff who plan and coordinate (and the command-line account, which has no agency)."""
    if user.agency is None:
        return user.role == Role.ADMIN
    return user.agency.kind == AgencyKind.POLRI and user.role in EDITOR_ROLES


def require_editor(user, area_code: str) -> None:
    if not is_polri_editor(user):
        raise PermissionDenied("Hanya staf Polri yang berwenang dapat mengubah data ini")
    if not can_see_area(user, area_code):
        raise PermissionDenied(f"Wilayah {area_code or 'nasional'} di luar wilayah Anda")


def require_agency_member(user, agency) -> None:
    """The user works for this agency, or is a Polri editor above it."""
    if user.agency_id == agency.pk:
        return
    if is_polri_editor(user) and can_see_area(user, agency.area_code):
        return
    raise PermissionDenied(f"Hanya {agency.name} yang dapat melakukan ini")

