"""Scoring through the database: hand-computed cases, bulk vs one-TPS equality, incidents, history."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siaga.regions.models import Tps
from siaga.risk import engine, services
from siaga.risk.models import AreaRisk, ClassChange, Indicator, Observation, TpsRisk
from siaga.risk.selectors import class_changes_since

pytestmark = pytest.mark.django_db


def _clean_tps(kab="74.01"):
    """A Pemilu TPS of Kolaka with no observations, incidents and not special."""
    return (Tps.objects.filter(kabkota_code=kab, election="pemilu", special=False, number__lt=900)
            .exclude(risk_observations__isnull=False).exclude(risk_incidents__isnull=False)
            .exclude(risk__klass__gt=0).order_by("code").first())


def _obs(actor, tps, code, value, source="bawaslu"):
    return services.observation_upsert(actor=actor, indicator=Indicator.objects.get(code=code, catalogue__active=True),
                                       tps=tps, value=value, source=source, observed_on=date(2024, 2, 1))


def test_hand_computed_score_class_and_explanation(user):
    # Pemilu 2024 catalogue total weight: HAK 4 + KAM 10 + KMP 8 + NET 8 + LOG 9 + LOK 7 + LIS 2 = 48.
    admin = user("admin")
    tps = _clean_tps()
    _obs(admin, tps, "P24.HAK.02", 10)   # DPTb 10 of saturation 20: 1.0 x 0.5 = 0.5 points
    _obs(admin, tps, "P24.LOG.03", 1)    # swapped logistics: 3 points
    risk = TpsRisk.objects.get(tps=tps)
    assert risk.score == pytest.approx(3.5 / 48 * 100)  # 7.29: below rawan (10)
    assert risk.klass == 0
    assert risk.contributions == [["P24.LOG.03", 3.0], ["P24.HAK.02", 0.5]]
    _obs(admin, tps, "P24.KAM.01", 1)    # one violent incident of saturation 2: 5 x 0.5 = 2.5, floor rawan
    risk.refresh_from_db()
    assert risk.score == pytest.approx(6.0 / 48 * 100)  # 12.5 -> rawan by score as well
    assert risk.klass == 1 and risk.reasons == []
    _obs(admin, tps, "P24.KMP.01", 2)    # money politics at saturation: 4 points -> 10/48 = 20.83
    _obs(admin, tps, "P24.KMP.01", 5, source="intelkam")  # a second source of the same indicator counts once
    risk.refresh_from_db()
    assert risk.score == pytest.approx(10.0 / 48 * 100) and risk.klass == 1


def test_floor_and_incident_raise_with_history(user):
    admin = user("admin")
    tps = _clean_tps()
    since = timezone.now()
    _obs(admin, tps, "P24.KAM.02", 1)   # one intimidation (saturation 2): 2.5/48 = 5.21, below 10, but floor rawan
    risk = TpsRisk.objects.get(tps=tps)
    assert (risk.klass, risk.reasons) == (1, ["floor:P24.KAM.02"])
    services.incident_recorded(actor=admin, tps=tps, at=timezone.now() - timedelta(days=3), severity=2,
                               kind="bentrok", external_ref="test-1")
    services.incident_recorded(actor=admin, tps=tps, at=timezone.now(), external_ref="test-1")  # same report
    risk.refresh_from_db()
    assert (risk.klass, risk.reasons) == (2, ["floor:P24.KAM.02", "incident"])
    assert tps.risk_incidents.count() == 1
    changes = list(class_changes_since(viewer=user("intelkam"), when=since).filter(tps=tps))
    assert [(c.old_class, c.new_class, c.cause) for c in changes] == [(1, 2, "incident"), (0, 1, "observation")]
    # A month later the incident no longer raises the class.
    later = engine.score_province(province_code="74", on=date.today() + timedelta(days=31))
    assert TpsRisk.objects.get(tps=tps).klass == 1 and later["pemilu"]["class_changes"] >= 1


def test_correction_is_audited_with_before_and_after(user):
    from siaga.accounts.models import AuditLog

    admin = user("admin")
    tps = _clean_tps()
    obs = _obs(admin, tps, "P24.HAK.01", 4)
    _obs(admin, tps, "P24.HAK.01", 6)
    entry = AuditLog.objects.filter(action="risk.observation.correct", object_id=str(obs.pk)).get()
    assert entry.before["value"] == 4 and entry.after["value"] == 6 and entry.actor_name == "admin"
    assert Observation.objects.filter(tps=tps).count() == 1


AREA_FIELDS = ("level", "siaga_level", "intel", "tps", "kurang_rawan", "rawan", "sangat_rawan", "khusus")


def _areas():
    return {(a.region_id, a.election): a for a in AreaRisk.objects.filter(region__code__startswith="74")}


def _assert_same_areas(incremental, full):
    """Counts, Siaga levels and Intelkam scores equal; sums and indices equal up to the rounding of running totals."""
    assert incremental.keys() == full.keys()
    for code, area in full.items():
        kept = incremental[code]
        assert [getattr(kept, f) for f in AREA_FIELDS] == [getattr(area, f) for f in AREA_FIELDS], code
        assert kept.score_sum == pytest.approx(area.score_sum, rel=1e-12, abs=1e-9), code
        assert kept.index == pytest.approx(area.index, abs=1e-9), code


def test_one_tps_rescore_equals_full_rescore(user):
    admin = user("admin")
    tps = _clean_tps("74.03")
    _obs(admin, tps, "P24.KAM.02", 1)
    _obs(admin, tps, "P24.LIS.01", 1)
    incremental = {r.tps_id: (r.score, r.klass, r.contributions, r.reasons) for r in TpsRisk.objects.all()}
    areas = _areas()
    assert areas[tps.desa_id, "pemilu"].rawan >= 1 and areas["74", "pemilu"].tps == 8154
    assert areas["74", "pilkada"].tps == 4611
    engine.score_province(province_code="74")
    full = {r.tps_id: (r.score, r.klass, r.contributions, r.reasons) for r in TpsRisk.objects.all()}
    assert full == incremental  # bit-identical, explanation included, for all 8,154 + 4,611 TPS
    _assert_same_areas(areas, _areas())


def test_area_totals_hand_computed(user):
    # A desa's index from its totals: 0.4 x mean score + 0.3 x 100 x share rawan, over 0.7 (no Intelkam score).
    admin = user("admin")
    tps = _clean_tps("74.03")
    before = AreaRisk.objects.get(region_id=tps.desa_id, election="pemilu")
    _obs(admin, tps, "P24.KAM.01", 2)  # 5 points of 48 and floor rawan: 10.4167, kurang rawan -> rawan
    desa = AreaRisk.objects.get(region_id=tps.desa_id, election="pemilu")
    assert (desa.tps, desa.kurang_rawan, desa.rawan) == (before.tps, before.kurang_rawan - 1, before.rawan + 1)
    assert desa.score_sum == pytest.approx(before.score_sum + 5 / 48 * 100)
    mean, share = desa.score_sum / desa.tps, (desa.tps - desa.kurang_rawan) / desa.tps
    assert desa.intel is None and desa.index == pytest.approx((0.4 * mean + 0.3 * 100 * share) / 0.7)


def test_area_without_a_row_is_built_from_its_tps(user):
    admin = user("admin")
    tps = _clean_tps("74.03")
    AreaRisk.objects.filter(region_id__in=[tps.desa_id, tps.kecamatan_code], election="pemilu").delete()
    _obs(admin, tps, "P24.LOG.03", 1)
    rebuilt = _areas()
    engine.store_province_areas("74")
    _assert_same_areas(rebuilt, _areas())


def test_area_observation_refreshes_intel_and_index(user):
    from siaga.regions.models import Region

    indicator = Indicator.objects.filter(catalogue__active=True, catalogue__target="area").order_by("position")[0]
    services.observation_upsert(actor=user("admin"), indicator=indicator, region=Region.objects.get(code="74.03"),
                                value=1, source="intelkam", observed_on=date(2024, 2, 1))
    kept = _areas()
    assert kept["74.03", "pemilu"].intel is not None and kept["74.03", "pilkada"].intel == kept["74.03", "pemilu"].intel
    engine.store_province_areas("74")
    _assert_same_areas(kept, _areas())


# Valid (indicator, value) pairs, raising and lowering scores, with floors (KAM, LOK.01 rawan; LOK.04 khusus).
OBSERVATIONS = [("P24.KAM.01", v) for v in (0, 1, 2)] + [("P24.HAK.02", v) for v in (0, 10, 40)] + [
    (code, v) for code in ("P24.LOG.03", "P24.LOK.01", "P24.LOK.04", "P24.NET.01") for v in (0, 1)]
STEP = st.one_of(st.tuples(st.just("observation"), st.integers(0, 3), st.sampled_from(OBSERVATIONS)),
                 st.tuples(st.just("incident"), st.integers(0, 3), st.integers(0, 40)))


@pytest.fixture
def tps_pool():
    """Four TPS: two in one desa, one elsewhere in its kecamatan's kab/kota, one in another kab/kota."""
    first = _clean_tps("74.01")
    same_desa = Tps.objects.filter(desa_id=first.desa_id, election="pemilu").exclude(pk=first.pk).first()
    same_kab = (Tps.objects.filter(kabkota_code="74.01", election="pemilu", special=False)
                .exclude(kecamatan_code=first.kecamatan_code).order_by("code").first())
    return [first, same_desa, same_kab, _clean_tps("74.02")]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=8))
def test_single_rescores_keep_area_totals_equal_to_full_recompute(user, tps_pool, steps):
    admin = user("admin")
    with transaction.atomic():  # each example starts from the demo again
        for kind, which, arg in steps:
            tps = tps_pool[which]
            if kind == "observation":
                _obs(admin, tps, *arg)
            else:
                services.incident_recorded(actor=admin, tps=tps, at=timezone.now() - timedelta(days=arg))
        incremental = _areas()
        engine.store_province_areas("74")  # the full path's rebuild (its TPS scores: the test above)
        _assert_same_areas(incremental, _areas())
        transaction.set_rollback(True)


def test_demo_scores_every_tps_with_all_classes():
    counts = dict(TpsRisk.objects.order_by().values_list("klass").annotate(n=Count("pk")))
    assert sum(counts.values()) == Tps.objects.count() == 8154 + 4611
    assert counts[0] > counts.get(1, 0) > counts.get(2, 0) > 0 and counts[3] > 0
    province = AreaRisk.objects.get(region_id="74", election="pemilu")
    assert 0 <= province.index <= 100 and province.tps == 8154
    assert AreaRisk.objects.get(region_id="74", election="pilkada").tps == 4611
    assert ClassChange.objects.exists()
