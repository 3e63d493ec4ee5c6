from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "luotsi.organisation"
    label = "organisation"
    verbose_name = _("Organisation")


class SignInAttemptsConfig(AxesAppConfig):
    """django-axes (sign-in throttling) under a name in the administrator's language; its own
    strings are translated in ``locale/`` (``luotsi.common.third_party_strings``)."""

    verbose_name = _("Sign-in protection")
