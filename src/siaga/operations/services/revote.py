"""Re-voting at a TPS (PSU, PSL, PSS): the decision recorded with its legal ground, and everything it sets off.

One transaction: the Revote row; the new ballots in custody (custody answers regions' ``tps_revote_declared``
signal: it sits on this floor and is not imported); a guard post with the TPS's shifts on the new date in the
newest plan of the election (deployment, below); an audit entry. The expected check-ins of the new date are
read from the Revote (selectors.revote_checkins) and swept like voting day's (checkins.checkin_sweep).
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext as _

from siaga.accounts.services import audit_record
from siaga.deployment.services import revote_post_add
from siaga.operations.models import PSU_MAX_DAYS, REVOTE_GROUNDS, Recommender, Revote, RevoteKind, RevoteReason
from siaga.operations.selectors import voting_date_of
from siaga.operations.services.common import require
from siaga.regions.selectors import tps_get_by_code
from siaga.regions.signals import tps_revote_declared


def _check(kind, reason, recommended_by, voting, new_date, recommendation_date, decision_date, numbers):
    if kind not in RevoteKind.values:
        raise ValidationError(_("Unknown re-vote kind %(kind)s (psu, psl or pss).") % {"kind": kind})
    if reason not in RevoteReason.values:
        raise ValidationError(_("Unknown legal ground %(reason)s (choices: %(choices)s).")
                              % {"reason": reason, "choices": ", ".join(RevoteReason.values)})
    if reason not in REVOTE_GROUNDS[RevoteKind(kind)]:
        raise ValidationError(_("The ground %(reason)s is not one for a %(kind)s (choices: %(choices)s).")
                              % {"reason": reason, "kind": kind.upper(),
                                 "choices": ", ".join(sorted(REVOTE_GROUNDS[RevoteKind(kind)]))})
    if recommended_by not in Recommender.values:
        raise ValidationError(_("The recommendation comes from the Panwascam or the Bawaslu kab/kota."))
    if not all(str(n or "").strip() for n in numbers):
        raise ValidationError(_("Give the number of the recommendation and of the KPU decision."))
    if new_date <= voting:
        raise ValidationError(_("The new voting date %(date)s must be after voting day %(voting)s.")
                              % {"date": new_date.isoformat(), "voting": voting.isoformat()})
    if kind == RevoteKind.PSU and new_date > voting + timedelta(days=PSU_MAX_DAYS):
        raise ValidationError(_("A PSU is held at most %(n)s days after voting day (%(voting)s): by %(last)s, "
                                "not %(date)s.") % {"n": PSU_MAX_DAYS, "voting": voting.isoformat(),
                                                    "last": (voting + timedelta(days=PSU_MAX_DAYS)).isoformat(),
                                                    "date": new_date.isoformat()})
    if not voting <= recommendation_date <= decision_date <= new_date:
        raise ValidationError(_("Dates out of order: voting day, then the recommendation, then the KPU decision, "
                              "then the new voting date."))


@transaction.atomic
def revote_declare(*, actor, tps_code, kind, reason, new_date: date, recommended_by, recommendation_number,
                   recommendation_date: date, decision_number, decision_date: date, detail="", election=None):
    """Put a TPS into re-voting. ``election`` picks between the Pemilu and Pilkada TPS of one code (default: the
    province's voting election). Returns (revote, {"items": [...], "post": key or None})."""
    require(actor, "revote")
    from siaga.operations.selectors import voting_election

    election = election or voting_election(str(tps_code))
    try:
        tps = tps_get_by_code(viewer=actor, code=tps_code, election=election)
    except Http404:
        raise ValidationError(_("TPS %(code)s of the %(election)s is not in your area or does not exist.")
                              % {"code": tps_code, "election": election}) from None
    voting = voting_date_of(election, tps.province_code)
    if voting is None:
        raise ValidationError(_("No voting day is known for %(election)s in this province: give the operation its "
                                "stage calendar first.") % {"election": election})
    _check(kind, reason, recommended_by, voting, new_date, recommendation_date, decision_date,
           (recommendation_number, decision_number))
    previous = Revote.objects.select_for_update().filter(tps=tps)
    round_no = (previous.aggregate(n=Max("round"))["n"] or 0) + 1
    revote = Revote.objects.create(
        tps=tps, election=election, province_code=tps.province_code, kabkota_code=tps.kabkota_code,
        kecamatan_code=tps.kecamatan_code, round=round_no, kind=kind, reason=reason, detail=detail.strip(),
        recommended_by=recommended_by, recommendation_number=recommendation_number.strip(),
        recommendation_date=recommendation_date, decision_number=decision_number.strip(),
        decision_date=decision_date, voting_date=voting, new_date=new_date, created_by=actor)
    answers = tps_revote_declared.send(sender=Revote, actor=actor, revote=revote.pk, tps=tps, election=election,
                                       kind=kind, round_no=round_no, on_date=new_date)
    items = sorted(code for _receiver, codes in answers for code in (codes or []))
    post = revote_post_add(actor=actor, tps=tps, election=election, round_no=round_no, on_date=new_date,
                           kind_label=kind.upper())
    audit_record(actor=actor, action="revote.declare", obj_type="revote", obj_id=revote.pk,
                 area_code=tps.kecamatan_code,
                 after={"tps": tps.code, "election": election, "round": round_no, "kind": kind, "reason": reason,
                        "recommended_by": recommended_by, "recommendation": [recommendation_number,
                                                                             recommendation_date.isoformat()],
                        "decision": [decision_number, decision_date.isoformat()], "voting_date": voting.isoformat(),
                        "new_date": new_date.isoformat(), "items": items, "post": post.key if post else None})
    return revote, {"items": items, "post": post.key if post else None}
