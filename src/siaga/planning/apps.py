from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "siaga.planning"
    label = "planning"
    verbose_name = _("Security plan")


NAV = [(_("Plan"), "planning:index")]
