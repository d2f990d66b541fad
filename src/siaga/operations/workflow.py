"""Incident workflow: the transition table, response-time targets and duplicate windows (no Django)."""

from datetime import datetime, timedelta

NEW, VERIFIED, ASSIGNED, ACTION_TAKEN, CLOSED = "baru", "terverifikasi", "ditugaskan", "ditindak", "ditutup"
INVALIDATED, REOPENED, MERGED = "tidak_valid", "dibuka_kembali", "digabung"
OPEN_STATUSES = (NEW, VERIFIED, ASSIGNED, REOPENED)

# action -> (statuses it may start from, status it leads to)
ACTIONS = {
    "verify": ((NEW, REOPENED), VERIFIED),
    "assign": ((VERIFIED, REOPENED), ASSIGNED),
    "act": ((ASSIGNED,), ACTION_TAKEN),
    "close": ((ACTION_TAKEN, VERIFIED), CLOSED),
    "invalidate": ((NEW, VERIFIED, REOPENED), INVALIDATED),
    "reopen": ((CLOSED, INVALIDATED), REOPENED),
    "merge": ((NEW, VERIFIED, REOPENED), MERGED),
}
STATUS_LABELS = {NEW: "baru", VERIFIED: "terverifikasi", ASSIGNED: "ditugaskan", ACTION_TAKEN: "sudah ditindak",
                 CLOSED: "ditutup", INVALIDATED: "tidak valid", REOPENED: "dibuka kembali", MERGED: "digabung"}
ACTION_LABELS = {"verify": "verifikasi", "assign": "penugasan", "act": "tindakan", "close": "penutupan",
                 "invalidate": "pembatalan", "reopen": "pembukaan kembali", "merge": "penggabungan"}

# Minutes from report to action taken, by severity (4 = most severe). Configuration, not law.
RESPONSE_TARGET_MINUTES = {4: 15, 3: 30, 2: 60, 1: 120}
DUPLICATE_WINDOW = timedelta(minutes=60)
LOCK_MINUTES = 5


class IllegalTransition(ValueError):
    """Refused workflow step; the message is the Indonesian explanation for the user."""


def next_status(current: str, action: str) -> str:
    if action not in ACTIONS:
        raise IllegalTransition(f"Tindakan '{action}' tidak dikenal.")
    sources, target = ACTIONS[action]
    if current not in sources:
        allowed = ", ".join(STATUS_LABELS[s] for s in sources)
        raise IllegalTransition(f"Insiden berstatus '{STATUS_LABELS.get(current, current)}' tidak bisa menerima "
                                f"{ACTION_LABELS[action]}; hanya dari status: {allowed}.")
    return target


def allowed_actions(current: str) -> list[str]:
    return [action for action, (sources, _) in ACTIONS.items() if current in sources and action != "merge"]


def response_due(reported_at: datetime, severity: int) -> datetime:
    return reported_at + timedelta(minutes=RESPONSE_TARGET_MINUTES[severity])


def is_overdue(reported_at: datetime, severity: int, action_at: datetime | None, now: datetime) -> bool:
    """Late when no action by the target, or action taken after it."""
    due = response_due(reported_at, severity)
    return (action_at or now) > due
