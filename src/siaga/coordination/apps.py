from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "siaga.coordination"
    label = "coordination"
    verbose_name = _("Coordination")


NAV = [(_("Coordination"), "coordination:index")]
