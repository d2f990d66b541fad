"""Writes of intelligence products, alerts and cases: one transaction each, every change audited.

Reads of products are logged here (product_open / products_open), not in the audit trail (reads are not
changes), as coordination does for its reports.
"""

import hashlib
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from siaga.accounts.models import Agency, AgencyKind, AgencyLevel, Role
from siaga.accounts.scope import area_contains, can_see_area
from siaga.accounts.services import audit_record
from siaga.coordination.clearance import LEVEL, clearance, reader_of, reads_log, shares_add
from siaga.coordination.services import CREDIBILITY, RELIABILITY, referral_send
from siaga.intel import detection, selectors
from siaga.intel.duplicates import CaseFacts, is_possible_duplicate
from siaga.intel.models import (Alert, Case, CaseKind, CaseStatus, Classification, Evidence, Forward, Kind, Product,
                                ProductRead, WatchRule)
from siaga.intel.numbering import format_number, next_seq
from siaga.planning.access import is_polri_editor, require_agency_member, require_editor
from siaga.planning.renpam.classification import highest
from siaga.planning.selectors import threat_list
from siaga.regions.models import Region

LAPINHAR_FLOOR = "terbatas"  # a daily report is never public, whatever it compiles


def _iso(value):
    return value.isoformat() if value else None


def _state(p):
    return {"kind": p.kind, "number": p.number, "title": p.title, "area_code": p.area_code, "day": _iso(p.day),
            "classification": p.classification, "grade": p.grade, "author_agency": p.author_agency.code,
            "stage": p.stage.kind if p.stage else None, "shared_roles": p.roles,
            "shared_agencies": sorted(a.code for a in p.shared_agencies.all()),
            "threats": sorted(t.pk for t in p.threats.all())}


def _known_area(area_code):
    if not Region.objects.filter(code=area_code).exists():
        raise ValidationError(_("Unknown area: %(code)s") % {"code": area_code})


def _check(actor, *, kind, area_code, classification, source_reliability, credibility, shared_roles, texts):
    problems = []
    if kind == Kind.LI:
        if len(source_reliability or "") != 1 or source_reliability not in RELIABILITY:
            problems.append(_("Source reliability must be A-F, not '%(value)s'") % {"value": source_reliability})
        if credibility not in CREDIBILITY:
            problems.append(_("Information credibility must be 1-6, not '%(value)s'") % {"value": credibility})
    if classification not in Classification.values:
        problems.append(_("Classification must be biasa, terbatas, rahasia or sangat_rahasia, not '%(value)s'")
                        % {"value": classification})
    elif LEVEL[classification] > clearance(reader_of(actor)):
        problems.append(_("You are not cleared to write a '%(value)s' product") % {"value": classification})
    unknown = [r for r in shared_roles if r not in Role.values]
    if unknown:
        problems.append(_("Unknown roles: %(roles)s") % {"roles": ", ".join(unknown)})
    for label, text in texts.items():
        if not (text or "").strip():
            problems.append(_("%(field)s is required") % {"field": label})
    if problems:
        raise ValidationError(problems)
    if not can_see_area(actor, area_code):
        raise PermissionDenied(_("Area %(code)s is outside your area") % {"code": area_code})


def _unit(actor, area_code):
    """The unit whose series numbers the product: the author's agency (Polri only); for the command-line
    account (no agency), the Polri unit whose area most closely encloses the product's area."""
    if actor.agency is None and is_polri_editor(actor):
        parts = area_code.split(".") if area_code else []
        enclosing = [".".join(parts[:n]) for n in range(len(parts) + 1)]
        units = list(Agency.objects.filter(kind=AgencyKind.POLRI, area_code__in=enclosing))
        if units:
            return max(units, key=lambda a: len(a.area_code))
    if actor.agency is None or actor.agency.kind != AgencyKind.POLRI:
        raise PermissionDenied(_("Intelligence products are written by Polri units"))
    return actor.agency


@transaction.atomic
def product_write(*, actor, kind, title, area_code, day: date, classification, stage=None, source="",
                  source_reliability="", credibility=None, facts="", analysis="", assessment="", recommendation="",
                  compiled=None, analyst_text="", period_start=None, period_end=None, threats=(),
                  shared_agencies=(), shared_roles=(), created_at=None) -> Product:
    """A new product numbered in the unit's series (the author's agency, per kind and year)."""
    _known_area(area_code)
    unit = _unit(actor, area_code)
    texts = {_("Title"): title}
    if kind == Kind.LI:
        texts.update({_("Facts"): facts})
    _check(actor, kind=kind, area_code=area_code, classification=classification,
           source_reliability=source_reliability, credibility=credibility, shared_roles=shared_roles, texts=texts)
    seq = next_seq(unit=unit, kind=kind, year=day.year)
    product = Product.objects.create(
        kind=kind, seq=seq, year=day.year, title=title.strip(), area_code=area_code, stage=stage,
        number=format_number(classification=classification, kind=kind, seq=seq, day=day, unit=unit),
        classification=classification, author_agency=unit, author=actor, created_at=created_at or timezone.now(),
        day=day, source=source, source_reliability=source_reliability or "", credibility=credibility,
        facts=facts, analysis=analysis, assessment=assessment, recommendation=recommendation,
        compiled=compiled or {}, analyst_text=analyst_text, period_start=period_start, period_end=period_end,
        shared_roles="," + ",".join(sorted(set(shared_roles))) + "," if shared_roles else "")
    product.shared_agencies.set(shared_agencies)
    product.threats.set(threats)
    audit_record(actor=actor, action=f"intel.{kind}.write", obj_type="intel_product", obj_id=product.pk,
                 area_code=area_code, after=_state(product))
    return product


def li_create(*, actor, title, area_code, day, classification, source, source_reliability, credibility, facts,
              analysis="", assessment="", recommendation="", stage=None, shared_agencies=(), shared_roles=(),
              created_at=None) -> Product:
    """A Laporan Informasi: source and its grading (A-F / 1-6), fact, analysis, assessment, recommendation."""
    return product_write(actor=actor, kind=Kind.LI, title=title, area_code=area_code, day=day,
                         classification=classification, stage=stage, source=source,
                         source_reliability=source_reliability, credibility=credibility, facts=facts,
                         analysis=analysis, assessment=assessment, recommendation=recommendation,
                         shared_agencies=shared_agencies, shared_roles=shared_roles, created_at=created_at)


LAPSUS_PARTS = ("what", "where", "when", "who", "cause", "action")


def lapsus_write(*, actor, title, area_code, day, classification, what, where="", when="", who="", cause="",
                 action="", assessment="", recommendation="", incident=None, stage=None) -> Product:
    """A Laporan Khusus on one event: what happened, where, when, who, the cause, the action taken, the
    assessment and the recommendation; `incident` (operations.Incident, read by the caller) when there is one."""
    parts = {"what": what.strip(), "where": where.strip(), "when": when.strip(), "who": who.strip(),
             "cause": cause.strip(), "action": action.strip()}
    if not parts["what"]:
        raise ValidationError(_("The event (what happened) is required"))
    compiled = {"lapsus": parts}
    if incident is not None:
        with translation.override("id"):
            category = str(incident.get_category_display())
        compiled["incident"] = {"id": incident.pk, "category": category,
                                "occurred_at": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%d %H:%M"),
                                "description": incident.description[:200]}
    return product_write(actor=actor, kind=Kind.LAPSUS, title=title, area_code=area_code, day=day,
                         classification=classification, stage=stage, facts=parts["what"],
                         analysis=parts["cause"], assessment=assessment.strip(),
                         recommendation=recommendation.strip(), compiled=compiled)


def kirka_write(*, actor, operation, stage, area_code, classification, assessment, recommendation="",
                facts="", day=None, threat_ids=None) -> Product:
    """A Perkiraan Keadaan for the coming stage in an area, citing the threat register's entries of that stage
    (planning.selectors.threat_list, scoped by the author): those picked in `threat_ids`, else every entry whose
    area overlaps the Kirka's."""
    register = list(threat_list(viewer=actor, operation=operation, stage=stage))
    if threat_ids is None:
        threats = [t for t in register
                   if area_contains(t.area_code, area_code) or area_contains(area_code, t.area_code)]
    else:
        wanted = {int(pk) for pk in threat_ids}
        threats = [t for t in register if t.pk in wanted]
        unknown = wanted - {t.pk for t in threats}
        if unknown:
            raise ValidationError(_("Threat entries not in the register of this stage: %(ids)s")
                                  % {"ids": ", ".join(str(pk) for pk in sorted(unknown))})
    if not assessment.strip():
        raise ValidationError(_("The assessment is required"))
    return product_write(actor=actor, kind=Kind.KIRKA, title=f"Perkiraan Keadaan {stage.get_kind_display()}",
                         area_code=area_code, day=day or timezone.localdate(), classification=classification,
                         stage=stage, facts=facts, assessment=assessment, recommendation=recommendation,
                         period_start=stage.starts_on, period_end=stage.ends_on, threats=threats)


@transaction.atomic
def product_share(*, actor, product, agencies=(), roles=()):
    require_agency_member(actor, product.author_agency)
    before = _state(product)
    shares_add(product, agencies=agencies, roles=roles)
    audit_record(actor=actor, action="intel.product.share", obj_type="intel_product", obj_id=product.pk,
                 area_code=product.area_code, before=before, after=_state(product))
    return product


# Reads (logged) -------------------------------------------------------------------------

def product_reads_log(*, reader, products, via):
    reads_log(ProductRead, "product", reader=reader, objects=products, via=via)


def products_open(*, reader, via, **filters) -> list[Product]:
    products = list(selectors.product_list(viewer=reader, **filters))
    product_reads_log(reader=reader, products=products, via=via)
    return products


def product_open(*, reader, pk, via="page") -> Product:
    product = selectors.product_get(viewer=reader, pk=pk)
    product_reads_log(reader=reader, products=[product], via=via)
    return product


# Up the chain ---------------------------------------------------------------------------

@transaction.atomic
def product_forward(*, actor, product, to_agency=None) -> Forward:
    """Send a product to the next unit up (Polsek -> Polres -> Polda) or to a named unit above."""
    require_agency_member(actor, product.author_agency)
    source = actor.agency if actor.agency and actor.agency.kind == AgencyKind.POLRI else product.author_agency
    target = to_agency or source.parent
    if target is None:
        raise ValidationError(_("This unit has no higher unit to forward to"))
    if target.kind != AgencyKind.POLRI or not (target.area_code == "" or source.area_code == target.area_code
                                               or source.area_code.startswith(target.area_code + ".")):
        raise ValidationError(_("%(target)s is not a unit above %(source)s")
                              % {"target": target.name, "source": source.name})
    forward, created = Forward.objects.get_or_create(
        product=product, to_agency=target, defaults={"from_agency": source, "sent_by": actor})
    if created:
        audit_record(actor=actor, action="intel.product.forward", obj_type="intel_product", obj_id=product.pk,
                     area_code=product.area_code, after={"number": product.number, "from": source.code,
                                                         "to": target.code})
    return forward


@transaction.atomic
def forward_acknowledge(*, actor, forward) -> Forward:
    if actor.agency_id != forward.to_agency_id:
        raise PermissionDenied(_("Only %(unit)s can acknowledge this report") % {"unit": forward.to_agency.name})
    forward = Forward.objects.select_for_update(of=("self",)).get(pk=forward.pk)
    if forward.acknowledged_at is None:
        forward.acknowledged_at, forward.acknowledged_by = timezone.now(), actor
        forward.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=actor, action="intel.product.acknowledge", obj_type="intel_product",
                     obj_id=forward.product_id, area_code=forward.product.area_code,
                     after={"to": forward.to_agency.code, "at": _iso(forward.acknowledged_at)})
    return forward


# Lapinhar -------------------------------------------------------------------------------

@transaction.atomic
def lapinhar_compile(*, actor, day: date, area_code, analyst_text=None) -> Product:
    """The daily report of one area: that day's LIs, incidents, observations raised and early-warning alerts,
    compiled afresh each time; the analyst's text is kept as written (changed only when given)."""
    _known_area(area_code)
    unit = _unit(actor, area_code)
    require_editor(actor, area_code)
    compiled = detection.day_summary(viewer=actor, day=day, area=area_code)
    level = highest(LAPINHAR_FLOOR, *compiled["levels"])
    product = selectors.lapinhar_get(viewer=actor, day=day, area=area_code)
    if product is None:
        return product_write(actor=actor, kind=Kind.LAPINHAR, title=f"Laporan Harian {compiled['area_name']}",
                             area_code=area_code, day=day, classification=level, compiled=compiled,
                             analyst_text=analyst_text or "")
    product = Product.objects.select_for_update(of=("self",)).get(pk=product.pk)
    if product.author_agency_id != unit.pk:
        require_agency_member(actor, product.author_agency)
    before = _state(product)
    product.compiled = compiled
    if analyst_text is not None:
        product.analyst_text = analyst_text
    if LEVEL[level] > LEVEL[product.classification]:
        product.classification = level
        product.number = format_number(classification=level, kind=Kind.LAPINHAR, seq=product.seq, day=day,
                                       unit=product.author_agency)
    product.save()
    audit_record(actor=actor, action="intel.lapinhar.compile", obj_type="intel_product", obj_id=product.pk,
                 area_code=area_code, before=before, after=_state(product))
    return product


# Early detection ---------------------------------------------------------------------------

@transaction.atomic
def rule_upsert(*, actor, name, indicator, threshold, category="", stage_kind="", window_days=7, rise_factor=None,
                rise_min=None, task_days=2) -> WatchRule:
    require_editor(actor, actor.area_code or "")
    if threshold < 1 or window_days < 1:
        raise ValidationError(_("The threshold and the time window must be at least 1"))
    rule, _created = WatchRule.objects.update_or_create(name=name, defaults=dict(
        indicator=indicator, category=category, stage_kind=stage_kind, window_days=window_days,
        threshold=threshold, rise_factor=rise_factor, rise_min=rise_min, task_days=task_days))
    audit_record(actor=actor, action="intel.rule.upsert", obj_type="intel_rule", obj_id=rule.pk, area_code="",
                 after={"name": name, "indicator": indicator, "category": category, "stage": stage_kind,
                        "window_days": window_days, "threshold": threshold, "rise_factor": rise_factor,
                        "rise_min": rise_min})
    return rule


def _task_for(actor, alert, rule, area_name, today):
    """The alert as a referral (coordination) from the Polda to the area's Polres: its Sat Intelkam acts on it."""
    polres = Agency.objects.filter(kind=AgencyKind.POLRI, level=AgencyLevel.KABKOTA,
                                   area_code=alert.area_code[:5]).select_related("parent").first()
    if polres is None:
        return None
    sender = polres.parent or actor.agency
    if sender is None or sender.pk == polres.pk:
        return None
    return referral_send(actor=actor, from_agency=sender, to_agency=polres,
                         subject=f"Peringatan dini: {rule.name} di {area_name} (Sat Intelkam {polres.name})",
                         reason=alert.reason, deadline=today + timedelta(days=rule.task_days),
                         area_code=alert.area_code)


@transaction.atomic
def watch_evaluate(*, actor, today: date) -> dict:
    """Evaluate every active rule in every kab/kota of the actor's area. An alert fires once per crossing:
    a new one (and its task) only when none is open for that rule and area; it is cleared when the count
    falls back below the rule, so the next crossing fires again."""
    require_editor(actor, actor.area_code or "")
    fired, cleared = [], []
    for rule, area, name, result in detection.evaluate(viewer=actor, today=today):
        open_alert = Alert.objects.filter(rule=rule, area_code=area, cleared_on__isnull=True).first()
        if result.fires and open_alert is None:
            alert = Alert.objects.create(rule=rule, area_code=area, fired_on=today, value=result.value,
                                         previous=result.previous, reason=result.reason)
            task = _task_for(actor, alert, rule, name, today)
            if task is not None:
                alert.referral_id = task.pk
                alert.save(update_fields=["referral_id"])
            audit_record(actor=actor, action="intel.alert.fire", obj_type="intel_alert", obj_id=alert.pk,
                         area_code=area, after={"rule": rule.name, "value": result.value,
                                                "previous": result.previous, "referral": alert.referral_id})
            fired.append(alert)
        elif not result.fires and open_alert is not None:
            open_alert.cleared_on = today
            open_alert.save(update_fields=["cleared_on"])
            audit_record(actor=actor, action="intel.alert.clear", obj_type="intel_alert", obj_id=open_alert.pk,
                         area_code=area, after={"rule": rule.name, "value": result.value})
            cleared.append(open_alert)
    return {"fired": fired, "cleared": cleared}


# Cases ------------------------------------------------------------------------------------

def _case_state(case):
    return {"kind": case.kind, "title": case.title, "area_code": case.area_code, "status": case.status,
            "occurred_on": _iso(case.occurred_on), "subjects": case.subject_list, "links": case.link_list,
            "tps": case.tps.code if case.tps_id else None, "products": sorted(p.pk for p in case.products.all()),
            "incidents": sorted(i.pk for i in case.incidents.all()), "gakkumdu_id": case.gakkumdu_id}


@transaction.atomic
def case_open(*, actor, kind, title, area_code, occurred_on, summary="", subjects=(), links=(), tps=None,
              products=(), incidents=()) -> Case:
    require_editor(actor, area_code)
    _known_area(area_code)
    if kind not in CaseKind.values:
        raise ValidationError(_("Unknown case kind: %(kind)s") % {"kind": kind})
    if not title.strip():
        raise ValidationError(_("The case title is required"))
    agency = actor.agency or Agency.objects.filter(kind=AgencyKind.POLRI, area_code=area_code[:2]).first()
    if agency is None:
        raise PermissionDenied(_("Cases are recorded by Polri units"))
    case = Case.objects.create(kind=kind, title=title.strip(), summary=summary, subjects="\n".join(subjects),
                               links="\n".join(links), area_code=area_code, tps=tps, occurred_on=occurred_on,
                               author_agency=agency, author=actor)
    case.products.set(products)
    case.incidents.set(incidents)
    audit_record(actor=actor, action="intel.case.open", obj_type="intel_case", obj_id=case.pk, area_code=area_code,
                 after=_case_state(case))
    return case


@transaction.atomic
def case_update(*, actor, case, status=None, products=(), incidents=(), links=()) -> Case:
    require_editor(actor, case.area_code)
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    before = _case_state(case)
    if status is not None:
        if status not in CaseStatus.values:
            raise ValidationError(_("Unknown status: %(status)s") % {"status": status})
        case.status = status
    if links:
        case.links = "\n".join([*case.link_list, *links])
    case.save()
    case.products.add(*products)
    case.incidents.add(*incidents)
    audit_record(actor=actor, action="intel.case.update", obj_type="intel_case", obj_id=case.pk,
                 area_code=case.area_code, before=before, after=_case_state(case))
    return case


@transaction.atomic
def evidence_add(*, actor, case, name, content: bytes) -> Evidence:
    """A file kept with its SHA-256 and who added it; the same file twice is kept once."""
    require_editor(actor, case.area_code)
    if not content:
        raise ValidationError(_("The evidence file is empty"))
    digest = hashlib.sha256(content).hexdigest()
    existing = case.evidence.filter(sha256=digest).first()
    if existing:
        return existing
    evidence = Evidence(case=case, name=name, sha256=digest, size=len(content), added_by=actor,
                        added_by_name=actor.username)
    evidence.file.save(name, ContentFile(content), save=False)
    evidence.save()
    audit_record(actor=actor, action="intel.case.evidence", obj_type="intel_case", obj_id=case.pk,
                 area_code=case.area_code, after={"name": name, "sha256": digest, "size": len(content)})
    return evidence


def case_duplicates(*, viewer, case) -> list[Case]:
    """Possible duplicates of a case among those the viewer sees (duplicates.py)."""
    def facts(c):
        return CaseFacts(c.pk, c.kind, c.area_code, c.occurred_on, tuple(c.subject_list))
    me = facts(case)
    window = timedelta(days=7)
    candidates = selectors.case_list(viewer=viewer, kind=case.kind).filter(
        area_code=case.area_code, occurred_on__gte=case.occurred_on - window,
        occurred_on__lte=case.occurred_on + window).exclude(pk=case.pk)
    return [c for c in candidates if is_possible_duplicate(me, facts(c))]


@transaction.atomic
def case_forward_gakkumdu(*, actor, case, election, origin="temuan", reported_on=None) -> Case:
    """Register the case at Sentra Gakkumdu (as a Bawaslu finding, 'temuan', or a report, 'laporan') and keep
    the Gakkumdu case's id on the case."""
    from siaga.gakkumdu.services import gakkumdu_register

    require_editor(actor, case.area_code)
    if case.gakkumdu_id:
        raise ValidationError(_("This case has already been forwarded to Sentra Gakkumdu"))
    if origin not in ("laporan", "temuan"):
        raise ValidationError(_("The origin must be 'laporan' or 'temuan'"))
    summary = case.summary + ("\nTerlapor: " + "; ".join(case.subject_list) if case.subject_list else "")
    registered = gakkumdu_register(actor=actor, election=election, origin=origin, title=case.title,
                                   summary=summary.strip(), known_on=case.occurred_on,
                                   reported_on=reported_on or timezone.localdate(), region_code=case.area_code,
                                   source_ref=f"intel-kasus-{case.pk}")
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    before = _case_state(case)
    case.gakkumdu_id, case.status = registered.id, CaseStatus.GAKKUMDU
    case.save(update_fields=["gakkumdu_id", "status"])
    audit_record(actor=actor, action="intel.case.gakkumdu", obj_type="intel_case", obj_id=case.pk,
                 area_code=case.area_code, before=before, after=_case_state(case))
    return case
