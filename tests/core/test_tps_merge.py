"""Deriving the Pilkada TPS set from the Pemilu one (merge within a desa up to the voter limit)."""

from collections import Counter, defaultdict
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.core.tps_merge import merge_in_order, merge_tps, split_to_target
from siaga.core.tpsgen import GeneratedTps

voter_lists = st.lists(st.integers(0, 400), max_size=40)


@cache
def fewest_groups(voters: tuple[int, ...], limit: int) -> int:
    """Fewest consecutive groups by exhaustive recursion (independent of next-fit)."""
    if not voters:
        return 0
    best, total = None, 0
    for k in range(1, len(voters) + 1):
        total += voters[k - 1]
        if k > 1 and total > limit:
            break
        n = 1 + fewest_groups(voters[k:], limit)
        best = n if best is None else min(best, n)
    return best


@given(voter_lists, st.integers(1, 700))
def test_merge_conserves_respects_limit_and_order(voters, limit):
    groups = merge_in_order(voters, limit)
    assert [i for g in groups for i in g] == list(range(len(voters)))  # every TPS once, in order
    for g in groups:
        assert sum(voters[i] for i in g) <= limit or len(g) == 1


@settings(max_examples=200)
@given(st.lists(st.integers(0, 400), max_size=12), st.integers(1, 700))
def test_merge_count_is_minimal(voters, limit):
    assert len(merge_in_order(voters, limit)) == fewest_groups(tuple(voters), limit)


def test_merge_hand_case():
    # 250+250 fit in 600, +200 would be 700; 200+300 = 500, +150 = 650 too many.
    assert merge_in_order([250, 250, 200, 300, 150, 700, 10], 600) == [[0, 1], [2, 3], [4], [5], [6]]


@given(voter_lists, st.integers(1, 700), st.integers(0, 60))
def test_split_to_target(voters, limit, target):
    groups = merge_in_order(voters, limit)
    split = split_to_target(groups, voters, target)
    assert [i for g in split for i in g] == list(range(len(voters)))
    assert len(split) == min(max(target, len(groups)), len(voters))
    for g in split:
        assert sum(voters[i] for i in g) <= limit or len(g) == 1


def _tps(desa, number, voters, special=False):
    code = desa.replace(".", "") + f"{number:03d}"
    return GeneratedTps(desa, number, code, f"TPS {number:03d}", "", voters, voters // 2, voters - voters // 2,
                        None if number == 1 else -4.0, None if number == 1 else 122.0, special, "normal", "pemilu")


desa_sets = st.lists(st.tuples(st.sampled_from(["74.01.01.2001", "74.01.01.2002", "74.71.01.1001"]),
                               st.integers(1, 300), st.booleans()), max_size=40)


@given(desa_sets, st.none() | st.integers(0, 50))
def test_merge_tps_per_desa(specs, target):
    numbers: Counter = Counter()
    rows = []
    for desa, voters, special in specs:
        numbers[desa] += 1
        number = 900 + numbers[desa] if special else numbers[desa]
        rows.append(_tps(desa, number, voters, special))
    sources: dict = {}
    merged = merge_tps(rows, target=target, sources=sources)
    before, after = defaultdict(int), defaultdict(int)
    for t in rows:
        before[t.desa_code] += t.voters
    for t in merged:
        after[t.desa_code] += t.voters
        assert t.election == "pilkada" and t.voters <= 600
        assert t.voters_male + t.voters_female == t.voters
    assert before == after  # voters conserved per desa
    assert len({t.code for t in merged}) == len(merged)
    by_code = {t.code: t for t in rows}
    merged_by_code = {t.code: t for t in merged}
    assert sorted(c for cs in sources.values() for c in cs) == sorted(by_code)
    for code, parts in sources.items():
        assert {by_code[c].desa_code for c in parts} == {merged_by_code[code].desa_code}  # never across desa
        assert len({by_code[c].special for c in parts}) == 1 and (len(parts) == 1 or not by_code[parts[0]].special)
    if target is not None and target >= len(merge_tps(rows)):
        assert len(merged) == min(target, len(rows))


def test_merged_tps_sits_at_a_located_source():
    rows = [_tps("74.01.01.2001", 1, 200), _tps("74.01.01.2001", 2, 200)]
    (merged,) = merge_tps(rows)
    assert (merged.lat, merged.lng, merged.voters, merged.code) == (-4.0, 122.0, 400, "7401012001001")


@given(desa_sets, st.integers(0, 30), st.integers(0, 60))
def test_merge_to_kabkota_targets(specs, kendari, total):
    """Kendari (74.71) reaches its own target when reachable; the other kab/kota share the rest."""
    numbers: Counter = Counter()
    rows = []
    for desa, voters, special in specs:
        numbers[desa] += 1
        rows.append(_tps(desa, 900 + numbers[desa] if special else numbers[desa], voters, special))
    merged = merge_tps(rows, target=total, kabkota_targets={"74.71": kendari})
    assert all(t.voters <= 600 for t in merged)
    assert sum(t.voters for t in merged) == sum(t.voters for t in rows)

    def count(tps, kendari_side):
        return sum((t.desa_code[:5] == "74.71") == kendari_side for t in tps)

    fewest = merge_tps(rows)
    for side, target in ((True, kendari), (False, total - kendari)):
        lowest, highest = count(fewest, side), count(rows, side)
        assert count(merged, side) == min(max(target, lowest), highest)


def test_merge_to_kabkota_targets_hand_case():
    # Kendari: 4 TPS of 200 merge to 600 + 200; Kolaka: 4 of 250 merge to 500 + 500 (a third makes 750).
    rows = [_tps("74.71.01.1001", n, 200) for n in range(1, 5)] + [_tps("74.01.01.2001", n, 250) for n in range(1, 5)]
    merged = merge_tps(rows, target=5, kabkota_targets={"74.71": 3})
    # Kendari's 600 is split where its halves are closest, the first cut on a tie: 200 | 400.
    # Kolaka keeps its 2 (5 - 3).
    assert [(t.desa_code[:5], t.voters) for t in merged] == [
        ("74.01", 500), ("74.01", 500), ("74.71", 200), ("74.71", 400), ("74.71", 200)]
