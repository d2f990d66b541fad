"""What every write of voting day shares: the refusal, the authority check, the plausible time window,
server-derived client ids, drill counters."""

import hashlib
import hmac
import math
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.operations import authority, selectors
from siaga.operations.models import DrillRun
from siaga.regions.selectors import tps_get_by_code

# Reports may be dated this many days before or after the province's voting day (VotingDay), or before or after
# today (a phone reports in real time, also in a drill or demo held on another day than the configured one).
# Wide enough for logistics before and recounts after; 2099, year 1 or year 9999 are refused.
PLAUSIBLE_DAYS = 30


class Rejected(ValueError):
    """A submission that cannot be stored; the message (Indonesian) names the problem."""


class Conflict(Rejected):
    """A client id already used by another user or for another place: answered without the stored content."""

    def __init__(self, client_id):
        super().__init__(f"Client id {client_id} sudah dipakai untuk laporan lain; buat client id baru.")


def require(user, action: str) -> None:
    """Refuse (PermissionDenied, in Indonesian) what the authority table does not allow this user."""
    if not authority.may(user, action):
        raise PermissionDenied(f"Peran atau instansi Anda tidak boleh {authority.WHAT[action]}.")


def require_role(user, roles, what):
    """For the settings of the day (voting day, SMS gateway and senders), which go by role alone."""
    if getattr(user, "role", None) not in roles:
        raise PermissionDenied(f"Peran Anda tidak boleh {what}.")


def tps_in_area(viewer, code):
    try:
        return tps_get_by_code(viewer=viewer, code=code, election=selectors.voting_election(str(code)))
    except Http404:
        raise Rejected(_("TPS %(code)s is not in your area.") % {"code": code})


def drill_run(drill_id, counter=None):
    if not drill_id:
        return None
    run, _ = DrillRun.objects.get_or_create(id=str(drill_id)[:40])
    if counter:
        DrillRun.objects.filter(pk=run.pk).update(**{counter: F(counter) + 1})
    return run


def plausible_windows(voting_day: date | None) -> list[tuple[date, date]]:
    """First and last day (inclusive) of each span a report of that voting day may be dated in."""
    centres = {timezone.localdate()} | ({voting_day} if voting_day else set())
    return [(c - timedelta(days=PLAUSIBLE_DAYS), c + timedelta(days=PLAUSIBLE_DAYS)) for c in sorted(centres)]


def time_problem(at: datetime | None, voting_day: date | None, what="Waktu laporan") -> str | None:
    """Why a reported time cannot be stored (None: it can): outside the plausible windows, or so far off that it
    cannot be converted to UTC (year 1 at +14:00, year 9999 at -12:00). A time without zone is local time, as
    Django stores it."""
    if at is None:
        return None
    windows = plausible_windows(voting_day)
    try:
        day = timezone.localtime(at if timezone.is_aware(at) else timezone.make_aware(at)).date()
    except (OverflowError, ValueError):
        day = None
    if day is None or not any(first <= day <= last for first, last in windows):
        spans = " atau ".join(f"{first.isoformat()} sampai {last.isoformat()}" for first, last in windows)
        return (f"{what} {at.isoformat()} di luar rentang yang masuk akal ({spans}: {PLAUSIBLE_DAYS} hari sekitar "
                f"hari pemungutan atau hari ini).")
    return None


def voting_days(province_codes) -> dict:
    """{province code: voting date} of the provinces that configured one."""
    return selectors.voting_dates(province_codes)


def point_problem(lat, lng) -> str | None:
    """Why a coordinate pair is not a place on Earth (None: it is, or none was given)."""
    if lat is None and lng is None:
        return None
    if lat is None or lng is None:
        return "Titik insiden perlu lat dan lng sekaligus."
    if not (math.isfinite(lat) and math.isfinite(lng)) or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return f"Titik ({lat}, {lng}) tidak valid: lat harus -90 sampai 90, lng -180 sampai 180."
    return None


def derived_client_id(kind: str, seed: str) -> uuid.UUID:
    """A client id the server makes for what arrives without one (an SMS, an imported row): keyed with the
    server secret, so that nobody who knows the gateway's message id can predict it and take it first."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}|{seed}".encode(), hashlib.sha256).digest()
    return uuid.UUID(bytes=digest[:16], version=4)
