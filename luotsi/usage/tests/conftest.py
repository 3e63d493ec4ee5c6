import pytest


@pytest.fixture
def default_rules(db):
    """The default rules of the data migration (browser tests elsewhere may have emptied them)."""
    from importlib import import_module

    from django.apps import apps

    from luotsi.usage.models import IdentificationRule

    if not IdentificationRule.objects.exists():
        import_module("luotsi.usage.migrations.0002_default_identification_rules").load(apps, None)
    return {rule.code: rule for rule in IdentificationRule.objects.all()}

