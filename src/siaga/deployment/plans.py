"""Compute plans with siaga.core.planner and turn stored plans back into planner plans.

A stored plan holds the planner's posts, assignments, BKO orders and
shortfalls, so re-planning can hand it to ``core.planner.replan`` as the
previous plan and list the moves with ``core.planner.plan_diff``.
"""

from dataclasses import dataclass
from functools import cached_property

from siaga.core import planner
from siaga.deployment.inputs import PlanInputs
from siaga.deployment.models import Plan, PlanAssignment, PlanBko, PlanPersonAssignment


@dataclass
class Computed:
    inputs: PlanInputs
    plan: planner.Plan
    incremental: bool
    changed_posts: set
    changed_units: set

    @cached_property
    def tni_demand(self) -> dict[int, int]:
        """Post id -> TNI the pattern asks for (perbantuan)."""
        demand = {p.id: self.inputs.tni_per_post.get(p.klass, 0) for p in self.plan.posts if p.tps_ids}
        demand.update(self.inputs.object_tni)
        return {k: v for k, v in demand.items() if v > 0}

    @cached_property
    def tni(self) -> planner.SupportPlan:
        return planner.assign_support(self.plan.posts, self.tni_demand, self.inputs.tni_units,
                                      self.plan.config.travel)

    @property
    def tni_required(self) -> int:
        return sum(self.tni_demand.values())

    @cached_property
    def linmas(self) -> dict[int, int]:
        """Post id -> Linmas assigned: from the desa's roster where one is imported, else the pattern's."""
        return linmas_assigned(self.plan.posts, self.inputs)

    def summary(self) -> dict:
        from siaga.deployment.operation_summary import plan_summary

        return plan_summary(self)


def linmas_assigned(posts, inputs: PlanInputs) -> dict[int, int]:
    """Each desa's rostered Linmas go to its TPS in id order, up to the pattern's need per TPS; a desa
    without a roster is assumed to field the pattern's number (2 per TPS by default)."""
    roster = dict(inputs.linmas_roster)
    desa_of = {t.id: t.desa for t in inputs.tps}
    per_tps = {p.klass: p.linmas_per_tps for p in inputs.patterns.values()}
    out = {}
    for post in sorted(posts, key=lambda p: p.id):
        got = 0
        for t in sorted(post.tps_ids):
            need = per_tps.get(post.klass, 0)
            desa = desa_of.get(t)
            if desa in roster:
                take = min(need, roster[desa])
                roster[desa] -= take
                got += take
            else:
                got += need
        out[post.id] = got
    return out


def stored_as_planner_plan(plan: Plan, config: planner.PlannerConfig) -> planner.Plan:
    """The planner's view of a stored plan (one part: the plan's province)."""
    posts, key_of = [], {}
    for p in plan.posts.all().order_by("key"):
        key_of[p.pk] = p.key
        posts.append(planner.Post(p.key, p.klass, tuple(p.tps_ids), p.lat, p.lng, p.desa_code, p.kecamatan_code,
                                  p.kabkota_code, p.polri_required, p.linmas_required, p.island, p.kind))
    assignments = tuple(sorted(
        planner.Assignment(key_of[post_id], unit_id, count)
        for post_id, unit_id, count in PlanAssignment.objects.filter(plan=plan).values_list("post_id", "unit_id",
                                                                                            "count")))
    people = tuple(planner.PersonAssignment(key_of[post_id], person_id) for post_id, person_id in
                   PlanPersonAssignment.objects.filter(plan=plan).values_list("post_id", "person_id"))
    bko = tuple(sorted(planner.BkoOrder(*row) for row in
                       PlanBko.objects.filter(plan=plan).values_list("from_unit_id", "to_unit_id", "count")))
    part = planner.ProvincePlan(
        province=plan.province_code, posts=tuple(posts), unit_ids=frozenset(int(k) for k in plan.strengths),
        assignments=assignments, person_assignments=people,
        shortfall_by_unit={int(k): v for k, v in plan.shortfall_by_unit.items()}, bko=bko,
        travel_m=plan.travel_m, cost=plan.cost, status=plan.status,
        reserve={int(k): v for k, v in plan.summary.get("reserve_by_unit", {}).items()})
    return planner.Plan(plan.method, config, {plan.province_code: part})


def _changed_units(inputs: PlanInputs, previous: Plan) -> set[int]:
    before, now = previous.strengths, inputs.strengths
    return {int(k) for k in before.keys() | now.keys() if before.get(k) != now.get(k)}


def _changed_posts(inputs, posts, previous: Plan, changed_tps: set[int]) -> set[int]:
    now = inputs.classes
    changed_tps = set(changed_tps)
    changed_tps |= {int(k) for k in set(now) ^ set(previous.classes)}
    changed_tps |= {int(k) for k in now.keys() & previous.classes.keys() if now[k] != previous.classes[k]}
    keys = {p.id for p in posts if changed_tps.intersection(p.tps_ids)}
    before = {}
    for key, ids in previous.posts.values_list("key", "tps_ids"):
        before[key] = tuple(ids)
        if changed_tps.intersection(ids):
            keys.add(key)
    # TPS added, removed or placed (a registry change): their posts differ from the stored ones.
    now = {p.id: tuple(p.tps_ids) for p in posts}
    keys |= {k for k in now.keys() | before.keys() if now.get(k) != before.get(k)}
    return keys


def compute(inputs: PlanInputs, *, method="optimal", previous: Plan | None = None, changed_tps=(),
            config: planner.PlannerConfig | None = None) -> Computed:
    """Group posts and staff them; incremental (``replan``) on a previous plan of the same area and patterns."""
    config = config or planner.PlannerConfig(reserve_share=inputs.reserve_share)
    posts = planner.group_posts(inputs.tps, inputs.patterns) + inputs.objects
    if method == "greedy":
        return Computed(inputs, planner.plan_greedy(posts, inputs.units, config, persons=inputs.persons), False,
                        set(), set())
    same_objects = previous is not None and (
        set(previous.posts.exclude(kind="tps").values_list("key", "polri_required"))
        == {(o.id, o.polri_required) for o in inputs.objects})
    if (previous is None or previous.method != "optimal" or previous.area_code != inputs.area
            or previous.election != inputs.election or not same_objects
            or previous.summary.get("reserve_share") != inputs.reserve_share):
        return Computed(inputs, planner.plan_optimal(posts, inputs.units, persons=inputs.persons, config=config),
                        False, set(), set())
    changed_posts = _changed_posts(inputs, posts, previous, changed_tps)
    changed_units = _changed_units(inputs, previous)
    old = stored_as_planner_plan(previous, config)
    new = planner.replan(old, posts, inputs.units, persons=inputs.persons, config=config,
                         changed_post_ids=changed_posts, changed_unit_ids=changed_units)
    return Computed(inputs, new, True, changed_posts, changed_units)


def moves_between(old: planner.Plan, new: planner.Plan, unit_codes: dict[int, str], post_codes) -> list[dict]:
    """``plan_diff`` with unit codes and each post's first TPS code, for people to read."""
    return [{"unit": unit_codes.get(m.unit_id, str(m.unit_id)), "unit_id": m.unit_id,
             "from_post": m.from_post, "from_tps": post_codes.get(m.from_post),
             "to_post": m.to_post, "to_tps": post_codes.get(m.to_post), "count": m.count}
            for m in planner.plan_diff(old, new)]


def post_codes_of(plan: Plan) -> dict[int, str]:
    """Each stored post's first TPS code (an object's name), by post key."""
    return {key: codes[0] if codes else name for key, codes, name in plan.posts.values_list("key", "tps_codes",
                                                                                          "name")}


def inputs_class_changes(viewer, area, previous: Plan | None) -> set[int]:
    """TPS the risk app re-classed since the previous plan."""
    from siaga.deployment.inputs import class_changes_since

    return class_changes_since(viewer=viewer, area=area, when=previous.created_at) if previous else set()
