"""System checks that `manage.py check --deploy` adds for Luotsi."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_off_in_production(app_configs, **kwargs):
    if settings.DEMO_MODE:
        return [
            Error(
                "Demo mode is on: the published demo logins work and insecure demo keys may be "
                "in use.",
                hint="Unset LUOTSI_DEMO where real client data is processed.",
                id="luotsi.E001",
            )
        ]
    return []
