from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeploymentConfig(AppConfig):
    name = "siaga.deployment"
    label = "deployment"
    verbose_name = _("Personnel and deployment")


    def ready(self):
        from siaga.deployment.pattern_import import pattern_import
        from siaga.deployment.roster_import import personnel_import
        from siaga.jobs.registry import register

        register("deployment.personnel", _("Personnel roster import"), personnel_import)
        register("deployment.patterns", _("Security pattern import"), pattern_import)


NAV = [(_("Deployment"), "deployment:index")]
