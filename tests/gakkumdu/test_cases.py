"""Cases through the Sentra on the demo database: clocks, warnings, expiry, role rules, the intel entry point."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from siaga.accounts.models import AuditLog
from siaga.gakkumdu import rules, selectors
from siaga.gakkumdu.clock import case_clock
from siaga.gakkumdu.models import GakkumduCase
from siaga.gakkumdu.services import gakkumdu_advance, gakkumdu_register

WITA = ZoneInfo("Asia/Makassar")
pytestmark = pytest.mark.django_db


def at(y, m, d, h=10, mi=0, s=0):
    return datetime(y, m, d, h, mi, s, tzinfo=WITA)


def _case(user, election="pemilu", origin="laporan", known=date(2024, 2, 12), reported=date(2024, 2, 13),
          region="74.01"):
    return gakkumdu_register(actor=user("bawaslu"), election=election, origin=origin, title="Politik uang uji",
                             summary="uji", known_on=known, reported_on=reported, region_code=region)


def test_register_is_the_intel_entry_point_with_its_exact_signature(user):
    case = gakkumdu_register(actor=user("intelkam"), election="pilkada", origin="temuan", title="Dari kasus intel",
                             summary="diteruskan dari Dit Intelkam", known_on=date(2024, 11, 20),
                             reported_on=date(2024, 11, 21), region_code="74.03", source_ref="intel-case-7")
    assert isinstance(case, GakkumduCase) and case.id and case.step == rules.KAJIAN
    assert case.source_ref == "intel-case-7" and case.registered_agency.code == "POLDA-74"
    entry = AuditLog.objects.get(action="gakkumdu.register", object_id=str(case.id))
    assert entry.actor_name == "intelkam" and entry.after["election"] == "pilkada"
    with pytest.raises(PermissionDenied):
        gakkumdu_register(actor=user("kpu"), election="pilkada", origin="laporan", title="x", summary="",
                          known_on=date(2024, 11, 20), reported_on=date(2024, 11, 21), region_code="74.03")
    with pytest.raises(PermissionDenied):  # Kejaksaan prosecutes; it does not register
        gakkumdu_register(actor=user("kejaksaan"), election="pilkada", origin="laporan", title="x", summary="",
                          known_on=date(2024, 11, 20), reported_on=date(2024, 11, 21), region_code="74.03")


def test_a_report_filed_after_seven_working_days_is_refused(user):
    # Known Thu 8 Feb 2024: the last day is Wed 21 Feb (holidays 8, 9, 14 Feb and the weekend skipped).
    assert _case(user, known=date(2024, 2, 8), reported=date(2024, 2, 21)).id
    with pytest.raises(ValidationError, match="2024-02-21"):
        _case(user, known=date(2024, 2, 8), reported=date(2024, 2, 22))
    with pytest.raises(ValidationError):
        _case(user, election="pileg")


def test_pemilu_case_through_forwarding_24_hours_investigation_and_prosecution(user):
    case = _case(user, known=date(2024, 2, 12), reported=date(2024, 2, 13))
    clock = case_clock(case, at(2024, 2, 16, 9))
    assert clock.deadline == at(2024, 2, 20, 23, 59, 59) and clock.days_left == 4  # 13 Feb + 7 days
    case = gakkumdu_advance(actor=user("bawaslu"), case=case, to=rules.PENERUSAN, at=at(2024, 2, 16, 21, 30))
    clock = case_clock(case, at(2024, 2, 17, 15, 30))
    assert clock.hours_left == 6.0 and clock.warning and not clock.expired  # 6 h left: warned
    assert not case_clock(case, at(2024, 2, 17, 9, 0)).warning  # 12.5 h left
    assert case_clock(case, at(2024, 2, 17, 21, 30, 1)).expired
    with pytest.raises(ValidationError, match="gugur"):  # one minute past 1 × 24 h
        gakkumdu_advance(actor=user("bawaslu"), case=case, to=rules.PENYIDIKAN, at=at(2024, 2, 17, 21, 31))
    case = gakkumdu_advance(actor=user("bawaslu"), case=case, to=rules.PENYIDIKAN, at=at(2024, 2, 17, 21, 29))
    # Investigation: 14 calendar days from receipt, the weekend and holidays included.
    assert case_clock(case, at(2024, 2, 20)).deadline == at(2024, 3, 2, 23, 59, 59)
    with pytest.raises(PermissionDenied):  # a Kejaksaan member cannot act on the investigator's step
        gakkumdu_advance(actor=user("kejaksaan"), case=case, to=rules.PENUNTUTAN, at=at(2024, 2, 28))
    with pytest.raises(PermissionDenied):  # nor Bawaslu
        gakkumdu_advance(actor=user("bawaslu"), case=case, to=rules.PENUNTUTAN, at=at(2024, 2, 28))
    case = gakkumdu_advance(actor=user("penyidik"), case=case, to=rules.PENUNTUTAN, at=at(2024, 2, 28))
    with pytest.raises(PermissionDenied):  # the investigator cannot act on the prosecutor's step
        gakkumdu_advance(actor=user("penyidik"), case=case, to=rules.PENGADILAN, at=at(2024, 2, 29))
    case = gakkumdu_advance(actor=user("kejaksaan"), case=case, to=rules.PERBAIKAN, at=at(2024, 3, 1))
    case = gakkumdu_advance(actor=user("penyidik"), case=case, to=rules.PENUNTUTAN, at=at(2024, 3, 3))
    with pytest.raises(ValidationError, match="satu kali"):  # the file is returned once only
        gakkumdu_advance(actor=user("kejaksaan"), case=case, to=rules.PERBAIKAN, at=at(2024, 3, 4))
    case = gakkumdu_advance(actor=user("kejaksaan"), case=case, to=rules.PENGADILAN, at=at(2024, 3, 5))
    assert list(case.events.values_list("step_to", flat=True)) == [
        rules.KAJIAN, rules.PENERUSAN, rules.PENYIDIKAN, rules.PENUNTUTAN, rules.PERBAIKAN, rules.PENUNTUTAN,
        rules.PENGADILAN]
    assert AuditLog.objects.filter(action="gakkumdu.advance", object_id=str(case.id)).count() == 6


def test_pilkada_case_working_days_across_the_weekend_and_voting_day(user):
    case = _case(user, election="pilkada", known=date(2024, 11, 20), reported=date(2024, 11, 22))
    assert case_clock(case, at(2024, 11, 23)).deadline == at(2024, 11, 25, 23, 59, 59)  # 3 calendar days
    case = gakkumdu_advance(actor=user("bawaslu"), case=case, to=rules.PENERUSAN, at=at(2024, 11, 22, 11))
    case = gakkumdu_advance(actor=user("bawaslu"), case=case, to=rules.PENYIDIKAN, at=at(2024, 11, 22, 15))
    clock = case_clock(case, at(2024, 11, 25, 8))
    # 14 working days from Fri 22 Nov: 27 Nov (voting day) and weekends skipped -> Fri 13 Dec.
    assert clock.deadline == at(2024, 12, 13, 23, 59, 59) and clock.days_left == 18 and not clock.warning
    assert clock.rule.unit == rules.HARI_KERJA and "146" in clock.rule.article


def test_warning_one_working_day_before_and_an_expired_step(user):
    case = _case(user, known=date(2024, 3, 28), reported=date(2024, 3, 30))
    case = gakkumdu_advance(actor=user("bawaslu"), case=case, to=rules.PENERUSAN, at=at(2024, 4, 1, 8))
    case = gakkumdu_advance(actor=user("bawaslu"), case=case, to=rules.PENYIDIKAN, at=at(2024, 4, 1, 10))
    # Deadline Mon 15 Apr. On Fri 12 Apr (cuti bersama) the next working day is Tue 16: warned, 3 days left.
    friday = case_clock(case, at(2024, 4, 12, 9))
    assert friday.days_left == 3 and friday.warning and friday.status == "peringatan"
    assert not case_clock(case, at(2024, 4, 4, 9)).warning
    late = case_clock(case, at(2024, 4, 16, 8))
    assert late.expired and late.status == "kedaluwarsa" and late.days_left == -1
    with pytest.raises(ValidationError, match="gugur"):
        gakkumdu_advance(actor=user("penyidik"), case=case, to=rules.PENUNTUTAN, at=at(2024, 4, 16, 8))
    pilkada = _case(user, election="pilkada", known=date(2024, 11, 20), reported=date(2024, 11, 22))
    with pytest.raises(ValidationError, match="gugur"):  # study of 3 days ended 25 Nov
        gakkumdu_advance(actor=user("bawaslu"), case=pilkada, to=rules.DIHENTIKAN, at=at(2024, 11, 26))


def test_who_sees_what(user):
    case = _case(user, region="74.03")
    for who in ("bawaslu", "penyidik", "kejaksaan", "intelkam"):
        assert selectors.case_list(viewer=user(who)).filter(pk=case.pk).exists(), who
    assert not selectors.case_list(viewer=user("kpu")).exists()  # KPU sees nothing at all
    assert not selectors.case_list(viewer=user("polres.kolaka")).filter(pk=case.pk).exists()  # Muna, not Kolaka
    rows = {r["id"]: r for r in selectors.case_clocks(viewer=user("kejaksaan"), now=at(2024, 2, 14))}
    assert rows[case.pk]["next_steps"] == []  # the study is Bawaslu's: no action offered to Kejaksaan
    rows = {r["id"]: r for r in selectors.case_clocks(viewer=user("bawaslu"), now=at(2024, 2, 14))}
    assert [s["step"] for s in rows[case.pk]["next_steps"]] == [rules.KAJIAN_TAMBAHAN, rules.PENERUSAN,
                                                                 rules.DIHENTIKAN]
    assert rows[case.pk]["area_name"] == "Kabupaten Muna"


def test_page_and_api(client_as, user):
    response = client_as("bawaslu").get("/gakkumdu/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sentra Gakkumdu" in page and "clock-expired" in page and "clock-warn" in page  # demo clocks
    assert 'href="/gakkumdu/"' in page
    assert client_as("kpu").get("/gakkumdu/").status_code == 403
    assert 'href="/gakkumdu/"' not in client_as("kpu").get("/").content.decode()
    data = client_as("penyidik").get("/api/gakkumdu/cases?open=true").json()
    assert data and {"step", "deadline", "days_left", "hours_left", "article"} <= set(data[0])
    case = _case(user)
    response = client_as("kejaksaan").post(f"/api/gakkumdu/cases/{case.pk}/advance",
                                           {"to": "penerusan", "at": "2024-02-14T10:00:00+08:00"},
                                           content_type="application/json")
    assert response.status_code == 403


def test_cli_cases_json(user, capsys):
    import json

    from siaga.cli import main

    case = _case(user, election="pilkada", known=date(2024, 11, 20), reported=date(2024, 11, 22))
    gakkumdu_advance(actor=user("bawaslu"), case=case, to=rules.PENERUSAN, at=at(2024, 11, 22, 11))

    def cases(*argv):
        with pytest.raises(SystemExit) as done:
            main(["gakkumdu", "cases", "--json", *argv])
        assert (done.value.code or 0) == 0
        return json.loads(capsys.readouterr().out)

    rows = {r["id"]: r for r in cases("--as", "penyidik", "--now", "2024-11-23T05:00")}
    row = rows[case.pk]
    assert row["step"] == "penerusan" and row["deadline"] == "2024-11-23T11:00:00+08:00"
    assert row["hours_left"] == 6.0 and row["days_left"] == 0 and row["warning"] and row["status"] == "peringatan"
    assert cases("--as", "kpu") == []


def test_the_case_page_shows_every_step_with_its_deadline_met_or_missed_scoped_like_the_list(user, client_as):
    from siaga.gakkumdu.models import CaseEvent

    case = _case(user, known=date(2024, 2, 12), reported=date(2024, 2, 13), region="74.03")
    case = gakkumdu_advance(actor=user("bawaslu"), case=case, to=rules.PENERUSAN, at=at(2024, 2, 16, 21, 30),
                            note="unsur terpenuhi")
    case = gakkumdu_advance(actor=user("bawaslu"), case=case, to=rules.PENYIDIKAN, at=at(2024, 2, 17, 10))
    # A move recorded after the 14 days of investigation (17 Feb + 14 = 2 Mar), as an imported history would.
    CaseEvent.objects.create(case=case, step_from=rules.PENYIDIKAN, step_to=rules.PENUNTUTAN, at=at(2024, 3, 5),
                             actor_name="penyidik")
    rows = selectors.case_history(viewer=user("bawaslu"), case=case)
    assert [(r["from"], r["to"]) for r in rows] == [("", rules.KAJIAN), (rules.KAJIAN, rules.PENERUSAN),
                                                    (rules.PENERUSAN, rules.PENYIDIKAN),
                                                    (rules.PENYIDIKAN, rules.PENUNTUTAN)]
    assert rows[0]["deadline"] is None and rows[0]["met"] is None
    assert rows[1]["deadline"] == at(2024, 2, 20, 23, 59, 59) and rows[1]["met"] is True  # 13 Feb + 7 days
    assert rows[1]["who"] == user("bawaslu").get_full_name() != "" and rows[1]["note"] == "unsur terpenuhi"
    assert rows[2]["deadline"] == at(2024, 2, 17, 21, 30) and rows[2]["met"] is True  # 1 × 24 jam
    assert rows[3]["deadline"] == at(2024, 3, 2, 23, 59, 59) and rows[3]["met"] is False
    page = client_as("bawaslu").get(f"/gakkumdu/{case.pk}/").content.decode()
    assert page.count('data-testid="met"') == 2 and page.count('data-testid="missed"') == 1
    assert "unsur terpenuhi" in page and "Ps. 480 ayat (1) UU 7/2017" in page
    assert f'href="/gakkumdu/{case.pk}/"' in client_as("bawaslu").get("/gakkumdu/").content.decode()
    assert client_as("kejaksaan").get(f"/gakkumdu/{case.pk}/").status_code == 200
    assert client_as("kpu").get(f"/gakkumdu/{case.pk}/").status_code == 404  # not a Sentra member
    assert client_as("polres.kolaka").get(f"/gakkumdu/{case.pk}/").status_code == 404  # Muna, not Kolaka
