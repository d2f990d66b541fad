"""Reads of voting day, every one scoped by the viewer's area and agency.

Partner agencies (KPU, Bawaslu, TNI, Pemda) and partner roles see an incident
only once a police commander has published it to them, or when they reported
it themselves (authority.py: `see_unpublished`). The live stream filters its
messages by the same rule (live_visibility).
"""

import math
import operator
from datetime import time, timedelta
from functools import reduce

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from siaga.accounts.models import Agency, AgencyKind
from siaga.accounts.scope import area_contains, area_q, code_q, level_q, narrower_area, user_area
from siaga.core import checkins, tps_state
from siaga.core.codes import region_level
from siaga.core.geo import TravelModel, haversine_km
from siaga.operations import authority, tally, workflow
from siaga.operations.models import (MILESTONE_FIELDS, Dispatch, Incident, MissedCheckin, SmsSender, StatusTally,
                                     TpsEvent, TpsEventPhoto, TpsStatus, VotingDay)
from siaga.regions.models import Election, Tps

# Incidents and summary rows store codes down to kecamatan; a desa-level viewer filters through the TPS.
ROW_FIELDS = {"provinsi": "province_code", "kabkota": "kabkota_code", "kecamatan": "kecamatan_code",
              "desa": "tps__desa_id"}
TRAVEL = TravelModel()
SPEED_KMH = 40.0  # average over rural roads with a patrol car


def _scoped(viewer, rows, area=None):
    rows = rows.filter(level_q(viewer, ROW_FIELDS))
    area = narrower_area(viewer, area)
    return rows.filter(area_q(area, ROW_FIELDS)) if area else rows


def incidents(*, viewer, area=None, include_exercise=True):
    rows = _scoped(viewer, Incident.objects.all(), area)
    if not authority.may(viewer, "see_unpublished"):
        rows = rows.filter(Q(published_at__isnull=False) | Q(reporter=viewer))
    if not include_exercise:
        rows = rows.filter(exercise=False)
    return rows.select_related("tps", "assigned_to", "lock_holder", "reporter")


def incident_get(*, viewer, pk) -> Incident:
    incident = incidents(viewer=viewer).filter(pk=pk).first()
    if incident is None:
        raise Http404(pk)
    return incident


def status_rows(*, viewer, area=None):
    return _scoped(viewer, TpsStatus.objects.all(), area)


def voting_q() -> Q:
    """The TPS that vote on the configured voting days: each province's voting-day election, the Pemilu's
    where a province has none set (the registry keeps the TPS of several elections under the same codes)."""
    days = dict(VotingDay.objects.values_list("province_code", "election"))
    q = Q(election=Election.PEMILU) & ~Q(province_code__in=list(days))
    for province, election in days.items():
        q |= Q(province_code=province, election=election)
    return q


def voting_election(code: str) -> str:
    """The election voting on the voting day of the province of a region or TPS code."""
    day = VotingDay.objects.filter(province_code=code[:2]).values_list("election", flat=True).first()
    return day or Election.PEMILU


def tps_in_scope(*, viewer, area=None):
    rows = Tps.objects.filter(level_q(viewer)).filter(voting_q())
    area = narrower_area(viewer, area)
    return rows.filter(area_q(area)) if area else rows


def tps_status(*, viewer, tps) -> dict:
    row = status_rows(viewer=viewer).filter(pk=tps.pk).first()
    return {"stage": row.stage if row else tps_state.PREPARATION, "disturbed": bool(row and row.disturbed),
            "suspended": bool(row and row.suspended), "last_event_at": row.last_event_at if row else None}


TALLY_FIELDS = {"provinsi": "province_code", "kabkota": "kabkota_code", "kecamatan": "kecamatan_code"}
TPS_COUNT_SECONDS = 600


def status_counts(*, viewer, area=None) -> dict:
    """Summary rows per stage, and how many are disturbed, suspended, past each milestone (tally.COLUMNS).

    Summed from the per-kecamatan counters (a few thousand rows nationally); a desa is smaller than a
    counter row, so it is counted from its summary rows.
    """
    area = narrower_area(viewer, area)
    if area and region_level(area) not in TALLY_FIELDS:
        counted = next(iter(tally.recount(status_rows(viewer=viewer, area=area)).values()), {})
        return {column: counted.get(column, 0) for column in tally.COLUMNS}
    sums = StatusTally.objects.filter(area_q(area, TALLY_FIELDS)).aggregate(**{c: Sum(c) for c in tally.COLUMNS})
    return {column: n or 0 for column, n in sums.items()}


def tps_count(*, viewer, area=None) -> int:
    """TPS in the viewer's scope. Nationally that is 820,161 rows to count on every dashboard refresh, and the
    registry does not change on voting day: the national count is cached per registry version (newest TPS id)."""
    rows = tps_in_scope(viewer=viewer, area=area)
    if narrower_area(viewer, area):
        return rows.count()
    key = f"siaga:operations:tps-count:{Tps.objects.aggregate(newest=Max('pk'))['newest']}"
    total = cache.get(key)
    if total is None:
        total = rows.count()
        cache.set(key, total, TPS_COUNT_SECONDS)
    return total


def voting_day_for(area: str):
    return VotingDay.objects.filter(province_code=area[:2]).first() if area else VotingDay.objects.first()


def voting_dates(province_codes) -> dict:
    """{province code: its voting date} for the provinces that configured one (VotingDay)."""
    return dict(VotingDay.objects.filter(province_code__in=set(province_codes)).values_list("province_code", "date"))


def voting_date_of(election: str, province_code: str):
    """Voting day of ``election`` in a province: the first day of the voting stage in its operation's calendar;
    else the province's configured VotingDay when it is that election's."""
    from siaga.planning.selectors import stage_calendar

    calendar = stage_calendar(election=election, area_code=province_code)
    if "pemungutan" in calendar:
        return calendar["pemungutan"][0]
    return (VotingDay.objects.filter(province_code=province_code, election=election)
            .values_list("date", flat=True).first())


def revote_list(*, viewer, area=None):
    """Re-votes (PSU/PSL/PSS) of TPS in the viewer's scope, soonest first."""
    from siaga.operations.models import Revote

    tps = Tps.objects.filter(level_q(viewer))
    area = narrower_area(viewer, area)
    if area:
        tps = tps.filter(area_q(area))
    return Revote.objects.filter(tps__in=tps.values("pk")).select_related("tps").order_by("new_date", "tps__code",
                                                                                           "round")


def revote_checkins(revote, *, now=None) -> list[dict]:
    """The expected check-ins of a re-vote: the voting day's windows moved to its new date, each with its
    deadline and status (on time, late, missing, pending) from the TPS's reports since that day began."""
    now = now or timezone.now()
    day = VotingDay.objects.filter(province_code=revote.province_code).first()
    windows = voting_day_windows(day) if day else list(checkins.DEFAULT_WINDOWS)
    tz = day.timezone if day else "Asia/Makassar"
    since = checkins.deadline_utc(revote.new_date, time(0), tz)
    first = dict(TpsEvent.objects.filter(tps_id=revote.tps_id, at__gte=since, kind__in=[w.milestone for w in windows])
                 .order_by().values_list("kind").annotate(at=Min("at")))
    out = []
    for window in windows:
        deadline = checkins.window_deadline(revote.new_date, window, tz)
        out.append({"milestone": window.milestone, "deadline": deadline, "reported_at": first.get(window.milestone),
                    "status": checkins.checkin_status(first.get(window.milestone), deadline, now)})
    return out


def voting_day_windows(day: VotingDay) -> list[checkins.Window]:
    """The configured windows; a deadline may be on the next day ("D+1 02:00": counting past midnight)."""
    return [checkins.window_from(w["milestone"], w["deadline"]) for w in day.windows]


def voting_day_escalation(day: VotingDay) -> list[checkins.EscalationStep]:
    return [checkins.EscalationStep(int(s["after_minutes"]), s["level"]) for s in day.escalation]


def overdue_q(now) -> Q:
    """Open incidents past their response target at `now` with no action yet: workflow.is_overdue(reported_at,
    severity, None, now) as a filter, so a national summary counts thousands of incidents in the database."""
    return reduce(operator.or_, [Q(severity=severity, reported_at__lt=now - timedelta(minutes=minutes))
                                 for severity, minutes in workflow.RESPONSE_TARGET_MINUTES.items()])


def summary(*, viewer, area=None, now=None) -> dict:
    """The command-post counters: TPS by stage, missing check-ins, open incidents, overdue items."""
    now = now or timezone.now()
    area = narrower_area(viewer, area)
    total = tps_count(viewer=viewer, area=area)
    rows = status_rows(viewer=viewer, area=area)
    flags = status_counts(viewer=viewer, area=area)
    stages = {stage: flags[stage] for stage in tps_state.STAGES}
    stages[tps_state.PREPARATION] += total - sum(stages.values())
    missing = {}
    day = voting_day_for(area or user_area(viewer) or "")
    if day is not None:
        for window, deadline in checkins.passed_windows(day.date, day.timezone, now, voting_day_windows(day)):
            field = MILESTONE_FIELDS[window.milestone]
            missing[window.milestone] = {
                "missing": total - flags[field], "deadline": deadline.isoformat(),
                "late": rows.filter(**{f"{field}__gt": deadline}).count(),
                "level": checkins.escalation_level(deadline, now, voting_day_escalation(day))}
    open_incidents = incidents(viewer=viewer, area=area).filter(status__in=workflow.OPEN_STATUSES)
    counts = open_incidents.order_by().aggregate(**{f"s{s}": Count("pk", filter=Q(severity=s)) for s in (4, 3, 2, 1)},
                                                 overdue=Count("pk", filter=overdue_q(now)))
    ack_overdue = Dispatch.objects.filter(incident__in=open_incidents.values("pk"), status="dikirim",
                                          ack_deadline__lt=now).count()
    return {"tps": total, "stages": stages, "disturbed": flags["disturbed"], "suspended": flags["suspended"],
            "missing_checkins": missing, "open_incidents": {str(s): counts[f"s{s}"] for s in (4, 3, 2, 1)},
            "overdue_incidents": counts["overdue"], "overdue_acknowledgements": ack_overdue, "at": now.isoformat()}


def status_points(*, viewer, area):
    """(id, code, name, lat, lng, stage, disturbed, suspended, overdue, last event) of the TPS of an area, for
    the map; overdue: a check-in missed and not yet resolved."""
    stage_of = {pk: (stage, d, s, at) for pk, stage, d, s, at in status_rows(viewer=viewer, area=area)
                .values_list("pk", "stage", "disturbed", "suspended", "last_event_at")}
    overdue = set(missed_checkins(viewer=viewer, area=area).values_list("tps_id", flat=True))
    for pk, code, name, lat, lng in (tps_in_scope(viewer=viewer, area=area).exclude(lat=None)
                                     .values_list("pk", "code", "name", "lat", "lng").iterator(chunk_size=5000)):
        stage, disturbed, suspended, at = stage_of.get(pk, (tps_state.PREPARATION, False, False, None))
        yield pk, code, name, lat, lng, stage, disturbed, suspended, pk in overdue, at


def missed_checkins(*, viewer, area=None):
    rows = MissedCheckin.objects.filter(resolved_at=None).filter(level_q(viewer, ROW_FIELDS))
    area = narrower_area(viewer, area)
    if area:
        rows = rows.filter(area_q(area, ROW_FIELDS))
    return rows.select_related("tps", "escalated_to").order_by("deadline", "tps__code")


def dispatch_get(*, viewer, pk) -> Dispatch:
    dispatch = Dispatch.objects.filter(pk=pk, incident__in=incidents(viewer=viewer).values("pk")).first()
    if dispatch is None:
        raise Http404(pk)
    return dispatch


ACTIVE_DISPATCH = ("dikirim", "diterima", "tiba")
# A reserve is sent by the platoon (peleton, about 30 officers); a reserve of 420 available has 14 teams.
TEAM_SIZE = 30
AGENCY_KINDS = {"provinsi": "polda", "kabkota": "polres", "kecamatan": "polsek"}
KIND_LABELS = {"polda": "Polda", "polres": "Polres", "polsek": "Polsek", "polri": "Polri",
               "brimob": gettext_lazy("Brimob reserve"), "dalmas": gettext_lazy("Dalmas reserve")}


def _busy_units():
    """Agencies out on a dispatch of their own (a reserve's dispatch does not tie up its Polda)."""
    return set(Dispatch.objects.filter(status__in=ACTIVE_DISPATCH, reserve=None).values_list("unit_id", flat=True))


def police_units(*, viewer):
    return Agency.objects.filter(code_q(viewer, "area_code"), kind=AgencyKind.POLRI, lat__isnull=False)


def reserve_units(*, viewer, province_code=None):
    """Reserves (Brimob, Dalmas) with ``teams_busy`` = their active dispatches; a team is TEAM_SIZE of
    ``available``. Limited to the viewer's province (a national viewer: all, or ``province_code``).

    Every viewer whose area lies in the province sees its reserves, down to a Polsek: dispatching is allowed by
    the authority table (authority.py: `dispatch`), not by agency level, and a Polsek calling the Polda's reserve
    to an incident in its own area is the normal request for reinforcement; the incident is already scoped."""
    from siaga.deployment.models import RESERVE_KINDS, Unit

    rows = Unit.objects.filter(kind__in=RESERVE_KINDS, lat__isnull=False)
    if area := user_area(viewer):
        rows = rows.filter(province_code=area[:2])
    if province_code:
        rows = rows.filter(province_code=province_code)
    return (rows.select_related("agency").order_by("code")
            .annotate(teams_busy=Count("dispatches", filter=Q(dispatches__status__in=ACTIVE_DISPATCH))))


def teams_left(reserve) -> int:
    """Teams of a reserve from reserve_units() still free to send."""
    return max(0, reserve.available // TEAM_SIZE - reserve.teams_busy)


def travel_minutes(km: float) -> float:
    """Road estimate (straight line x road factor) at patrol speed."""
    return float(km) * TRAVEL.road_factor / SPEED_KMH * 60


def network_minutes(incident, units) -> dict[int, float]:
    """{index in ``units``: minutes over the transport network} for the units standing on another landmass than
    the incident (a crossing by boat, waiting for none); empty when the province has no network loaded, so the
    straight-line road estimate stays for every unit. Units on the incident's own landmass keep that estimate."""
    from siaga.transport.selectors import network

    net = network(province_code=(incident.province_code or incident.area_code)[:2])
    if net is None:
        return {}
    where = net.landmasses.locate([incident.lat] + [u["lat"] for u in units],
                                  [incident.lng] + [u["lng"] for u in units])
    away = [i for i, lm in enumerate(where[1:]) if lm != where[0]]
    if not away:
        return {}
    found = net.minutes([units[i]["lat"] for i in away], [units[i]["lng"] for i in away], where[1:][away],
                        incident.lat, incident.lng, where[0])
    return {i: float(m) for i, m in zip(away, found) if math.isfinite(m)}  # no way through: the estimate stays


def _candidates(viewer, incident) -> list[dict]:
    """Agencies without an active dispatch and reserves with a team left, as suggestion rows."""
    busy = _busy_units()
    rows = [{"id": pk, "code": code, "name": name, "lat": lat, "lng": lng, "kind": AGENCY_KINDS.get(level, "polri"),
             "reserve_id": None}
            for pk, code, name, level, lat, lng in police_units(viewer=viewer).values_list(
                "id", "code", "name", "level", "lat", "lng") if pk not in busy]
    rows += [{"id": r.agency_id, "code": r.code, "name": r.name, "lat": r.lat, "lng": r.lng, "kind": r.kind,
              "reserve_id": r.pk, "teams_left": teams_left(r)}
             for r in reserve_units(viewer=viewer, province_code=incident.province_code) if teams_left(r)]
    return [{**row, "kind_label": KIND_LABELS[row["kind"]]} for row in rows]


def dispatch_suggestions(*, viewer, incident, limit=5) -> list[dict]:
    """Available Polri agencies and reserve teams in the viewer's scope, nearest by travel time first: the
    nearest ``limit``, then the reserves further away (two per province), which a commander calls when the
    local units are not enough.

    Each row: code (what dispatch_create takes), name, kind (polsek/polres/polda or brimob/dalmas), kind_label,
    id (the responsible agency), reserve_id (None for an agency), distance_km, eta_minutes; reserves add
    teams_left."""
    if incident.lat is None:
        return []
    units = _candidates(viewer, incident)
    if not units:
        return []
    km = haversine_km(incident.lat, incident.lng, [u["lat"] for u in units], [u["lng"] for u in units])
    minutes = [travel_minutes(d) for d in km]
    for i, m in network_minutes(incident, units).items():
        minutes[i] = m
    ranked = sorted(({**u, "distance_km": float(d), "eta_minutes": m} for u, d, m in zip(units, km, minutes)),
                    key=lambda s: (s["eta_minutes"], s["code"]))
    return ranked[:limit] + [s for s in ranked[limit:] if s["reserve_id"]] if limit else ranked


def unit_board(*, viewer) -> list[dict]:
    """Every Polri agency in scope with its current dispatch (if any), then the province's reserves with all
    their active dispatches and teams left (rows of kind brimob/dalmas)."""
    active = {}
    for d in (Dispatch.objects.filter(status__in=ACTIVE_DISPATCH, reserve=None, unit__in=police_units(viewer=viewer))
              .select_related("incident").order_by("dispatched_at")):
        active[d.unit_id] = d
    rows = [{"unit": unit, "kind": AGENCY_KINDS.get(unit.level, "polri"), "dispatch": active.get(unit.pk),
             "dispatches": [active[unit.pk]] if unit.pk in active else []}
            for unit in police_units(viewer=viewer).order_by("code")]
    reserves = list(reserve_units(viewer=viewer))
    sent: dict[int, list] = {}
    for d in (Dispatch.objects.filter(status__in=ACTIVE_DISPATCH, reserve__in=[r.pk for r in reserves])
              .select_related("incident").order_by("dispatched_at")):
        sent.setdefault(d.reserve_id, []).append(d)
    for r in reserves:
        dispatches = sent.get(r.pk, [])
        rows.append({"unit": r, "kind": r.kind, "dispatch": dispatches[0] if dispatches else None,
                     "dispatches": dispatches, "teams": r.available // TEAM_SIZE, "teams_left": teams_left(r)})
    return [{**row, "kind_label": KIND_LABELS[row["kind"]]} for row in rows]


def open_dispatches(*, viewer, incident):
    return incident.dispatches.select_related("unit", "reserve").order_by("-dispatched_at")


def drill_stats(*, viewer, run_id) -> dict:
    from siaga.operations.models import DrillRun, TpsEvent

    run = DrillRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404(run_id)
    events = TpsEvent.objects.filter(drill=run).filter(level_q(viewer, prefix="tps__")).count()
    found = incidents(viewer=viewer).filter(drill=run).count()
    return {"run": run.pk, "accepted": events + found, "events": events, "incidents": found,
            "duplicates": run.duplicates, "rejected": run.rejected}


def kpi_response_time(*, viewer, operation, **_):
    """Median minutes from an incident's report to the first unit on scene, over the real (not exercise,
    not merged) incidents of the operation's area the viewer reads; None before any unit has arrived."""
    from siaga.accounts.scope import readable_area
    from siaga.core.kpi import median_minutes

    rows = (incidents(viewer=viewer, area=readable_area(viewer, operation.area_code), include_exercise=False)
            .filter(duplicate_of__isnull=True).annotate(first_arrival=Min("dispatches__arrived_at"))
            .filter(first_arrival__isnull=False).values_list("reported_at", "first_arrival"))
    return median_minutes([(arrived - reported).total_seconds() / 60 for reported, arrived in rows])


def live_visibility(*, viewer):
    """A test `message -> bool` for the live stream of this viewer: messages of its area only; incident
    messages of unpublished incidents, and every dispatch, only for those who may see unpublished incidents
    (partners see published incidents only). Decided once when the stream opens: it then needs no database."""
    area = viewer.area_code or ""
    sees_unpublished = authority.may(viewer, "see_unpublished")

    def visible(message: dict) -> bool:
        if not sees_unpublished:
            if message.get("type") == "dispatch":
                return False
            if message.get("type") == "incident" and not message.get("published"):
                return False
        return area_contains(area, message.get("area") or "")

    return visible


# --- voting-day progress per level (the command post's and the commander home's charts) -------------------

CHILD_FIELDS = {"": "province_code", "provinsi": "kabkota_code", "kabkota": "kecamatan_code", "kecamatan": "desa_id",
                "desa": "desa_id"}
PROGRESS_MILESTONES = tuple(MILESTONE_FIELDS.items())  # (stage, TpsStatus column): opened, counting, finished


def progress_by_child(*, viewer, area=None) -> list[dict]:
    """Per child region of the area (kab/kota of a province, kecamatan of a kab/kota, desa of a kecamatan): its TPS
    and how many have reported each milestone, with the share reported; the least reported first."""
    from siaga.regions.models import Region

    area = narrower_area(viewer, area)
    field = CHILD_FIELDS[region_level(area) if area else ""]
    totals = dict(tps_in_scope(viewer=viewer, area=area).order_by().values_list(field).annotate(n=Count("pk")))
    status_field = "tps__desa_id" if field == "desa_id" else field
    counts = {row[0]: row[1:] for row in status_rows(viewer=viewer, area=area).order_by().values_list(status_field)
              .annotate(**{f"n_{column}": Count("pk", filter=Q(**{f"{column}__isnull": False}))
                           for _s, column in PROGRESS_MILESTONES})}
    names = dict(Region.objects.filter(code__in=list(totals)).values_list("code", "name"))
    rows = []
    for code, total in totals.items():
        reported = dict(zip((stage for stage, _c in PROGRESS_MILESTONES), counts.get(code, (0, 0, 0))))
        rows.append({"code": code, "name": names.get(code, code), "tps": total, "reported": reported,
                     "percent": {s: round(100 * n / total, 1) if total else 0.0 for s, n in reported.items()}})
    return sorted(rows, key=lambda r: (r["percent"][tps_state.FINISHED], r["percent"][tps_state.OPENED], r["code"]))


def progress_timeline(*, viewer, area=None, hours=range(6, 25)) -> dict | None:
    """The share of the area's TPS past each milestone at each hour of voting day (local time), or None when the
    province has no voting day configured. One query: a conditional count per hour and milestone."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    area = narrower_area(viewer, area)
    day = voting_day_for(area or user_area(viewer) or "")
    if day is None:
        return None
    zone = ZoneInfo(day.timezone)
    start = datetime.combine(day.date, time(0), tzinfo=zone)
    moments = [start + timedelta(hours=h) for h in hours]
    aggregates = {f"{stage}_{i}": Count("pk", filter=Q(**{f"{column}__lte": moment}))
                  for stage, column in PROGRESS_MILESTONES for i, moment in enumerate(moments)}
    counts = status_rows(viewer=viewer, area=area).aggregate(**aggregates)
    total = tps_count(viewer=viewer, area=area)
    return {"date": day.date, "timezone": day.timezone, "tps": total,
            "labels": [f"{h:02d}:00" for h in hours],
            "series": {stage: [round(100 * counts[f"{stage}_{i}"] / total, 1) if total else 0.0
                               for i in range(len(moments))] for stage, _c in PROGRESS_MILESTONES}}


def missing_reports(*, viewer, area=None, now=None, limit=50) -> dict:
    """The call list: TPS of the area that have not reported the latest milestone whose deadline passed, each with
    the Polsek answerable for it, the officers the newest plan put on its post and the phone registered for SMS
    reports by that Polsek's officers. {"milestone", "deadline", "count", "rows"}; no milestone due yet: count 0."""
    from siaga.deployment import selectors as deployment

    now = now or timezone.now()
    area = narrower_area(viewer, area)
    day = voting_day_for(area or user_area(viewer) or "")
    due = list(checkins.passed_windows(day.date, day.timezone, now, voting_day_windows(day))) if day else []
    if not due:
        return {"milestone": None, "deadline": None, "count": 0, "rows": []}
    window, deadline = due[-1]
    column = MILESTONE_FIELDS[window.milestone]
    done = status_rows(viewer=viewer, area=area).filter(**{f"{column}__isnull": False}).values("pk")
    missing = tps_in_scope(viewer=viewer, area=area).exclude(pk__in=done)
    tps = list(missing.select_related("desa", "desa__parent").order_by("kecamatan_code", "code")[:limit])
    polsek = {a.area_code: a for a in Agency.objects.filter(kind=AgencyKind.POLRI,
                                                            area_code__in={t.kecamatan_code for t in tps})}
    phones: dict[int, list[str]] = {}
    senders = SmsSender.objects.filter(user__agency__in=list(polsek.values()), user__is_active=True)
    if not deployment.sees_names(viewer):  # officers' numbers, like their names, are police data
        senders = senders.none()
    for agency_id, phone in senders.values_list("user__agency_id", "phone").order_by("phone"):
        phones.setdefault(agency_id, []).append(phone)
    officers = deployment.officers_at_tps(viewer=viewer, tps_ids=[t.pk for t in tps])
    rows = [{"tps": t, "polsek": polsek.get(t.kecamatan_code), "officers": officers.get(t.pk, []),
             "phones": phones.get(polsek[t.kecamatan_code].pk, []) if t.kecamatan_code in polsek else []}
            for t in tps]
    return {"milestone": window.milestone, "deadline": deadline, "count": missing.count(), "rows": rows}


def incidents_over_time(*, viewer, area=None, days=14) -> dict:
    """Incidents by category over time, in the local zone of the area's voting day: per day over the (at most
    ``days``) days from the first to the newest incident, or per hour when they all fall on one day.
    {"unit": "day" | "hour", "buckets": [local date or datetime], "categories": {category: [count per bucket]}}."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    area = narrower_area(viewer, area)
    rows = incidents(viewer=viewer, area=area, include_exercise=False)
    day = voting_day_for(area or user_area(viewer) or "")
    zone = ZoneInfo(day.timezone if day else "Asia/Jakarta")
    newest = rows.aggregate(newest=Max("occurred_at"))["newest"]
    if newest is None:
        return {"unit": "day", "buckets": [], "categories": {}}
    recent = [(category, at.astimezone(zone)) for category, at in
              rows.filter(occurred_at__gt=newest - timedelta(days=days)).values_list("category", "occurred_at")]
    first, last = min(at for _c, at in recent), max(at for _c, at in recent)
    if first.date() == last.date():
        unit, start = "hour", first.replace(minute=0, second=0, microsecond=0)
        buckets = [start + timedelta(hours=h) for h in range(int((last - start).total_seconds() // 3600) + 1)]
        index = lambda t: int((t - start).total_seconds() // 3600)  # noqa: E731
    else:
        unit, start = "day", first.date()
        buckets = [start + timedelta(days=d) for d in range((last.date() - start).days + 1)]
        index = lambda t: (t.date() - start).days  # noqa: E731
    series: dict[str, list[int]] = {}
    for category, at in recent:
        series.setdefault(category, [0] * len(buckets))[index(at)] += 1
    return {"unit": unit, "buckets": buckets, "categories": series}


def field_reports(*, viewer):
    """The newest TPS reports of the viewer's area with the phone's GPS fix and photo. Where officers stood is
    police information: partner agencies see their own reports only (as with unpublished incidents)."""
    rows = TpsEvent.objects.filter(level_q(viewer, prefix="tps__"))
    if not authority.may(viewer, "see_unpublished"):
        rows = rows.filter(reporter=viewer)
    return rows.select_related("tps", "reporter", "photo").order_by("-received_at", "-pk")


def event_photo_get(*, viewer, event_id) -> TpsEventPhoto:
    """A report's photo, read only through the same scope as the report."""
    photo = TpsEventPhoto.objects.filter(event__in=field_reports(viewer=viewer).filter(pk=event_id)).first()
    if photo is None:
        raise Http404(event_id)
    return photo
