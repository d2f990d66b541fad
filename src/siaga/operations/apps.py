from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

NAV = [(_("Operations"), "operations:command")]


class OperationsConfig(AppConfig):
    name = "siaga.operations"
    label = "operations"
    verbose_name = _("Voting-day operations")

    def ready(self):
        # planning sits below and asks its registry for this KPI (it never imports operations)
        from siaga.operations.selectors import kpi_response_time
        from siaga.planning.providers import register_kpi

        register_kpi("response_time", kpi_response_time)
