from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo county (``seed_demo``, ``demo_logins``).

    No models and no translatable strings: the commands speak to operators, and they refuse to
    run outside demo mode. Never needed in production.
    """

    name = "luotsi.demo"
    label = "demo"
    verbose_name = "Demo county"
