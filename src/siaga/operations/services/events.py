"""TPS events: the voting-day hot path from phones, the SMS gateway and partner feeds.

Each submission stands alone: it is stored, recognised as a retry of the same reporter's event at the same TPS,
or refused with its reason (unknown kind or TPS, a time outside the plausible window, a client id that
belongs to someone else's report); one refused item never holds back the rest of a batch.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.core import tps_state
from siaga.operations import tally
from siaga.operations.broker import publish_after_commit
from siaga.operations.models import MILESTONE_FIELDS, Channel, DrillRun, StatusTally, TpsEvent, TpsStatus
from siaga.operations.services.common import Conflict, Rejected, drill_run, require, time_problem, voting_days
from siaga.operations.services.field import event_photo_save, gps_checked, photo_decoded
from siaga.operations.services.statements import (insert_ignoring_conflict, retrying, status_rows_for_update,
                                                  status_save, tps_in_scope)
from siaga.regions.selectors import tps_code

BATCH_MAX = 500  # events per request: one INSERT statement stays far below the databases' parameter limits


def _status_state(row: TpsStatus) -> tps_state.TpsState:
    reached = {stage: getattr(row, field) for stage, field in MILESTONE_FIELDS.items() if getattr(row, field)}
    return tps_state.TpsState(stage=row.stage, last_event_at=row.last_event_at, disturbed=row.disturbed,
                              suspended=row.suspended, reached=reached)



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
    gps_lat: float | None = None  # the phone's fix, checked by gps_checked before it gets here
    gps_lng: float | None = None
    gps_accuracy_m: float | None = None


@dataclass
class Outcome:
    """What became of one submission: stored (created), a retry of a stored one, or refused (problem)."""

    client_id: str
    event: TpsEvent | None = None
    created: bool = False
    stage: str | None = None
    problem: str | None = None
    conflict: bool = False  # the client id belongs to another reporter's event or another TPS


_CLIENT_ID = TpsEvent._meta.get_field("client_id")  # its to_python gives one text form to UUIDs and hex


def _locked_status_rows(tps_list) -> tuple[dict, set]:
    """The summary rows of these TPS locked in TPS order, the missing ones created first (with their kecamatan
    counters): ({tps_id: TpsStatus}, the TPS ids whose row this call created).

    One TPS (a single report) after its first report of the day: one statement, its row locked at once. Several:
    a look-up without lock, the missing rows inserted, then all locked in TPS order, so that concurrent batches
    take their locks in one order.
    """
    ids = [t.pk for t in tps_list]
    if len(ids) == 1:  # one row: no lock order to keep, so lock it at once
        rows = status_rows_for_update(ids)
        if rows:
            return rows, set()
        have = set()
    else:
        have = set(TpsStatus.objects.filter(pk__in=ids).values_list("pk", flat=True))
    rows = [TpsStatus(tps=t, province_code=t.province_code, kabkota_code=t.kabkota_code,
                      kecamatan_code=t.kecamatan_code) for t in tps_list if t.pk not in have]
    created = set()
    if rows:
        created = {tps_id for (tps_id,) in insert_ignoring_conflict(TpsStatus, rows, conflict="tps_id",
                                                                     returning=("tps_id",))}
    if created:
        new = sorted({(t.kecamatan_code, t.kabkota_code, t.province_code) for t in tps_list if t.pk in created})
        StatusTally.objects.bulk_create([StatusTally(kecamatan_code=k, kabkota_code=kk, province_code=p)
                                         for k, kk, p in new], ignore_conflicts=True)
    return status_rows_for_update(ids), created


@retrying
def tps_events_record(*, actor, submissions, channel=Channel.WEB, drill_id=None) -> list[Outcome]:
    """Append TPS events, update their summary rows and kecamatan counters; one Outcome per submission, in order.

    This is the voting-day hot path (national peak ~1,500 events/s). A batch costs a fixed number of statements
    whatever its size: the scoped TPS look-up, one INSERT ... ON CONFLICT (client_id) DO NOTHING for the events,
    the summary rows locked in TPS order, their UPDATEs and one UPDATE per kecamatan's counters. Each submission
    stands alone: one refused (unknown kind, TPS outside the reporter's area, a time outside the plausible window
    around the voting day) does not hold back the others. A client id already stored by the same reporter for the
    same TPS answers with the original event (a retry) and changes nothing; stored by anyone else, or for another
    TPS, it is a conflict answered without the stored event's content.

    Events are inserted in one global order (TPS, then client id) and summary rows locked in TPS order, so that
    overlapping batches wait for one another instead of deadlocking; a deadlock that still happens is retried.

    Audit: no AuditLog row per field event. The append-only event table is its own audit trail: who
    (reporter, channel), when (received_at; `at` as reported), what (TPS, kind, note), and the state before
    and after any event is re-derived by folding the stream up to it (tps_state.derive). Changes that people
    make by hand (incidents, dispatch, check-in configuration) keep their AuditLog rows.
    """
    require(actor, "report")
    outcomes = [Outcome(client_id=str(_CLIENT_ID.to_python(s.client_id))) for s in submissions]
    found = tps_in_scope(viewer=actor, codes=[s.tps_code for s in submissions])
    days = _voting_days_needed(submissions, found)
    now = timezone.now()
    events = []  # (outcome, event) of the submissions that can be stored
    for outcome, s in zip(outcomes, submissions):
        tps = found.get(tps_code(s.tps_code))
        if s.kind not in tps_state.EVENT_KINDS:
            outcome.problem = f"Jenis laporan '{s.kind}' tidak dikenal; pilih: {', '.join(tps_state.EVENT_KINDS)}."
        elif tps is None:
            outcome.problem = out_of_area(s.tps_code)
        elif problem := time_problem(s.at, days.get(tps.province_code)):
            outcome.problem = problem
        elif problem := _gps_problem(s):
            outcome.problem = problem
        else:
            events.append((outcome, TpsEvent(client_id=outcome.client_id, tps=tps, kind=s.kind, at=s.at or now,
                                             received_at=now, channel=channel, reporter=actor, note=s.note[:500],
                                             exercise=s.exercise or bool(drill_id), gps_lat=s.gps_lat,
                                             gps_lng=s.gps_lng, gps_accuracy_m=s.gps_accuracy_m)))
    rows, new = {}, []
    with transaction.atomic():
        drill = drill_run(drill_id)
        if events:
            for _, event in events:
                event.drill = drill
            # In one global order (TPS, then client id): two batches holding some of the same client ids wait
            # for each other at the first one they share instead of each holding what the other needs next.
            # Events of one TPS reported for the same instant therefore fold in client-id order.
            ordered = sorted((event for _, event in events), key=lambda e: (e.tps_id, str(e.client_id)))
            stored = {(str(_CLIENT_ID.to_python(c)), tps_id): pk for pk, c, tps_id in insert_ignoring_conflict(
                TpsEvent, ordered, conflict="client_id", returning=("id", "client_id", "tps_id"))}
            for outcome, event in events:
                # pop: a client id repeated in the batch is a retry of its first occurrence
                event.pk = stored.pop((outcome.client_id, event.tps_id), None)
                if event.pk is not None:
                    outcome.event, outcome.created = event, True
                    new.append(event)
            rows = _fold_into_status(new)
    for outcome in outcomes:
        if outcome.created:
            outcome.stage = rows[outcome.event.tps_id].stage
    _answer_retries(actor, [(outcome, event) for outcome, event in events if not outcome.created])
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


def _voting_days_needed(submissions, found) -> dict:
    """{province code: voting date} of the provinces whose voting day decides whether a reported time is
    plausible: only a time outside the window around today needs it (most reports: none, so no query)."""
    provinces = {tps.province_code for s in submissions if s.at is not None and time_problem(s.at, None)
                 and (tps := found.get(tps_code(s.tps_code))) is not None}
    return voting_days(provinces) if provinces else {}


def _gps_problem(s: Submission) -> str | None:
    try:
        gps_checked(s.gps_lat, s.gps_lng, s.gps_accuracy_m)
    except Rejected as problem:
        return str(problem)
    return None


def _fold_into_status(new_events) -> dict:
    """Fold stored events into their TPS's summary rows (locked in TPS order) and the kecamatan counters."""
    by_tps = {}
    for event in new_events:
        by_tps.setdefault(event.tps_id, []).append(event)
    if not by_tps:
        return {}
    tps_list = sorted({event.tps_id: event.tps for event in new_events}.values(), key=lambda t: t.pk)
    rows, created = _locked_status_rows(tps_list)
    changes = {}
    for tps in tps_list:
        row = rows[tps.pk]
        row.tps = tps
        before = {} if tps.pk in created else tally.contribution(row)
        _fold(row, by_tps[tps.pk])
        counters = changes.setdefault(tps.kecamatan_code, {})
        for column, n in tally.delta(before, tally.contribution(row)).items():
            counters[column] = counters.get(column, 0) + n
    status_save(rows.values())
    tally.apply({kecamatan: {c: n for c, n in counts.items() if n} for kecamatan, counts in changes.items()})
    return rows


def _answer_retries(actor, unstored) -> None:
    """Answer the submissions whose client id was stored already, in one query: a retry (same reporter, same TPS)
    gets its original event; any other is a conflict and learns nothing of the stored event."""
    if not unstored:
        return
    originals = {str(e.client_id): e for e in TpsEvent.objects.select_related("tps").filter(
        client_id__in=[outcome.client_id for outcome, _ in unstored])}
    for outcome, event in unstored:
        original = originals.get(outcome.client_id)
        if original is not None and original.reporter_id == actor.pk and original.tps_id == event.tps_id:
            outcome.event = original
        else:
            outcome.problem, outcome.conflict = str(Conflict(outcome.client_id)), True


def out_of_area(code) -> str:
    """The refusal of a TPS code the reporter may not report for (unknown, mistyped or another area's), in the
    request's language: the field form shows it as it is."""
    return _("TPS %(code)s is not in your area.") % {"code": code}


def tps_event_record(*, actor, client_id, tps_code, kind, at=None, channel=Channel.WEB, note="", exercise=False,
                     drill_id=None, gps=(None, None, None), photo=None):
    """One TPS event (see tps_events_record); returns (event, created), raises Rejected when refused (Conflict
    when its client id belongs to another report).

    ``gps`` is the phone's (lat, lng, accuracy in metres); ``photo`` base64 or a data: URL of a JPEG/PNG. Both
    are checked first, so a bad one refuses the report; a retry stores no second photo."""
    lat, lng, accuracy = gps_checked(*gps)
    picture = photo_decoded(photo)
    (outcome,) = tps_events_record(actor=actor, submissions=[Submission(client_id, tps_code, kind, at, note, exercise,
                                                                        lat, lng, accuracy)],
                                   channel=channel, drill_id=drill_id)
    if outcome.conflict:
        raise Conflict(outcome.client_id)
    if outcome.problem:
        raise Rejected(outcome.problem)
    if outcome.created:
        outcome.event.stage_after = outcome.stage  # the API answers with it without another query
        if picture:
            event_photo_save(outcome.event, picture)
    return outcome.event, outcome.created

