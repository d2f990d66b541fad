"""Missing check-ins flagged at the window boundary, escalated Polsek -> Polres, resolved by a late report."""

from datetime import date, datetime, timedelta, timezone

from siaga.operations import selectors, services
from siaga.operations.models import MissedCheckin, VotingDay

OPEN_DEADLINE = datetime(2024, 2, 13, 23, 15, tzinfo=timezone.utc)  # 07:15 WITA, 14 Feb 2024


def test_sweep_flags_at_the_boundary_escalates_and_resolves(user, cid):
    admin = user("admin")
    assert VotingDay.objects.get(province_code="74").date == date(2024, 2, 14)
    at_deadline = services.checkin_sweep(actor=admin, province_code="74", now=OPEN_DEADLINE)
    assert at_deadline["flagged"] == 0  # not yet missing at the deadline itself
    summary = selectors.summary(viewer=admin, area="74", now=OPEN_DEADLINE)
    tps_total, opened = summary["tps"], summary["tps"] - summary["stages"]["persiapan"] - summary["stages"]["logistik"]

    after = services.checkin_sweep(actor=admin, province_code="74", now=OPEN_DEADLINE + timedelta(seconds=1))
    assert after["flagged"] == tps_total - opened
    late_demo = selectors.summary(viewer=admin, area="74", now=OPEN_DEADLINE)["missing_checkins"] or {}
    late_before = selectors.summary(viewer=admin, area="74",
                                    now=OPEN_DEADLINE + timedelta(seconds=1))["missing_checkins"]["buka"]["late"]
    assert late_demo == {}  # no window has passed at the deadline itself
    missed = MissedCheckin.objects.filter(milestone="buka", resolved_at=None)
    some = missed.select_related("tps", "escalated_to").first()
    assert some.level == "polsek" and some.escalated_to.code == f"POLSEK-{some.tps.kecamatan_code}"

    # A report exactly at the deadline would have been on time; this one is late and resolves the flag.
    services.tps_event_record(actor=admin, client_id=cid(), tps_code=some.tps.code, kind="buka",
                              at=OPEN_DEADLINE + timedelta(minutes=20))
    later = services.checkin_sweep(actor=admin, province_code="74", now=OPEN_DEADLINE + timedelta(minutes=30))
    assert later["resolved"] == 1 and later["flagged"] == 0 and later["escalated"] == tps_total - opened - 1
    escalated = missed.select_related("tps", "escalated_to").first()
    assert escalated.level == "polres" and escalated.escalated_to.code == f"POLRES-{escalated.tps.kabkota_code}"
    counters = selectors.summary(viewer=admin, area="74", now=OPEN_DEADLINE + timedelta(minutes=30))
    assert counters["missing_checkins"]["buka"]["missing"] == tps_total - opened - 1
    assert counters["missing_checkins"]["buka"]["late"] == late_before + 1
    assert counters["missing_checkins"]["buka"]["level"] == "polres"
