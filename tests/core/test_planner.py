"""Deployment planner: hand-computed cases and properties.

Hand cases sit on the equator, where the haversine distance between two
longitudes is exactly R * dlng (R = 6371.0088 km): 0.1 deg = 11.1195 km.
They use road_factor 1 so that travel = great-circle km.
"""

import math
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.core.geo import TravelModel, haversine_km
from siaga.core.planner import (
    DEFAULT_PATTERNS,
    KHUSUS,
    KURANG_RAWAN,
    RAWAN,
    SANGAT_RAWAN,
    Assignment,
    BkoOrder,
    Pattern,
    Person,
    PlannerConfig,
    PlanningError,
    Post,
    TpsNode,
    Unit,
    group_posts,
    place_reserves,
    plan_diff,
    plan_greedy,
    plan_optimal,
    replan,
)

KM_PER_DEG = 6371.0088 * math.pi / 180  # 111.19508 km per degree of longitude at the equator
FLAT = PlannerConfig(travel=TravelModel(road_factor=1.0, sea_penalty_km=0.0))


def post(pid, lng, klass=KURANG_RAWAN, required=2, kec="74.01.01", lat=0.0, island=False):
    return Post(pid, klass, (pid,), lat, lng, kec + ".2001", kec, kec[:5], required, 2, island)


def unit(uid, kind, area, lng, available, parent=None, lat=0.0, island=False):
    return Unit(uid, f"U{uid}", kind, parent, area, lat, lng, available, island)


def tps(tid, desa, klass=KURANG_RAWAN, lat=0.0, lng=0.0, island=False):
    return TpsNode(tid, f"{desa.replace('.', '')}{tid:03d}", desa, desa[:8], desa[:5], lat, lng, klass, island)


# ---------------------------------------------------------------- geo


def test_haversine_equator_and_meridian():
    assert haversine_km(0, 0, 0, 0.1) == pytest.approx(0.1 * KM_PER_DEG, rel=1e-12)
    assert haversine_km(-4.0, 122.5, -3.0, 122.5) == pytest.approx(KM_PER_DEG, rel=1e-12)


def test_sea_penalty_only_from_mainland_to_island():
    model = TravelModel(road_factor=1.3, sea_penalty_km=50.0)
    assert model.cost_km(10.0, tps_island=True, unit_island=False) == pytest.approx(63.0)  # 10*1.3 + 50
    assert model.cost_km(10.0, tps_island=True, unit_island=True) == pytest.approx(13.0)
    assert model.cost_km(10.0, tps_island=False, unit_island=False) == pytest.approx(13.0)


# ---------------------------------------------------------------- posts


def test_group_posts_follows_pattern_per_class():
    desa = "74.01.01.2001"
    items = (
        [tps(i, desa, KURANG_RAWAN, lng=i * 0.001) for i in range(1, 11)]  # 10 -> 2 posts of 5 (max 8)
        + [tps(i, desa, RAWAN, lng=i * 0.001) for i in range(11, 14)]  # 3 -> 2 + 1 (max 2)
        + [tps(i, desa, SANGAT_RAWAN) for i in range(14, 16)]  # 2 -> 1 + 1
        + [tps(16, desa, KHUSUS)]
    )
    posts = group_posts(items)
    shape = sorted((p.klass, len(p.tps_ids), p.polri_required, p.linmas_required) for p in posts)
    assert shape == [
        (KURANG_RAWAN, 5, 2, 10),
        (KURANG_RAWAN, 5, 2, 10),
        (RAWAN, 1, 2, 2),
        (RAWAN, 2, 2, 4),
        (SANGAT_RAWAN, 1, 2, 2),
        (SANGAT_RAWAN, 1, 2, 2),
        (KHUSUS, 1, 2, 2),
    ]
    kurang = [p for p in posts if p.klass == KURANG_RAWAN]
    # TPS along a line are ordered along it, so each post is a contiguous stretch.
    assert sorted(p.tps_ids for p in kurang) == [(1, 2, 3, 4, 5), (6, 7, 8, 9, 10)]
    assert {p.id for p in posts} == {min(p.tps_ids) for p in posts}


def test_small_desa_merge_with_neighbours_only_when_allowed():
    a, b, c = "74.01.01.2001", "74.01.01.2002", "74.01.01.2003"
    items = [tps(1, a), tps(2, a), tps(3, a), tps(4, b, lng=0.01), tps(5, b, lng=0.01)]
    items += [tps(i, c, lng=0.5) for i in range(6, 10)]  # 4 TPS: meets min 4 on its own
    merged = group_posts(items)
    assert sorted(sorted(p.tps_ids) for p in merged) == [[1, 2, 3, 4, 5], [6, 7, 8, 9]]
    strict = dict(DEFAULT_PATTERNS)
    strict[KURANG_RAWAN] = Pattern(KURANG_RAWAN, 2, 8, 4, 2, allow_neighbour_desa=False)
    separate = group_posts(items, strict)
    assert sorted(sorted(p.tps_ids) for p in separate) == [[1, 2, 3], [4, 5], [6, 7, 8, 9]]


def test_island_tps_never_share_a_post_with_mainland():
    desa = "74.01.01.2001"
    posts = group_posts([tps(1, desa), tps(2, desa), tps(3, desa, island=True), tps(4, desa)])
    assert sorted((p.island, p.tps_ids) for p in posts) == [(False, (1, 2, 4)), (True, (3,))]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_group_posts_partitions_tps_within_pattern(seed, merge):
    rnd = random.Random(seed)
    patterns = {c: Pattern(c, 2, rnd.randint(1, 6), rnd.randint(1, 4), 2, merge) for c in range(4)}
    desas = [f"74.01.0{k}.200{d}" for k in (1, 2) for d in range(1, 4)]
    items = [
        tps(i, rnd.choice(desas), rnd.randint(0, 3), rnd.uniform(0, 0.1), rnd.uniform(0, 0.1), rnd.random() < 0.2)
        for i in range(1, rnd.randint(1, 60))
    ]
    posts = group_posts(items, patterns)
    by_id = {t.id: t for t in items}
    assert sorted(i for p in posts for i in p.tps_ids) == sorted(by_id)  # every TPS in exactly one post
    runs = Counter()
    for p in posts:
        members = [by_id[i] for i in p.tps_ids]
        pattern = patterns[p.klass]
        assert 1 <= len(members) <= pattern.tps_per_post_max
        assert {(t.klass, t.island, t.kecamatan) for t in members} == {(p.klass, p.island, p.kecamatan)}
        assert p.id == min(p.tps_ids) and p.desa == members[0].desa
        assert (p.polri_required, p.linmas_required) == (2, 2 * len(members))
        if not merge:
            assert {t.desa for t in members} == {p.desa}
            runs[(p.desa, p.klass, p.island)] += 1
    if not merge:  # fewest posts within the maximum size
        sizes = Counter((t.desa, t.klass, t.island) for t in items)
        assert runs == Counter({k: -(-n // patterns[k[1]].tps_per_post_max) for k, n in sizes.items()})


# ---------------------------------------------------------------- hand-computed plans


def test_optimal_beats_greedy_trap():
    # Posts A (lng 0) and B (lng 0.3); Polsek S1 at 0.1 and S2 at -0.15, one officer each.
    # Greedy: A takes nearest S1 (0.1 deg), B is left S2 (0.45 deg): 0.55 deg = 61.157 km.
    # Optimal: A <- S2 (0.15) and B <- S1 (0.2): 0.35 deg = 38.918 km.
    posts = [post(1, 0.0, required=1), post(2, 0.3, required=1)]
    units = [
        unit(10, "polres", "74.01", 5.0, 0),
        unit(11, "polsek", "74.01.01", 0.1, 1, parent=10),
        unit(12, "polsek", "74.01.01", -0.15, 1, parent=10),
    ]
    optimal, greedy = plan_optimal(posts, units, config=FLAT), plan_greedy(posts, units, FLAT)
    assert optimal.status == "OPTIMAL"
    assert optimal.assignments == [Assignment(1, 12, 1), Assignment(2, 11, 1)]
    assert greedy.assignments == [Assignment(1, 11, 1), Assignment(2, 12, 1)]
    assert optimal.total_travel_km == pytest.approx(0.35 * KM_PER_DEG, abs=0.002)
    assert greedy.total_travel_km == pytest.approx(0.55 * KM_PER_DEG, abs=0.002)


def test_own_polsek_preferred_through_penalty():
    # Post in kecamatan K1 needs 2. Own Polsek S1 at 0.1 deg (11.12 km, 2 free);
    # Polsek S2 of kecamatan K2 at 0.05 deg (5.56 km + 10 km penalty = 15.56).
    # With the penalty: 2 x S1 = 22.24 < S1 + S2 = 26.68. Without: S1 + S2 (16.68 km) wins.
    posts = [post(1, 0.0, klass=RAWAN)]
    units = [
        unit(10, "polres", "74.01", 0.2, 5),  # 22.24 + 10 = 32.24 km per officer
        unit(11, "polsek", "74.01.01", 0.1, 2, parent=10),
        unit(12, "polsek", "74.01.02", 0.05, 1, parent=10),
        unit(13, "polda", "74", 0.3, 5),  # 33.36 + 100 km BKO penalty
    ]
    with_penalty = plan_optimal(posts, units, config=FLAT)
    assert with_penalty.assignments == [Assignment(1, 11, 2)]
    assert with_penalty.total_travel_km == pytest.approx(0.2 * KM_PER_DEG, abs=0.002)
    no_penalty = PlannerConfig(travel=FLAT.travel, own_polres_penalty_km=0.0)
    without = plan_optimal(posts, units, config=no_penalty)
    assert without.assignments == [Assignment(1, 11, 1), Assignment(1, 12, 1)]
    assert without.total_travel_km == pytest.approx(0.15 * KM_PER_DEG, abs=0.002)


def test_bko_closes_polres_gap_then_shortfall_remains():
    # Kab 74.01 needs 2 + 2 = 4; its Polsek has 1 and the Polres HQ 0: the Polda sends BKO.
    posts = [post(1, 0.0), post(2, 0.01)]
    local = [unit(10, "polres", "74.01", 0.0, 0), unit(11, "polsek", "74.01.01", 0.0, 1, parent=10)]
    plan = plan_optimal(posts, local + [unit(20, "polda", "74", 1.0, 5)], config=FLAT)
    assert plan.bko == [BkoOrder(20, 10, 3)]
    assert plan.shortfall_by_unit == {}
    short = plan_optimal(posts, local + [unit(20, "polda", "74", 1.0, 1)], config=FLAT)
    assert short.bko == [BkoOrder(20, 10, 1)]
    assert short.shortfall_by_unit == {10: 2}
    s = short.summary()
    assert (s["polri_required"], s["polri_assigned"], s["shortfall"], s["bko"]) == (4, 2, 2, 1)


@pytest.mark.parametrize("planner", [plan_optimal, plan_greedy])
def test_sangat_rawan_filled_before_kurang_rawan_when_short(planner):
    # Only 2 officers, sitting right at the kurang rawan post; the sangat rawan
    # post 0.1 deg away still gets both: 2 x 11.12 = 22.24 km, kurang rawan short 2.
    posts = [post(1, 0.0, klass=KURANG_RAWAN), post(2, 0.1, klass=SANGAT_RAWAN)]
    units = [unit(10, "polres", "74.01", 0.0, 0), unit(11, "polsek", "74.01.01", 0.0, 2, parent=10)]
    plan = planner(posts, units, config=FLAT) if planner is plan_optimal else planner(posts, units, FLAT)
    assert plan.assignments == [Assignment(2, 11, 2)]
    assert plan.shortfall_by_unit == {10: 2}
    assert plan.total_travel_km == pytest.approx(0.1 * KM_PER_DEG * 2, abs=0.002)
    by_class = plan.summary()["by_class"]
    assert by_class["sangat_rawan"] == {"tps": 1, "posts": 1, "polri_required": 2, "polri_assigned": 2}
    assert by_class["kurang_rawan"]["polri_assigned"] == 0


def test_named_people_fill_posts_in_order():
    posts = [post(1, 0.0, required=2), post(2, 0.01, required=1)]
    units = [unit(10, "polres", "74.01", 0.0, 0), unit(11, "polsek", "74.01.01", 0.0, 99, parent=10)]
    people = [
        Person(5, 11),
        Person(3, 11, available=False),
        Person(4, 11, available=((8, 14),)),  # starts after the 07:00 duty start
        Person(7, 11, available=((6, 18),)),
    ]
    config = PlannerConfig(travel=FLAT.travel, duty_window=(7, 13))
    plan = plan_optimal(posts, units, persons=people, config=config)
    # Only persons 5 and 7 are available, so the named list caps the unit at 2 (not 99).
    assert plan.assignments == [Assignment(1, 11, 2)]
    assert plan.person_assignments == [(1, 5), (1, 7)]
    assert plan.shortfall_by_unit == {10: 1}


def test_missing_polres_is_reported_in_both_languages():
    with pytest.raises(PlanningError) as err:
        plan_optimal([post(1, 0.0)], [unit(11, "polsek", "74.01.01", 0.0, 2)])
    assert "74.01" in err.value.messages["id"] and "74.01" in err.value.messages["en"]


def test_diff_and_replan_touch_only_changed_province():
    posts = [post(1, 0.0), post(2, 0.0, kec="75.01.01")]
    units = [
        unit(10, "polres", "74.01", 0.0, 0),
        unit(11, "polsek", "74.01.01", 0.0, 2, parent=10),
        unit(12, "polsek", "74.01.01", 0.2, 2, parent=10),
        unit(20, "polres", "75.01", 0.0, 2),
    ]
    before = plan_optimal(posts, units, config=FLAT)
    assert before.assignments == [Assignment(1, 11, 2), Assignment(2, 20, 2)]
    units[1] = unit(11, "polsek", "74.01.01", 0.0, 1, parent=10)  # one officer falls ill
    after = replan(before, posts, units, changed_unit_ids=[11])
    assert after.parts["75"] is before.parts["75"]
    assert after.assignments == [Assignment(1, 11, 1), Assignment(1, 12, 1), Assignment(2, 20, 2)]
    assert plan_diff(before, after) == [(11, 1, None, 1), (12, None, 1, 1)]


def test_place_reserves_greedy_coverage():
    # TPS at lng 0, 0.1, 0.2 and 1.0; sites at 0.1 (reaches 0, 0.1, 0.2 within 12 km)
    # and at 1.0 (reaches only the last). k=1 picks the first; k=2 covers all.
    points = [tps(i, "74.01.01.2001", lng=x) for i, x in enumerate([0.0, 0.1, 0.2, 1.0], start=1)]
    sites = [unit(2, "brimob", "74", 1.0, 30), unit(1, "brimob", "74", 0.1, 30)]
    flat = TravelModel(road_factor=1.0, sea_penalty_km=0.0)
    one = place_reserves(points, sites, 1, 12.0, travel=flat)
    assert (one.sites, one.newly_covered, one.uncovered) == ((1,), (3,), (4,))
    two = place_reserves(points, sites, 2, 12.0, travel=flat)
    assert (two.sites, two.uncovered) == ((1, 2), ())


# ---------------------------------------------------------------- properties


@st.composite
def instances(draw, one_kecamatan=False):
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    provinces = ["74"] if one_kecamatan else ["74", "75"][: rnd.randint(1, 2)]
    kecs = []
    for prov in provinces:
        for k in range(1 if one_kecamatan else rnd.randint(1, 2)):
            for c in range(1 if one_kecamatan else rnd.randint(1, 2)):
                kecs.append(f"{prov}.{k + 1:02d}.{c + 1:02d}")
    posts = [
        post(
            pid,
            rnd.uniform(0, 0.5),
            klass=rnd.randint(0, 3),
            required=rnd.randint(0, 4),
            kec=rnd.choice(kecs),
            lat=rnd.uniform(-0.5, 0),
            island=rnd.random() < 0.2,
        )
        for pid in range(1, rnd.randint(1, 12) + 1)
    ]
    units, uid = [], 100
    for kab in sorted({k[:5] for k in kecs}):
        uid += 1
        polres = uid
        units.append(unit(uid, "polres", kab, rnd.uniform(0, 0.5), rnd.randint(0, 4)))
        for kec in (k for k in kecs if k.startswith(kab)):
            for _ in range(rnd.randint(0, 2)):
                uid += 1
                lng, cap, lat = rnd.uniform(0, 0.5), rnd.randint(0, 5), rnd.uniform(-0.5, 0)
                units.append(unit(uid, "polsek", kec, lng, cap, polres, lat, rnd.random() < 0.2))
    for prov in provinces:
        if rnd.random() < 0.7:
            uid += 1
            units.append(unit(uid, "polda", prov, rnd.uniform(0, 0.5), rnd.randint(0, 6)))
    persons, pid = [], 0
    for u in units:
        if rnd.random() < 0.3:
            for _ in range(rnd.randint(0, 4)):
                pid += 1
                avail = rnd.choice([True, False, ((0, 24),), ((9, 10),), ()])
                persons.append(Person(pid, u.id, avail))
    config = PlannerConfig(
        own_polres_penalty_km=rnd.choice([0.0, 10.0]),
        bko_penalty_km=rnd.choice([0.0, 100.0]),
        neighbour_polsek=rnd.randint(0, 3),
        duty_window=(7, 13),
    )
    return posts, units, persons, config


def capacity(units, persons, config):
    from siaga.core.planner import person_is_available

    listed = {p.unit_id for p in persons}
    ready = Counter(p.unit_id for p in persons if person_is_available(p, config.duty_window))
    return {u.id: ready[u.id] if u.id in listed else u.available for u in units}


def check_plan(plan, posts, units, persons, config):
    assigned = plan.assigned_by_post()
    missing = 0
    for p in posts:
        assert 0 <= assigned[p.id] <= p.polri_required
        missing += p.polri_required - assigned[p.id]
    assert sum(plan.shortfall_by_unit.values()) == missing  # staffed to pattern, or listed short
    given = Counter()
    for a in plan.assignments:
        assert a.count > 0
        given[a.unit_id] += a.count
    cap = capacity(units, persons, config)
    assert all(given[u] <= cap[u] for u in given)
    people = {p.id: p for p in persons}
    from siaga.core.planner import person_is_available

    ids = [pa.person_id for pa in plan.person_assignments]
    assert len(ids) == len(set(ids))  # nobody twice
    assert all(person_is_available(people[i], config.duty_window) for i in ids)
    per_unit_post = Counter((pa.post_id, people[pa.person_id].unit_id) for pa in plan.person_assignments)
    named_units = {p.unit_id for p in persons}
    expected = {(a.post_id, a.unit_id): a.count for a in plan.assignments if a.unit_id in named_units}
    assert per_unit_post == Counter(expected)


@settings(max_examples=120, deadline=None)
@given(instances())
def test_plans_are_valid_and_optimal_never_worse(instance):
    posts, units, persons, config = instance
    optimal = plan_optimal(posts, units, persons=persons, config=config)
    greedy = plan_greedy(posts, units, config, persons=persons)
    check_plan(optimal, posts, units, persons, config)
    check_plan(greedy, posts, units, persons, config)
    assert optimal.status == "OPTIMAL"
    assert optimal.total_cost <= greedy.total_cost
    assert optimal.summary()["polri_assigned"] >= greedy.summary()["polri_assigned"]
    if greedy.summary()["shortfall"] == 0 and config.own_polres_penalty_km == config.bko_penalty_km == 0:
        assert optimal.total_travel_km <= greedy.total_travel_km + 1e-9  # travel is then the objective


@settings(max_examples=60, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_deterministic_whatever_the_input_order(instance, rnd):
    posts, units, persons, config = instance
    first = plan_optimal(posts, units, persons=persons, config=config)
    shuffled = [list(x) for x in (posts, units, persons)]
    for items in shuffled:
        rnd.shuffle(items)
    again = plan_optimal(shuffled[0], shuffled[1], persons=shuffled[2], config=config)
    assert again.assignments == first.assignments
    assert again.person_assignments == first.person_assignments
    assert again.summary() == first.summary()


@settings(max_examples=60, deadline=None)
@given(instances(one_kecamatan=True))
def test_higher_class_never_short_while_lower_class_staffed(instance):
    # In one kecamatan every unit can reach every post, so priority is strict.
    posts, units, persons, config = instance
    plan = plan_optimal(posts, units, persons=persons, config=config)
    assigned = plan.assigned_by_post()
    weight = config.shortfall_weight
    short = [weight[p.klass] for p in posts if assigned[p.id] < p.polri_required]
    staffed = [weight[p.klass] for p in posts if assigned[p.id] > 0]
    if short and staffed:
        assert max(short) <= min(staffed)


@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(0, 2**16))
def test_replan_equals_full_solve_and_diff_applies(instance, seed):
    posts, units, persons, config = instance
    before = plan_optimal(posts, units, persons=persons, config=config)
    rnd = random.Random(seed)
    changed = rnd.choice(units)
    units2 = [
        Unit(**{**u.__dict__, "available": rnd.randint(0, 5)}) if u.id == changed.id else u for u in units
    ]
    persons2 = [p for p in persons if p.unit_id != changed.id]
    after = replan(before, posts, units2, persons=persons2, config=config, changed_unit_ids=[changed.id])
    full = plan_optimal(posts, units2, persons=persons2, config=config)
    assert after.assignments == full.assignments
    assert after.person_assignments == full.person_assignments
    counts = Counter({(a.unit_id, a.post_id): a.count for a in before.assignments})
    for m in plan_diff(before, after):
        if m.from_post is not None:
            counts[(m.unit_id, m.from_post)] -= m.count
        if m.to_post is not None:
            counts[(m.unit_id, m.to_post)] += m.count
    assert +counts == Counter({(a.unit_id, a.post_id): a.count for a in after.assignments})


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 4), st.floats(1.0, 30.0))
def test_reserves_cover_what_they_claim(seed, k, radius):
    rnd = random.Random(seed)
    def spot():
        return {"lat": rnd.uniform(0, 0.3), "lng": rnd.uniform(0, 0.3), "island": rnd.random() < 0.3}

    points = [tps(i, "74.01.01.2001", **spot()) for i in range(1, 30)]
    sites = [unit(100 + i, "dalmas", "74", available=30, **spot()) for i in range(6)]
    model = TravelModel()
    res = place_reserves(points, sites, k, radius, travel=model)
    assert len(res.sites) <= k and len(set(res.sites)) == len(res.sites)
    chosen = [s for s in sites if s.id in res.sites]
    reach = {
        t.id: any(model.cost_between(s.lat, s.lng, s.island, t.lat, t.lng, t.island) <= radius for s in chosen)
        for t in points
    }
    assert set(res.uncovered) == {i for i, ok in reach.items() if not ok}
    assert sum(res.newly_covered) == len(points) - len(res.uncovered)
    assert list(res.newly_covered) == sorted(res.newly_covered, reverse=True)  # greedy gains only shrink


# ---------------------------------------------------------------- objects, reserves, TNI, LP check


def lp_objective(posts, units, persons, config):
    """The same network solved as a plain LP with GLOP (an independent solver): its optimum must equal the
    min-cost flow's integer optimum, the network matrix being totally unimodular."""
    from ortools.linear_solver import pywraplp

    from siaga.core.planner import _available_people, _build_network, _by_province, _capacity, held_back

    total = 0.0
    posts_by, units_by = _by_province(posts, units, config)
    listed, ready = _available_people(persons, config.duty_window)
    for prov in sorted(posts_by):
        prov_units = units_by.get(prov, [])
        cap = {u.id: _capacity(u, listed, ready) for u in prov_units}
        cap = {u.id: cap[u.id] - (held_back(cap[u.id], config.reserve_share)
                                  if u.kind in config.reserve_kinds else 0) for u in prov_units}
        net = _build_network(prov, posts_by[prov], prov_units, cap, config)
        lp = pywraplp.Solver.CreateSolver("GLOP")
        x = [lp.NumVar(0, float(net.required[p]), f"x{a}") for a, p in enumerate(net.arc_post)]
        short = [lp.NumVar(0, float(r), f"s{p}") for p, r in enumerate(net.required)]
        for p, r in enumerate(net.required):
            lp.Add(sum(x[a] for a in range(len(x)) if net.arc_post[a] == p) + short[p] == float(r))
        for u, c in enumerate(net.capacity):
            arcs = [x[a] for a in range(len(x)) if net.arc_unit[a] == u]
            if arcs:
                lp.Add(sum(arcs) <= float(c))
        lp.Minimize(sum(float(net.arc_cost[a]) * x[a] for a in range(len(x)))
                    + sum(float(net.penalty[p]) * short[p] for p in range(len(short))))
        assert lp.Solve() == pywraplp.Solver.OPTIMAL
        total += lp.Objective().Value()
    return total


def object_post(pid, lng, kind, klass=RAWAN, required=3, kab="74.01", lat=0.0):
    return Post(pid, klass, (), lat, lng, "", "", kab, required, 0, False, kind)


@settings(max_examples=40, deadline=None)
@given(instances(), st.integers(0, 2**16), st.sampled_from([0.0, 0.5, 1.0]))
def test_objects_and_reserves_plan_is_lp_optimal(instance, seed, share):
    posts, units, persons, config = instance
    rnd = random.Random(seed)
    kabs = sorted({p.kabkota for p in posts})
    posts = posts + [object_post(-i, rnd.uniform(0, 0.5), rnd.choice(["kantor_kpu", "gudang_logistik"]),
                                 rnd.randint(0, 3), rnd.randint(0, 4), rnd.choice(kabs), rnd.uniform(-0.5, 0))
                     for i in range(1, rnd.randint(0, 4) + 1)]
    provinces = sorted({p.province for p in posts})
    units = units + [unit(900 + i, rnd.choice(["brimob", "dalmas"]), prov, rnd.uniform(0, 0.5), rnd.randint(0, 6))
                     for i, prov in enumerate(provinces)]
    config = PlannerConfig(**{**config.__dict__, "reserve_share": share})
    plan = plan_optimal(posts, units, persons=persons, config=config)
    assert abs(plan.total_cost - lp_objective(posts, units, persons, config)) < 1e-6 * max(1, plan.total_cost)
    given_by = Counter()
    for a in plan.assignments:
        given_by[a.unit_id] += a.count
    for u in units:
        if u.kind in ("brimob", "dalmas"):
            held = plan.reserve.get(u.id, 0)
            assert held == math.ceil(u.available * share - 1e-9)
            assert given_by[u.id] <= u.available - held
    summary = plan.summary()
    assert sum(summary["posts_by_kind"].values()) == len(posts)
    assert summary["reserve"] == sum(plan.reserve.values())


def test_object_post_staffed_with_reserve_held_back():
    # One KPU office 11.12 km from the Polres (2 people) and a Brimob unit of 5 at 0 km; share 0.6 holds
    # back ceil(3.0) = 3, so Brimob sends 2 as BKO to close the gap of 2 the Polres cannot.
    config = PlannerConfig(**{**FLAT.__dict__, "reserve_share": 0.6})
    kpu = object_post(-1, 0.1, "kantor_kpu", required=4)
    units = [unit(1, "polres", "74.01", 0.1, 2), unit(2, "brimob", "74", 0.0, 5)]
    plan = plan_optimal([kpu], units, config=config)
    assert sorted(plan.assignments) == [Assignment(-1, 1, 2), Assignment(-1, 2, 2)]
    assert plan.reserve == {2: 3}
    assert plan.bko == [BkoOrder(2, 1, 2)]
    assert plan.summary()["posts_by_kind"] == {"kantor_kpu": 1}
    assert plan.summary()["reserve"] == 3


def test_tni_goes_to_posts_asking_least_travel_first():
    from siaga.core.planner import assign_support

    near, far, none = post(1, 0.1), post(2, 0.5), post(3, 0.2)
    tni = [unit(50, "tni", "74", 0.0, 3)]
    result = assign_support([near, far, none], {1: 2, 2: 2}, tni, TravelModel(road_factor=1.0, sea_penalty_km=0.0))
    # 3 people for 4 asked: both to the near post, one to the far one; one missing.
    assert result.assignments == (Assignment(1, 50, 2), Assignment(2, 50, 1))
    assert result.shortfall == 1
    assert result.travel_m == 2 * round(0.1 * KM_PER_DEG * 1000) + round(0.5 * KM_PER_DEG * 1000)
