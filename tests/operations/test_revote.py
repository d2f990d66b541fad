"""Re-voting (PSU/PSL/PSS): the legal checks, and what a declaration sets off — new ballots in custody, a
guard post with the TPS's shifts on the new date, new expected check-ins (swept), the after-action count.

Hand case: Pemilu 2024, voting day 14 Feb (the operation's calendar); a PSU on 24 Feb is the last day allowed
(14 + 10). Check-in "buka" on 24 Feb at 07:15 WITA = 23 Feb 23:15 UTC.
"""

from datetime import date, datetime, timezone

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siaga.accounts.models import AuditLog, User
from siaga.core import checkins
from siaga.custody.models import Item
from siaga.deployment.models import Plan, PlanPost
from siaga.deployment.shifts import plan_demands
from siaga.operations import selectors, services
from siaga.operations.models import MissedCheckin
from siaga.operations.report import after_action

UTC = timezone.utc
DECISION = dict(recommended_by="panwascam", recommendation_number="01/PM.00.02/K.SG-74/02/2024",
                recommendation_date=date(2024, 2, 16), decision_number="45/PL.02.6-Kpt/7402/2024",
                decision_date=date(2024, 2, 18))


def _declare(actor, tps, **kw):
    args = dict(kind="psu", reason="kotak_dibuka", new_date=date(2024, 2, 24), election="pemilu") | DECISION | kw
    return services.revote_declare(actor=actor, tps_code=tps.code, **args)


def test_the_law_is_checked(user, fresh_tps):
    admin = user("admin")
    tps, = fresh_tps(1)
    with pytest.raises(ValidationError, match="10"):
        _declare(admin, tps, new_date=date(2024, 2, 25))  # 11 days after voting
    with pytest.raises(ValidationError):
        _declare(admin, tps, kind="psl")  # a box opened is a PSU ground, not a PSL one
    with pytest.raises(ValidationError):
        _declare(admin, tps, new_date=date(2024, 2, 14))  # not after voting day
    with pytest.raises(ValidationError):
        _declare(admin, tps, decision_date=date(2024, 2, 15))  # decided before the recommendation
    bawaslu = User.objects.filter(agency__kind="bawaslu").first()
    with pytest.raises(PermissionDenied):
        _declare(bawaslu, tps)


def test_a_psu_gets_ballots_a_post_shifts_checkins_and_its_own_count(user, cid, fresh_tps):
    admin = user("admin")
    tps, = fresh_tps(1)
    revote, made = _declare(admin, tps)
    assert (revote.round, revote.voting_date, revote.new_date) == (1, date(2024, 2, 14), date(2024, 2, 24))

    # New ballots: 5 Pemilu boxes and the C.Hasil envelope, coded -u1, with chains of their own.
    assert made["items"] == sorted(f"{tps.code}-{race}-u1" for race in
                                   ("presiden", "dpr", "dpd", "dprd_prov", "dprd_kab", "c_hasil"))
    items = Item.objects.filter(tps=tps, round=1)
    assert items.count() == 6 and {i.head_seq for i in items} == {1}
    assert Item.objects.filter(tps=tps, round=0, kind="box").count() == 5  # the voting day's boxes stay

    # A guard post in the newest Pemilu plan, staffed through the TPS windows moved 10 days on.
    plan = Plan.objects.filter(election="pemilu", province_code="74").order_by("-created_at", "-id").first()
    post = PlanPost.objects.get(plan=plan, key=made["post"])
    assert (post.kind, post.tps_codes, post.polri_required) == ("tps_ulang", [tps.code], 2)
    demand = next(d for d in plan_demands(plan) if d.post_id == post.key)
    voting = next(w for w in demand.windows if w.name == "voting")
    assert (voting.start_day, voting.start, voting.end_day, voting.end) == (10, "07:00", 10, "13:00")

    # Expected check-ins on 24 Feb: at 08:00 WITA the opening report is missing; the sweep flags it (round 1).
    at_eight = datetime(2024, 2, 24, 0, 0, tzinfo=UTC)
    rows = {r["milestone"]: r for r in selectors.revote_checkins(revote, now=at_eight)}
    assert rows["buka"]["deadline"] == datetime(2024, 2, 23, 23, 15, tzinfo=UTC)
    assert (rows["buka"]["status"], rows["selesai"]["status"]) == (checkins.MISSING, checkins.PENDING)
    services.checkin_sweep(actor=admin, province_code="74", now=at_eight)
    flag = MissedCheckin.objects.get(tps=tps, milestone="buka", round=1)
    assert flag.deadline == rows["buka"]["deadline"] and flag.resolved_at is None

    # The TPS opens at 07:40 WITA: late, and the next sweep resolves the flag.
    services.tps_event_record(actor=admin, client_id=cid(), tps_code=tps.code, kind="buka",
                              at=datetime(2024, 2, 23, 23, 40, tzinfo=UTC))
    later = datetime(2024, 2, 24, 1, 0, tzinfo=UTC)
    rows = {r["milestone"]: r for r in selectors.revote_checkins(revote, now=later)}
    assert rows["buka"]["status"] == checkins.LATE
    services.checkin_sweep(actor=admin, province_code="74", now=later)
    assert MissedCheckin.objects.get(pk=flag.pk).resolved_at == later

    # The after-action report counts it apart.
    report = after_action(viewer=admin, area="74", now=later)
    assert report["revotes"]["by_kind"]["psu"] >= 1
    assert any(r["tps"] == tps.code and r["round"] == 1 for r in report["revotes"]["rows"])
    assert AuditLog.objects.filter(action="revote.declare", object_id=str(revote.pk)).exists()

    # A second re-vote of the same TPS is round 2 with its own ballots.
    second, made2 = _declare(admin, tps, kind="pss", reason="tidak_terlaksana", new_date=date(2024, 3, 2))
    assert second.round == 2 and all(code.endswith("-u2") for code in made2["items"])
