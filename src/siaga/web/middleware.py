class IndonesianByDefault:
    """Serve Bahasa Indonesia unless the user chose English with the language switcher.

    Command-post machines often run browsers set to English; their Accept-Language
    must not switch the interface. The choice made in the page (a cookie) still counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RejectNulCharacters:
    """Refuse requests carrying NUL characters: no field may hold one, and PostgreSQL cannot store it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest

        query = request.META.get("QUERY_STRING", "")
        json_body = request.content_type == "application/json" and b"\\u0000" in request.body
        if "\x00" in request.path or "%00" in query or any("\x00" in k or "\x00" in v for k, v in request.GET.items()) \
                or json_body:
            return HttpResponseBadRequest("Permintaan berisi karakter NUL / the request contains a NUL character")
        return self.get_response(request)


def viewer_zone(user):
    """The time zone of the viewer's province; a national account sees the server's (settings.TIME_ZONE)."""
    from django.conf import settings

    from siaga.core.timezones import WITA, zone_for_province, zone_named

    area = ""
    if getattr(user, "is_authenticated", False):
        area = user.area_code or (user.agency.area_code if user.agency_id else "")
    return zone_for_province(area) or zone_named(settings.TIME_ZONE) or WITA


class LocalTimeZone:
    """Show every time of a page in the viewer's local zone (WIB/WITA/WIT), the zone written on the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import timezone

        zone = viewer_zone(request.user)
        request.siaga_zone = zone
        timezone.activate(zone.name)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
