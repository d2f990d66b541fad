"""Plans per election with guarded objects, reserves, TNI and Linmas; nothing silently dropped."""

import json
import math

import pytest

from siaga.deployment import services
from siaga.deployment.models import GuardObject, Unit
from siaga.regions.models import Region, Tps

KOLAKA = "74.01"
MUNA = "74.03"


def _compute(admin, area, election, **extra):
    computed, _, _ = services.plan_compute(viewer=admin, area=area, election=election, incremental=False,
                                           operation=None if election == "pemilu" else
                                           "Operasi Mantap Praja Anoa 2024", **extra)
    return computed


def _check_accounting(summary):
    assert summary["tps_covered"] + len(summary["tps_uncovered"]) == summary["tps_total"]
    codes = [u["code"] for u in summary["tps_uncovered"]]
    assert len(codes) == len(set(codes))


@pytest.mark.django_db
@pytest.mark.parametrize("election", ["pemilu", "pilkada"])
def test_plan_reads_only_its_elections_tps(user, election):
    admin = user("admin")
    computed = _compute(admin, KOLAKA, election)
    ids = {t for p in computed.plan.posts for t in p.tps_ids}
    own = set(Tps.objects.filter(kabkota_code=KOLAKA, election=election).values_list("pk", flat=True))
    other = set(Tps.objects.filter(kabkota_code=KOLAKA).exclude(election=election).values_list("pk", flat=True))
    assert ids and ids <= own and not ids & other  # a Pemilu TPS is never counted in a Pilkada plan
    summary = computed.summary()
    assert summary["election"] == election
    assert summary["tps_total"] == len(own)
    _check_accounting(summary)


@pytest.mark.django_db
def test_demo_election_totals():
    assert Tps.objects.filter(province_code="74", election="pemilu").count() == 8154
    assert Tps.objects.filter(province_code="74", election="pilkada").count() == 4611
    for election, limit in (("pemilu", 300), ("pilkada", 600)):
        assert not Tps.objects.filter(election=election, voters__gt=limit).exists()


@pytest.mark.django_db
def test_objects_are_posts_and_reserves_held_back(user):
    admin = user("admin")
    computed = _compute(admin, "74", "pilkada")
    summary = computed.summary()
    kinds = summary["posts_by_kind"]
    n_kab = Region.objects.filter(level=2, code__startswith="74.").count()
    n_kec = Region.objects.filter(level=3, code__startswith="74.").count()
    assert kinds["kantor_kpu"] == kinds["kantor_bawaslu"] == n_kab + 1
    assert kinds["ppk_rekap"] == n_kec and kinds["gudang_logistik"] == n_kab
    assert kinds["kampanye"] >= 1 and kinds["pengawalan_paslon"] == 4
    assert sum(kinds.values()) == summary["posts"]
    assigned = computed.plan.assigned_by_post()
    objects = [p for p in computed.plan.posts if p.kind != "tps"]
    assert objects and all(not p.tps_ids for p in objects)
    assert sum(assigned[p.id] for p in objects) > 0
    # Reserve: half of each Brimob/Dalmas unit, rounded up, and never sent to a post.
    reserves = Unit.objects.filter(province_code="74", kind__in=("brimob", "dalmas"))
    held = {u.pk: math.ceil(u.available * 0.5) for u in reserves}
    assert summary["reserve"] == sum(held.values()) > 0
    sent = {}
    for a in computed.plan.assignments:
        sent[a.unit_id] = sent.get(a.unit_id, 0) + a.count
    assert all(sent.get(pk, 0) <= u.available - held[pk] for pk, u in ((u.pk, u) for u in reserves))
    # polri_assigned counts BKO too.
    assert summary["polri_assigned"] == sum(a.count for a in computed.plan.assignments)
    assert summary["polri_assigned"] + summary["shortfall"] == summary["polri_required"]
    _check_accounting(summary)


@pytest.mark.django_db
def test_pemilu_plan_has_no_pilkada_only_objects(user):
    summary = _compute(user("admin"), "74", "pemilu").summary()
    assert "kampanye" not in summary["posts_by_kind"] and "pengawalan_paslon" not in summary["posts_by_kind"]


@pytest.mark.django_db
def test_tni_sent_where_the_pattern_asks(user):
    # KPU Muna is sangat rawan (a riot in 2024): its pattern asks 2 TNI; rawan/kurang rawan objects none.
    computed = _compute(user("admin"), MUNA, "pilkada")
    kpu = next(p for p in computed.plan.posts if p.kind == "kantor_kpu")
    assert computed.tni_demand[kpu.id] == 2
    summary = computed.summary()
    assert summary["tni_required"] == sum(computed.tni_demand.values())
    assert summary["tni_assigned"] == summary["tni_required"]  # the Korem has people enough
    assert sum(a.count for a in computed.tni.assignments if a.post_id == kpu.id) == 2


@pytest.mark.django_db
def test_tps_without_coordinates_is_planned_at_its_desa(user):
    admin = user("admin")
    tps = Tps.objects.filter(kabkota_code=KOLAKA, election="pilkada").exclude(lat=None).order_by("code").first()
    Tps.objects.filter(pk=tps.pk).update(lat=None, lng=None)
    summary = _compute(admin, KOLAKA, "pilkada").summary()
    assert {"code": tps.code, "at": tps.desa_id} in summary["located_at_desa"]
    _check_accounting(summary)
    # With no point for the desa, its kecamatan or kab/kota, the TPS is listed as uncovered, not dropped.
    Region.objects.filter(code__in=[tps.desa_id, tps.kecamatan_code, tps.kabkota_code]).update(lat=None, lng=None)
    summary = _compute(admin, KOLAKA, "pilkada").summary()
    assert {"code": tps.code, "reason": "no_location"} in summary["tps_uncovered"]
    _check_accounting(summary)


@pytest.mark.django_db
def test_uncovered_tps_listed_with_reason_when_units_are_empty(user):
    admin = user("admin")
    units = Unit.objects.filter(area_code__startswith=MUNA, kind__in=("polres", "polsek"))
    assert not units.filter(personnel__isnull=False).exists()  # counts, no roster: strengths decide
    computed = _compute(admin, MUNA, "pilkada", strengths={u.pk: 0 for u in units})
    summary = computed.summary()
    assert summary["tps_covered"] == 0 < summary["tps_total"]
    assert {u["reason"] for u in summary["tps_uncovered"]} == {"short_staffed"}
    _check_accounting(summary)


@pytest.mark.django_db
def test_linmas_from_the_desa_roster(user):
    admin = user("admin")
    before = _compute(admin, KOLAKA, "pilkada").summary()
    desa = Tps.objects.filter(kabkota_code=KOLAKA, election="pilkada").values_list("desa_id", flat=True).first()
    n_tps = Tps.objects.filter(desa_id=desa, election="pilkada").count()
    services.linmas_roster_set(actor=admin, counts={desa: 1})
    after = _compute(admin, KOLAKA, "pilkada").summary()
    assert after["linmas_roster_desa"] == 1
    assert after["linmas_required"] == before["linmas_required"]
    assert after["linmas_assigned"] == before["linmas_assigned"] - (2 * n_tps - 1)


@pytest.mark.django_db
def test_stored_plan_keeps_election_objects_and_counts(user):
    admin = user("admin")
    plan = services.plan_generate(actor=admin, area=MUNA, election="pilkada",
                                  operation="Operasi Mantap Praja Anoa 2024", operation_id=7)
    assert (plan.election, plan.operation_id) == ("pilkada", 7)
    kinds = set(plan.posts.values_list("kind", flat=True))
    assert {"tps", "kantor_kpu", "ppk_rekap"} <= kinds
    kpu = plan.posts.get(kind="kantor_kpu")
    assert kpu.name.startswith("Kantor KPU ")
    assert kpu.tni_assigned == kpu.tni_required == 2
    assert plan.summary["tps_total"] == Tps.objects.filter(kabkota_code=MUNA, election="pilkada").count()
    json.dumps(plan.summary)  # stored as JSON


@pytest.mark.django_db
def test_guard_object_is_audited_and_scoped(user):
    from siaga.accounts.models import AuditLog

    obj = services.guard_object_upsert(actor=user("admin"), code="OV-1", kind="objek_vital", name="PLTU Nii Tanasa",
                                       area_code="74.02", kabkota_code="74.02", lat=-3.9, lng=122.4, klass=1)
    assert GuardObject.objects.get(code="OV-1").province_code == "74"
    assert AuditLog.objects.filter(action="guard_object.upsert", object_id="OV-1").exists()
    with pytest.raises(Exception):
        services.guard_object_upsert(actor=user("polres.kolaka"), code="OV-2", kind="objek_vital", name="x",
                                     area_code="74.02", kabkota_code="74.02", lat=0, lng=0)
    assert obj.pk


def _pairs(plan_or_computed):
    from siaga.deployment.models import PlanAssignment

    if hasattr(plan_or_computed, "plan"):
        return sorted((a.post_id, a.unit_id, a.count) for a in plan_or_computed.plan.assignments)
    return sorted(PlanAssignment.objects.filter(plan=plan_or_computed).values_list("post__key", "unit_id", "count"))


@pytest.mark.django_db
def test_replan_after_registry_or_object_change_equals_a_full_plan(user):
    admin = user("admin")
    options = dict(area=MUNA, election="pilkada", operation="Operasi Mantap Praja Anoa 2024")
    first = services.plan_generate(actor=admin, incremental=False, **options)
    # A new guarded object and a TPS that lost its coordinates: both change the posts.
    services.guard_object_upsert(actor=admin, code="OV-MUNA", kind="gudang_logistik", name="Gudang tambahan",
                                 area_code=MUNA, kabkota_code=MUNA, lat=-4.85, lng=122.7, klass=2)
    tps = Tps.objects.filter(kabkota_code=MUNA, election="pilkada").exclude(lat=None).order_by("code").last()
    Tps.objects.filter(pk=tps.pk).update(lat=None, lng=None)
    again = services.plan_generate(actor=admin, **options)
    full, _, _ = services.plan_compute(viewer=admin, incremental=False, **options)
    assert again.previous_id == first.pk
    assert _pairs(again) == _pairs(full)
    assert again.summary["posts_by_kind"]["gudang_logistik"] == first.summary["posts_by_kind"]["gudang_logistik"] + 1
    assert again.summary["tps_total"] == first.summary["tps_total"]
    assert tps.code in {x["code"] for x in again.summary["located_at_desa"]}
