from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldappsConfig(AppConfig):
    name = "siaga.fieldapps"
    label = "fieldapps"
    verbose_name = _("Field apps (ODK)")
