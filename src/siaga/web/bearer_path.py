"""API requests that carry a bearer token skip the middleware that serves browsers.

A field report (a phone, an SMS aggregator, a partner feed) is `Authorization: Bearer <token>` on /api/: sessions,
messages, CSRF (which guards cookie sign-ins), axes (which guards the sign-in form), static files and the page
time zone of the signed-in user do nothing for it but cost a good part of its time. Such a request goes through
LEAN_MIDDLEWARE instead, to the same URL resolver, views and services as every other request. Browsers (no
bearer header) keep the full stack.

On this path nobody is signed in by cookie: `request.user` is anonymous until the token authenticates, so the
API's session fallback (django_auth) cannot accept the request and a rejected token is answered 401; CSRF, which
only guards cookie authentication, is therefore not checked.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.utils.module_loading import import_string

API_PREFIX = "/api/"
# What a token request still needs: security headers and HTTPS redirect, the allowed-hosts check and
# Content-Length (CommonMiddleware), the NUL refusal, the answer's language (the language cookie, else
# Indonesian), the CSP and frame headers every response carries.
LEAN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "siaga.web.bearer_path.FixedCSP",
    "siaga.web.middleware.RejectNulCharacters",
    "siaga.web.middleware.IndonesianByDefault",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


class FixedCSP:
    """The Content-Security-Policy headers of CSPMiddleware, built once: API views set no nonce and no
    per-view policy, so the settings' policy is the same for every answer."""

    def __init__(self, get_response):
        from csp.constants import HEADER, HEADER_REPORT_ONLY
        from csp.utils import build_policy

        self.get_response = get_response
        self.headers = [(name, policy) for name, policy in ((HEADER, build_policy()),
                                                             (HEADER_REPORT_ONLY, build_policy(report_only=True)))
                        if policy]

    def __call__(self, request):
        response = self.get_response(request)
        for name, policy in self.headers:
            if name not in response:
                response[name] = policy
        return response


def is_bearer_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX) and \
        request.META.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "


class LeanHandler(BaseHandler):
    """Django's request handling (URL resolving, views, error pages) behind `middleware` only."""

    def __init__(self, middleware=LEAN_MIDDLEWARE):
        self._view_middleware, self._template_response_middleware, self._exception_middleware = [], [], []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(middleware):
            instance = import_string(path)(handler)
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler

    def __call__(self, request):
        request.user = AnonymousUser()  # the token authentication sets the user
        request._dont_enforce_csrf_checks = True  # no cookie can sign this request in (see above)
        return self._middleware_chain(request)


class BearerApiFastPath:
    """First in MIDDLEWARE: bearer-token API requests go through LeanHandler, all others down the full stack."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.lean = LeanHandler()

    def __call__(self, request):
        if is_bearer_api(request):
            return self.lean(request)
        return self.get_response(request)
