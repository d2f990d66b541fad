"""The totals of a computed plan, built in one place: what `siaga plan deploy` prints and a stored plan keeps.

Every TPS of the election in the area is counted once: covered (its post staffed
to the pattern) or in ``tps_uncovered`` with the reason:

- ``short_staffed``: no unit had people left within reach of its post;
- ``no_location``: neither the TPS nor its desa has a point on the map;
- ``no_pattern``: no security pattern for its class;
- ``no_polres``: no Polres or Polsek covers its kab/kota.

``polri_assigned`` counts every officer on a post, BKO included; ``reserve`` the
Brimob/Dalmas people held back as the Polda reserve.
"""

from siaga.core import planner


def _tps_coverage(computed) -> tuple[int, list[dict]]:
    inputs, plan = computed.inputs, computed.plan
    assigned = plan.assigned_by_post()
    covered = 0
    uncovered = [u for u in inputs.unplanned if "kind" not in u]
    for post in plan.posts:
        if not post.tps_ids:
            continue
        if assigned[post.id] >= post.polri_required:
            covered += len(post.tps_ids)
        else:
            uncovered += [{"code": inputs.codes[t], "reason": "short_staffed"} for t in post.tps_ids]
    return covered, sorted(uncovered, key=lambda u: u["code"])


def plan_summary(computed) -> dict:
    inputs, plan = computed.inputs, computed.plan
    base = plan.summary()
    covered, uncovered = _tps_coverage(computed)
    tni = computed.tni
    linmas = computed.linmas
    tps_posts = [p for p in plan.posts if p.kind == planner.TPS_KIND]
    roster_desa = {t.desa for t in inputs.tps} & set(inputs.linmas_roster)
    return {
        "election": inputs.election,
        "area": inputs.area,
        "tps_total": inputs.tps_total,
        "tps_covered": covered,
        "tps_uncovered": uncovered,
        "located_at_desa": sorted(inputs.located_at_desa, key=lambda x: x["code"]),
        **base,
        "objects": len(plan.posts) - len(tps_posts),
        "objects_unplanned": [u for u in inputs.unplanned if "kind" in u],
        "reserve_by_unit": {str(k): v for k, v in plan.reserve.items()},
        "reserve_share": inputs.reserve_share,
        "tni_required": computed.tni_required,
        "tni_assigned": computed.tni_required - tni.shortfall,
        "tni_shortfall": tni.shortfall,
        "linmas_required": sum(p.linmas_required for p in tps_posts),
        "linmas_assigned": sum(linmas.values()),
        "linmas_roster_desa": len(roster_desa),
        "units": len(inputs.units),
    }
