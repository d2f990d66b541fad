"""Every write of voting day: TPS events, check-in sweeps, incidents, dispatch, SMS.

Each function takes keyword arguments, runs in one transaction, writes an
audit entry for every change and publishes its live update after commit.
Submissions from the field carry a client-generated UUID: sending the same
one again returns the original row and changes nothing.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from siaga import features
from siaga.accounts.models import Agency, Role
from siaga.accounts.scope import can_see_area
from siaga.accounts.services import audit_record
from siaga.core import checkins, tps_state
from siaga.core.codes import normalize_region_code, CodeError
from siaga.operations import tally, workflow
from siaga.operations.broker import publish_after_commit
from siaga.operations.models import (MILESTONE_FIELDS, Category, Channel, Dispatch, DrillRun, Incident, IncidentPhoto,
                                     MissedCheckin, SmsGateway, SmsMessage, SmsSender, StatusTally, TpsEvent, TpsStatus,
                                     VotingDay)
from siaga.regions.selectors import tps_by_codes, tps_code, tps_get_by_code

WRITER_ROLES = {Role.ADMIN, Role.COMMANDER, Role.OPERATOR, Role.FIELD, Role.ANALYST}
COMMAND_ROLES = {Role.ADMIN, Role.COMMANDER, Role.OPERATOR}
PHOTO_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
PHOTO_MAX_BYTES = 5 * 1024 * 1024
ACK_MINUTES = 10
BATCH_MAX = 500  # events per request: one INSERT statement stays far below the databases' parameter limits


class Rejected(ValueError):
    """A submission that cannot be stored; the message (Indonesian) names the problem."""


def require_role(user, roles, what):
    if getattr(user, "role", None) not in roles:
        raise PermissionDenied(f"Peran Anda tidak boleh {what}.")


def _tps(viewer, code):
    try:
        return tps_get_by_code(viewer=viewer, code=code)
    except Http404:
        raise Rejected(f"TPS {code} tidak ditemukan di wilayah Anda.")


def _drill(drill_id, counter=None):
    if not drill_id:
        return None
    run, _ = DrillRun.objects.get_or_create(id=str(drill_id)[:40])
    if counter:
        DrillRun.objects.filter(pk=run.pk).update(**{counter: F(counter) + 1})
    return run


def _status_state(row: TpsStatus) -> tps_state.TpsState:
    reached = {stage: getattr(row, field) for stage, field in MILESTONE_FIELDS.items() if getattr(row, field)}
    return tps_state.TpsState(stage=row.stage, last_event_at=row.last_event_at, disturbed=row.disturbed,
                              suspended=row.suspended, reached=reached)


# The hot path's statements are written once here rather than compiled by the ORM on every event.
_STATUS_TABLE = TpsStatus._meta.db_table
_STATUS_CHANGING = [f for f in TpsStatus._meta.concrete_fields
                    if f.attname not in ("tps_id", "province_code", "kabkota_code", "kecamatan_code")]


def _status_rows_for_update(tps_ids) -> dict:
    """{tps_id: TpsStatus}, locked for this transaction in TPS order (SQLite: the transaction locks)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    marks = ", ".join(["%s"] * len(tps_ids))
    return {row.pk: row for row in TpsStatus.objects.raw(
        f"SELECT * FROM {_STATUS_TABLE} WHERE tps_id IN ({marks}) ORDER BY tps_id{lock}", list(tps_ids))}


def _status_save(rows) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(_STATUS_TABLE)} SET {', '.join(f'{quote(f.column)} = %s' for f in _STATUS_CHANGING)}"
            f" WHERE tps_id = %s", [[f.get_db_prep_save(getattr(row, f.attname), connection)
                                     for f in _STATUS_CHANGING] + [row.pk] for row in rows])


def _insert_ignoring_conflict(model, objs, *, conflict, returning) -> list[tuple]:
    """INSERT ... VALUES (...), (...) ON CONFLICT (conflict) DO NOTHING RETURNING: the new rows' `returning`.

    One statement for many rows instead of look-up, insert and savepoint each (values as set on the objects:
    no auto_now fields here); on PostgreSQL it waits for a
    concurrent insert of the same key to commit, so a retry racing its original never stores twice. Rows
    whose key exists (or repeats an earlier row of the same statement) are not returned.
    """
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
    quote = connection.ops.quote_name
    row = f"({', '.join(['%s'] * len(fields))})"
    values = [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in objs for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                       f"VALUES {', '.join([row] * len(objs))} ON CONFLICT ({quote(conflict)}) DO NOTHING "
                       f"RETURNING {', '.join(quote(r) for r in returning)}", values)
        return cursor.fetchall()


def _fold(row: TpsStatus, events: list[TpsEvent]) -> None:
    """Bring the summary row up to date with new stored events of its TPS: step by step when they all come
    after everything folded so far, else re-derive from the stream (which holds them already)."""
    steps = sorted((tps_state.Event(e.kind, e.at, e.pk) for e in events), key=tps_state.order_key)
    state = _status_state(row)
    if tps_state.is_in_order(state, steps[0]):
        for step in steps:
            state = tps_state.apply(state, step)
        row.anomalies += len(state.anomalies)
    else:
        stream = TpsEvent.objects.filter(tps_id=row.pk).values_list("kind", "at", "pk")
        state = tps_state.derive(tps_state.Event(k, a, s) for k, a, s in stream)
        row.anomalies = len(state.anomalies)
    row.stage, row.last_event_at = state.stage, state.last_event_at
    row.disturbed, row.suspended = state.disturbed, state.suspended
    for stage, field in MILESTONE_FIELDS.items():
        setattr(row, field, state.reached.get(stage))
    row.events += len(events)


@dataclass(frozen=True)
class Submission:
    """One TPS event as a phone, the SMS gateway or a partner feed sends it."""

    client_id: object  # UUID, or its hex text
    tps_code: str
    kind: str
    at: datetime | None = None
    note: str = ""
    exercise: bool = False


@dataclass
class Outcome:
    """What became of one submission: stored (created), a retry of a stored one, or refused (problem)."""

    client_id: str
    event: TpsEvent | None = None
    created: bool = False
    stage: str | None = None
    problem: str | None = None


_CLIENT_ID = TpsEvent._meta.get_field("client_id")  # its to_python gives one text form to UUIDs and hex


def _ensure_status_rows(tps_list) -> set:
    """Create the missing summary rows (and their kecamatan counters); returns the TPS ids it created.

    Run before any row is locked, in TPS order, so concurrent batches take their locks in one order.
    """
    have = set(TpsStatus.objects.filter(pk__in=[t.pk for t in tps_list]).values_list("pk", flat=True))
    rows = [TpsStatus(tps=t, province_code=t.province_code, kabkota_code=t.kabkota_code,
                      kecamatan_code=t.kecamatan_code) for t in tps_list if t.pk not in have]
    if not rows:  # the usual case after the first report of the day: no insert to attempt
        return set()
    created = {tps_id for (tps_id,) in _insert_ignoring_conflict(TpsStatus, rows, conflict="tps_id",
                                                                 returning=("tps_id",))}
    if created:
        new = sorted({(t.kecamatan_code, t.kabkota_code, t.province_code) for t in tps_list if t.pk in created})
        StatusTally.objects.bulk_create([StatusTally(kecamatan_code=k, kabkota_code=kk, province_code=p)
                                         for k, kk, p in new], ignore_conflicts=True)
    return created


def tps_events_record(*, actor, submissions, channel=Channel.WEB, drill_id=None) -> list[Outcome]:
    """Append TPS events, update their summary rows and kecamatan counters; one Outcome per submission, in order.

    This is the voting-day hot path (national peak ~1,500 events/s). A batch costs a fixed number of statements
    whatever its size: the scoped TPS look-up, one INSERT ... ON CONFLICT (client_id) DO NOTHING for the events,
    the summary rows locked in TPS order, their UPDATEs and one UPDATE per kecamatan's counters. Each submission
    stands alone: one refused (unknown kind, TPS outside the reporter's area) does not hold back the others, and
    a client id already stored answers with the original event (a retry) and changes nothing.

    Audit: no AuditLog row per field event. The append-only event table is its own audit trail: who
    (reporter, channel), when (received_at; `at` as reported), what (TPS, kind, note), and the state before
    and after any event is re-derived by folding the stream up to it (tps_state.derive). Changes that people
    make by hand (incidents, dispatch, check-in configuration) keep their AuditLog rows.
    """
    require_role(actor, WRITER_ROLES, "melaporkan status TPS")
    outcomes = [Outcome(client_id=str(_CLIENT_ID.to_python(s.client_id))) for s in submissions]
    found = tps_by_codes(viewer=actor, codes=[s.tps_code for s in submissions])
    now = timezone.now()
    events = []  # (outcome, event) of the submissions that can be stored
    for outcome, s in zip(outcomes, submissions):
        tps = found.get(tps_code(s.tps_code))
        if s.kind not in tps_state.EVENT_KINDS:
            outcome.problem = f"Jenis laporan '{s.kind}' tidak dikenal; pilih: {', '.join(tps_state.EVENT_KINDS)}."
        elif tps is None:
            outcome.problem = f"TPS {s.tps_code} tidak ditemukan di wilayah Anda."
        else:
            events.append((outcome, TpsEvent(client_id=s.client_id, tps=tps, kind=s.kind, at=s.at or now,
                                             received_at=now, channel=channel, reporter=actor, note=s.note[:500],
                                             exercise=s.exercise or bool(drill_id))))
    rows, new = {}, []
    with transaction.atomic():
        drill = _drill(drill_id)
        if events:
            for _, event in events:
                event.drill = drill
            # In submission order: ids follow it, so events of the same time fold in the order they were sent.
            stored = {str(_CLIENT_ID.to_python(c)): pk for pk, c in _insert_ignoring_conflict(
                TpsEvent, [event for _, event in events], conflict="client_id", returning=("id", "client_id"))}
            for outcome, event in events:
                event.pk = stored.pop(outcome.client_id, None)  # pop: a client id repeated in the batch is a retry
                if event.pk is not None:
                    outcome.event, outcome.created = event, True
                    new.append(event)
            rows = _fold_into_status(new)
    for outcome in outcomes:
        if outcome.created:
            outcome.stage = rows[outcome.event.tps_id].stage
    _answer_retries(outcomes, [outcome for outcome, _ in events if not outcome.created])
    counts = {"rejected": sum(1 for o in outcomes if o.problem), "duplicates": sum(1 for o in outcomes if o.event
                                                                                   and not o.created)}
    if drill and any(counts.values()):
        DrillRun.objects.filter(pk=drill.pk).update(**{k: F(k) + n for k, n in counts.items() if n})
    exercise = {event.tps_id for event in new if event.exercise}
    for row in rows.values():  # one live update per TPS, with its state after the batch
        tps = row.tps
        publish_after_commit({"type": "tps", "tps": tps.code, "tps_id": tps.pk, "stage": row.stage,
                              "disturbed": row.disturbed, "suspended": row.suspended, "area": tps.desa_id,
                              "lat": tps.lat, "lng": tps.lng, "at": row.last_event_at.isoformat(),
                              "exercise": tps.pk in exercise})
    return outcomes


def _fold_into_status(new_events) -> dict:
    """Fold stored events into their TPS's summary rows (locked in TPS order) and the kecamatan counters."""
    by_tps = {}
    for event in new_events:
        by_tps.setdefault(event.tps_id, []).append(event)
    if not by_tps:
        return {}
    tps_list = sorted({event.tps_id: event.tps for event in new_events}.values(), key=lambda t: t.pk)
    created = _ensure_status_rows(tps_list)
    rows = _status_rows_for_update(sorted(by_tps))
    changes = {}
    for tps in tps_list:
        row = rows[tps.pk]
        row.tps = tps
        before = {} if tps.pk in created else tally.contribution(row)
        _fold(row, by_tps[tps.pk])
        counters = changes.setdefault(tps.kecamatan_code, {})
        for column, n in tally.delta(before, tally.contribution(row)).items():
            counters[column] = counters.get(column, 0) + n
    _status_save(rows.values())
    tally.apply({kecamatan: {c: n for c, n in counts.items() if n} for kecamatan, counts in changes.items()})
    return rows


def _answer_retries(outcomes, retries) -> None:
    """Fill the retries (client id already stored) with their original events, in one query."""
    if not retries:
        return
    originals = {str(e.client_id): e for e in
                 TpsEvent.objects.select_related("tps").filter(client_id__in=[o.client_id for o in retries])}
    for outcome in retries:
        outcome.event = originals[outcome.client_id]


def tps_event_record(*, actor, client_id, tps_code, kind, at=None, channel=Channel.WEB, note="", exercise=False,
                     drill_id=None):
    """One TPS event (see tps_events_record); returns (event, created), raises Rejected when refused."""
    (outcome,) = tps_events_record(actor=actor, submissions=[Submission(client_id, tps_code, kind, at, note, exercise)],
                                   channel=channel, drill_id=drill_id)
    if outcome.problem:
        raise Rejected(outcome.problem)
    if outcome.created:
        outcome.event.stage_after = outcome.stage  # the API answers with it without another query
    return outcome.event, outcome.created


# --- check-in windows -------------------------------------------------------------------------------------------

def voting_day_windows(day: VotingDay) -> list[checkins.Window]:
    return [checkins.Window(w["milestone"], time.fromisoformat(w["deadline"])) for w in day.windows]


def voting_day_escalation(day: VotingDay) -> list[checkins.EscalationStep]:
    return [checkins.EscalationStep(int(s["after_minutes"]), s["level"]) for s in day.escalation]


@transaction.atomic
def voting_day_configure(*, actor, province_code, date, tz="Asia/Makassar", windows=None, escalation=None):
    require_role(actor, {Role.ADMIN}, "mengatur hari pemungutan")
    windows = windows or [{"milestone": w.milestone, "deadline": w.deadline_local.strftime("%H:%M")}
                          for w in checkins.DEFAULT_WINDOWS]
    escalation = escalation or [{"after_minutes": s.after_minutes, "level": s.level}
                                for s in checkins.DEFAULT_ESCALATION]
    day = VotingDay.objects.filter(province_code=province_code).first()
    before = day and {"date": str(day.date), "timezone": day.timezone, "windows": day.windows,
                      "escalation": day.escalation}
    after = {"date": str(date), "timezone": tz, "windows": windows, "escalation": escalation}
    if before == after:
        return day
    day, _ = VotingDay.objects.update_or_create(province_code=province_code, defaults=dict(
        date=date, timezone=tz, windows=windows, escalation=escalation))
    audit_record(actor=actor, action="votingday.configure", obj_type="voting_day", obj_id=province_code,
                 area_code=province_code, before=before, after=after)
    return day


_ESCALATION_AGENCY = {"polsek": "POLSEK-{kec}", "polres": "POLRES-{kab}", "polda": "POLDA-{prov}"}


@transaction.atomic
def checkin_sweep(*, actor, province_code, now=None) -> dict:
    """Flag TPS whose milestone report is missing after its deadline; escalate the flags; resolve late arrivals."""
    from siaga.regions.models import Tps

    now = now or timezone.now()
    day = VotingDay.objects.filter(province_code=province_code).first()
    if day is None:
        return {"flagged": 0, "escalated": 0, "resolved": 0}
    steps = voting_day_escalation(day)
    agencies = dict(Agency.objects.filter(area_code__startswith=province_code).values_list("code", "pk"))
    counts = {"flagged": 0, "escalated": 0, "resolved": 0}
    for window, deadline in checkins.passed_windows(day.date, day.timezone, now, voting_day_windows(day)):
        field = MILESTONE_FIELDS[window.milestone]
        level = checkins.escalation_level(deadline, now, steps)
        reported = TpsStatus.objects.filter(province_code=province_code, **{f"{field}__isnull": False})
        resolved = MissedCheckin.objects.filter(milestone=window.milestone, resolved_at=None,
                                                tps_id__in=reported.values("pk")).update(resolved_at=now)
        counts["resolved"] += resolved
        flagged = set(MissedCheckin.objects.filter(milestone=window.milestone, province_code=province_code)
                      .values_list("tps_id", flat=True))
        missing = (Tps.objects.filter(province_code=province_code).exclude(pk__in=reported.values("pk"))
                   .values_list("pk", "code", "kabkota_code", "kecamatan_code", "desa_id"))
        new = []
        for pk, code, kab, kec, desa in missing:
            if pk in flagged:
                continue
            agency = agencies.get(_ESCALATION_AGENCY[level].format(kec=kec, kab=kab, prov=province_code))
            new.append(MissedCheckin(tps_id=pk, province_code=province_code, kabkota_code=kab, kecamatan_code=kec, milestone=window.milestone,
                                     deadline=deadline, level=level, escalated_to_id=agency, flagged_at=now))
        MissedCheckin.objects.bulk_create(new, batch_size=2000)
        counts["flagged"] += len(new)
        stale = MissedCheckin.objects.filter(milestone=window.milestone, resolved_at=None,
                                             province_code=province_code).exclude(level=level)
        column = {"polsek": "kecamatan_code", "polres": "kabkota_code", "polda": "province_code"}[level]
        for code in set(stale.values_list(column, flat=True)):
            agency = agencies.get(_ESCALATION_AGENCY[level].format(kec=code, kab=code, prov=code))
            counts["escalated"] += stale.filter(**{column: code}).update(level=level, escalated_to_id=agency)
        if new:
            publish_after_commit({"type": "checkin", "milestone": window.milestone, "area": province_code,
                                  "missing": len(new)})
    if any(counts.values()):
        audit_record(actor=actor, action="checkin.sweep", obj_type="voting_day", obj_id=province_code,
                     area_code=province_code, after={**counts, "at": now.isoformat()})
    return counts


# --- incidents --------------------------------------------------------------------------------------------------

def incident_snapshot(incident: Incident) -> dict:
    return {"status": incident.status, "category": incident.category, "severity": incident.severity,
            "assigned_to": incident.assigned_to.code if incident.assigned_to_id else None,
            "published": incident.published_at is not None, "duplicate_of": incident.duplicate_of_id,
            "tps": incident.tps.code if incident.tps_id else None}


def _incident_message(incident: Incident, change: str) -> dict:
    return {"type": "incident", "id": incident.pk, "change": change, "status": incident.status,
            "severity": incident.severity, "category": incident.category,
            "area": incident.tps.desa_id if incident.tps_id else incident.kecamatan_code,
            "lat": incident.lat, "lng": incident.lng, "exercise": incident.exercise,
            "published": incident.published_at is not None}


def _incident_area(viewer, *, tps_code, area_code, lat, lng):
    """(tps, province, kabkota, kecamatan, lat, lng) for a TPS or a point in a kecamatan."""
    if tps_code:
        tps = _tps(viewer, tps_code)
        return tps, tps.province_code, tps.kabkota_code, tps.kecamatan_code, tps.lat, tps.lng
    try:
        kec = normalize_region_code(area_code or "")
    except CodeError:
        raise Rejected("Lokasi insiden wajib: kode TPS, atau titik (lat/lng) dengan kode kecamatan.")
    if kec.count(".") != 2 or lat is None or lng is None:
        raise Rejected("Insiden tanpa TPS perlu titik lat/lng dan kode kecamatan (contoh 74.05.24).")
    if not can_see_area(viewer, kec):
        raise Rejected(f"Kecamatan {kec} di luar wilayah Anda.")
    return None, kec[:2], kec[:5], kec, lat, lng


def incident_report(*, actor, client_id, category, severity, description, tps_code=None, area_code=None, lat=None,
                    lng=None, occurred_at=None, channel=Channel.WEB, exercise=False, drill_id=None):
    """Record an incident once per client id. Returns (incident, created)."""
    require_role(actor, WRITER_ROLES, "melaporkan insiden")
    existing = Incident.objects.filter(client_id=client_id).first()
    if existing is not None:
        _drill(drill_id, "duplicates")
        return existing, False
    try:
        if category not in Category.values:
            raise Rejected(f"Kategori '{category}' tidak dikenal; pilih: {', '.join(Category.values)}.")
        if severity not in (1, 2, 3, 4):
            raise Rejected(f"Tingkat keparahan {severity} tidak valid: harus 1 sampai 4.")
        if not (description or "").strip():
            raise Rejected("Uraian insiden wajib diisi.")
        tps, prov, kab, kec, lat, lng = _incident_area(actor, tps_code=tps_code, area_code=area_code, lat=lat, lng=lng)
    except Rejected:
        _drill(drill_id, "rejected")
        raise
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                client_id=client_id, tps=tps, province_code=prov, kabkota_code=kab, kecamatan_code=kec, lat=lat,
                lng=lng, category=category, severity=severity, description=description.strip(), channel=channel,
                reporter=actor, occurred_at=occurred_at or timezone.now(), exercise=exercise or bool(drill_id),
                drill=_drill(drill_id))
            audit_record(actor=actor, action="incident.report", obj_type="incident", obj_id=incident.pk,
                         area_code=tps.desa_id if tps else kec, after=incident_snapshot(incident))
    except IntegrityError:
        existing = Incident.objects.filter(client_id=client_id).first()
        if existing is None:
            raise
        _drill(drill_id, "duplicates")
        return existing, False
    publish_after_commit(_incident_message(incident, "reported"))
    return incident, True


def duplicate_candidates(incident: Incident):
    """Open incidents at the same TPS, same category, within the duplicate window."""
    if not incident.tps_id:
        return Incident.objects.none()
    return (Incident.objects.filter(tps_id=incident.tps_id, category=incident.category,
                                    occurred_at__gte=incident.occurred_at - workflow.DUPLICATE_WINDOW,
                                    occurred_at__lte=incident.occurred_at + workflow.DUPLICATE_WINDOW,
                                    status__in=workflow.OPEN_STATUSES)
            .exclude(pk=incident.pk).order_by("reported_at"))


def _locked_incident(actor, incident_id) -> Incident:
    from siaga.operations.selectors import incident_get

    incident_get(viewer=actor, pk=incident_id)  # scope check
    incident = Incident.objects.select_for_update(of=("self",)).select_related("tps", "assigned_to").get(pk=incident_id)
    holder = incident.lock_holder_id
    if holder and holder != actor.pk and incident.lock_expires_at > timezone.now():
        raise workflow.IllegalTransition(
            f"Insiden sedang disunting oleh {incident.lock_holder.username} sampai "
            f"{timezone.localtime(incident.lock_expires_at):%H:%M}.")
    return incident


def _save_audited(actor, incident, before, action, note=""):
    incident.save()
    audit_record(actor=actor, action=f"incident.{action}", obj_type="incident", obj_id=incident.pk,
                 area_code=incident.tps.desa_id if incident.tps_id else incident.kecamatan_code,
                 before=before, after=incident_snapshot(incident), note=note)
    publish_after_commit(_incident_message(incident, action))
    return incident


def _raise_tps_vulnerability(actor, incident):
    """Let the risk app raise the TPS class per its rules, when it is installed and the actor may edit risk data."""
    risk = features.module("risk", "services")
    hook = getattr(risk, "incident_recorded", None) if risk else None
    may_edit = getattr(risk, "can_edit", lambda user: True) if risk else None
    if hook and incident.tps_id and not incident.exercise and may_edit(actor):
        hook(actor=actor, tps=incident.tps, at=incident.occurred_at, severity=incident.severity,
             kind=incident.category, description=incident.description, external_ref=f"operations:{incident.pk}")


@transaction.atomic
def incident_transition(*, actor, incident_id, action, note="", assign_to=None, now=None):
    """Move an incident along its workflow; illegal steps raise IllegalTransition with the reason."""
    require_role(actor, COMMAND_ROLES | {Role.ANALYST}, "mengubah status insiden")
    if action == "merge":
        raise workflow.IllegalTransition("Penggabungan memakai fungsi gabung (pilih insiden induk).")
    incident = _locked_incident(actor, incident_id)
    before = incident_snapshot(incident)
    incident.status = workflow.next_status(incident.status, action)
    now = now or timezone.now()
    if action == "verify":
        incident.verified_at = incident.verified_at or now
    elif action == "assign":
        if assign_to is None:
            raise workflow.IllegalTransition("Penugasan perlu satuan tujuan.")
        incident.assigned_to, incident.assigned_at = assign_to, now
    elif action == "act":
        incident.action_at = now
    elif action == "close":
        incident.closed_at = now
    elif action == "reopen":
        incident.closed_at = None
    _save_audited(actor, incident, before, action, note)
    if action == "verify":
        _raise_tps_vulnerability(actor, incident)
    return incident


@transaction.atomic
def incident_merge(*, actor, incident_id, into_id):
    require_role(actor, COMMAND_ROLES | {Role.ANALYST}, "menggabungkan insiden")
    if incident_id == into_id:
        raise workflow.IllegalTransition("Insiden tidak bisa digabung ke dirinya sendiri.")
    primary = _locked_incident(actor, into_id)
    if primary.duplicate_of_id:
        raise workflow.IllegalTransition(f"Insiden #{into_id} sendiri sudah digabung ke #{primary.duplicate_of_id}.")
    incident = _locked_incident(actor, incident_id)
    before = incident_snapshot(incident)
    incident.status = workflow.next_status(incident.status, "merge")
    incident.duplicate_of = primary
    return _save_audited(actor, incident, before, "merge", note=f"digabung ke #{primary.pk}")


@transaction.atomic
def incident_publish(*, actor, incident_id):
    """Share a verified incident with partner agencies (a separate decision from verifying)."""
    require_role(actor, COMMAND_ROLES, "membagikan insiden ke mitra")
    incident = _locked_incident(actor, incident_id)
    if incident.verified_at is None or incident.status in (workflow.INVALIDATED, workflow.MERGED):
        raise workflow.IllegalTransition("Hanya insiden yang sudah diverifikasi (dan masih sah) yang bisa dibagikan.")
    if incident.published_at:
        return incident
    before = incident_snapshot(incident)
    incident.published_at = timezone.now()
    return _save_audited(actor, incident, before, "publish")


@transaction.atomic
def incident_lock(*, actor, incident_id, release=False):
    """Take (or release) the edit lock for LOCK_MINUTES; refused while someone else holds it."""
    require_role(actor, COMMAND_ROLES | {Role.ANALYST}, "menyunting insiden")
    incident = _locked_incident(actor, incident_id)
    before = {"lock_holder": incident.lock_holder.username if incident.lock_holder_id else None}
    if release:
        incident.lock_holder, incident.lock_expires_at = None, None
    else:
        incident.lock_holder = actor
        incident.lock_expires_at = timezone.now() + timedelta(minutes=workflow.LOCK_MINUTES)
    incident.save(update_fields=["lock_holder", "lock_expires_at"])
    audit_record(actor=actor, action="incident.unlock" if release else "incident.lock", obj_type="incident",
                 obj_id=incident.pk, area_code=incident.kecamatan_code, before=before,
                 after={"lock_holder": None if release else actor.username,
                        "until": incident.lock_expires_at.isoformat() if incident.lock_expires_at else None})
    return incident


def _sniff_photo(head: bytes) -> str | None:
    for magic, content_type in PHOTO_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def incident_photo_add(*, actor, incident_id, upload):
    """Attach a JPEG or PNG photo (at most 5 MB), checked by its content, not its name."""
    require_role(actor, WRITER_ROLES, "menambah foto")
    incident = _locked_incident(actor, incident_id)
    if upload.size > PHOTO_MAX_BYTES:
        raise Rejected(f"Foto {upload.name} terlalu besar ({upload.size // 1024} KB); batas 5 MB.")
    content_type = _sniff_photo(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise Rejected(f"Berkas {upload.name} bukan foto JPEG atau PNG.")
    photo = IncidentPhoto(incident=incident, content_type=content_type, size=upload.size, uploaded_by=actor)
    photo.file.save(upload.name, upload, save=False)
    photo.save()
    audit_record(actor=actor, action="incident.photo", obj_type="incident", obj_id=incident.pk,
                 area_code=incident.kecamatan_code, after={"photo": photo.file.name, "size": photo.size})
    return photo


# --- dispatch ---------------------------------------------------------------------------------------------------

@transaction.atomic
def dispatch_create(*, actor, incident_id, unit_code, now=None):
    """Send a Polri agency or a reserve team (deployment Unit code, Brimob/Dalmas) to an incident; it must
    acknowledge within ACK_MINUTES. A reserve's dispatch records the reserve and its agency as ``unit``."""
    from siaga.deployment.models import RESERVE_KINDS, Unit
    from siaga.operations.selectors import dispatch_suggestions

    require_role(actor, COMMAND_ROLES, "mengirim satuan")
    incident = _locked_incident(actor, incident_id)
    # Lock the reserve so that two commanders cannot both send its last team.
    list(Unit.objects.select_for_update().filter(code=unit_code, kind__in=RESERVE_KINDS).values_list("pk"))
    matches = [s for s in dispatch_suggestions(viewer=actor, incident=incident, limit=None) if s["code"] == unit_code]
    choice = next((s for s in matches if s["reserve_id"] is None), matches[0] if matches else None)
    if choice is None:
        raise Rejected(f"Satuan {unit_code} tidak tersedia atau di luar wilayah Anda.")
    now = now or timezone.now()
    dispatch = Dispatch.objects.create(incident=incident, unit_id=choice["id"], reserve_id=choice["reserve_id"],
                                       distance_km=choice["distance_km"], eta_minutes=choice["eta_minutes"],
                                       dispatched_at=now, ack_deadline=now + timedelta(minutes=ACK_MINUTES),
                                       dispatched_by=actor)
    audit_record(actor=actor, action="dispatch.create", obj_type="dispatch", obj_id=dispatch.pk,
                 area_code=incident.kecamatan_code,
                 after={"incident": incident.pk, "unit": unit_code, "kind": choice["kind"],
                        "agency": dispatch.unit.code, "eta_minutes": round(choice["eta_minutes"], 1)})
    publish_after_commit({"type": "dispatch", "id": dispatch.pk, "incident": incident.pk, "status": dispatch.status,
                          "area": incident.kecamatan_code})
    return dispatch


DISPATCH_STEPS = {"ack": ("dikirim", "diterima", "acknowledged_at"), "arrive": ("diterima", "tiba", "arrived_at"),
                  "finish": ("tiba", "selesai", None)}


@transaction.atomic
def dispatch_update(*, actor, dispatch_id, step, outcome="", now=None):
    from siaga.operations.selectors import dispatch_get

    require_role(actor, WRITER_ROLES, "memperbarui pengiriman satuan")
    dispatch = dispatch_get(viewer=actor, pk=dispatch_id)
    dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if step not in DISPATCH_STEPS:
        raise Rejected(f"Langkah '{step}' tidak dikenal; pilih: ack, arrive, finish.")
    source, target, field = DISPATCH_STEPS[step]
    if dispatch.status != source:
        raise workflow.IllegalTransition(f"Pengiriman berstatus '{dispatch.status}' tidak bisa ke '{target}'.")
    before = {"status": dispatch.status}
    dispatch.status = target
    if field:
        setattr(dispatch, field, now or timezone.now())
    if outcome:
        dispatch.outcome = outcome
    dispatch.save()
    audit_record(actor=actor, action=f"dispatch.{step}", obj_type="dispatch", obj_id=dispatch.pk,
                 area_code=dispatch.incident.kecamatan_code, before=before,
                 after={"status": target, "outcome": dispatch.outcome})
    publish_after_commit({"type": "dispatch", "id": dispatch.pk, "incident": dispatch.incident_id,
                          "status": target, "area": dispatch.incident.kecamatan_code})
    return dispatch


# --- SMS --------------------------------------------------------------------------------------------------------

def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def sms_gateway_issue(*, actor, name):
    """Create (or rotate) a gateway token; the raw token is shown once."""
    require_role(actor, {Role.ADMIN}, "mengatur gateway SMS")
    raw = "sms_" + secrets.token_urlsafe(24)
    SmsGateway.objects.update_or_create(name=name, defaults={"key_hash": _token_hash(raw)})
    audit_record(actor=actor, action="sms.gateway", obj_type="sms_gateway", obj_id=name, after={"name": name})
    return raw


def sms_gateway_for(raw_token: str):
    return SmsGateway.objects.filter(key_hash=_token_hash(raw_token or "")).first()


@transaction.atomic
def sms_sender_register(*, actor, phone, user):
    require_role(actor, {Role.ADMIN, Role.OPERATOR}, "mendaftarkan nomor SMS")
    phone = normalize_phone(phone)
    old = SmsSender.objects.filter(phone=phone).select_related("user").first()
    SmsSender.objects.update_or_create(phone=phone, defaults={"user": user})
    audit_record(actor=actor, action="sms.sender", obj_type="sms_sender", obj_id=phone, area_code=user.area_code,
                 before={"user": old.user.username} if old else None, after={"user": user.username})


def normalize_phone(phone: str) -> str:
    digits = "".join(ch for ch in str(phone) if ch.isdigit())
    return "62" + digits[1:] if digits.startswith("0") else digits


def sms_receive(*, gateway, phone, text, message_id=None, now=None) -> tuple[bool, str]:
    """Handle one received SMS; returns (accepted, Indonesian reply). Every message is logged."""
    from siaga.core import sms

    phone = normalize_phone(phone)
    sender = SmsSender.objects.select_related("user").filter(phone=phone, user__is_active=True).first()
    accepted, reply = False, ""
    if sender is None:
        reply = "Nomor Anda tidak terdaftar sebagai petugas. Hubungi operator Polres."
    else:
        # The gateway's message id makes its retries idempotent; else the text and minute do.
        seed = message_id or f"{phone}|{text}|{(now or timezone.now()):%Y%m%d%H%M}"
        client_id = hashlib.md5(f"sms|{seed}".encode()).hexdigest()
        try:
            parsed = sms.parse(text)
            if isinstance(parsed, sms.StatusReport):
                event, created = tps_event_record(actor=sender.user, client_id=client_id, tps_code=parsed.tps_code,
                                                  kind=parsed.event_kind, at=now, channel=Channel.SMS)
                reply = f"Diterima: TPS {parsed.tps_code} {parsed.event_kind.upper()} (laporan #{event.pk})."
            else:
                incident, created = incident_report(
                    actor=sender.user, client_id=client_id, tps_code=parsed.tps_code, category=parsed.category,
                    severity=parsed.severity, description=parsed.description, occurred_at=now, channel=Channel.SMS)
                reply = (f"Diterima: insiden #{incident.pk} di TPS {parsed.tps_code}, tingkat {parsed.severity}, "
                         f"kategori {parsed.category}.")
            accepted = True
        except (sms.SmsSyntaxError, Rejected, PermissionDenied) as problem:
            reply = f"Ditolak: {problem}"
    SmsMessage.objects.create(gateway=gateway, phone=phone, text=text[:480], reply=reply[:480], accepted=accepted)
    return accepted, reply
