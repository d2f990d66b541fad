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
