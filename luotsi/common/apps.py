from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "luotsi.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from django.urls import register_converter

        from luotsi.common.converters import IdConverter

        register_converter(IdConverter, "id")
