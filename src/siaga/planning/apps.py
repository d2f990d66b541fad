from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "siaga.planning"
    label = "planning"
    verbose_name = _("Security plan")

    def ready(self):
        from django.core import checks

        from siaga.planning import kpi_sources, providers

        kpi_sources.register_own()
        # deployment (below) staffs recap venues through the windows of this calendar
        from siaga.deployment import calendar
        from siaga.planning.selectors import operation_calendar

        calendar.register(operation_calendar)
        checks.register(providers.check_providers)


NAV = [(_("Plan"), "planning:index")]
