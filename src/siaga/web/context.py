from functools import cache

from django.conf import settings

from siaga import features


@cache
def feature_nav():
    """(label, url name) of each present app's pages, from its apps.NAV."""
    items = []
    for label in features.present():
        items.extend(getattr(features.module(label, "apps"), "NAV", []))
    return tuple(items)


def siaga_context(request):
    context = {"map_tile_url": settings.SIAGA_MAP_TILE_URL, "feature_nav": feature_nav(),
               "feature_apps": features.present(),
               "time_zone": getattr(request, "siaga_zone", None)}
    planning = features.module("planning", "selectors")
    if planning and request.user.is_authenticated:
        # The election stage in progress, shown on every page.
        context["current_stage"] = planning.current_stage(request.user)
    return context
