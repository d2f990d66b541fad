import math
import re
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.core.catalogues import (
    BAWASLU_PEMILU_2024,
    BAWASLU_PILKADA_2024,
    CATALOGUES,
    DEFAULT_RULES,
    INTELKAM_AREA,
    VARIABLES,
)
from siaga.core.siaga_index import siaga_level
from siaga.core.scoring import (
    CLASS_NAMES,
    KHUSUS,
    KURANG_RAWAN,
    RAWAN,
    SANGAT_RAWAN,
    AreaWeights,
    Bands,
    Catalogue,
    ClassRules,
    Indicator,
    area_index,
    area_index_bulk,
    area_index_levels,
    band,
    score_areas_bulk,
    score_bulk,
    score_tps,
    special_tps,
)

ON = date(2024, 11, 27)  # Pilkada 2024 voting day

# Small catalogue with round numbers, total weight 10.
TOY = Catalogue("TOY", "1", "tps", (
    Indicator("A", "V1", "a", "a", 4.0, "bool"),
    Indicator("B", "V1", "b", "b", 3.0, "count", 10.0),
    Indicator("C", "V2", "c", "c", 2.0, "share", 0.5, floor_class=SANGAT_RAWAN),
    Indicator("D", "V2", "d", "d", 1.0, "bool", floor_class=RAWAN),
))
TOY_RULES = ClassRules(rawan_min=20.0, sangat_rawan_min=50.0, incident_raise_days=7, incident_raise_by=1)


def toy(values, *, special=False, last_incident=None, rules=TOY_RULES):
    return score_tps(values, TOY, rules, special=special, last_incident=last_incident, on=ON)


# --- reference cases --------------------------------------------------------

def test_reference_sum_and_normalisation():
    # A: 4 x 1 = 4; B: 3 x min(5/10, 1) = 1.5; total 5.5 of 10 -> 55 >= 50: sangat rawan
    result = toy({"A": 1, "B": 5})
    assert result.score == pytest.approx(55.0)
    assert result.klass == SANGAT_RAWAN and result.class_name == "sangat_rawan"
    assert result.contributions == (("A", 4.0), ("B", 1.5))
    assert result.reasons == ()


def test_count_saturates():
    # B: 3 x min(20/10, 1) = 3 -> 30: rawan (20 <= 30 < 50)
    result = toy({"B": 20})
    assert result.score == pytest.approx(30.0)
    assert result.klass == RAWAN


def test_threshold_value_belongs_to_upper_class():
    # B: 3 x 6.666../10 = 2 -> exactly 20 = rawan_min
    rules = ClassRules(rawan_min=30.0, sangat_rawan_min=50.0, incident_raise_days=7, incident_raise_by=1)
    assert toy({"B": 10}, rules=rules).klass == RAWAN  # score 30 == rawan_min
    assert toy({"B": 9.99}, rules=rules).klass == KURANG_RAWAN  # 29.97


def test_floor_lifts_a_light_score():
    # D: 1 x 1 = 1 -> score 10 < 20, but D floors at rawan
    result = toy({"D": 1})
    assert result.score == pytest.approx(10.0)
    assert result.klass == RAWAN
    assert result.reasons == ("floor:D",)
    # C: 2 x (0.1 / 0.5) = 0.4 -> score 4, floor sangat rawan
    result = toy({"C": 0.1, "D": 1})
    assert result.score == pytest.approx(14.0)
    assert result.klass == SANGAT_RAWAN
    assert result.reasons == ("floor:C", "floor:D")


def test_floor_below_score_class_is_not_a_reason():
    # A + B saturated + D: 4 + 3 + 1 = 8 -> 80 sangat rawan already; D's floor changes nothing
    result = toy({"A": 1, "B": 50, "D": 1})
    assert result.klass == SANGAT_RAWAN
    assert result.reasons == ()


def test_zero_value_is_absent():
    result = toy({"A": 0, "C": 0, "D": 0})
    assert result.score == 0.0 and result.klass == KURANG_RAWAN
    assert result.contributions == () and result.reasons == ()


@pytest.mark.parametrize(
    ("days_before", "expected"),
    [(0, RAWAN), (1, RAWAN), (7, RAWAN), (8, KURANG_RAWAN), (-1, KURANG_RAWAN)],
)
def test_incident_window_boundaries(days_before, expected):
    # B: 3 x 0.5 = 1.5 -> 15: kurang rawan; window is 7 days, inclusive, never the future
    result = toy({"B": 5}, last_incident=ON - timedelta(days=days_before))
    assert result.klass == expected
    assert ("incident" in result.reasons) == (expected == RAWAN)


def test_incident_raise_is_capped_and_khusus_stays():
    rules = ClassRules(rawan_min=20.0, sangat_rawan_min=50.0, incident_raise_days=7, incident_raise_by=2)
    yesterday = ON - timedelta(days=1)
    assert toy({}, rules=rules, last_incident=yesterday).klass == SANGAT_RAWAN  # 0 + 2
    assert toy({"B": 20}, rules=rules, last_incident=yesterday).klass == SANGAT_RAWAN  # 1 + 2 capped
    capped = toy({"A": 1, "B": 5}, rules=rules, last_incident=yesterday)  # already sangat rawan
    assert capped.klass == SANGAT_RAWAN and "incident" not in capped.reasons
    special = toy({}, rules=rules, last_incident=yesterday, special=True)
    assert special.klass == KHUSUS and special.reasons == ("special",)


def test_special_is_always_khusus():
    result = toy({"A": 1, "B": 50, "C": 1, "D": 1}, special=True)
    assert result.score == pytest.approx(100.0)
    assert result.klass == KHUSUS and result.reasons[-1] == "special"


def test_contribution_ties_keep_catalogue_order():
    cat = Catalogue("T", "1", "tps", (
        Indicator("X", "V", "x", "x", 2.0, "bool"),
        Indicator("Y", "V", "y", "y", 2.0, "bool"),
        Indicator("Z", "V", "z", "z", 3.0, "bool"),
    ))
    result = score_tps({"Y": 1, "X": 1, "Z": 1}, cat, TOY_RULES, special=False, last_incident=None, on=ON)
    assert result.contributions == (("Z", 3.0), ("X", 2.0), ("Y", 2.0))


def test_real_catalogue_sultra_typical_tps():
    # Pilkada 2024 TPS flagged for the voter list only (the common Sultra case):
    # disabled 5 -> 0.5 x 5/10 = 0.25; DPTb 20 -> 1 x 1 = 1; ineligible 3 -> 1 x 3/10 = 0.3
    # total 1.55 of 58.5 -> 2.6496 -> kurang rawan
    values = {"K24.HAK.02": 5, "K24.HAK.03": 20, "K24.HAK.01": 3}
    result = score_tps(values, BAWASLU_PILKADA_2024, DEFAULT_RULES, special=False, last_incident=None, on=ON)
    assert result.score == pytest.approx(1.55 / 58.5 * 100)
    assert result.klass == KURANG_RAWAN
    assert [code for code, _ in result.contributions] == ["K24.HAK.03", "K24.HAK.01", "K24.HAK.02"]


def test_real_catalogue_floors():
    # one past PSU: 5 / 58.5 -> 8.55, below 10 but floored at rawan
    psu = score_tps({"K24.HAK.06": 1}, BAWASLU_PILKADA_2024, DEFAULT_RULES,
                    special=False, last_incident=None, on=ON)
    assert psu.klass == RAWAN and psu.reasons == ("floor:K24.HAK.06",)
    refusal = score_tps({"K24.KAM.03": 1}, BAWASLU_PILKADA_2024, DEFAULT_RULES,
                        special=False, last_incident=None, on=ON)
    assert refusal.klass == SANGAT_RAWAN
    site = score_tps({"P24.LOK.06": 1}, BAWASLU_PEMILU_2024, DEFAULT_RULES,
                     special=False, last_incident=ON, on=ON)
    assert site.klass == KHUSUS and site.reasons == ("floor:P24.LOK.06",)


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        toy({"NOPE": 1})
    with pytest.raises(ValueError):
        toy({"B": -1})
    with pytest.raises(ValueError):
        toy({"B": math.nan})
    with pytest.raises(ValueError):
        Indicator("X", "V", "x", "x", 1.0, "ratio")
    with pytest.raises(ValueError):
        Indicator("X", "V", "x", "x", 1.0, "count", 0.0)
    with pytest.raises(ValueError):
        ClassRules(rawan_min=50, sangat_rawan_min=20, incident_raise_days=1, incident_raise_by=1)
    with pytest.raises(ValueError):  # nothing observed must stay kurang rawan
        ClassRules(rawan_min=0, sangat_rawan_min=20, incident_raise_days=1, incident_raise_by=1)
    with pytest.raises(ValueError):
        Catalogue("T", "1", "tps", (Indicator("X", "V", "x", "x", 1.0, "bool"),) * 2)
    with pytest.raises(ValueError):
        score_bulk(2, np.array([2]), np.array([0]), np.array([1.0]), TOY, TOY_RULES,
                   special=np.zeros(2, bool), days_since_incident=np.full(2, np.inf))


def test_bulk_reference_and_duplicates():
    # TPS 0: A and B=5 -> 55 sangat rawan, top A; TPS 1: B twice (2 and 20), the max counts -> 30 rawan
    # TPS 2: nothing but special; TPS 3: nothing, incident 7 days ago -> rawan; TPS 4: nothing
    result = score_bulk(
        5,
        np.array([0, 0, 1, 1]),
        np.array([0, 1, 1, 1]),
        np.array([1.0, 5.0, 2.0, 20.0]),
        TOY, TOY_RULES,
        special=np.array([False, False, True, False, False]),
        days_since_incident=np.array([np.inf, np.inf, np.inf, 7.0, 8.0]),
    )
    np.testing.assert_allclose(result.score, [55.0, 30.0, 0.0, 0.0, 0.0])
    assert result.klass.tolist() == [SANGAT_RAWAN, RAWAN, KHUSUS, RAWAN, KURANG_RAWAN]
    assert result.top_indicator.tolist() == [0, 1, -1, -1, -1]
    assert result.klass.dtype == np.int8


# --- catalogues -------------------------------------------------------------

def test_catalogue_sizes_match_bawaslu():
    assert (len(BAWASLU_PEMILU_2024.variables), len(BAWASLU_PEMILU_2024.indicators)) == (7, 22)
    assert (len(BAWASLU_PILKADA_2024.variables), len(BAWASLU_PILKADA_2024.indicators)) == (8, 25)
    assert INTELKAM_AREA.variables == ("PEN", "PES", "PAR", "PGK", "AMB")
    assert INTELKAM_AREA.target == "area"
    for dimension in INTELKAM_AREA.variables:
        assert sum(i.variable == dimension for i in INTELKAM_AREA.indicators) >= 2


def test_catalogue_contents():
    # Pilkada 2024 split money politics and SARA into variables of their own
    assert {"PU", "SARA"} <= set(BAWASLU_PILKADA_2024.variables)
    assert "PU" not in BAWASLU_PEMILU_2024.variables
    codes = set()
    for catalogue in CATALOGUES.values():
        for ind in catalogue.indicators:
            assert re.fullmatch(r"(P24|K24|RP24|RK24|INT)\.[A-Z]+\.\d{2}", ind.code)
            assert ind.code.split(".")[1] == ind.variable and ind.variable in VARIABLES
            assert ind.name_id and ind.name_en and ind.name_id != ind.name_en
            assert catalogue.position(ind.code) == catalogue.indicators.index(ind)
            codes.add(ind.code)
        if catalogue.target == "area":
            assert all(i.floor_class is None for i in catalogue.indicators)
    assert len(codes) == 22 + 25 + 6 + 6 + len(INTELKAM_AREA.indicators)


def test_weights_follow_the_rationale():
    weight = {i.code: i.weight for i in BAWASLU_PILKADA_2024.indicators}
    heavy = ["K24.KAM.01", "K24.KAM.02", "K24.HAK.06", "K24.SARA.01", "K24.PU.01"]
    light = ["K24.HAK.01", "K24.HAK.02", "K24.HAK.03", "K24.HAK.04"]
    assert min(weight[c] for c in heavy) > max(weight[c] for c in light)


# --- area index and bands ---------------------------------------------------

def test_area_index_reference():
    # mean 20, share rawan-or-worse 1/2 -> (0.4 x 20 + 0.3 x 50) / 0.7 = 23 / 0.7
    assert area_index([10.0, 30.0], [KURANG_RAWAN, RAWAN]) == pytest.approx(23 / 0.7)
    # with intel 60: (8 + 15 + 0.3 x 60) / 1.0 = 41
    assert area_index([10.0, 30.0], [KURANG_RAWAN, RAWAN], intel=60.0) == pytest.approx(41.0)
    assert area_index([], [], intel=50.0) == pytest.approx(50.0)
    assert area_index([], []) == 0.0
    # khusus counts as rawan or worse
    assert area_index([0.0], [KHUSUS], weights=AreaWeights(0.0, 1.0, 0.0)) == pytest.approx(100.0)


def test_area_index_bulk_and_levels():
    tps_desa = np.array([0, 0, 1, 2])
    desa_kec = np.array([0, 0, 1])
    scores = np.array([10.0, 30.0, 80.0, 0.0])
    klass = np.array([KURANG_RAWAN, RAWAN, SANGAT_RAWAN, KHUSUS])
    intel_desa = np.array([60.0, np.nan, np.nan, 20.0])  # desa 3 has no TPS
    desa = area_index_bulk(tps_desa, 4, scores, klass, intel=intel_desa)
    # desa 1: (0.4 x 80 + 0.3 x 100) / 0.7; desa 2: (0 + 30) / 0.7; desa 3: intel only
    np.testing.assert_allclose(desa, [41.0, 62 / 0.7, 30 / 0.7, 20.0])
    levels = area_index_levels(
        {"desa": (tps_desa, 4), "kecamatan": (desa_kec[tps_desa], 2)}, scores, klass,
        intel={"desa": intel_desa},
    )
    np.testing.assert_allclose(levels["desa"], desa)
    # kecamatan 0 (TPS 0-2): mean 40, share 2/3 -> (16 + 20) / 0.7; kecamatan 1 (TPS 3): (0 + 30) / 0.7
    np.testing.assert_allclose(levels["kecamatan"], [36 / 0.7, 30 / 0.7])


def test_score_areas_bulk_marks_unassessed():
    # area 0: PGK.02 tension (4) -> 4/52*100; area 1: one zero row (assessed, nothing found); area 2: none
    pos = INTELKAM_AREA.position("INT.PGK.02")
    result = score_areas_bulk(3, np.array([0, 1]), np.array([pos, pos]), np.array([1.0, 0.0]), INTELKAM_AREA)
    assert result[0] == pytest.approx(4 / INTELKAM_AREA.total_weight * 100)
    assert result[1] == 0.0 and math.isnan(result[2])


@pytest.mark.parametrize(
    ("index", "expected"),
    [(0.0, 0), (9.99, 0), (10.0, 1), (29.99, 1), (30.0, 2), (100.0, 2)],
)
def test_siaga_level_boundaries(index, expected):
    """Siaga's own scale (core.siaga_index): a threshold value belongs to the level above."""
    assert siaga_level(index) == expected


def test_band_arrays_and_custom_bands():
    assert band(np.array([5.0, 50.0, 90.0]), Bands(high_min=80, medium_min=40)).tolist() == [0, 1, 2]
    with pytest.raises(ValueError):
        Bands(high_min=10, medium_min=20)


def test_special_tps_mask():
    mask = special_tps(np.array([1, 899, 900, 999, 5]), flagged=np.array([False, False, False, False, True]))
    assert mask.tolist() == [False, False, True, True, True]


# --- properties -------------------------------------------------------------

@st.composite
def catalogues(draw):
    n = draw(st.integers(1, 6))
    indicators = tuple(
        Indicator(
            f"I{j}", "V", "i", "i",
            weight=draw(st.floats(0.0, 10.0)),
            kind=draw(st.sampled_from(["bool", "count", "share"])),
            saturation=draw(st.floats(0.01, 100.0)),
            floor_class=draw(st.sampled_from([None, None, RAWAN, SANGAT_RAWAN, KHUSUS])),
        )
        for j in range(n)
    )
    if sum(i.weight for i in indicators) <= 0:
        indicators = (Indicator("W", "V", "w", "w", 1.0, "bool"),) + indicators
    return Catalogue("RND", "1", "tps", indicators)


@st.composite
def rules(draw):
    low = draw(st.floats(0.0, 100.0, exclude_min=True))
    return ClassRules(
        rawan_min=low,
        sangat_rawan_min=draw(st.floats(low, 100.0)),
        incident_raise_days=draw(st.integers(0, 30)),
        incident_raise_by=draw(st.integers(0, 3)),
    )


values_st = st.floats(0.0, 1e6, allow_nan=False)
days_st = st.one_of(st.just(math.inf), st.integers(-3, 40).map(float))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), catalogue=catalogues(), class_rules=rules())
def test_bulk_equals_single(data, catalogue, class_rules):
    n_tps = data.draw(st.integers(1, 12))
    n_ind = len(catalogue.indicators)
    obs = data.draw(st.lists(st.tuples(st.integers(0, n_tps - 1), st.integers(0, n_ind - 1), values_st), max_size=40))
    special = data.draw(st.lists(st.booleans(), min_size=n_tps, max_size=n_tps))
    days = data.draw(st.lists(days_st, min_size=n_tps, max_size=n_tps))
    bulk = score_bulk(
        n_tps,
        np.array([o[0] for o in obs], dtype=np.int64),
        np.array([o[1] for o in obs], dtype=np.int64),
        np.array([o[2] for o in obs], dtype=np.float64),
        catalogue, class_rules,
        special=np.array(special), days_since_incident=np.array(days),
    )
    for t in range(n_tps):
        values = {}
        for tps, ind, value in obs:  # repeated observations: the largest value counts
            if tps == t:
                code = catalogue.indicators[ind].code
                values[code] = max(values.get(code, 0.0), value)
        last = None if math.isinf(days[t]) else ON - timedelta(days=int(days[t]))
        single = score_tps(values, catalogue, class_rules, special=special[t], last_incident=last, on=ON)
        assert bulk.score[t] == single.score  # exact, not approximate
        assert bulk.klass[t] == single.klass
        top = catalogue.position(single.contributions[0][0]) if single.contributions else -1
        assert bulk.top_indicator[t] == top


@settings(max_examples=200, deadline=None)
@given(data=st.data(), catalogue=catalogues(), class_rules=rules(),
       special=st.booleans(), days=days_st)
def test_more_risk_never_lowers_score_or_class(data, catalogue, class_rules, special, days):
    codes = [i.code for i in catalogue.indicators]
    values = data.draw(st.dictionaries(st.sampled_from(codes), values_st))
    code = data.draw(st.sampled_from(codes))
    raised = dict(values)
    raised[code] = values.get(code, 0.0) + data.draw(st.floats(0.0, 1e6))
    last = None if math.isinf(days) else ON - timedelta(days=int(days))
    before = score_tps(values, catalogue, class_rules, special=special, last_incident=last, on=ON)
    after = score_tps(raised, catalogue, class_rules, special=special, last_incident=last, on=ON)
    assert 0.0 <= before.score <= after.score <= 100.0
    assert before.klass <= after.klass


@settings(max_examples=100, deadline=None)
@given(catalogue=catalogues(), class_rules=rules(), special=st.booleans())
def test_no_observations_is_kurang_rawan_unless_special(catalogue, class_rules, special):
    result = score_tps({}, catalogue, class_rules, special=special, last_incident=None, on=ON)
    assert result.score == 0.0 and result.contributions == ()
    assert CLASS_NAMES[result.klass] == ("khusus" if special else "kurang_rawan")


scores_st = st.lists(st.tuples(st.floats(0.0, 100.0), st.integers(0, 3)), max_size=15)
intel_st = st.one_of(st.none(), st.floats(0.0, 100.0))
weights_st = st.builds(AreaWeights, st.floats(0.0, 5.0), st.floats(0.0, 5.0), st.floats(0.1, 5.0))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), members=scores_st, intel=intel_st, weights=weights_st)
def test_area_index_bounded_and_monotone(data, members, intel, weights):
    scores = [s for s, _ in members]
    classes = [c for _, c in members]
    base = area_index(scores, classes, intel=intel, weights=weights)
    assert 0.0 <= base <= 100.0
    if members:
        k = data.draw(st.integers(0, len(members) - 1))
        more_scores = list(scores)
        more_scores[k] = data.draw(st.floats(scores[k], 100.0))
        more_classes = list(classes)
        more_classes[k] = data.draw(st.integers(classes[k], 3))
        assert area_index(more_scores, classes, intel=intel, weights=weights) >= base
        assert area_index(scores, more_classes, intel=intel, weights=weights) >= base
    if intel is not None:
        higher = data.draw(st.floats(intel, 100.0))
        assert area_index(scores, classes, intel=higher, weights=weights) >= base
