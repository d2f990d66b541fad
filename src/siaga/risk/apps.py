from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "siaga.risk"
    label = "risk"
    verbose_name = _("Vulnerability mapping")


NAV = [(_("Vulnerability"), "risk:map")]
