"""Derive an election's TPS set by merging another's, as KPU did for Pilkada 2024.

KPU built the Pilkada 2024 TPS from the Pemilu 2024 ones: TPS of one desa,
taken in their numbering order, are merged until the next one would push the
voters past the new limit (600 instead of 300). Merging never crosses a desa
and never mixes a special TPS (prison, hospital) with a regular one.

``merge_in_order`` is that rule on a list of voter counts. Cutting a sequence
into consecutive groups under a capacity, "close the group when the next item
does not fit" (next-fit) gives the fewest groups of any consecutive cutting:
by induction, after k groups next-fit has consumed at least as many items as
any other consecutive cutting with k groups.

The rule gives the fewest TPS; KPU kept some apart (distance, crowding), so
its published count is higher (Sultra: 4,611). ``split_to_target`` reproduces
a published count by undoing merges, the fullest merged TPS first: those are
the ones a KPPS of 7 could least handle, so the likeliest to have been kept
apart. The result is still within the limit and conserves voters.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import groupby

from siaga.core.codes import tps_code
from siaga.core.tpsgen import VOTER_CAP, GeneratedTps


def merge_in_order(voters: Sequence[int], limit: int) -> list[list[int]]:
    """Indices of ``voters`` cut into consecutive groups of at most ``limit`` voters.

    A single item above the limit stays alone (it cannot be split here)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    groups: list[list[int]] = []
    total = 0
    for i, v in enumerate(voters):
        if v < 0:
            raise ValueError("voters must not be negative")
        if groups and total + v <= limit:
            groups[-1].append(i)
            total += v
        else:
            groups.append([i])
            total = v
    return groups


def split_to_target(groups: list[list[int]], voters: Sequence[int], target: int) -> list[list[int]]:
    """Split the fullest groups (most voters; ties: the earlier) in two until there are ``target``.

    Each split cuts a group where its two halves' voters are closest, so the
    halves stay consecutive. Groups of one TPS cannot be split, so the count
    stops at the number of items when ``target`` is above it."""
    groups = [list(g) for g in groups]
    heap = [(-sum(voters[i] for i in g), g[0]) for g in groups if len(g) > 1]
    heapq.heapify(heap)
    by_first = {g[0]: g for g in groups}
    while len(by_first) < target and heap:
        _, first = heapq.heappop(heap)
        g = by_first[first]
        total, run, best, cut = sum(voters[i] for i in g), 0, None, 1
        for k in range(1, len(g)):
            run += voters[g[k - 1]]
            gap = abs(total - 2 * run)
            if best is None or gap < best:
                best, cut = gap, k
        left, right = g[:cut], g[cut:]
        by_first[left[0]], by_first[right[0]] = left, right
        for part in (left, right):
            if len(part) > 1:
                heapq.heappush(heap, (-sum(voters[i] for i in part), part[0]))
    return [by_first[k] for k in sorted(by_first)]


def _split_per_kabkota(groups: list[list[int]], regular: Sequence[GeneratedTps], ordered: Sequence[GeneratedTps],
                       targets: Mapping[str, int]) -> list[list[int]]:
    """``split_to_target`` inside each kab/kota of ``targets``; key "" stands for all the others together.
    Special TPS count towards their kab/kota's target."""
    def key(t: GeneratedTps) -> str:
        return t.desa_code[:5] if t.desa_code[:5] in targets else ""

    parts: dict[str, list[list[int]]] = {}
    for g in groups:
        parts.setdefault(key(regular[g[0]]), []).append(g)
    specials = Counter(key(t) for t in ordered if t.special)
    voters = [t.voters for t in regular]
    out: list[list[int]] = []
    for k, part in parts.items():
        out += split_to_target(part, voters, targets[k] - specials[k]) if k in targets else part
    return sorted(out)


def _merged(desa_code: str, number: int, parts: Sequence[GeneratedTps], election: str) -> GeneratedTps:
    """One TPS from ``parts``: their voters summed, at the site of the first part with coordinates."""
    site = next((p for p in parts if p.lat is not None), parts[0])
    return replace(
        site, desa_code=desa_code, number=number, code=tps_code(desa_code, number), name=f"TPS {number:03d}",
        voters=sum(p.voters for p in parts), voters_male=sum(p.voters_male for p in parts),
        voters_female=sum(p.voters_female for p in parts), election=election)


def merge_tps(rows: Iterable[GeneratedTps], *, election: str = "pilkada", limit: int | None = None,
              target: int | None = None, kabkota_targets: Mapping[str, int] | None = None,
              sources: dict[str, list[str]] | None = None) -> list[GeneratedTps]:
    """The ``election`` TPS set merged from ``rows`` (one desa after another, numbering order).

    Regular TPS are renumbered 1..k per desa, special TPS keep their own
    numbers (9xx) and are not merged. With ``target`` (a published total),
    merges are undone by ``split_to_target`` until the count reaches it;
    ``kabkota_targets`` ({dotted kab/kota code: published TPS}) are reached
    inside each of those kab/kota, ``target`` then covers the other kab/kota
    with what is left. ``sources``, when given, receives {new code: [source codes]}."""
    limit = VOTER_CAP[election] if limit is None else limit
    ordered = sorted(rows, key=lambda t: (t.desa_code, t.number))
    regular = [t for t in ordered if not t.special]
    voters = [t.voters for t in regular]
    groups: list[list[int]] = []
    for _, idx in groupby(range(len(regular)), key=lambda i: regular[i].desa_code):
        idx = list(idx)
        groups += [[idx[i] for i in g] for g in merge_in_order([voters[i] for i in idx], limit)]
    kabkota_targets = dict(kabkota_targets or {})
    if target is not None:
        kabkota_targets[""] = target - sum(kabkota_targets.values())
    if kabkota_targets:
        groups = _split_per_kabkota(groups, regular, ordered, kabkota_targets)
    by_desa: dict[str, list[list[GeneratedTps]]] = {}
    for g in groups:
        by_desa.setdefault(regular[g[0]].desa_code, []).append([regular[i] for i in g])
    for t in ordered:
        if t.special:
            by_desa.setdefault(t.desa_code, []).append([t])
    out: list[GeneratedTps] = []
    for desa_code in sorted(by_desa):
        for n, parts in enumerate(by_desa[desa_code], start=1):
            number = parts[0].number if parts[0].special else n
            tps = _merged(desa_code, number, parts, election)
            out.append(tps)
            if sources is not None:
                sources[tps.code] = [p.code for p in parts]
    return out

