"""Tests of the demo TPS generator against the real Sultra desa list."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box, shape

from siaga.core.codes import is_kelurahan, split_tps_code
from siaga.core.tps_merge import merge_tps
from siaga.core.tpsgen import (
    CSV_HEADER,
    DesaInput,
    GeneratedTps,
    count_profile,
    desa_access,
    generate_national,
    generate_tps,
    kabkota_figures,
    national_targets,
    write_csv,
)

# Reference data lives beside the project root (../shared/data).
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="reference data not available")


@cache
def sultra_desas() -> tuple[DesaInput, ...]:
    """Sultra desa from the hierarchy, with repaired polygons and centroids."""
    with open(DATA / "sultra" / "desa_74.geojson", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    geo = {
        f["properties"]["kode"]: (
            shapely.make_valid(shape(f["geometry"])),
            f["properties"]["centroid"],
        )
        for f in features
    }
    desas = []
    with open(DATA / "hierarchy" / "villages.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["code"]
            if not code.startswith("74."):
                continue
            geometry, centroid = geo.get(code, (None, None))
            desas.append(
                DesaInput(
                    code=code,
                    name=row["name"],
                    lat=centroid[1] if centroid else None,
                    lng=centroid[0] if centroid else None,
                    geometry=geometry,
                    kelurahan=is_kelurahan(code),
                )
            )
    return tuple(desas)


@cache
def sultra_pemilu(seed: int = 7) -> tuple[GeneratedTps, ...]:
    return tuple(generate_tps(sultra_desas(), election="pemilu", seed=seed))


def per_desa_counts(tps: tuple[GeneratedTps, ...]) -> np.ndarray:
    return np.array(list(Counter(t.desa_code for t in tps).values()))


# -- calibration on Sulawesi Tenggara 2024 -----------------------------------


def test_sultra_input_matches_the_reference_facts():
    desas = sultra_desas()
    assert len(desas) == 2285
    assert sum(d.kelurahan for d in desas) == 377
    assert sum(d.geometry is None for d in desas) == 2


def test_sultra_pemilu_calibration():
    tps = sultra_pemilu()
    counts = per_desa_counts(tps)
    assert len(tps) == 8154
    assert len(counts) == 2285  # every desa has a TPS
    assert np.median(counts) == 3
    assert np.percentile(counts, 90) == 6
    assert counts.max() == 44
    total = sum(t.voters for t in tps)
    assert total == 1_870_000
    assert max(t.voters for t in tps) <= 300
    assert all(t.voters_male + t.voters_female == t.voters for t in tps)
    assert all(t.voters_male > 0 and t.voters_female > 0 for t in tps)
    male_share = sum(t.voters_male for t in tps) / total
    assert 0.48 < male_share < 0.52
    # Pemilu: mostly 180-300 voters per TPS.
    voters = np.array([t.voters for t in tps])
    assert np.mean((voters >= 180) & (voters <= 300)) > 0.8


def test_kelurahan_get_more_tps_on_average():
    per_desa = Counter(t.desa_code for t in sultra_pemilu())
    kel = [n for code, n in per_desa.items() if is_kelurahan(code)]
    desa = [n for code, n in per_desa.items() if not is_kelurahan(code)]
    assert np.mean(kel) > 1.5 * np.mean(desa)


def test_special_tps_are_few_and_numbered_from_901():
    special = [t for t in sultra_pemilu() if t.special]
    assert len(special) == 8  # 0.1% of 8,154
    assert all(t.number >= 901 and t.name == f"TPS {t.number}" for t in special)
    assert all(not t.special for t in sultra_pemilu() if t.number < 900)


def test_sultra_pilkada_calibration():
    tps = generate_tps(sultra_desas(), election="pilkada", seed=3)
    assert len(tps) == 4611
    assert sum(t.voters for t in tps) == 1_876_792
    assert max(t.voters for t in tps) <= 600
    assert {t.election for t in tps} == {"pilkada"}
    counts, voters = per_kabkota(tps)
    assert (counts["74.71"], voters["74.71"]) == (525, 238_683)
    assert (counts["74.05"], voters["74.05"]) == (566, 222_821)


def test_codes_are_unique_and_valid():
    tps = sultra_pemilu()
    assert len({t.code for t in tps}) == len(tps)
    for t in tps:
        assert len(t.code) == 13
        assert split_tps_code(t.code) == (t.desa_code, t.number)


def test_every_tps_lies_inside_its_desa_polygon():
    geometry = {d.code: d.geometry for d in sultra_desas() if d.geometry is not None}
    placed = [t for t in sultra_pemilu() if t.desa_code in geometry]
    assert len(placed) > 8000
    polygons = np.array([geometry[t.desa_code] for t in placed], dtype=object)
    points = shapely.points([t.lng for t in placed], [t.lat for t in placed])
    assert shapely.covers(polygons, points).all()


def test_desa_without_geometry_or_centroid_get_no_coordinates():
    missing = {"74.02.18.1001", "74.71.04.1021"}
    tps = [t for t in sultra_pemilu() if t.desa_code in missing]
    assert tps and all(t.lat is None and t.lng is None for t in tps)


def test_hard_to_reach_tps_are_plausible():
    access = Counter(t.access for t in sultra_pemilu())
    # KPU Sultra listed 403 hard-to-reach TPS; the proxy lands in that range.
    assert 250 <= access["boat"] + access["hard"] <= 600
    boat_kabkota = {t.desa_code[:5] for t in sultra_pemilu() if t.access == "boat"}
    assert "74.07" in boat_kabkota  # Wakatobi: several islands


# -- determinism -----------------------------------------------------------


def test_same_seed_gives_identical_output():
    assert tuple(generate_tps(sultra_desas(), seed=7)) == sultra_pemilu(7)


def test_different_seeds_differ():
    a, b = sultra_pemilu(7), sultra_pemilu(8)
    assert len(a) == len(b) == 8154
    assert Counter(t.desa_code for t in a) != Counter(t.desa_code for t in b)
    shared = {(t.desa_code, t.number): t.lat for t in a}
    moved = sum(shared.get((t.desa_code, t.number)) != t.lat for t in b if t.lat is not None)
    assert moved > 8000


# -- hand-computed reference cases -----------------------------------------


def test_count_profile_reference_case():
    # u = 0.25, 0.75 -> quantiles 2.0 and 4.875; 5 extra TPS over weights
    # 1.0 and 3.875 -> quotas 1.03 and 3.97 -> floors 1 and 3, the larger
    # remainder takes the last one.
    assert count_profile(2, 7).tolist() == [2, 5]
    assert count_profile(1, 1).tolist() == [1]
    assert count_profile(3, 3).tolist() == [1, 1, 1]
    with pytest.raises(ValueError):
        count_profile(3, 2)


def test_count_profile_respects_the_numbering_limit():
    counts = count_profile(2, 1798)
    assert counts.tolist() == [899, 899]


def test_access_hand_made_geometry():
    # Two touching squares (a mainland) and a far small island in one kab/kota;
    # a kelurahan at the origin; a desa 0.5 degree (~56 km) away is hard.
    desas = [
        DesaInput("11.01.01.1001", "Kota", 0.05, 0.05, box(0, 0, 0.1, 0.1), True),
        DesaInput("11.01.01.2001", "Darat", 0.05, 0.15, box(0.1, 0, 0.2, 0.1), False),
        DesaInput("11.01.01.2002", "Pulau", 0.205, 0.405, box(0.4, 0.2, 0.41, 0.21), False),
        DesaInput("11.01.02.2001", "Jauh", 0.55, 0.05, None, False),
    ]
    assert desa_access(desas) == ["normal", "normal", "boat", "hard"]


def test_centroid_jitter_stays_near_the_centroid():
    desas = [DesaInput("11.01.01.2001", "A", -4.0, 122.5, None, False)]
    tps = generate_tps(desas, seed=1, target_tps=40)
    assert len(tps) == 40
    # 300 m standard deviation: everything within ~2 km.
    assert all(abs(t.lat + 4.0) < 0.02 and abs(t.lng - 122.5) < 0.02 for t in tps)
    assert len({(t.lat, t.lng) for t in tps}) == 40


def test_national_targets_are_exact():
    sizes: dict[str, int] = defaultdict(int)
    with open(DATA / "hierarchy" / "villages.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            sizes[row["code"][:2]] += 1
    desa_by_province = {p: range(n) for p, n in sizes.items() if p != "74"}
    desa_by_province["74"] = [d.code for d in sultra_desas()]
    assert sum(sizes.values()) == 83_762
    for election, total in (("pemilu", 820_161), ("pilkada", 435_296)):
        targets = national_targets(desa_by_province, election)
        assert sum(targets.values()) == total
        assert targets["74"] == (8_154 if election == "pemilu" else 4_611)
        assert all(targets[p] >= n for p, n in sizes.items())


def test_default_targets_for_partial_and_mixed_lists():
    first = sultra_desas()[:100]
    # The first 100 desa are Kolaka's: its 705 TPS over its 135 desa, for 100 of them.
    assert {d.code[:5] for d in first} == {"74.01"}
    assert len(generate_tps(first, seed=1)) == round(705 * 100 / 135) == 522
    aceh = [DesaInput(f"11.01.01.{2001 + k}", f"D{k}", 4.5, 96.0, None, False) for k in range(60)]
    with pytest.raises(ValueError):
        generate_tps([*first, *aceh], seed=1)
    mixed = {"74": first, "11": aceh}
    targets = national_targets(mixed)
    tps = list(generate_national(mixed, seed=1))
    assert len(tps) == sum(targets.values()) == 522 + targets["11"]
    assert Counter(t.desa_code[:2] for t in tps) == Counter({"74": 522, "11": targets["11"]})


def test_write_csv_round_trip():
    desas = [
        DesaInput("74.05.24.2009", "Lalonggasu", -4.1, 122.4, None, False),
        DesaInput("74.05.24.2010", "Tanpa Titik", None, None, None, False),
    ]
    tps = generate_tps(desas, seed=2, target_tps=5)
    buffer = io.StringIO()
    assert write_csv(tps, buffer) == 5
    buffer.seek(0)
    reader = csv.DictReader(buffer)
    assert tuple(reader.fieldnames) == CSV_HEADER == (
        "kode_tps", "kode_desa", "no_tps", "nama_tps", "alamat", "dpt", "dpt_laki",
        "dpt_perempuan", "jenis_pemilihan", "tps_khusus", "lat", "lng", "akses",
    )
    rows = list(reader)
    for row, t in zip(rows, tps, strict=True):
        assert row["kode_tps"] == t.code and row["kode_desa"] == t.desa_code.replace(".", "")
        assert int(row["no_tps"]) == t.number and int(row["dpt"]) == t.voters
        assert int(row["dpt_laki"]) + int(row["dpt_perempuan"]) == t.voters
        assert row["jenis_pemilihan"] == "pemilu" and row["tps_khusus"] == "0"
    assert rows[0]["kode_tps"].startswith("7405242009")
    no_point = [r for r in rows if r["kode_desa"] == "7405242010"]
    assert no_point and all(r["lat"] == "" and r["lng"] == "" for r in no_point)


# -- properties ------------------------------------------------------------


@st.composite
def desa_lists(draw):
    n = draw(st.integers(1, 25))
    numbers = draw(st.lists(st.integers(1, 2999), min_size=n, max_size=n, unique=True))
    desas = []
    for k, number in enumerate(numbers):
        code = f"{draw(st.sampled_from(['11', '74', '94']))}.0{k % 3 + 1}.01.{number + 1000:04d}"
        located = draw(st.booleans())
        desas.append(
            DesaInput(
                code=code,
                name=f"Desa {k}",
                lat=draw(st.floats(-10, 5)) if located else None,
                lng=draw(st.floats(95, 141)) if located else None,
                geometry=None,
                kelurahan=code.split(".")[3].startswith("1"),
            )
        )
    target = draw(st.integers(n, 40 * n))
    return desas, target


@settings(max_examples=60, deadline=None)
@given(
    case=desa_lists(),
    election=st.sampled_from(["pemilu", "pilkada"]),
    seed=st.integers(0, 2**32),
)
def test_generation_properties(case, election, seed):
    desas, target = case
    tps = generate_tps(desas, election=election, seed=seed, target_tps=target)
    assert len(tps) == target
    cap = 300 if election == "pemilu" else 600
    assert all(0 < t.voters <= cap for t in tps)
    assert all(t.voters_male + t.voters_female == t.voters for t in tps)
    numbers: dict[str, list[int]] = defaultdict(list)
    for t in tps:
        numbers[t.desa_code].append(t.number)
        assert t.special == (t.number >= 901)
    assert set(numbers) == {d.code for d in desas}
    for found in numbers.values():
        regular = [n for n in found if n < 900]
        special = [n for n in found if n >= 900]
        assert regular == list(range(1, len(regular) + 1))
        assert special == list(range(901, 901 + len(special)))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 200),
    factor=st.floats(1.0, 30.0),
    voters_per_tps=st.integers(80, 300),
    seed=st.integers(0, 2**32),
)
def test_voter_target_is_met_exactly(n, factor, voters_per_tps, seed):
    desas = [DesaInput(f"74.01.01.{2001 + k}", f"D{k}", None, None, None, False) for k in range(n)]
    target = round(n * factor)
    tps = generate_tps(desas, seed=seed, target_tps=target, target_voters=target * voters_per_tps)
    counts = np.sort(per_desa_counts(tuple(tps)))
    assert counts.tolist() == count_profile(n, target).tolist()
    assert sum(t.voters for t in tps) == target * voters_per_tps
    assert max(t.voters for t in tps) <= 300


# -- per kab/kota calibration (Sultra, Pemilu 2024) -------------------------

# Copied by hand from shared/domain.md ("Sultra figures for calibration", KPU).
PUBLISHED_TPS = {
    "74.01": 705, "74.02": 803, "74.03": 643, "74.04": 356, "74.05": 1000, "74.06": 472,
    "74.07": 340, "74.08": 422, "74.09": 260, "74.10": 224, "74.11": 398, "74.12": 141,
    "74.13": 254, "74.14": 334, "74.15": 323, "74.71": 1030, "74.72": 449,
}
PUBLISHED_VOTERS = {"74.71": 238_205, "74.02": 182_840, "74.12": 28_942}


def per_kabkota(tps) -> tuple[Counter, Counter]:
    counts, voters = Counter(), Counter()
    for t in tps:
        counts[t.desa_code[:5]] += 1
        voters[t.desa_code[:5]] += t.voters
    return counts, voters


def test_sultra_tps_and_voters_per_kabkota():
    assert sum(PUBLISHED_TPS.values()) == 8154
    counts, voters = per_kabkota(sultra_pemilu())
    for code, published in PUBLISHED_TPS.items():
        assert abs(counts[code] - published) <= 0.02 * published, code
    for code, published in PUBLISHED_VOTERS.items():
        assert abs(voters[code] - published) <= 0.05 * published, code
    # The others "in proportion to TPS (about 229 voters per TPS)".
    for code in PUBLISHED_TPS.keys() - PUBLISHED_VOTERS.keys():
        assert 225 <= voters[code] / counts[code] <= 235, code
    assert max(t.voters for t in sultra_pemilu()) <= 300


def test_kabkota_figures_hand_computed():
    pemilu = kabkota_figures("pemilu")
    # Voters of the kab/kota without a published DPT: 1,870,000 - 238,205 - 182,840 - 28,942
    # = 1,420,013 over 8,154 - 1,030 - 803 - 141 = 6,180 TPS; Kolaka 705 x 1,420,013 / 6,180 = 161,992.2.
    assert pemilu["74.01"] == (705, 161_992)
    assert pemilu["74.71"] == (1030, 238_205) and pemilu["74.12"] == (141, 28_942)
    assert sum(t for t, _ in pemilu.values()) == 8154
    assert sum(v for _, v in pemilu.values()) == 1_870_000
    pilkada = kabkota_figures("pilkada")
    assert pilkada["74.71"] == (525, 238_683) and pilkada["74.05"] == (566, 222_821)
    assert sum(t for t, _ in pilkada.values()) == 4611
    assert sum(v for _, v in pilkada.values()) == 1_876_792
    # Pilkada TPS of the others: one per desa (2,285 - 65 - 351 = 1,869), the other 3,520 - 1,869 = 1,651
    # in proportion to Pemilu TPS above one per desa (6,124 - 1,869 = 4,255): Kolaka 135 + 570 x 1,651 / 4,255
    # = 135 + 221.2.
    assert pilkada["74.01"][0] == 356
    desa = Counter(d.code[:5] for d in sultra_desas())
    assert all(pilkada[code][0] >= desa[code] for code in desa)


def test_sultra_tps_per_desa_stays_plausible():
    counts = per_desa_counts(sultra_pemilu())
    # Published for Sultra: median 3, 90th percentile 6, maximum 44.
    assert (np.median(counts), np.percentile(counts, 90), counts.max()) == (3, 6, 44)
    per_desa = Counter(t.desa_code for t in sultra_pemilu())
    kendari = [n for code, n in per_desa.items() if code.startswith("74.71.")]
    assert len(kendari) == 65 and np.mean(kendari) == 1030 / 65


def test_sultra_pilkada_merged_to_the_published_counts():
    merged = merge_tps(sultra_pemilu(), target=4611, kabkota_targets={"74.71": 525, "74.05": 566})
    counts, voters = per_kabkota(merged)
    assert len(merged) == 4611 and counts["74.71"] == 525 and counts["74.05"] == 566
    assert max(t.voters for t in merged) <= 600
    assert sum(voters.values()) == 1_870_000  # merging keeps the Pemilu voters
    # KPU: Kendari 238,683 and Konawe Selatan 222,821 Pilkada voters.
    assert abs(voters["74.71"] - 238_683) <= 0.005 * 238_683
    assert abs(voters["74.05"] - 222_821) <= 0.05 * 222_821


@st.composite
def sultra_subsets(draw):
    """A few Sultra kab/kota, some of their desa (no geometry: fast)."""
    by_kabkota: dict[str, list[DesaInput]] = defaultdict(list)
    for d in sultra_desas():
        by_kabkota[d.code[:5]].append(DesaInput(d.code, d.name, None, None, None, d.kelurahan))
    chosen = draw(st.lists(st.sampled_from(sorted(by_kabkota)), min_size=1, max_size=3, unique=True))
    desas = []
    for code in sorted(chosen):
        pool = by_kabkota[code]
        k = draw(st.integers(1, len(pool)))
        desas += sorted(draw(st.permutations(pool))[:k], key=lambda d: d.code)
    return desas


@settings(max_examples=20, deadline=None)
@given(desas=sultra_subsets(), seed=st.integers(0, 2**32), election=st.sampled_from(["pemilu", "pilkada"]))
def test_kabkota_allocation_properties(desas, seed, election):
    tps = generate_tps(desas, election=election, seed=seed)
    assert tps == generate_tps(desas, election=election, seed=seed)  # deterministic by seed
    figures = kabkota_figures(election)
    total = Counter(d.code[:5] for d in sultra_desas())
    present = Counter(d.code[:5] for d in desas)
    counts, voters = per_kabkota(tps)
    cap = 300 if election == "pemilu" else 600
    for code, n in present.items():
        full_tps, full_voters = figures[code]
        expected = max(n, round(full_tps * n / total[code]))
        assert counts[code] == expected  # each kab/kota's share of its published TPS
        assert voters[code] == min(max(round(full_voters * expected / full_tps), cap // 4 * expected), cap * expected)
    assert all(0 < t.voters <= cap for t in tps)
    numbers: dict[str, list[int]] = defaultdict(list)
    for t in tps:
        numbers[t.desa_code].append(t.number)
    assert set(numbers) == {d.code for d in desas}  # every desa has a TPS
    for found in numbers.values():
        regular = [n for n in found if n < 900]
        assert regular == list(range(1, len(regular) + 1))
    # An explicit voter total is kept exactly, still per kab/kota in proportion.
    target = sum(voters.values()) - len(tps)
    assert sum(t.voters for t in generate_tps(desas, election=election, seed=seed, target_voters=target)) == target


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), per_desa=st.floats(1.0, 40.0), flatness=st.floats(0.0, 5.0),
       limit=st.integers(1, 60))
def test_count_profile_flattened_and_capped(n, per_desa, flatness, limit):
    target = round(n * per_desa)
    if target > n * limit:
        with pytest.raises(ValueError):
            count_profile(n, target, flatness=flatness, limit=limit)
        return
    counts = count_profile(n, target, flatness=flatness, limit=limit)
    assert counts.sum() == target and counts.min() >= 1 and counts.max() <= limit
    assert counts.tolist() == sorted(counts.tolist())
