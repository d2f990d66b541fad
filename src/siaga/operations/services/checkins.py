"""Check-in windows: the voting day's configuration and the sweep that flags and escalates missing reports."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.accounts.models import Agency, Role
from siaga.accounts.services import audit_record
from siaga.core import checkins
from siaga.operations.broker import publish_after_commit
from siaga.operations.models import MILESTONE_FIELDS, MissedCheckin, TpsStatus, VotingDay
from siaga.operations.selectors import voting_day_escalation, voting_day_windows
from siaga.operations.services.common import require_role
from siaga.regions.models import Election


@transaction.atomic
def voting_day_configure(*, actor, province_code, date, tz="Asia/Makassar", windows=None, escalation=None,
                         election=Election.PEMILU):
    require_role(actor, {Role.ADMIN}, "mengatur hari pemungutan")
    windows = windows or [{"milestone": w.milestone, "deadline": w.text} for w in checkins.DEFAULT_WINDOWS]
    for w in windows:  # "23:59" or "D+1 02:00" (counting past midnight), at most D+1 12:00
        try:
            checkins.parse_deadline(str(w["deadline"]))
        except ValueError:
            raise ValidationError(_("Check-in deadline %(text)s is not valid: HH:MM on voting day or "
                                    "'D+1 HH:MM' up to D+1 12:00.") % {"text": w["deadline"]}) from None
    escalation = escalation or [{"after_minutes": s.after_minutes, "level": s.level}
                                for s in checkins.DEFAULT_ESCALATION]
    day = VotingDay.objects.filter(province_code=province_code).first()
    before = day and {"date": str(day.date), "election": day.election, "timezone": day.timezone,
                      "windows": day.windows, "escalation": day.escalation}
    after = {"date": str(date), "election": election, "timezone": tz, "windows": windows, "escalation": escalation}
    if before == after:
        return day
    day, _created = VotingDay.objects.update_or_create(province_code=province_code, defaults=dict(
        date=date, election=election, timezone=tz, windows=windows, escalation=escalation))
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
        resolved = MissedCheckin.objects.filter(milestone=window.milestone, resolved_at=None, round=0,
                                                tps_id__in=reported.values("pk")).update(resolved_at=now)
        counts["resolved"] += resolved
        flagged = set(MissedCheckin.objects.filter(milestone=window.milestone, province_code=province_code, round=0)
                      .values_list("tps_id", flat=True))
        missing = (Tps.objects.filter(province_code=province_code, election=day.election).exclude(pk__in=reported.values("pk"))
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
        stale = MissedCheckin.objects.filter(milestone=window.milestone, resolved_at=None, round=0,
                                             province_code=province_code).exclude(level=level)
        column = {"polsek": "kecamatan_code", "polres": "kabkota_code", "polda": "province_code"}[level]
        for code in set(stale.values_list(column, flat=True)):
            agency = agencies.get(_ESCALATION_AGENCY[level].format(kec=code, kab=code, prov=code))
            counts["escalated"] += stale.filter(**{column: code}).update(level=level, escalated_to_id=agency)
        if new:
            publish_after_commit({"type": "checkin", "milestone": window.milestone, "area": province_code,
                                  "missing": len(new)})
    _sweep_revotes(province_code, now, steps, agencies, counts)
    if any(counts.values()):
        audit_record(actor=actor, action="checkin.sweep", obj_type="voting_day", obj_id=province_code,
                     area_code=province_code, after={**counts, "at": now.isoformat()})
    return counts



def _sweep_revotes(province_code, now, steps, agencies, counts):
    """The expected check-ins of re-votes (PSU/PSL/PSS) on their own date: flagged with the re-vote's round,
    escalated by the same ladder, resolved once the report arrives."""
    from siaga.operations.models import Revote
    from siaga.operations.selectors import revote_checkins

    for revote in Revote.objects.filter(province_code=province_code, new_date__lte=now.date() + timedelta(days=1)):
        for row in revote_checkins(revote, now=now):
            open_row = MissedCheckin.objects.filter(tps_id=revote.tps_id, milestone=row["milestone"],
                                                    round=revote.round).first()
            if row["reported_at"] is not None:
                if open_row is not None and open_row.resolved_at is None:
                    open_row.resolved_at = now
                    open_row.save(update_fields=["resolved_at"])
                    counts["resolved"] += 1
                continue
            if row["status"] != checkins.MISSING:
                continue
            level = checkins.escalation_level(row["deadline"], now, steps)
            agency = agencies.get(_ESCALATION_AGENCY[level].format(
                kec=revote.kecamatan_code, kab=revote.kabkota_code, prov=province_code))
            if open_row is None:
                MissedCheckin.objects.create(tps_id=revote.tps_id, province_code=province_code,
                                             kabkota_code=revote.kabkota_code, kecamatan_code=revote.kecamatan_code,
                                             milestone=row["milestone"], round=revote.round, deadline=row["deadline"],
                                             level=level, escalated_to_id=agency, flagged_at=now)
                counts["flagged"] += 1
            elif open_row.resolved_at is None and open_row.level != level:
                open_row.level, open_row.escalated_to_id = level, agency
                open_row.save(update_fields=["level", "escalated_to"])
                counts["escalated"] += 1
