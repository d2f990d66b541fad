"""Who may enter and who may read the observations of each source: the need-to-know rule, as data.

An observation's source says whose finding it is. Polri compiles the partners' published
findings (Bawaslu's TPS-rawan mapping, KPU's logistics and 3T lists) into its map, so Polri
may enter every source; a partner agency enters only its own. Intelkam findings are police
intelligence: only Polri reads them; partners see the classes they produce and the
indicators of the sources they may read. Accounts without an agency (the command line,
the system administrator) act for Polri.

Observation values: what each indicator kind accepts, with the reason for a refusal
(codes shared by the service and the observation importer, messages below).
"""

import math
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from siaga.accounts.models import AgencyKind
from siaga.risk.models import Kind, Source

EVERYONE = None  # a rule's readers: every agency


class SourceNotAllowed(PermissionDenied):
    """An observation of a source the user's agency may not enter; the message says which it may."""


@dataclass(frozen=True)
class SourceRule:
    enter: frozenset  # agency kinds whose users may enter observations of this source
    read: frozenset | None  # agency kinds whose users may read them (EVERYONE: all)


SOURCE_RULES = {
    Source.BAWASLU: SourceRule(enter=frozenset({AgencyKind.POLRI, AgencyKind.BAWASLU}), read=EVERYONE),
    Source.KPU: SourceRule(enter=frozenset({AgencyKind.POLRI, AgencyKind.KPU}), read=EVERYONE),
    Source.INTELKAM: SourceRule(enter=frozenset({AgencyKind.POLRI}), read=frozenset({AgencyKind.POLRI})),
    Source.INCIDENT: SourceRule(enter=frozenset({AgencyKind.POLRI}), read=EVERYONE),
}

# The largest count an observation may hold: far above any TPS (at most a few hundred voters) or
# area figure, far below what breaks a sum of scores.
COUNT_MAX = 100_000


def agency_kind(user) -> str:
    return user.agency.kind if user.agency_id else AgencyKind.POLRI


def may_enter(user, source: str) -> bool:
    rule = SOURCE_RULES.get(source)
    return rule is not None and agency_kind(user) in rule.enter


def enterable_sources(user) -> list[str]:
    return [s for s in Source.values if may_enter(user, s)]


def readable_sources(user) -> list[str]:
    kind = agency_kind(user)
    return [s for s, rule in SOURCE_RULES.items() if rule.read is EVERYONE or kind in rule.read]


def reads_every_source(user) -> bool:
    return len(readable_sources(user)) == len(SOURCE_RULES)


def source_q(user, prefix: str = "") -> Q:
    """Filter observations (or rows reaching them through ``prefix``) to the sources the user may read."""
    return Q() if reads_every_source(user) else Q(**{prefix + "source__in": readable_sources(user)})


def value_problem(kind: str, value: float) -> str | None:
    """Why a value cannot be stored for an indicator of this kind (None when it can)."""
    if not math.isfinite(value):
        return "bad_value"
    if value < 0:
        return "negative"
    if kind == Kind.BOOL and value not in (0, 1):
        return "bad_bool"
    if kind == Kind.SHARE and value > 1:
        return "share_over_one"
    if kind == Kind.COUNT and value != int(value):
        return "not_whole"
    if kind == Kind.COUNT and value > COUNT_MAX:
        return "too_large"
    return None


# Refusals of one value or source, in the importers' style ({value} is the cell as given).
MESSAGES = {
    "id": {
        "bad_value": "nilai '{value}' bukan angka.",
        "negative": "nilai '{value}' tidak boleh negatif.",
        "bad_bool": "indikator ya/tidak: nilai '{value}' harus ya, tidak, 1 atau 0.",
        "share_over_one": "indikator proporsi: nilai '{value}' harus antara 0 dan 1.",
        "not_whole": "indikator jumlah: nilai '{value}' harus bilangan bulat.",
        "too_large": "indikator jumlah: nilai '{value}' terlalu besar (paling banyak %s)." % f"{COUNT_MAX:,}".replace(
            ",", "."),
        "source_not_allowed": "sumber '{value}' bukan sumber instansi Anda ({agency}); "
                              "instansi Anda hanya dapat mengisi: {allowed}.",
    },
    "en": {
        "bad_value": "value '{value}' is not a number.",
        "negative": "value '{value}' must not be negative.",
        "bad_bool": "yes/no indicator: value '{value}' must be yes, no, 1 or 0.",
        "share_over_one": "share indicator: value '{value}' must lie between 0 and 1.",
        "not_whole": "count indicator: value '{value}' must be a whole number.",
        "too_large": f"count indicator: value '{{value}}' is too large (at most {COUNT_MAX:,}).",
        "source_not_allowed": "source '{value}' is not your agency's ({agency}); "
                              "your agency may enter: {allowed}.",
    },
}


def source_problem(user, source: str) -> dict | None:
    """None when ``user`` may enter ``source``, else the parameters of the ``source_not_allowed`` message."""
    if may_enter(user, source):
        return None
    return {"agency": user.agency.name if user.agency_id else "-",
            "allowed": ", ".join(enterable_sources(user)) or "-"}
