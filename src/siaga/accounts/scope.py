"""Area scope: which regions a user may see and change.

A user's area is a dotted region code ("" = all of Indonesia). A region is
inside it when its code equals the area or extends it ("74.01" contains
"74.01.05.2001"). Rows that carry their region codes per level (TPS, units,
incidents) are filtered on the one column that matches the area's level, so
the check is an indexed equality, not a prefix scan.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from siaga.core.codes import LEVELS, region_level

# Column names used by models that store their codes per level.
LEVEL_FIELDS = {
    "provinsi": "province_code",
    "kabkota": "kabkota_code",
    "kecamatan": "kecamatan_code",
    "desa": "desa_id",
}


def user_area(user) -> str:
    if not user or not user.is_authenticated:
        raise PermissionDenied("not signed in")
    return user.area_code or ""


def area_contains(area: str, code: str) -> bool:
    return area == "" or code == area or code.startswith(area + ".")


def can_see_area(user, code: str) -> bool:
    return area_contains(user_area(user), code)


def require_area(user, code: str) -> None:
    if not can_see_area(user, code):
        raise PermissionDenied(code)


def code_q(user, field: str = "code") -> Q:
    """Filter on a dotted-code column by prefix (regions, anything with one code)."""
    area = user_area(user)
    if not area:
        return Q()
    return Q(**{field: area}) | Q(**{f"{field}__startswith": area + "."})


def area_q(area: str, fields: dict[str, str] = LEVEL_FIELDS, prefix: str = "") -> Q:
    """Filter rows that store one code column per level to one area."""
    if not area:
        return Q()
    return Q(**{prefix + fields[region_level(area)]: area})


def level_q(user, fields: dict[str, str] = LEVEL_FIELDS, prefix: str = "") -> Q:
    """Filter rows that store one code column per level to the user's area."""
    return area_q(user_area(user), fields, prefix)


def readable_area(user, area: str) -> str:
    """``area`` when the user sees all of it, else their own area: the part of a wider area (a Polda's
    operation) that a Polres or Polsek reads."""
    return area if can_see_area(user, area) else user_area(user)


def narrower_area(user, requested: str | None) -> str:
    """The area to show: the requested one when it lies inside the user's scope."""
    area = user_area(user)
    if not requested:
        return area
    require_area(user, requested)
    return requested


__all__ = ["LEVELS", "area_contains", "area_q", "level_q", "can_see_area", "code_q", "narrower_area", "readable_area", "require_area", "user_area"]
