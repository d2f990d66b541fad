from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GakkumduConfig(AppConfig):
    name = "siaga.gakkumdu"
    label = "gakkumdu"
    verbose_name = _("Sentra Gakkumdu")


NAV = [(_("Gakkumdu"), "gakkumdu:index")]


def nav_visible(user) -> bool:
    """The menu entry shows to the Sentra's members only (Bawaslu, Polri, Kejaksaan) and administrators."""
    from siaga.gakkumdu.access import member_kind

    return member_kind(user) is not None
