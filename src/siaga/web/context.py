from functools import cache

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from siaga import features, readreplica


@cache
def _nav_entries():
    """(label, url name, visible-to predicate or None) of each present app's pages, from its apps.NAV
    (and apps.nav_visible(user) where an app shows its entry to some users only)."""
    items = []
    for label in features.present():
        apps = features.module(label, "apps")
        visible = getattr(apps, "nav_visible", None)
        items.extend((text, url, visible) for text, url in getattr(apps, "NAV", []))
    return tuple(items)


def feature_nav(user=None):
    """(label, url name) of the pages in the top navigation for this user."""
    return tuple((text, url) for text, url, visible in _nav_entries()
                 if visible is None or (user is not None and visible(user)))


def siaga_context(request):
    context = {"map_tile_url": settings.SIAGA_MAP_TILE_URL, "feature_nav": feature_nav(getattr(request, "user", None)),
               "feature_apps": features.present(),
               "time_zone": getattr(request, "siaga_zone", None), "read_from": read_from_label()}
    planning = features.module("planning", "selectors")
    if planning and request.user.is_authenticated:
        # The election stage in progress, shown on every page.
        context["current_stage"] = planning.current_stage(request.user)
    return context


def read_from_label() -> str:
    """Where the figures of a read-only page came from and how fresh they are (only with a read replica)."""
    reading = readreplica.freshness()
    if reading is None:
        return ""
    lag = number_format(reading.lag or 0, 1)
    if reading.alias == readreplica.REPLICA:
        return _("Figures from the database replica, %(lag)s s behind") % {"lag": lag}
    return {"down": _("Figures from the primary database: the replica does not answer"),
            "lagging": _("Figures from the primary database: the replica is %(lag)s s behind") % {"lag": lag},
            "own_write": _("Figures from the primary database, with your latest change")}[reading.reason]
