from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "siaga.coordination"
    label = "coordination"
    verbose_name = _("Coordination")

    def ready(self):
        from siaga.coordination import plan_providers

        plan_providers.register_all()


NAV = [(_("Coordination"), "coordination:index")]
