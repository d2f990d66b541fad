"""Who may do what on voting day: one agency x role x action table, as data.

Reporting (TPS events, incidents, photos) is open to the writing roles of every agency: a PPK of KPU or a
Panwascam of Bawaslu reports what it sees. Commanding an incident (verify, assign, act, close, reopen,
invalidate, merge, lock, publish, dispatch, a dispatch's steps) is Polri's: a partner agency's operator may
not verify a report or send Brimob. Partner agencies (KPU, Bawaslu, TNI, Pemda) see an incident only once a
police commander has published it to them, or when they reported it themselves (`see_unpublished` below).

Services check `may()` before every write, selectors filter reads with it, pages show only the buttons it
allows, and the live stream filters with the same rule (selectors.live_visibility). A user without an
agency is the command-line service account (or a bare administrator): its role alone decides, as a Polri
user's would.
"""

from siaga.accounts.models import AgencyKind, Role

ADMIN, COMMANDER, ANALYST, OPERATOR, FIELD, PARTNER = (Role.ADMIN, Role.COMMANDER, Role.ANALYST, Role.OPERATOR,
                                                       Role.FIELD, Role.PARTNER)
POLICE = {AgencyKind.POLRI, None}  # None: no agency (the command-line service account)
EVERY_AGENCY = POLICE | {AgencyKind.KPU, AgencyKind.BAWASLU, AgencyKind.TNI, AgencyKind.PEMDA}

WRITERS = {ADMIN, COMMANDER, OPERATOR, FIELD, ANALYST}
COMMAND = {ADMIN, COMMANDER, OPERATOR}


def _rule(agencies, roles):
    return {(agency, role) for agency in agencies for role in roles}


# action -> the (agency kind, role) pairs allowed. The access matrix (tests/web/access_matrix.py) checks every
# row of this table through the pages and the API for each demo user.
TABLE = {
    "report": _rule(EVERY_AGENCY, WRITERS),            # TPS events and incidents from the field
    "photo": _rule(EVERY_AGENCY, WRITERS),             # a photo on an incident one may see
    "see_unpublished": _rule(POLICE, WRITERS),         # incidents not (yet) published to partners
    "verify": _rule(POLICE, COMMAND | {ANALYST}),
    "assign": _rule(POLICE, COMMAND | {ANALYST}),
    "act": _rule(POLICE, COMMAND | {ANALYST}),
    "close": _rule(POLICE, COMMAND | {ANALYST}),
    "reopen": _rule(POLICE, COMMAND | {ANALYST}),
    "invalidate": _rule(POLICE, COMMAND | {ANALYST}),
    "merge": _rule(POLICE, COMMAND | {ANALYST}),
    "lock": _rule(POLICE, COMMAND | {ANALYST}),
    "publish": _rule(POLICE, COMMAND),
    "dispatch": _rule(POLICE, COMMAND),
    "dispatch_step": _rule(POLICE, WRITERS),           # a sent unit acknowledges, arrives, finishes
    # A re-vote (PSU/PSL/PSS) is the KPU's decision: KPU records it, and Polri's command records it to plan
    # the new post (both with the decision's number).
    "revote": _rule(POLICE | {AgencyKind.KPU}, COMMAND),
}
ACTIONS = tuple(TABLE)

# What the refusal says: "Peran/instansi Anda tidak boleh <what>."
WHAT = {"report": "melaporkan status TPS atau insiden", "photo": "menambah foto",
        "see_unpublished": "melihat insiden yang belum dibagikan", "verify": "memverifikasi insiden",
        "assign": "menugaskan insiden", "act": "mencatat tindakan insiden", "close": "menutup insiden",
        "reopen": "membuka kembali insiden", "invalidate": "membatalkan insiden", "merge": "menggabungkan insiden",
        "lock": "menyunting insiden", "publish": "membagikan insiden ke mitra", "dispatch": "mengirim satuan",
        "dispatch_step": "memperbarui pengiriman satuan",
        "revote": "menetapkan pemungutan suara ulang, lanjutan atau susulan"}


def agency_kind(user):
    agency = getattr(user, "agency", None)
    return agency.kind if agency is not None else None


def may(user, action: str) -> bool:
    """Whether this user's agency and role allow the action (unknown actions: never)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return False
    return (agency_kind(user), getattr(user, "role", None)) in TABLE.get(action, ())


def allowed(user) -> set[str]:
    """Every action of the table this user may take (pages use it to show only the buttons that work)."""
    return {action for action in TABLE if may(user, action)}
