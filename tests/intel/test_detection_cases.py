"""Early detection fires once per crossing and makes a task; cases keep evidence with its SHA-256 and
suggest duplicates."""

import hashlib
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siaga.coordination.models import Referral
from siaga.intel import services
from siaga.intel.detection import judge
from siaga.intel.duplicates import subject_similarity
from siaga.intel.models import Alert

pytestmark = pytest.mark.django_db
START = date(2030, 3, 1)


def case(actor, day, area="74.14", kind="hoaks", subjects=("Akun Facebook Buton Bersatu",), title="Hoaks"):
    return services.case_open(actor=actor, kind=kind, title=title, area_code=area, occurred_on=day,
                              subjects=list(subjects))


def alerts(rule):
    return list(Alert.objects.filter(rule=rule, area_code="74.14").order_by("id"))


def test_a_hand_built_series_fires_exactly_once_per_crossing_and_makes_a_task(user):
    intelkam = user("intelkam")
    rule = services.rule_upsert(actor=intelkam, name="Uji hoaks Buton Tengah", indicator="kasus_jenis",
                                category="hoaks", window_days=3, threshold=2, task_days=2)
    referrals = Referral.objects.count()
    # Cases on 1 and 2 March: the 3-day window reaches 2 on 2 March, stays there on 3 March, and on
    # 5 March holds none (window 3-5 March).
    case(intelkam, START)
    services.watch_evaluate(actor=intelkam, today=START)
    assert alerts(rule) == []
    case(intelkam, START + timedelta(days=1))
    services.watch_evaluate(actor=intelkam, today=START + timedelta(days=1))
    services.watch_evaluate(actor=intelkam, today=START + timedelta(days=1))  # run again: no second alert
    services.watch_evaluate(actor=intelkam, today=START + timedelta(days=2))  # still above: no new alert
    [alert] = alerts(rule)
    assert (alert.fired_on, alert.value, alert.cleared_on) == (START + timedelta(days=1), 2, None)
    task = Referral.objects.get(pk=alert.referral_id)
    assert task.to_agency.code == "POLRES-74.14" and task.from_agency.code == "POLDA-74"
    assert task.deadline == START + timedelta(days=3) and "Sat Intelkam" in task.subject
    services.watch_evaluate(actor=intelkam, today=START + timedelta(days=4))
    assert alerts(rule)[0].cleared_on == START + timedelta(days=4)
    case(intelkam, START + timedelta(days=10))
    case(intelkam, START + timedelta(days=10))
    services.watch_evaluate(actor=intelkam, today=START + timedelta(days=10))  # a new crossing fires again
    assert len(alerts(rule)) == 2
    # one task per alert of this rule (other rules of the demo may add their own)
    assert Referral.objects.filter(subject__contains=rule.name).count() == 2
    assert Referral.objects.count() >= referrals + 2


def test_the_stage_rule_is_quiet_outside_its_stage(user):
    intelkam = user("intelkam")
    rule = services.rule_upsert(actor=intelkam, name="Uji masa tenang", indicator="kasus_jenis", category="sara",
                                stage_kind="tenang", window_days=3, threshold=1)
    case(intelkam, START, kind="sara")
    services.watch_evaluate(actor=intelkam, today=START)  # 2030: no operation stage is current
    assert not Alert.objects.filter(rule=rule).exists()


def test_judge_by_hand():
    assert judge(value=5, previous=0, threshold=5).fires
    assert not judge(value=4, previous=3, threshold=5, rise_factor=2.0, rise_min=3).fires  # 4 < 2 x 3
    assert judge(value=4, previous=2, threshold=5, rise_factor=2.0, rise_min=3).fires      # 4 >= 2 x 2
    assert not judge(value=2, previous=0, threshold=5, rise_factor=2.0, rise_min=3).fires  # below rise_min


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 50), st.integers(0, 50), st.integers(1, 20))
def test_reaching_the_threshold_always_fires(value, previous, threshold):
    assert judge(value=value, previous=previous, threshold=threshold).fires == (value >= threshold)


def test_evidence_is_kept_with_its_sha256_and_who_added_it(user):
    intelkam = user("intelkam")
    c = case(intelkam, START)
    content = b"\x89PNG tangkapan layar unggahan hoaks"
    evidence = services.evidence_add(actor=intelkam, case=c, name="layar.png", content=content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.added_by_name == "intelkam" and evidence.size == len(content)
    with evidence.file.open("rb") as stored:
        assert stored.read() == content
    assert services.evidence_add(actor=intelkam, case=c, name="lagi.png", content=content).pk == evidence.pk


def test_subject_similarity_by_hand():
    # words of 3+ letters: {ode, sabar, tim, sukses} vs {ode, sabar} -> 2 / 4
    assert subject_similarity(["La Ode Sabar (tim sukses)"], ["Ode Sabar"]) == 0.5
    assert subject_similarity([], ["x"]) == 0.0


def test_possible_duplicates_are_suggested(user):
    intelkam = user("intelkam")
    desa = "74.03.06.1005"
    a = case(intelkam, date(2030, 5, 1), area=desa, kind="politik_uang", subjects=["La Ode Sabar, tim sukses"])
    b = case(intelkam, date(2030, 5, 3), area=desa, kind="politik_uang", subjects=["Sabar (La Ode), tim sukses"])
    other_desa = case(intelkam, date(2030, 5, 3), area="74.03.06.2003", kind="politik_uang",
                      subjects=["La Ode Sabar, tim sukses"])
    later = case(intelkam, date(2030, 5, 20), area=desa, kind="politik_uang", subjects=["La Ode Sabar"])
    found = {c.pk for c in services.case_duplicates(viewer=intelkam, case=a)}
    assert found == {b.pk}
    assert other_desa.pk not in found and later.pk not in found


def test_a_partner_cannot_open_or_see_cases(user):
    from django.core.exceptions import PermissionDenied

    from siaga.intel.selectors import case_list

    with pytest.raises(PermissionDenied):
        case(user("kpu"), START)
    assert not case_list(viewer=user("kpu")).exists()


def test_a_case_is_forwarded_to_sentra_gakkumdu_once_and_a_late_one_is_refused(user):
    from django.core.exceptions import ValidationError

    from siaga.gakkumdu.models import GakkumduCase
    from siaga.intel.models import CaseStatus

    intelkam = user("intelkam")
    c = case(intelkam, date(2024, 11, 25), area="74.05.01", kind="politik_uang", title="Amplop subuh di Konda",
             subjects=["La Ode Sabar (tim sukses)"])
    forwarded = services.case_forward_gakkumdu(actor=intelkam, case=c, election="pilkada", origin="temuan",
                                               reported_on=date(2024, 11, 27))
    registered = GakkumduCase.objects.get(pk=forwarded.gakkumdu_id)
    assert forwarded.status == CaseStatus.GAKKUMDU
    assert (registered.title, registered.election, registered.origin, registered.area_code) == (
        "Amplop subuh di Konda", "pilkada", "temuan", "74.05.01")
    assert (registered.known_on, registered.reported_on, registered.step) == (
        date(2024, 11, 25), date(2024, 11, 27), "kajian")
    assert registered.source_ref == f"intel-kasus-{c.pk}" and "La Ode Sabar" in registered.summary
    with pytest.raises(ValidationError):
        services.case_forward_gakkumdu(actor=intelkam, case=forwarded, election="pilkada")
    # Pilkada: a finding is due within 7 days of becoming known; a month later the Sentra refuses it.
    late = case(intelkam, date(2024, 10, 1), area="74.05.01", kind="politik_uang", title="Terlambat")
    before = GakkumduCase.objects.count()
    with pytest.raises(ValidationError, match="melewati batas"):
        services.case_forward_gakkumdu(actor=intelkam, case=late, election="pilkada", origin="temuan",
                                       reported_on=date(2024, 11, 1))
    late.refresh_from_db()
    assert late.gakkumdu_id is None and GakkumduCase.objects.count() == before
