from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The top of the house: the home page ("what needs doing today", gathered from every
    capability), the main navigation, the health check, the error pages and the deployment
    checks. Nothing imports it."""

    name = "luotsi.home"
    label = "home"
    verbose_name = _("Home")

    def ready(self) -> None:
        from luotsi.home import (  # noqa: F401
            checks,  # registers the checks
            open_work,  # answers what open work a professional holds
        )
