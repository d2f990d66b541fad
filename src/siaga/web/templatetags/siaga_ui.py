"""Words, not codes: template filters that show enumerations by label, regions by name, and keep links in area.

    {% load siaga_ui %}
    {{ incident|label:"status" }}      the status's label in the user's language, never "baru"
    {{ region|region }}                "Kolaka <span class="code">74.01</span>" (name first, code as secondary)
    {{ "74.01"|area_name }}            the same from a region code
    {% if r.code|in_area:user %}       a breadcrumb links only inside the viewer's area
    {{ key|detail_key }}               a stored detail key ("expected", "seen") as a label
    {{ code|choice:"app.Enum" }}        a bare stored value as the label of that app's TextChoices
"""

from datetime import datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from siaga.accounts.scope import can_see_area

register = template.Library()


@register.filter
def label(obj, field):
    """The display label of an enumerated field (obj.get_<field>_display()), or the value when it has none."""
    display = getattr(obj, f"get_{field}_display", None)
    return display() if display else getattr(obj, field, "")


@register.filter
def region(obj):
    """A region (or anything with .name and .code) as its name with the code as secondary text."""
    if obj is None or obj == "":
        return ""
    name, code = getattr(obj, "name", ""), getattr(obj, "code", "")
    if not name:
        return format_html('<span class="code">{}</span>', code or obj)
    return format_html('{} <span class="code">{}</span>', name, code) if code else name


@register.filter
def area_name(code):
    """A region code ("74.01") as its name with the code as secondary text; "" (all Indonesia) as such."""
    from siaga.regions.models import Region

    code = str(code or "")
    if not code:
        return _("All Indonesia")
    found = Region.objects.filter(code=code).only("name", "code").first()
    return region(found) if found else format_html('<span class="code">{}</span>', code)


@register.filter
def in_area(code, user):
    return bool(user and user.is_authenticated) and can_see_area(user, str(code))


# Keys of stored anomaly and event details shown to people.
DETAIL_KEYS = {
    "expected": _("expected"), "seen": _("seen"), "handover": _("handover"), "receiver": _("receiver"),
    "since": _("since"), "missing": _("missing"), "received": _("received"), "sent": _("sent"),
    "node": _("node"), "item": _("item"), "seals": _("seals"), "stage": _("stage"), "due": _("due"),
    "was_at": _("was at"), "from": _("from"), "to": _("to"), "by_race": _("simultaneous handovers"),
    "items": _("items"), "leg": _("leg"),
    # custody chain event kinds
    "seal_replaced": _("seal replaced"), "correction": _("correction"),
}


@register.filter
def detail_key(key):
    return DETAIL_KEYS.get(key, str(key).replace("_", " "))


@register.filter
def detail_value(value):
    """A stored detail value for people: a timestamp (kept as text in UTC) in the page's zone, lists joined."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in " T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_filter(moment, "j M Y H:i")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


@register.filter
def stage_label(value):
    """A TPS stage or flag code ("serah") as its label; from the operations app when it is installed."""
    from siaga import features

    labels = features.module("operations", "labels")
    return labels.label(labels.TpsStage, value) if labels else value


@register.filter
def class_label(klass):
    """A TPS vulnerability class (0-3 or its code "sangat_rawan") as its name in the user's language."""
    from django.utils.translation import get_language

    from siaga.core.scoring import CLASS_LABELS, CLASS_NAMES

    if isinstance(klass, str) and klass in CLASS_NAMES:
        klass = CLASS_NAMES.index(klass)
    try:
        return CLASS_LABELS["en" if get_language() == "en" else "id"][int(klass)]
    except (TypeError, ValueError, IndexError):
        return klass


PLAN_STATUS = {"OPTIMAL": _("optimal (min-cost flow)"), "FEASIBLE": _("feasible (greedy)")}


@register.filter
def plan_status(status):
    return PLAN_STATUS.get(status, status)


REGION_KINDS = {"provinsi": _("Province"), "kabupaten": _("Regency (kabupaten)"), "kota": _("City (kota)"),
                "kecamatan": _("Kecamatan"), "desa": _("Desa"), "kelurahan": _("Kelurahan")}


@register.filter
def region_kind(kind):
    """A region's kind as stored ("kabupaten") in the user's language."""
    return REGION_KINDS.get(kind, kind)


@register.filter
def choice(value, choices):
    """A stored value as the label of the named enumeration: {{ clearance|choice:"coordination.Classification" }}."""
    from siaga import features

    app, name = choices.split(".")
    models = features.module(app, "models")
    enum = getattr(models, name, None) if models else None
    try:
        return enum(value).label if enum else value
    except ValueError:
        return value
