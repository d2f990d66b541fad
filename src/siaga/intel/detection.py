"""Early detection (deteksi dini): indicator counts per kab/kota over time, judged against stored rules,
and the day summary the Lapinhar compiles. Reads only; services.watch_evaluate writes the alerts.

Indicators (WatchRule.indicator), counted per area over a window of days:
  insiden_kategori  incidents (operations) of a category, by the day they occurred;
  li_wilayah        LIs about the area or naming it in their facts;
  observasi_rawan   vulnerability observations (risk) dated in the window, of one indicator code when given;
  kasus_jenis       cases of a kind.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from siaga.accounts.models import Agency, AgencyKind, AgencyLevel
from siaga.accounts.scope import area_contains
from siaga.intel import selectors
from siaga.intel.models import Indicator, Kind
from siaga.operations import selectors as operations
from siaga.planning.selectors import stages_in_progress
from siaga.regions.models import Region
from siaga.risk.selectors import observations_raised


@dataclass(frozen=True)
class Result:
    value: int
    previous: int
    fires: bool
    reason: str


def judge(*, value, previous, threshold, rise_factor=None, rise_min=None, window_days=None) -> Result:
    """Fires at the threshold, or on a rising trend: at least `rise_min` and `rise_factor` times the window
    before (a window before with nothing counts as 1, so 0 -> rise_min is a rise)."""
    if value >= threshold:
        window = f"{window_days} hari terakhir" if window_days else "jendela waktu"
        return Result(value, previous, True, f"{value} dalam {window} (ambang {threshold})")
    if rise_factor and rise_min and value >= rise_min and value >= rise_factor * max(previous, 1):
        return Result(value, previous, True, f"naik dari {previous} menjadi {value} (≥ {rise_factor:g}×)")
    return Result(value, previous, False, "")


def area_name(code) -> str:
    region = Region.objects.filter(code=code).only("name").first()
    return region.name if region else code


def count(viewer, rule, area, since: date, until: date) -> int:
    if rule.indicator == Indicator.INCIDENTS:
        rows = operations.incidents(viewer=viewer, area=area, include_exercise=False).filter(
            occurred_at__date__gte=since, occurred_at__date__lte=until)
        return (rows.filter(category=rule.category) if rule.category else rows).count()
    if rule.indicator == Indicator.LI_MENTIONS:
        name = area_name(area)
        return selectors.product_list(viewer=viewer, kind=Kind.LI).filter(day__gte=since, day__lte=until).filter(
            Q(area_code=area) | Q(area_code__startswith=area + ".") | Q(facts__icontains=name)).count()
    if rule.indicator == Indicator.OBSERVATIONS:
        rows = observations_raised(viewer=viewer, area=area, since=since, until=until)
        return (rows.filter(indicator__code=rule.category) if rule.category else rows).count()
    if rule.indicator == Indicator.CASES:
        rows = selectors.case_list(viewer=viewer, kind=rule.category or None).filter(
            Q(area_code=area) | Q(area_code__startswith=area + "."), occurred_on__gte=since, occurred_on__lte=until)
        return rows.count()
    raise ValueError(rule.indicator)


def watched_areas(viewer) -> list[str]:
    """The kab/kota of the viewer's area that have a Polres (its Sat Intelkam takes the task)."""
    codes = Agency.objects.filter(kind=AgencyKind.POLRI, level=AgencyLevel.KABKOTA).values_list("area_code",
                                                                                                 flat=True)
    area = viewer.area_code or ""
    return sorted(c for c in codes if area_contains(area, c) or area_contains(c, area))


def evaluate(*, viewer, today: date):
    """(rule, area, area name, Result) for every active rule whose stage is in progress (or any stage when the
    rule names none) and every area."""
    kinds = {s.kind for s in stages_in_progress(viewer, today)}
    areas = watched_areas(viewer)
    names = dict(Region.objects.filter(code__in=areas).values_list("code", "name"))
    for rule in selectors.rule_list(viewer=viewer).filter(active=True):
        if rule.stage_kind and rule.stage_kind not in kinds:
            continue
        since = today - timedelta(days=rule.window_days - 1)
        before = since - timedelta(days=rule.window_days)
        for area in areas:
            value = count(viewer, rule, area, since, today)
            previous = count(viewer, rule, area, before, since - timedelta(days=1))
            yield rule, area, names.get(area, area), judge(value=value, previous=previous, threshold=rule.threshold,
                                                           rise_factor=rule.rise_factor, rise_min=rule.rise_min,
                                                           window_days=rule.window_days)


def day_summary(*, viewer, day: date, area: str) -> dict:
    """What the Lapinhar compiles for one day and area, as plain data (and the classifications it includes)."""
    lis = selectors.product_list(viewer=viewer, kind=Kind.LI, area=area, day=day).order_by("created_at", "id")
    incidents = operations.incidents(viewer=viewer, area=area, include_exercise=False).filter(
        occurred_at__date=day).order_by("occurred_at")
    observations = observations_raised(viewer=viewer, area=area, since=day, until=day)
    alerts = selectors.alert_list(viewer=viewer, area=area, day=day)
    names = {}

    def name(code):
        if code not in names:
            names[code] = area_name(code)
        return names[code]

    return {
        "area": area, "area_name": name(area), "day": day.isoformat(),
        "li": [{"id": p.pk, "number": p.number, "title": p.title, "grade": p.grade, "area": name(p.area_code),
                "classification": p.classification, "facts": p.facts, "assessment": p.assessment} for p in lis],
        "incidents": [{"id": i.pk, "category": i.get_category_display(), "severity": i.severity,
                       "area": name(i.kecamatan_code), "description": i.description,
                       "time": i.occurred_at.isoformat()} for i in incidents],
        "observations": [{"indicator": o.indicator.name_id, "value": o.value,
                          "place": o.tps.code if o.tps_id else name(o.region_id)}
                         for o in observations.select_related("tps")],
        "alerts": [{"id": a.pk, "rule": a.rule.name, "area": name(a.area_code), "reason": a.reason,
                    "fired_on": a.fired_on.isoformat()} for a in alerts],
        "levels": sorted({p.classification for p in lis}),
    }
