from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

NAV = [(_("Operations"), "operations:command")]


class OperationsConfig(AppConfig):
    name = "siaga.operations"
    label = "operations"
    verbose_name = _("Voting-day operations")
