from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustodyConfig(AppConfig):
    name = "siaga.custody"
    label = "custody"
    verbose_name = _("Ballot-box custody")

    def ready(self):
        # planning sits below and asks its registry for this KPI (it never imports custody)
        from siaga.custody.selectors import kpi_escort_coverage
        from siaga.planning.providers import register_kpi

        register_kpi("escort_coverage", kpi_escort_coverage)
        # operations (same floor) declares re-votes; the new ballots enter custody through regions' signal
        from siaga.custody.services import revote_declared
        from siaga.regions.signals import tps_revote_declared

        tps_revote_declared.connect(revote_declared, dispatch_uid="custody.revote_items")
        # transport sits below: a new marine forecast holds (or releases) the escort sea legs it closes
        from siaga.custody.weather import apply_forecast_holds
        from siaga.transport.registry import register_forecast_listener

        register_forecast_listener(apply_forecast_holds)


NAV = [(_("Ballot boxes"), "custody:index")]
