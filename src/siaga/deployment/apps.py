from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeploymentConfig(AppConfig):
    name = "siaga.deployment"
    label = "deployment"
    verbose_name = _("Personnel and deployment")


NAV = [(_("Deployment"), "deployment:index")]
