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
