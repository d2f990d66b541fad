"""Counting past midnight: a "finished" window ending D+1 02:00 WITA is honoured (hand case).

Voting day 14 Feb 2024 in Sultra (WITA = UTC+8). D+1 02:00 WITA = 14 Feb 18:00 UTC; 01:30 WITA = 17:30 UTC;
01:00 WITA = 17:00 UTC; 02:30 WITA = 18:30 UTC.
"""

from datetime import date, datetime, time, timezone

import pytest
from django.core.exceptions import ValidationError

from siaga.core import checkins
from siaga.operations import services
from siaga.operations.models import MissedCheckin, TpsStatus

UTC = timezone.utc
WINDOWS = [{"milestone": "buka", "deadline": "07:15"}, {"milestone": "penghitungan", "deadline": "13:30"},
           {"milestone": "selesai", "deadline": "D+1 02:00"}]


def test_parse_deadline_hand_cases():
    assert checkins.parse_deadline("23:59") == (0, time(23, 59))
    assert checkins.parse_deadline("D+1 02:00") == (1, time(2, 0))
    assert checkins.parse_deadline("D+1 12:00") == (1, time(12, 0))  # voting day + 12 hours of counting
    for bad in ("D+1 12:01", "D+2 01:00", "24:00", "2 am", ""):
        with pytest.raises(ValueError):
            checkins.parse_deadline(bad)
    window = checkins.window_from("selesai", "D+1 02:00")
    assert window.text == "D+1 02:00"
    assert checkins.window_deadline(date(2024, 2, 14), window, "Asia/Makassar") == datetime(2024, 2, 14, 18, tzinfo=UTC)
    at_one = datetime(2024, 2, 14, 17, tzinfo=UTC)
    assert [w.milestone for w, _ in checkins.passed_windows(date(2024, 2, 14), "Asia/Makassar", at_one, [window])] == []
    assert checkins.checkin_status(datetime(2024, 2, 14, 17, 30, tzinfo=UTC),
                                   checkins.window_deadline(date(2024, 2, 14), window, "Asia/Makassar"),
                                   at_one) == checkins.ON_TIME


def test_sweep_honours_a_window_ending_after_midnight(user, cid, fresh_tps):
    admin = user("admin")
    services.voting_day_configure(actor=admin, province_code="74", date=date(2024, 2, 14), windows=WINDOWS)
    on_time, silent = fresh_tps(2)
    for kind, hour, minute in (("buka", 23, 0), ("penghitungan", 5, 0), ("selesai", 17, 30)):  # 01:30 WITA D+1
        day = 13 if kind == "buka" else 14
        services.tps_event_record(actor=admin, client_id=cid(), tps_code=on_time.code, kind=kind,
                                  at=datetime(2024, 2, day, hour, minute, tzinfo=UTC))
    assert TpsStatus.objects.get(pk=on_time.pk).finished_at == datetime(2024, 2, 14, 17, 30, tzinfo=UTC)

    services.checkin_sweep(actor=admin, province_code="74", now=datetime(2024, 2, 14, 17, tzinfo=UTC))  # 01:00
    assert not MissedCheckin.objects.filter(milestone="selesai").exists()  # the window has not ended yet

    services.checkin_sweep(actor=admin, province_code="74", now=datetime(2024, 2, 14, 18, 30, tzinfo=UTC))  # 02:30
    late = MissedCheckin.objects.filter(milestone="selesai")
    assert late.filter(tps=silent).exists()
    assert not late.filter(tps=on_time).exists()  # finished at 01:30: on time
    assert late.get(tps=silent).deadline == datetime(2024, 2, 14, 18, tzinfo=UTC)


def test_a_deadline_past_the_legal_count_is_refused(user):
    with pytest.raises(ValidationError):
        services.voting_day_configure(actor=user("admin"), province_code="74", date=date(2024, 2, 14),
                                      windows=[{"milestone": "selesai", "deadline": "D+1 13:00"}])
