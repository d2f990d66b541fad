"""Who in the Sentra may see and act on a case: the agency kind decides (agency × step is data in rules.ACTOR_OF)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from siaga.accounts.models import AgencyKind, Role
from siaga.accounts.scope import can_see_area
from siaga.gakkumdu import rules

MEMBERS = {AgencyKind.BAWASLU: rules.BAWASLU, AgencyKind.POLRI: rules.POLRI, AgencyKind.KEJAKSAAN: rules.KEJAKSAAN}
# Polri acts through its staff (not field officers or read-only accounts); the partner agencies through
# any member but a field officer.
POLRI_ACTING = {Role.ADMIN, Role.COMMANDER, Role.ANALYST, Role.OPERATOR}
AGENCY_NAMES = {rules.BAWASLU: "Bawaslu", rules.POLRI: "Polri", rules.KEJAKSAAN: "Kejaksaan"}


def member_kind(user):
    """"bawaslu", "polri" or "kejaksaan" for a Sentra member, "admin" for an administrator without agency,
    else None (KPU, TNI, local government see nothing)."""
    if user is None or not user.is_authenticated:
        return None
    if user.agency is None:
        return "admin" if user.role == Role.ADMIN else None
    return MEMBERS.get(user.agency.kind)


def can_act(user, step: str) -> bool:
    kind = member_kind(user)
    if kind is None or kind == "admin" or rules.ACTOR_OF.get(step) != kind:
        return False
    return user.role in POLRI_ACTING if kind == rules.POLRI else user.role != Role.FIELD


def require_act(user, step: str, area_code: str) -> None:
    if not can_act(user, step):
        who = AGENCY_NAMES.get(rules.ACTOR_OF.get(step), "-")
        raise PermissionDenied(_("This step is handled by %(who)s, not by you") % {"who": who})
    if not can_see_area(user, area_code):
        raise PermissionDenied(_("Area %(code)s is outside your area") % {"code": area_code})


def require_register(user, area_code: str) -> None:
    """Bawaslu registers a report or finding; a Polri staff member may bring one to the Sentra (Polri sits in it)."""
    kind = member_kind(user)
    ok = (kind == rules.BAWASLU and user.role != Role.FIELD) or (kind == rules.POLRI and user.role in POLRI_ACTING)
    if not ok:
        raise PermissionDenied(_("Only Bawaslu or Polri members of Sentra Gakkumdu can register a case"))
    if not can_see_area(user, area_code):
        raise PermissionDenied(_("Area %(code)s is outside your area") % {"code": area_code})
