from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "luotsi.access"
    label = "access"
    verbose_name = _("Access and access log")

    def ready(self) -> None:
        from luotsi.access import signals  # noqa: F401  (logs changes of professionals' access)
