"""Deterministic generator of demo/benchmark polling stations (TPS).

Real TPS lists are not public in bulk, so demos and national-scale benchmarks
use TPS generated from the real desa list, calibrated on published 2024
figures (see the project's domain reference, shared/domain.md):

* Counts per desa follow a fixed profile: a quantile function, piecewise linear
  up to the 90th percentile and a power-law tail above it, fitted on Sulawesi
  Tenggara 2024 (2,285 desa, 8,154 TPS: median 3, p90 6, max 44). The profile
  is apportioned exactly to the target (largest remainder), so the histogram
  depends only on (desa count, target); the seed decides which desa gets which
  count, kelurahan (urban) being ranked higher on average.
* Voters per TPS: a per-desa fill ratio of the legal cap (beta distributed)
  with a little per-TPS noise, then adjusted so the total hits the voter
  target exactly; men/women drawn binomially around 50/50.
* Placement: uniform inside the real desa polygon (rejection sampling), else a
  few hundred metres of jitter around the desa centroid, else no coordinates.
* Access: ``boat`` for desa off their kab/kota's main landmass (needs
  polygons), ``hard`` for desa far from every kelurahan (urban centre),
  ``normal`` otherwise.

Same input and seed give identical output; every random draw comes from one
generator seeded with (seed, province number).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from os import PathLike
from typing import Literal, TextIO

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from siaga.core.codes import tps_code, undotted
from siaga.core.kpu2024 import (
    NATIONAL_DESA,
    NATIONAL_TPS,
    NATIONAL_VOTERS,
    SULTRA,
    SULTRA_DESA,
    SULTRA_MAX_TPS_PER_DESA,
    SULTRA_PEMILU,
    SULTRA_PILKADA,
    SULTRA_TPS,
    SULTRA_VOTERS,
)

Election = Literal["pemilu", "pilkada"]
Access = Literal["normal", "hard", "boat"]

VOTER_CAP: dict[str, int] = {"pemilu": 300, "pilkada": 600}

# Published 2024 figures (with their sources) live in siaga.core.kpu2024.

# Count profile (calibrated on Sultra Pemilu 2024): quantile anchors of TPS per
# desa, and the exponent of the tail above the 90th percentile.
_PROFILE_U = (0.0, 0.5, 0.9)
_PROFILE_Q = (1.0, 3.0, 6.0)
_TAIL_EXPONENT = 0.333
_KELURAHAN_RANK_BOOST = 1.2  # in standard deviations of the ranking score
_REMOTE_RANK_PENALTY = 0.8  # remote desa are small: Sultra's 168 had 403 TPS
# Inside a kab/kota with published totals the profile is flattened (every desa's
# weight raised by this much) and capped at the published Sultra maximum: with
# the 17 kab/kota totals this gives back median 3, p90 6 and max 44 over the
# province. Desa population is not in the reference data, so the profile and
# the kelurahan ranking stand in for it.
_KABKOTA_FLATNESS = 1.0
MAX_REGULAR_PER_DESA = 899  # numbers 9xx belong to special TPS

SPECIAL_SHARE = 0.001  # TPS khusus (prisons, hospitals) per TPS
SPECIAL_FIRST_NUMBER = 901
_SPECIAL_KELURAHAN_WEIGHT = 5.0  # prisons and hospitals sit mostly in towns

_FILL_CONCENTRATION = 20.0  # beta concentration of the per-desa fill ratio
_FILL_NOISE = 0.04  # per-TPS spread around its desa's fill ratio
_MIN_FILL = 0.25
_MALE_SHARE = 0.499  # DPT 2024: 102.2 M men, 102.6 M women
_MALE_SHARE_SD = 0.012

_JITTER_M = 300.0  # spread of TPS around a centroid when no polygon is known
_SAMPLING_ROUNDS = 4
_METRES_PER_DEGREE = 111_320.0
_LANDMASS_LINK_DEG = 0.002  # desa polygons closer than ~200 m share a landmass
HARD_ACCESS_KM = 30.0  # farther than this from any kelurahan counts as hard


@dataclass(frozen=True, slots=True)
class DesaInput:
    code: str  # dotted, e.g. 74.05.24.2009
    name: str
    lat: float | None
    lng: float | None
    geometry: BaseGeometry | None  # lon/lat, already valid
    kelurahan: bool


@dataclass(frozen=True, slots=True)
class GeneratedTps:
    desa_code: str
    number: int
    code: str
    name: str
    address: str
    voters: int
    voters_male: int
    voters_female: int
    lat: float | None
    lng: float | None
    special: bool
    access: Access
    election: Election


# -- targets ---------------------------------------------------------------


def _per_desa_rate(election: Election) -> float:
    """TPS per desa outside Sultra, so that Sultra's fixed figure plus the rest
    add up to the national total."""
    return (NATIONAL_TPS[election] - SULTRA_TPS[election]) / (NATIONAL_DESA - SULTRA_DESA)


def _voters_per_tps(province: str, election: Election) -> float:
    if province == SULTRA:
        return SULTRA_VOTERS[election] / SULTRA_TPS[election]
    return (NATIONAL_VOTERS[election] - SULTRA_VOTERS[election]) / (
        NATIONAL_TPS[election] - SULTRA_TPS[election]
    )


def _shared_out(
    total: int,
    known: Mapping[str, int],
    weights: Mapping[str, int],
    floor: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """``known`` as given; the other keys of ``weights`` get their ``floor``
    and the rest of ``total`` in proportion to what their weight has above
    it (largest remainder)."""
    rest = [code for code in weights if code not in known]
    low = np.array([(floor or {}).get(c, 0) for c in rest], dtype=np.int64)
    above = np.array([weights[c] for c in rest], dtype=float) - low
    shares = low + _apportion(total - sum(known.values()) - int(low.sum()), np.clip(above, 0.0, None))
    return {**known, **{c: int(n) for c, n in zip(rest, shares, strict=True)}}


def kabkota_figures(election: Election = "pemilu") -> dict[str, tuple[int, int]]:
    """(TPS, voters) of each whole Sultra kab/kota, summing to the province's
    published totals: published figures where known, the rest shared out.
    Pemilu voters go in proportion to TPS. Pilkada voters go in proportion to
    the Pemilu voters; Pilkada TPS keep one per desa and share the rest in
    proportion to the Pemilu TPS above one per desa."""
    tps = {f.code: f.tps for f in SULTRA_PEMILU}
    voters = _shared_out(SULTRA_VOTERS["pemilu"], {f.code: f.voters for f in SULTRA_PEMILU if f.voters}, tps)
    if election == "pilkada":
        desa = {f.code: f.desa for f in SULTRA_PEMILU}
        tps, voters = (
            _shared_out(SULTRA_TPS["pilkada"], {c: t for c, (t, _) in SULTRA_PILKADA.items()}, tps, desa),
            _shared_out(SULTRA_VOTERS["pilkada"], {c: v for c, (_, v) in SULTRA_PILKADA.items()}, voters),
        )
    return {f.code: (tps[f.code], voters[f.code]) for f in SULTRA_PEMILU}


@dataclass(frozen=True, slots=True)
class _Group:
    """Desa (indices into the input) generated together towards one target."""

    desa: np.ndarray
    tps: int
    voters: int
    flatness: float = 0.0
    limit: int = MAX_REGULAR_PER_DESA


def _kabkota_groups(codes: Sequence[str], election: Election) -> list[_Group]:
    """One group per Sultra kab/kota, its figures scaled to the share of its
    desa present (all of them in a full list); a kab/kota missing from the
    published table gets the province's TPS per desa."""
    figures = kabkota_figures(election)
    desa_total = {f.code: f.desa for f in SULTRA_PEMILU}
    members: dict[str, list[int]] = {}
    for i, code in enumerate(codes):
        members.setdefault(code[:5], []).append(i)
    cap = VOTER_CAP[election]
    groups = []
    for kabkota, idx in members.items():
        n = len(idx)
        if kabkota in figures:
            full_tps, full_voters = figures[kabkota]
            tps = max(n, round(full_tps * n / desa_total[kabkota]))
            voters = round(full_voters * tps / full_tps)
        else:
            tps = max(n, round(SULTRA_TPS[election] * n / SULTRA_DESA))
            voters = round(tps * _voters_per_tps(SULTRA, election))
        limit = SULTRA_MAX_TPS_PER_DESA if tps <= n * SULTRA_MAX_TPS_PER_DESA else MAX_REGULAR_PER_DESA
        voters = min(max(voters, math.ceil(_MIN_FILL * cap) * tps), cap * tps)
        groups.append(_Group(np.array(idx, dtype=np.int64), tps, voters, _KABKOTA_FLATNESS, limit))
    return groups


def _code_of(desa: object) -> str:
    return desa if isinstance(desa, str) else desa.code  # type: ignore[attr-defined]


def national_targets(
    desa_by_province: Mapping[str, Sequence[DesaInput | str]], election: Election = "pemilu"
) -> dict[str, int]:
    """TPS target per province code (desa given as ``DesaInput`` or codes):
    for ``74`` the sum of Sultra's published kab/kota figures (each scaled to
    the share of its desa present), the other provinces the rest of the
    national total by their share of desa; rounding is fixed by largest
    remainder so that the full national desa list yields the exact total."""
    targets = {
        p: sum(g.tps for g in _kabkota_groups([_code_of(d) for d in desas], election))
        for p, desas in desa_by_province.items()
        if p == SULTRA
    }
    others = [p for p in desa_by_province if p != SULTRA]
    if others:
        sizes = np.array([len(desa_by_province[p]) for p in others], dtype=float)
        total = round(_per_desa_rate(election) * sizes.sum())
        targets.update(zip(others, (int(t) for t in _apportion(total, sizes)), strict=True))
    return targets


# -- counts ----------------------------------------------------------------


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` in integers proportional to ``weights`` (largest
    remainder; ties go to the earlier index, so it is deterministic)."""
    weights = np.asarray(weights, dtype=float)
    result = np.zeros(len(weights), dtype=np.int64)
    wsum = weights.sum()
    if total == 0 or wsum <= 0:
        return result
    quotas = total * weights / wsum
    result[:] = np.floor(quotas)
    left = total - int(result.sum())
    if left > 0:
        result[np.argsort(result - quotas, kind="stable")[:left]] += 1
    elif left < 0:  # float noise pushed floors above the total
        result[np.argsort(quotas - result, kind="stable")[:-left]] -= 1
    return result


def count_profile(
    n_desa: int, target: int, *, flatness: float = 0.0, limit: int = MAX_REGULAR_PER_DESA
) -> np.ndarray:
    """TPS counts for ``n_desa`` desa summing to ``target``, ascending, at
    most ``limit`` per desa; ``flatness`` moves the profile towards an even
    split (0: the fitted profile)."""
    if target < n_desa:
        raise ValueError(f"target {target} below desa count {n_desa}: every desa has a TPS")
    limit = min(limit, MAX_REGULAR_PER_DESA)
    if target > n_desa * limit:
        raise ValueError(f"target {target} needs over {limit} TPS per desa")
    u = (np.arange(n_desa) + 0.5) / n_desa
    quantile = np.interp(u, _PROFILE_U, _PROFILE_Q)
    tail = u > _PROFILE_U[-1]
    quantile[tail] = _PROFILE_Q[-1] * (
        (1 - _PROFILE_U[-1]) / (1 - u[tail])
    ) ** _TAIL_EXPONENT
    weights = quantile - 1.0 + flatness
    extra = _apportion(target - n_desa, weights)
    # Spill TPS beyond the limit over the remaining desa.
    most = limit - 1
    while (over := extra > most).any():
        excess = int((extra[over] - most).sum())
        extra[over] = most
        weights = np.where(extra >= most, 0.0, weights)
        extra += _apportion(excess, weights)
    return np.sort(1 + extra)


# -- placement and access --------------------------------------------------


def _points_in(geometry: BaseGeometry, k: int, rng: np.random.Generator) -> np.ndarray:
    """``k`` lon/lat points inside ``geometry``: rejection sampling in its
    bounds, then its representative point for whatever is still missing."""
    minx, miny, maxx, maxy = geometry.bounds
    box_area = (maxx - minx) * (maxy - miny)
    acceptance = geometry.area / box_area if box_area > 0 else 0.0
    found: list[np.ndarray] = []
    need = k
    if acceptance > 0:
        shapely.prepare(geometry)
        batch = math.ceil(need / max(acceptance, 0.02) * 1.5) + 8
        for _ in range(_SAMPLING_ROUNDS):
            xy = np.column_stack(
                (rng.uniform(minx, maxx, batch), rng.uniform(miny, maxy, batch))
            )
            hit = xy[shapely.contains_xy(geometry, xy[:, 0], xy[:, 1])][:need]
            found.append(hit)
            need -= len(hit)
            if need == 0:
                break
    if need:
        surface = geometry.representative_point()
        found.append(np.tile([surface.x, surface.y], (need, 1)))
    return np.concatenate(found)


def _off_mainland(desas: Sequence[DesaInput]) -> np.ndarray:
    """True for desa whose polygon is not on its kab/kota's main landmass.

    Landmasses are groups of desa polygons that touch (within ~200 m); the
    main one is the group with the largest area in each kab/kota."""
    idx = np.array([i for i, d in enumerate(desas) if d.geometry is not None], dtype=np.int64)
    result = np.zeros(len(desas), dtype=bool)
    if len(idx) == 0:
        return result
    geoms = np.array([desas[i].geometry for i in idx], dtype=object)
    pairs = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=_LANDMASS_LINK_DEG)
    parent = np.arange(len(idx))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    kabkota = [desas[i].code[:5] for i in idx]
    for a, b in pairs.T:
        if kabkota[a] == kabkota[b]:
            parent[root(a)] = root(b)
    roots = np.array([root(a) for a in range(len(idx))])
    areas = shapely.area(geoms)
    main: dict[str, tuple[float, int]] = {}
    group_area: dict[int, float] = {}
    for r, area in zip(roots, areas, strict=True):
        group_area[r] = group_area.get(r, 0.0) + area
    for kk, r in zip(kabkota, roots, strict=True):
        if group_area[r] > main.get(kk, (-1.0, -1))[0]:
            main[kk] = (group_area[r], r)
    result[idx] = [r != main[kk][1] for kk, r in zip(kabkota, roots, strict=True)]
    return result


def _far_from_town(lat: np.ndarray, lng: np.ndarray, kelurahan: np.ndarray) -> np.ndarray:
    """True where a desa point lies over HARD_ACCESS_KM from every kelurahan
    (towns are where roads, boats and logistics start). Degrees are taken as
    111.32 km: Indonesia spans |lat| < 11, so the error stays under 2%."""
    known = ~np.isnan(lat)
    towns = known & kelurahan
    result = np.zeros(len(lat), dtype=bool)
    if not towns.any():
        return result
    tree = shapely.STRtree(shapely.points(lng[towns], lat[towns]))
    pts = shapely.points(lng[known], lat[known])
    _, dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    result[known] = dist * _METRES_PER_DEGREE / 1000.0 > HARD_ACCESS_KM
    return result


def desa_access(desas: Sequence[DesaInput]) -> list[Access]:
    """Access class per desa (see the module docstring)."""
    lat, lng = _desa_points(desas)
    kelurahan = np.array([d.kelurahan for d in desas], dtype=bool)
    boat = _off_mainland(desas)
    hard = _far_from_town(lat, lng, kelurahan)
    return ["boat" if b else "hard" if h else "normal" for b, h in zip(boat, hard, strict=True)]


def _desa_points(desas: Sequence[DesaInput]) -> tuple[np.ndarray, np.ndarray]:
    """A reference point per desa: its centroid, else a point of its polygon."""
    lat = np.full(len(desas), np.nan)
    lng = np.full(len(desas), np.nan)
    for i, d in enumerate(desas):
        if d.lat is not None and d.lng is not None:
            lat[i], lng[i] = d.lat, d.lng
        elif d.geometry is not None and not d.geometry.is_empty:
            p = d.geometry.representative_point()
            lat[i], lng[i] = p.y, p.x
    return lat, lng


# -- generation ------------------------------------------------------------


def _province_of(desas: Sequence[DesaInput]) -> str | None:
    provinces = {d.code[:2] for d in desas}
    return provinces.pop() if len(provinces) == 1 else None


# Dusun/lingkungan for addresses: three TPS share one, wrapping after XX.
_UNITS = tuple("I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split())
_TPS_PER_UNIT = 3
_SPECIAL_PLACES = ("Lembaga Pemasyarakatan", "Rumah Sakit Umum Daerah")


def _addresses(desa: DesaInput, regular: int, special: int, special_kind: int) -> list[str]:
    place = f"{'Kelurahan' if desa.kelurahan else 'Desa'} {desa.name}"
    unit = "Lingkungan" if desa.kelurahan else "Dusun"
    used = min(len(_UNITS), -(-regular // _TPS_PER_UNIT))
    units = [f"{unit} {name}, {place}" for name in _UNITS[:used]]
    return [
        *(units[(n // _TPS_PER_UNIT) % len(units)] for n in range(regular)),
        *[f"{_SPECIAL_PLACES[special_kind]}, {place}"] * special,
    ]


def _fill_ratios(
    counts: np.ndarray, cap: int, mean_voters: float, rng: np.random.Generator
) -> np.ndarray:
    mean = min(max(mean_voters / cap, _MIN_FILL + 0.01), 0.99)
    per_desa = rng.beta(_FILL_CONCENTRATION * mean, _FILL_CONCENTRATION * (1 - mean), len(counts))
    fill = np.repeat(per_desa, counts) + rng.normal(0.0, _FILL_NOISE, int(counts.sum()))
    return np.clip(fill, _MIN_FILL, 1.0)


def _voters(
    counts: np.ndarray, cap: int, target: int, rng: np.random.Generator
) -> np.ndarray:
    """Voters per TPS (flat, desa after desa) summing exactly to ``target``."""
    n_tps = int(counts.sum())
    low = math.ceil(_MIN_FILL * cap)
    if not n_tps * low <= target <= n_tps * cap:
        raise ValueError(f"{target} voters do not fit {n_tps} TPS of {low}..{cap} voters")
    voters = np.clip(np.rint(_fill_ratios(counts, cap, target / n_tps, rng) * cap), low, cap)
    voters = voters.astype(np.int64)
    diff = target - int(voters.sum())
    if diff > 0:
        voters += _apportion(diff, cap - voters)
    elif diff < 0:
        voters -= _apportion(-diff, voters - low)
    return voters


def _assign_counts(
    kelurahan: np.ndarray, remote: np.ndarray, group: _Group, rng: np.random.Generator
) -> np.ndarray:
    """TPS per desa of a group: the profile handed out by a noisy ranking that
    favours kelurahan and penalises remote desa."""
    score = rng.normal(size=len(kelurahan))
    score += _KELURAHAN_RANK_BOOST * kelurahan - _REMOTE_RANK_PENALTY * remote
    counts = np.empty(len(kelurahan), dtype=np.int64)
    counts[np.argsort(score, kind="stable")] = count_profile(
        len(kelurahan), group.tps, flatness=group.flatness, limit=group.limit
    )
    return counts


def _plan(
    desas: Sequence[DesaInput],
    election: Election,
    target_tps: int | None,
    target_voters: int | None,
) -> list[_Group]:
    """The groups generated towards their own totals: Sultra's kab/kota when
    no TPS target is given, else the whole input."""
    province = _province_of(desas)
    if target_tps is None and province == SULTRA:
        groups = _kabkota_groups([d.code for d in desas], election)
        if target_voters is not None:
            shares = _apportion(target_voters, np.array([g.voters for g in groups], dtype=float))
            groups = [replace(g, voters=int(v)) for g, v in zip(groups, shares, strict=True)]
        return groups
    if target_tps is None:
        if province is None:
            raise ValueError("target_tps is required for desa of several provinces")
        target_tps = national_targets({province: desas}, election)[province]
    if target_voters is None:
        target_voters = round(target_tps * _voters_per_tps(province or "", election))
    return [_Group(np.arange(len(desas)), target_tps, target_voters)]


def _pick_specials(
    counts: np.ndarray, kelurahan: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Special TPS per desa (0 or 1): among desa that keep a regular TPS."""
    specials = np.zeros(len(counts), dtype=np.int64)
    eligible = np.flatnonzero(counts >= 2)
    n_special = min(round(SPECIAL_SHARE * int(counts.sum())), len(eligible))
    if n_special:
        weight = np.where(kelurahan[eligible], _SPECIAL_KELURAHAN_WEIGHT, 1.0)
        specials[rng.choice(eligible, n_special, replace=False, p=weight / weight.sum())] = 1
    return specials


def _place(
    desas: Sequence[DesaInput], counts: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Lat/lng per TPS (NaN when unknown): inside the polygon when there is
    one, else vectorised jitter around the desa point."""
    lat_c, lng_c = _desa_points(desas)
    n_tps = int(counts.sum())
    sd = _JITTER_M / _METRES_PER_DEGREE
    lat = np.repeat(lat_c, counts) + rng.normal(0.0, sd, n_tps)
    lng_sd = sd / np.cos(np.radians(np.repeat(np.nan_to_num(lat_c), counts)))
    lng = np.repeat(lng_c, counts) + rng.normal(0.0, 1.0, n_tps) * lng_sd
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    for i, d in enumerate(desas):
        if d.geometry is not None and not d.geometry.is_empty:
            rows = slice(starts[i], starts[i] + counts[i])
            lng[rows], lat[rows] = _points_in(d.geometry, int(counts[i]), rng).T
    return lat, lng


def generate_tps(
    desas: Sequence[DesaInput],
    *,
    election: Election = "pemilu",
    seed: int = 0,
    target_tps: int | None = None,
    target_voters: int | None = None,
) -> list[GeneratedTps]:
    """TPS for the given desa (normally one province), in input desa order.

    Without ``target_tps`` the desa must share one province: Sultra's desa are
    generated kab/kota by kab/kota towards the published TPS and voters of
    each (``kabkota_figures``; a partial list gets its share), any other
    province gets its share of the national total (``national_targets``).
    Without ``target_voters`` the total follows the published voters (per
    kab/kota for Sultra, the national rest per TPS otherwise); with it, the
    total is exactly ``target_voters``.
    """
    if election not in VOTER_CAP:
        raise ValueError(f"unknown election {election!r}")
    if not desas:
        return []
    province = _province_of(desas)
    groups = _plan(desas, election, target_tps, target_voters)
    rng = np.random.default_rng([seed, int(province or 0)])
    cap = VOTER_CAP[election]
    kelurahan = np.array([d.kelurahan for d in desas], dtype=bool)

    access = desa_access(desas)
    remote = np.array([a != "normal" for a in access], dtype=bool)
    counts = np.zeros(len(desas), dtype=np.int64)
    for g in groups:
        counts[g.desa] = _assign_counts(kelurahan[g.desa], remote[g.desa], g, rng)
    specials = _pick_specials(counts, kelurahan, rng)
    per_desa: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(desas)
    for g in groups:
        chunks = np.split(_voters(counts[g.desa], cap, g.voters, rng), np.cumsum(counts[g.desa])[:-1])
        for i, chunk in zip(g.desa.tolist(), chunks, strict=True):
            per_desa[i] = chunk
    voters = np.concatenate(per_desa)
    male_share = np.clip(rng.normal(_MALE_SHARE, _MALE_SHARE_SD, len(desas)), 0.4, 0.6)
    male = rng.binomial(voters, np.repeat(male_share, counts))
    special_kind = rng.integers(0, len(_SPECIAL_PLACES), len(desas))
    lat, lng = _place(desas, counts, rng)

    out: list[GeneratedTps] = []
    lat_list, lng_list = lat.tolist(), lng.tolist()
    voters_list, male_list = voters.tolist(), male.tolist()
    k = 0
    for i, d in enumerate(desas):
        regular, special = int(counts[i] - specials[i]), int(specials[i])
        numbers = [*range(1, regular + 1)]
        numbers += range(SPECIAL_FIRST_NUMBER, SPECIAL_FIRST_NUMBER + special)
        # tps_code validates the desa code once; its TPS share the prefix.
        prefix = tps_code(d.code, 1)[:-3]
        addresses = _addresses(d, regular, special, int(special_kind[i]))
        for number, address in zip(numbers, addresses, strict=True):
            v, m, y = voters_list[k], male_list[k], lat_list[k]
            known = not math.isnan(y)
            out.append(
                GeneratedTps(
                    desa_code=d.code,
                    number=number,
                    code=f"{prefix}{number:03d}",
                    name=f"TPS {number:03d}",
                    address=address,
                    voters=v,
                    voters_male=m,
                    voters_female=v - m,
                    lat=y if known else None,
                    lng=lng_list[k] if known else None,
                    special=number >= SPECIAL_FIRST_NUMBER,
                    access=access[i],
                    election=election,
                )
            )
            k += 1
    return out


def generate_national(
    desa_by_province: Mapping[str, Sequence[DesaInput]],
    *,
    election: Election = "pemilu",
    seed: int = 0,
) -> Iterator[GeneratedTps]:
    """TPS of several provinces, province by province, with ``national_targets``
    so that the full desa list yields exactly the national total."""
    targets = national_targets(desa_by_province, election)
    for province, desas in desa_by_province.items():
        # Sultra's target is the sum of its kab/kota: generated kab/kota by kab/kota.
        target = None if province == SULTRA else targets[province]
        yield from generate_tps(desas, election=election, seed=seed, target_tps=target)


CSV_HEADER = (
    "kode_tps", "kode_desa", "no_tps", "nama_tps", "alamat", "dpt", "dpt_laki",
    "dpt_perempuan", "jenis_pemilihan", "tps_khusus", "lat", "lng", "akses",
)


def write_csv(tps_iter: Iterable[GeneratedTps], path_or_file: str | PathLike | TextIO) -> int:
    """Write TPS in the KPU-style CSV the importer reads; returns the row count.

    Codes are written undotted as KPU does; ``tps_khusus`` is 1/0; coordinates
    have 7 decimals (about 1 cm) and are empty when unknown."""
    if isinstance(path_or_file, (str, PathLike)):
        with open(path_or_file, "w", newline="", encoding="utf-8") as handle:
            return write_csv(tps_iter, handle)
    writer = csv.writer(path_or_file, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    rows = 0
    for t in tps_iter:
        writer.writerow((
            t.code, undotted(t.desa_code), t.number, t.name, t.address, t.voters,
            t.voters_male, t.voters_female, t.election, int(t.special),
            "" if t.lat is None else f"{t.lat:.7f}", "" if t.lng is None else f"{t.lng:.7f}",
            t.access,
        ))
        rows += 1
    return rows
