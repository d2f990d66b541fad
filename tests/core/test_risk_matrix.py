import pytest
from hypothesis import given
from hypothesis import strategies as st

from siaga.core.risk_matrix import (Rated, RiskGradeError, level_counts, level_name, level_of_score, matrix, rank,
                                    risk_level, risk_score)

grades = st.integers(1, 5)


@pytest.mark.parametrize("likelihood, impact, score, level", [
    (1, 1, 1, "rendah"), (2, 2, 4, "rendah"), (1, 5, 5, "sedang"), (3, 3, 9, "sedang"),
    (2, 5, 10, "tinggi"), (3, 4, 12, "tinggi"), (3, 5, 15, "sangat_tinggi"), (4, 4, 16, "sangat_tinggi"),
    (5, 5, 25, "sangat_tinggi"), (4, 1, 4, "rendah"), (5, 2, 10, "tinggi"),
])
def test_hand_computed_cells(likelihood, impact, score, level):
    assert risk_score(likelihood, impact) == score
    assert risk_level(likelihood, impact) == level


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, "3", True, None])
def test_grades_outside_1_to_5_are_refused(bad):
    with pytest.raises(RiskGradeError):
        risk_score(bad, 3)
    with pytest.raises(RiskGradeError):
        risk_score(3, bad)


def test_level_names():
    assert level_name("sangat_tinggi") == "Sangat tinggi"
    assert level_name("sedang", "en") == "Medium"


def test_matrix_places_items_by_impact_row_and_likelihood_column():
    grid = matrix([Rated("a", 1, 5), Rated("b", 5, 1), Rated("c", 5, 1), Rated("d", 3, 3)])
    assert grid[0] == [1, 0, 0, 0, 0]  # impact 5
    assert grid[4] == [0, 0, 0, 0, 2]  # impact 1
    assert grid[2][2] == 1
    assert sum(map(sum, grid)) == 4


def test_rank_puts_graver_impact_first_among_equal_scores():
    items = [Rated("nuisance", 4, 2), Rated("catastrophe", 2, 4), Rated("low", 1, 1), Rated("top", 5, 5)]
    assert [r.key for r in rank(items)] == ["top", "catastrophe", "nuisance", "low"]


@given(grades, grades)
def test_score_is_symmetric_and_level_is_monotone(likelihood, impact):
    assert risk_score(likelihood, impact) == risk_score(impact, likelihood)
    order = ["rendah", "sedang", "tinggi", "sangat_tinggi"]
    if likelihood < 5:
        assert order.index(risk_level(likelihood + 1, impact)) >= order.index(risk_level(likelihood, impact))


@given(st.lists(st.tuples(grades, grades), max_size=40))
def test_counts_add_up(pairs):
    items = [Rated(i, l, m) for i, (l, m) in enumerate(pairs)]
    assert sum(level_counts(items).values()) == len(items)
    assert sum(map(sum, matrix(items))) == len(items)
    ranked = rank(items)
    assert [r.score for r in ranked] == sorted((r.score for r in items), reverse=True)


def test_every_score_has_a_level():
    for score in range(1, 26):
        assert level_of_score(score)
