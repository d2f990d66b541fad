"""Figures the plan shows that belong to apps on higher floors (coordination, operations, custody).

Planning sits below those apps and never imports them. Each registers what it provides in its
`AppConfig.ready()`; planning asks here. Every KPI source must have a provider once the apps are
ready: `verify()` raises at start-up otherwise (called from the last installed app's ready(), and
a system check says the same), so a KPI is never "no data" because its provider is missing.
The plan document's sections and a threat's intelligence come from coordination when it is
installed; without it the document says so.
"""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from siaga.planning.models import KpiSource

# source -> func(*, viewer, operation, mitigation, today) -> float | None (None: no data yet)
_kpis: dict[str, callable] = {}
# name -> func; names used: "document.coordination", "document.intel" (viewer, operation -> blocks),
# "threat.intel" (viewer, threat, via -> reports, each read logged)
_hooks: dict[str, callable] = {}


def register_kpi(source: str, func) -> None:
    if source not in KpiSource.values:
        raise ImproperlyConfigured(f"Unknown KPI source {source!r} (known: {', '.join(KpiSource.values)})")
    _kpis[source] = func  # a later registration replaces (apps may be populated again, e.g. in tests)


def kpi_provider(source: str):
    try:
        return _kpis[source]
    except KeyError:
        raise ImproperlyConfigured(f"No provider registered for the KPI {source!r}") from None


def register(name: str, func) -> None:
    _hooks[name] = func


def hook(name: str):
    """The function registered under `name`, or None when the app providing it is not installed."""
    return _hooks.get(name)


def missing_kpis() -> list[str]:
    return [source for source in KpiSource.values if source not in _kpis]


def verify() -> None:
    """Raise at start-up when a KPI source has no provider."""
    if missing := missing_kpis():
        raise ImproperlyConfigured(f"KPI without a provider: {', '.join(missing)} (an app that provides it "
                                   "is not installed or does not register it in its AppConfig.ready())")


def check_providers(app_configs=None, **kwargs):
    return [checks.Error(f"KPI {source!r} has no provider", hint="Its app registers one in AppConfig.ready() with "
                         "siaga.planning.providers.register_kpi.", id="planning.E001") for source in missing_kpis()]
