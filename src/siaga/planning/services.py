"""Writes of the security plan: one transaction each, every change audited with before/after."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from siaga.accounts.services import audit_record
from siaga.core.risk_matrix import RiskGradeError, risk_score
from siaga.planning import providers
from siaga.planning.access import require_editor
from siaga.planning.kpi_sources import kpi_value
from siaga.planning.models import (Contingency, ContingencyStatus, ContingencyStep, Kpi, KpiSnapshot, Mitigation,
                                   Operation, Stage, StageKind, TaskForce, Threat, ThreatCategory, ThreatStatus,
                                   WorkStatus)


def threat_reports_open(*, reader, threat, via="page"):
    """Intelligence reports linked to a threat that the reader may read; coordination logs each read.
    Empty when coordination is not installed."""
    reports = providers.hook("threat.intel")
    return reports(viewer=reader, threat=threat, via=via) if reports else []


def _iso(value):
    return value.isoformat() if value else None


def _check_period(starts_on, ends_on, what):
    if starts_on > ends_on:
        raise ValidationError(f"{what}: tanggal mulai {starts_on:%d-%m-%Y} sesudah tanggal selesai {ends_on:%d-%m-%Y}")


@transaction.atomic
def operation_create(*, actor, name, election, starts_on, ends_on, organiser, area_code, task_forces=(), stages=()):
    """An operation with its Satgas [(name, duty, lead agency)] and stages [(kind, starts, ends[, note])]."""
    require_editor(actor, area_code)
    _check_period(starts_on, ends_on, name)
    operation = Operation.objects.create(name=name, election=election, starts_on=starts_on, ends_on=ends_on,
                                         organiser=organiser, area_code=area_code)
    for tf_name, duty, lead in task_forces:
        TaskForce.objects.create(operation=operation, name=tf_name, duty=duty, lead=lead)
    order = {kind: n for n, kind in enumerate(StageKind.values)}
    stages = [(kind, start, end, *rest) for kind, start, end, *rest in stages]
    for kind, stage_start, stage_end, *note in stages:
        _check_period(stage_start, stage_end, StageKind(kind).label)
        Stage.objects.create(operation=operation, kind=kind, order=order[kind], starts_on=stage_start,
                             ends_on=stage_end, note=note[0] if note else "")
    audit_record(actor=actor, action="operation.create", obj_type="operation", obj_id=operation.pk,
                 area_code=area_code, after={
                     "name": name, "election": election, "starts_on": _iso(starts_on), "ends_on": _iso(ends_on),
                     "organiser": organiser.code, "task_forces": [t[0] for t in task_forces],
                     "stages": {k: [_iso(s), _iso(e)] for k, s, e, *_n in stages}})
    return operation


@transaction.atomic
def stage_reschedule(*, actor, stage, starts_on: date, ends_on: date):
    require_editor(actor, stage.operation.area_code)
    _check_period(starts_on, ends_on, stage.get_kind_display())
    before = {"starts_on": _iso(stage.starts_on), "ends_on": _iso(stage.ends_on)}
    stage.starts_on, stage.ends_on = starts_on, ends_on
    stage.save(update_fields=["starts_on", "ends_on"])
    audit_record(actor=actor, action="stage.reschedule", obj_type="stage", obj_id=stage.pk,
                 area_code=stage.operation.area_code, before=before,
                 after={"starts_on": _iso(starts_on), "ends_on": _iso(ends_on)})
    return stage


def _threat_state(threat):
    return {"title": threat.title, "category": threat.category, "stage": threat.stage.kind if threat.stage else None,
            "area_code": threat.area_code, "likelihood": threat.likelihood, "impact": threat.impact,
            "owner": threat.owner.code, "status": threat.status, "evidence": threat.vulnerability_evidence}


def _check_grades(likelihood, impact):
    try:
        risk_score(likelihood, impact)
    except RiskGradeError:
        raise ValidationError(f"Kemungkinan dan dampak harus 1-5 (diterima: {likelihood}, {impact})")


@transaction.atomic
def threat_add(*, actor, operation, category, title, area_code, likelihood, impact, owner, stage=None,
               description="", vulnerability_evidence=""):
    require_editor(actor, area_code)
    _check_grades(likelihood, impact)
    if category not in ThreatCategory.values:
        raise ValidationError(f"Kategori ancaman tidak dikenal: {category}")
    if stage is not None and stage.operation_id != operation.pk:
        raise ValidationError("Tahapan bukan milik operasi ini")
    threat = Threat.objects.create(operation=operation, stage=stage, area_code=area_code, category=category,
                                   title=title, description=description, likelihood=likelihood, impact=impact,
                                   owner=owner, vulnerability_evidence=vulnerability_evidence)
    audit_record(actor=actor, action="threat.add", obj_type="threat", obj_id=threat.pk, area_code=area_code,
                 after=_threat_state(threat))
    return threat


@transaction.atomic
def threat_assess(*, actor, threat, likelihood, impact, status):
    """Re-grade a threat and set its status."""
    require_editor(actor, threat.area_code)
    _check_grades(likelihood, impact)
    if status not in ThreatStatus.values:
        raise ValidationError(f"Status ancaman tidak dikenal: {status}")
    before = _threat_state(threat)
    threat.likelihood, threat.impact, threat.status = likelihood, impact, status
    threat.save(update_fields=["likelihood", "impact", "status"])
    audit_record(actor=actor, action="threat.assess", obj_type="threat", obj_id=threat.pk,
                 area_code=threat.area_code, before=before, after=_threat_state(threat))
    return threat


def _mitigation_state(m):
    return {"action": m.action, "owner": m.owner.code, "due_on": _iso(m.due_on), "status": m.status,
            "done_on": _iso(m.done_on)}


@transaction.atomic
def mitigation_add(*, actor, threat, action, owner, due_on):
    require_editor(actor, threat.area_code)
    mitigation = Mitigation.objects.create(threat=threat, action=action, owner=owner, due_on=due_on)
    audit_record(actor=actor, action="mitigation.add", obj_type="mitigation", obj_id=mitigation.pk,
                 area_code=threat.area_code, after=_mitigation_state(mitigation))
    return mitigation


@transaction.atomic
def mitigation_update(*, actor, mitigation, status, done_on=None):
    require_editor(actor, mitigation.threat.area_code)
    if status not in WorkStatus.values:
        raise ValidationError(f"Status mitigasi tidak dikenal: {status}")
    before = _mitigation_state(mitigation)
    mitigation.status = status
    mitigation.done_on = (done_on or timezone.localdate()) if status == WorkStatus.DONE else None
    mitigation.save(update_fields=["status", "done_on"])
    audit_record(actor=actor, action="mitigation.update", obj_type="mitigation", obj_id=mitigation.pk,
                 area_code=mitigation.threat.area_code, before=before, after=_mitigation_state(mitigation))
    return mitigation


@transaction.atomic
def kpi_define(*, actor, operation, source, target, higher_is_better=True, unit="%", mitigation=None):
    require_editor(actor, operation.area_code)
    kpi, created = Kpi.objects.get_or_create(operation=operation, mitigation=mitigation, source=source,
                                             defaults={"target": target, "higher_is_better": higher_is_better,
                                                       "unit": unit})
    before = None if created else {"target": kpi.target, "higher_is_better": kpi.higher_is_better, "unit": kpi.unit}
    after = {"target": target, "higher_is_better": higher_is_better, "unit": unit}
    if before != after:
        Kpi.objects.filter(pk=kpi.pk).update(**after)
        audit_record(actor=actor, action="kpi.define", obj_type="kpi", obj_id=kpi.pk, area_code=operation.area_code,
                     before=before, after={"source": source, **after})
    return kpi


@transaction.atomic
def kpi_snapshot_take(*, actor, operation, at=None) -> list[KpiSnapshot]:
    """Record every KPI's value now (None where the source has no data), for the trend."""
    require_editor(actor, operation.area_code)
    at = at or timezone.now()
    today = timezone.localdate(at)
    snapshots = [KpiSnapshot.objects.create(kpi=kpi, taken_at=at, value=kpi_value(kpi, viewer=actor, today=today))
                 for kpi in Kpi.objects.filter(operation=operation).select_related("operation", "mitigation")]
    audit_record(actor=actor, action="kpi.snapshot", obj_type="operation", obj_id=operation.pk,
                 area_code=operation.area_code,
                 after={"at": at.isoformat(), "values": {s.kpi.source: s.value for s in snapshots}})
    return snapshots


def _contingency_state(c):
    return {"name": c.name, "status": c.status, "level": c.escalation_level,
            "activated_at": _iso(c.activated_at), "steps_done": [s.order for s in c.steps.all() if s.done_at]}


@transaction.atomic
def contingency_add(*, actor, threat, name, trigger, escalation_level, alerted, reserve, steps):
    require_editor(actor, threat.area_code)
    if escalation_level not in (1, 2, 3):
        raise ValidationError("Tingkat eskalasi harus 1, 2 atau 3")
    if not steps:
        raise ValidationError("Rencana kontinjensi memerlukan daftar langkah")
    contingency = Contingency.objects.create(threat=threat, name=name, trigger=trigger,
                                             escalation_level=escalation_level, alerted=alerted, reserve=reserve)
    for order, text in enumerate(steps, start=1):
        ContingencyStep.objects.create(contingency=contingency, order=order, text=text)
    audit_record(actor=actor, action="contingency.add", obj_type="contingency", obj_id=contingency.pk,
                 area_code=threat.area_code, after={**_contingency_state(contingency), "trigger": trigger,
                                                    "alerted": alerted, "reserve": reserve, "steps": list(steps)})
    return contingency


def _contingency_change(actor, contingency, action, change, note=""):
    contingency = Contingency.objects.select_for_update(of=("self",)).select_related("threat").get(pk=contingency.pk)
    require_editor(actor, contingency.threat.area_code)
    before = _contingency_state(contingency)
    change(contingency)
    audit_record(actor=actor, action=action, obj_type="contingency", obj_id=contingency.pk,
                 area_code=contingency.threat.area_code, before=before, after=_contingency_state(contingency),
                 note=note)
    return contingency


@transaction.atomic
def contingency_activate(*, actor, contingency, note=""):
    def activate(c):
        if c.status == ContingencyStatus.ACTIVE:
            raise ValidationError("Rencana kontinjensi sudah aktif")
        c.status, c.activated_at, c.activated_by = ContingencyStatus.ACTIVE, timezone.now(), actor
        c.steps.update(done_at=None, done_by=None)
        c.save()
    return _contingency_change(actor, contingency, "contingency.activate", activate, note)


@transaction.atomic
def contingency_step_done(*, actor, step):
    def tick(c):
        if c.status != ContingencyStatus.ACTIVE:
            raise ValidationError("Aktifkan rencana kontinjensi sebelum mencentang langkahnya")
        ContingencyStep.objects.filter(pk=step.pk, done_at__isnull=True).update(done_at=timezone.now(), done_by=actor)
    return _contingency_change(actor, step.contingency, "contingency.step_done", tick, note=step.text)


@transaction.atomic
def contingency_stand_down(*, actor, contingency, note=""):
    def stand_down(c):
        c.status = ContingencyStatus.STOOD_DOWN
        c.save(update_fields=["status"])
    return _contingency_change(actor, contingency, "contingency.stand_down", stand_down, note)
