from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "luotsi.plans"
    label = "plans"
    verbose_name = _("Client plans")

    def ready(self) -> None:
        # The sector table's cache is cleared when a sector is saved or deleted.
        from luotsi.plans import sectors  # noqa: F401
