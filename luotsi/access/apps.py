from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "luotsi.access"
    label = "access"
    verbose_name = _("Access and access log")

    def ready(self) -> None:
        from luotsi.access import (  # noqa: F401
            checks,  # the deployment check of the runtime database role
            signals,  # logs changes of professionals' access
        )
