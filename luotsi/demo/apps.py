from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo county (``seed_demo``, ``demo_logins``).

    No models and no translatable strings: the commands speak to operators, and they refuse to
    run outside demo mode. Never needed in production, except for its deployment check
    (``checks.py``), which errors while demo logins or demo data exist outside demo mode.
    """

    name = "luotsi.demo"
    label = "demo"
    verbose_name = "Demo county"

    def ready(self) -> None:
        from luotsi.demo import checks  # noqa: F401  (registers the deployment check)
