"""Who may read an intelligence report: clearance by agency kind and role, plus explicit sharing.

Levels are ordered biasa (1) < terbatas (2) < rahasia (3) < sangat_rahasia (4). Coordination's reports
stop at rahasia; the intel app's products (LI, Lapinhar, Lapsus, Kirka) use all four through this module.

Clearance of a user (the highest level they can ever read):
- Polri, roles admin and pimpinan (commander): sangat rahasia.
- Polri, role analis (intelligence analyst): rahasia.
- Polri, roles operator and petugas (field officer): terbatas.
- Polri, role mitra (read-only): biasa.
- Every other agency (KPU, Bawaslu, TNI, Pemda), whatever the role: terbatas.
- The command-line service account (admin without an agency): sangat rahasia.
- Any other user without an agency: nothing.

A user reads a report only when all three hold:
1. area: the report's area lies inside the user's area, or the user's area lies
   inside the report's (a Polres sees province-wide reports about its ground);
2. clearance: the report's classification is at most the user's clearance;
3. need to know: the user's agency wrote it, or it is shared with the user's
   agency or role, or the user is Polri and the report was written by Polri
   (Polri reads its own reports by clearance; partners read only what is shared).

So a KPU user never reads a rahasia report (clearance), nor a terbatas police
report that was not shared with KPU (need to know). Every read is logged in
ReportRead by services.report_open / reports_open (with the channel, `via`); the selectors only read.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from siaga.accounts.models import AgencyKind, Role
from siaga.accounts.scope import area_contains

LEVEL = {"biasa": 1, "terbatas": 2, "rahasia": 3, "sangat_rahasia": 4}
POLRI_CLEARANCE = {Role.ADMIN: 4, Role.COMMANDER: 4, Role.ANALYST: 3, Role.OPERATOR: 2, Role.FIELD: 2,
                   Role.PARTNER: 1}
PARTNER_CLEARANCE = 2


@dataclass(frozen=True)
class Reader:
    agency_id: int | None
    agency_kind: str | None
    role: str
    area: str


@dataclass(frozen=True)
class ReportFacts:
    area: str
    classification: str
    author_agency_id: int
    author_kind: str
    shared_agency_ids: frozenset[int]
    shared_roles: frozenset[str]


def reader_of(user) -> Reader:
    agency = user.agency
    return Reader(agency.pk if agency else None, agency.kind if agency else None, user.role, user.area_code or "")


def clearance(reader: Reader) -> int:
    if reader.agency_kind is None:
        return 4 if reader.role == Role.ADMIN else 0
    if reader.agency_kind == AgencyKind.POLRI:
        return POLRI_CLEARANCE.get(reader.role, 0)
    return PARTNER_CLEARANCE


def allowed_classifications(reader: Reader) -> list[str]:
    top = clearance(reader)
    return [name for name, level in LEVEL.items() if level <= top]


def may_read(reader: Reader, report: ReportFacts) -> bool:
    """The rule above for one report (the reference the queryset filter is tested against)."""
    if not (area_contains(reader.area, report.area) or area_contains(report.area, reader.area)):
        return False
    if LEVEL[report.classification] > clearance(reader):
        return False
    if reader.agency_id is None:
        return clearance(reader) > 0
    return (report.author_agency_id == reader.agency_id or reader.agency_id in report.shared_agency_ids
            or reader.role in report.shared_roles
            or (reader.agency_kind == AgencyKind.POLRI and report.author_kind == AgencyKind.POLRI))


def _enclosing_areas(area: str) -> list[str]:
    parts = area.split(".") if area else []
    return [""] + [".".join(parts[:n]) for n in range(1, len(parts) + 1)]


def readable_q(reader: Reader, shared_report_ids) -> Q:
    """The same rule as a filter on IntelReport (or any model with the same columns: area_code,
    classification, author_agency, shared_roles); `shared_report_ids` is a subquery of the ids
    shared with the reader's agency (kept apart so the M2M join makes no duplicates)."""
    if reader.area:
        where = Q(area_code__in=_enclosing_areas(reader.area)) | Q(area_code__startswith=reader.area + ".")
    else:
        where = Q()
    where &= Q(classification__in=allowed_classifications(reader))
    if reader.agency_id is None:
        return where if clearance(reader) > 0 else Q(pk__in=[])
    need = (Q(author_agency_id=reader.agency_id) | Q(pk__in=shared_report_ids)
            | Q(shared_roles__contains=f",{reader.role},"))
    if reader.agency_kind == AgencyKind.POLRI:
        need |= Q(author_agency__kind=AgencyKind.POLRI)
    return where & need


# Writes shared by coordination's reports and intel's products --------------------------------------

def reads_log(read_model, target: str, *, reader, objects, via) -> None:
    """Log that `reader` opened each of `objects` through `via` (page, list, search, api, document) in
    `read_model`, whose foreign key `target` names the object. Reads are not changes: not in the audit trail."""
    now = timezone.now()
    read_model.objects.bulk_create([read_model(**{target: obj}, reader=reader if reader.pk else None,
                                               reader_name=reader.username, at=now, via=via) for obj in objects])


def shares_add(obj, *, agencies, roles) -> None:
    """Widen who a report or product is shared with (agencies and roles); sharing never narrows."""
    obj.shared_agencies.add(*agencies)
    merged = sorted(set(obj.roles) | set(roles))
    obj.shared_roles = "," + ",".join(merged) + "," if merged else ""
    obj.save(update_fields=["shared_roles"])
