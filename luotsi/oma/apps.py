from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OmaConfig(AppConfig):
    name = "luotsi.oma"
    label = "oma"
    verbose_name = _("The client's own area")
