"""Compute plans with siaga.core.planner and turn stored plans back into planner plans.

A stored plan holds the planner's posts, assignments, BKO orders and
shortfalls, so re-planning can hand it to ``core.planner.replan`` as the
previous plan and list the moves with ``core.planner.plan_diff``.
"""

from dataclasses import dataclass

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

    @property
    def tni_required(self) -> int:
        return sum(self.inputs.tni_per_post.get(p.klass, 0) for p in self.plan.posts)

    def summary(self) -> dict:
        out = self.plan.summary()
        out["tni_required"] = self.tni_required
        out["units"] = len(self.inputs.units)
        return out


def stored_as_planner_plan(plan: Plan, config: planner.PlannerConfig) -> planner.Plan:
    """The planner's view of a stored plan (one part: the plan's province)."""
    posts, key_of = [], {}
    for p in plan.posts.all().order_by("key"):
        key_of[p.pk] = p.key
        posts.append(planner.Post(p.key, p.klass, tuple(p.tps_ids), p.lat, p.lng, p.desa_code, p.kecamatan_code,
                                  p.kabkota_code, p.polri_required, p.linmas_required, p.island))
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
        travel_m=plan.travel_m, cost=plan.cost, status=plan.status)
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
    keys |= {key for key, ids in previous.posts.values_list("key", "tps_ids") if changed_tps.intersection(ids)}
    return keys


def compute(inputs: PlanInputs, *, method="optimal", previous: Plan | None = None, changed_tps=(),
            config: planner.PlannerConfig | None = None) -> Computed:
    """Group posts and staff them; incremental (``replan``) on a previous plan of the same area and patterns."""
    config = config or planner.PlannerConfig()
    posts = planner.group_posts(inputs.tps, inputs.patterns)
    if method == "greedy":
        return Computed(inputs, planner.plan_greedy(posts, inputs.units, config, persons=inputs.persons), False,
                        set(), set())
    if previous is None or previous.method != "optimal" or previous.area_code != inputs.area:
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
    """Each stored post's first TPS code, by post key."""
    return {key: codes[0] for key, codes in plan.posts.values_list("key", "tps_codes")}


def inputs_class_changes(viewer, area, previous: Plan | None) -> set[int]:
    """TPS the risk app re-classed since the previous plan."""
    from siaga.deployment.inputs import class_changes_since

    return class_changes_since(viewer=viewer, area=area, when=previous.created_at) if previous else set()
