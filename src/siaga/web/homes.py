"""Role homes: each user lands on the page for their work, every figure from the selector its own page and the CLI
use, scoped to the viewer's area (regions.page_area, as on every other page).

    commander, admin  the province (or their own area) at a glance: risk, personnel, incidents, voting day, calendar
    Polres / Polsek   the same picture of their own area; a Polsek also gets its TPS call list
    analyst           the watch list: sangat rawan TPS, class changes of the last week, severe open incidents
    field officer     one big button to the report form for their post
    partner agencies  the shared view: risk classes, published incidents, voting-day and custody progress

Apps are optional (siaga.features), so each section is filled only when its app is present.
"""

from datetime import timedelta

from django.utils import timezone

from siaga import features
from siaga.accounts.models import AgencyKind, Role
from siaga.regions import selectors as regions
from siaga.regions.models import Election


def template_for(user) -> str:
    if user.role == Role.FIELD:
        return "web/home_field.html"
    if user.role == Role.PARTNER or (user.agency_id and user.agency.kind != AgencyKind.POLRI):
        return "web/home_shared.html"
    if user.role == Role.ANALYST:
        return "web/home_analyst.html"
    return "web/home_command.html"


def context_for(user, template: str) -> dict:
    area = regions.page_area(viewer=user)
    region = regions.region_get(viewer=user, code=area) if area else None
    election = regions.default_election()  # one election for every figure of the page
    context = {"area": area, "region": region, "election_label": dict(Election.choices)[election],
               "stats": regions.tps_stats(viewer=user, province=area or None, election=election)}
    if template == "web/home_field.html":
        return context
    context.update(risk_section(user, area, election))
    if template == "web/home_analyst.html":
        context.update(watch_section(user, area, election))
        context.update(incident_section(user, area))
        return context
    context.update(incident_section(user, area))
    # the call list names police officers and their phones: the police's homes only
    context.update(progress_section(user, area, calls=template == "web/home_command.html"))
    if template == "web/home_shared.html":
        context.update(custody_section(user, area))
        return context
    context.update(personnel_section(user, area, election))
    context.update(calendar_section(user))
    return context


def risk_section(user, area, election) -> dict:
    risk = features.module("risk", "selectors")
    if risk is None or not area:
        return {}
    from siaga.risk.charts import class_distribution_chart
    from siaga.risk.presenters import class_label

    _region, own = risk.area_risk_get(viewer=user, code=area, election=election)
    _region, children = risk.area_classes_worst_first(viewer=user, code=area, election=election)
    return {"risk": own, "risk_children": children, "class_labels": [class_label(i) for i in range(4)],
            "class_chart": class_distribution_chart(children) if children else None}


def personnel_section(user, area, election) -> dict:
    deployment = features.module("deployment", "selectors")
    if deployment is None:
        return {}
    plan = deployment.plan_latest(viewer=user, area=area or None, election=election)
    if plan is None:
        return {"plan": None}
    from siaga.deployment.charts import shortfall_chart

    rows = deployment.unit_table(viewer=user, plan=plan, area=area)
    return {"plan": plan, "plan_summary": deployment.plan_summary(viewer=user, plan=plan, area=area),
            "unit_rows": sorted(rows, key=lambda r: (-r["shortfall"], -r["required"], r["unit"].code)),
            "worst_unit": deployment.largest_shortfall(rows),
            "shortfall_chart": shortfall_chart(rows) if rows else None}


def incident_section(user, area) -> dict:
    operations = features.module("operations", "selectors")
    if operations is None:
        return {}
    from siaga.operations import workflow

    from siaga.operations.charts import incidents_chart

    summary = operations.summary(viewer=user, area=area or None)
    over_time = operations.incidents_over_time(viewer=user, area=area or None)
    open_rows = operations.incidents(viewer=user, area=area or None).filter(status__in=workflow.OPEN_STATUSES)
    return {"ops": summary, "open_incidents": open_rows.order_by("-severity", "-reported_at")[:8],
            "open_total": sum(summary["open_incidents"].values()),
            "incidents_chart": incidents_chart(over_time) if over_time["categories"] else None}


def progress_section(user, area, calls=True) -> dict:
    operations = features.module("operations", "selectors")
    if operations is None:
        return {}
    from siaga.operations.charts import progress_child_chart, progress_line_chart

    timeline = operations.progress_timeline(viewer=user, area=area or None)
    children = operations.progress_by_child(viewer=user, area=area or None)
    calls = operations.missing_reports(viewer=user, area=area or None, limit=10) if calls else None
    glance = None
    if timeline:  # the furthest milestone any TPS reported, and the share of TPS past it now
        from siaga.operations.charts import MILESTONE_LABELS

        stages = list(MILESTONE_LABELS)
        stage = next((s for s in reversed(stages) if any(timeline["series"][s])), stages[0])
        glance = {"label": MILESTONE_LABELS[stage], "percent": timeline["series"][stage][-1]}
    return {"timeline": timeline, "progress_children": children, "calls": calls, "progress_glance": glance,
            "progress_chart": progress_line_chart(timeline) if timeline else None,
            "progress_child_chart": progress_child_chart(children[:20]) if children else None}


def calendar_section(user) -> dict:
    planning = features.module("planning", "selectors")
    if planning is None:
        return {}
    return {"calendar": True, "stage_now": planning.current_stage(user), "stage_next": planning.stage_next(user)}


def watch_section(user, area, election) -> dict:
    risk = features.module("risk", "selectors")
    if risk is None:
        return {}
    from siaga.risk.presenters import class_label

    since = timezone.now() - timedelta(days=7)
    watch = risk.tps_risk_list(viewer=user, area=area or None, klass=[2], election=election).order_by(
        "-score", "tps__code")
    return {"watch": risk.viewer_explanations(user, list(watch[:25])), "watch_total": watch.count(),
            "changes": [(c, class_label(c.old_class) if c.old_class is not None else "–", class_label(c.new_class))
                        for c in risk.class_changes_since(viewer=user, when=since, area=area or None)[:20]]}


def custody_section(user, area) -> dict:
    custody = features.module("custody", "selectors")
    if custody is None:
        return {}
    from siaga.custody.charts import custody_progress_chart

    rows = custody.progress_by_level(viewer=user, area=area)
    return {"custody_rows": rows, "custody_chart": custody_progress_chart(rows) if rows else None}
