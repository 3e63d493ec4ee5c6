from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharedCareConfig(AppConfig):
    name = "luotsi.sharedcare"
    label = "sharedcare"
    verbose_name = _("Shared clients")
