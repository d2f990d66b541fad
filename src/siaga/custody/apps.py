from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustodyConfig(AppConfig):
    name = "siaga.custody"
    label = "custody"
    verbose_name = _("Ballot-box custody")


NAV = [(_("Ballot boxes"), "custody:index")]
