from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsageConfig(AppConfig):
    name = "luotsi.usage"
    label = "usage"
    verbose_name = _("Service usage and identification of shared clients")
