from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "siaga.risk"
    label = "risk"
    verbose_name = _("Vulnerability mapping")


    def ready(self):
        from siaga.jobs.registry import register
        from siaga.risk.obs_import import observations_import

        register("risk.observations", _("Observation import"), observations_import)


NAV = [(_("Vulnerability"), "risk:map")]
