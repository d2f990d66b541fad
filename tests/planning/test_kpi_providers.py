"""The KPIs whose data live on higher floors (operations' response time, custody's escort coverage) come
from providers those apps register in AppConfig.ready(); values hand-computed; a missing provider stops
start-up instead of showing "no data"."""

from datetime import date, datetime, timedelta, timezone

import pytest
from django.core.exceptions import ImproperlyConfigured

from siaga.accounts.models import Agency
from siaga.custody.models import Mission, MissionEscort, MissionLeg
from siaga.operations.models import Dispatch, Incident
from siaga.planning import providers
from siaga.planning.kpi_sources import kpi_value
from siaga.planning.models import Kpi, KpiSource, Operation
from siaga.regions.models import Region

pytestmark = pytest.mark.django_db
T0 = datetime(2024, 11, 27, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def quiet_kab():
    """A kab/kota of the demo province without incidents or escort missions, so every row counted is ours."""
    for kab in Region.objects.filter(level=2, code__startswith="74.").order_by("code"):
        if not (Incident.objects.filter(kabkota_code=kab.code).exists()
                or Mission.objects.filter(area_code__startswith=kab.code).exists()):
            return kab
    pytest.skip("every kab/kota of the demo has incidents or missions")


@pytest.fixture
def operation(quiet_kab):
    return Operation.objects.create(name="Operasi uji KPI", election="pilkada", starts_on=date(2024, 9, 1),
                                    ends_on=date(2024, 12, 31), organiser=Agency.objects.get(code="POLDA-74"),
                                    area_code=quiet_kab.code)


def _value(source, operation, viewer):
    kpi = Kpi.objects.create(operation=operation, source=source, target=30)
    return kpi_value(kpi, viewer=viewer, today=date(2024, 11, 28))


def _incident(kab, minutes_to_arrivals, **extra):
    kec = kab.children.order_by("code").first()
    incident = Incident.objects.create(province_code="74", kabkota_code=kab.code, kecamatan_code=kec.code,
                                       category="lainnya", severity=2, description="uji", occurred_at=T0,
                                       reported_at=T0, **extra)
    for minutes in minutes_to_arrivals:
        arrived = None if minutes is None else T0 + timedelta(minutes=minutes)
        Dispatch.objects.create(incident=incident, unit=Agency.objects.get(code="POLDA-74"), distance_km=3,
                                eta_minutes=10, dispatched_at=T0, ack_deadline=T0 + timedelta(minutes=5),
                                arrived_at=arrived)
    return incident


def test_response_time_is_the_median_minutes_to_the_first_unit_on_scene(user, quiet_kab, operation):
    assert _value(KpiSource.RESPONSE_TIME, operation, user("intelkam")) is None  # nothing arrived yet
    first = _incident(quiet_kab, [50, 20])  # first unit after 20 min
    _incident(quiet_kab, [45])
    _incident(quiet_kab, [30, None])
    _incident(quiet_kab, [None])  # no unit arrived: not counted
    _incident(quiet_kab, [1], exercise=True)  # a drill: not counted
    _incident(quiet_kab, [2], duplicate_of=first)  # merged into the first: not counted twice
    # first arrivals 20, 45, 30 minutes -> median 30
    assert _value(KpiSource.RESPONSE_TIME, operation, user("intelkam")) == pytest.approx(30.0)


def _mission(code, area, legs, escorts):
    mission = Mission.objects.create(code=code, name=code, area_code=area)
    for position in range(legs):
        MissionLeg.objects.create(mission=mission, position=position, mode="land", origin="a", destination="b",
                                  path=[[-4.0, 122.5], [-4.1, 122.6]], planned_depart=T0,
                                  planned_arrive=T0 + timedelta(hours=1))
    for n in range(escorts):
        MissionEscort.objects.create(mission=mission, name=f"Bripda {n}", unit="Sat Samapta")


def test_escort_coverage_is_the_share_of_legs_whose_mission_has_an_escort(user, quiet_kab, operation):
    assert _value(KpiSource.ESCORT_COVERAGE, operation, user("intelkam")) is None  # no leg: no data
    kec = quiet_kab.children.order_by("code").first()
    _mission("UJI-1", quiet_kab.code, legs=2, escorts=1)
    _mission("UJI-2", kec.code, legs=1, escorts=0)
    _mission("UJI-3", kec.code, legs=3, escorts=2)  # two escorts still count each leg once
    other = Region.objects.filter(level=2, code__startswith="74.").exclude(code=quiet_kab.code).first()
    _mission("UJI-LUAR", other.code, legs=4, escorts=0)  # outside the operation's area
    # legs 2 + 1 + 3 = 6, escorted 2 + 3 = 5 -> 5/6
    assert _value(KpiSource.ESCORT_COVERAGE, operation, user("intelkam")) == pytest.approx(500 / 6)


def test_every_kpi_source_has_its_provider_registered_at_start_up():
    assert providers.missing_kpis() == []
    for source in KpiSource.values:
        assert callable(providers.kpi_provider(source))


def test_a_kpi_without_provider_stops_start_up(monkeypatch):
    monkeypatch.delitem(providers._kpis, KpiSource.RESPONSE_TIME)
    with pytest.raises(ImproperlyConfigured, match="response_time"):
        providers.verify()
    assert [e.id for e in providers.check_providers()] == ["planning.E001"]
    with pytest.raises(ImproperlyConfigured, match="No provider"):
        providers.kpi_provider(KpiSource.RESPONSE_TIME)


def test_an_unknown_kpi_source_cannot_be_registered():
    with pytest.raises(ImproperlyConfigured, match="Unknown KPI source"):
        providers.register_kpi("kecepatan_angin", lambda **_: 1.0)
