from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """Statutory deadline rules and the Finnish working-day calendar (no models)."""

    name = "luotsi.deadlines"
    label = "deadlines"
    verbose_name = _("Deadlines")
