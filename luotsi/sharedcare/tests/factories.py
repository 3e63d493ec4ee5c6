"""Helpers for shared-client tests: the checklist, a rule, flags and service events."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import import_module

from django.apps import apps
from django.utils import timezone

from luotsi.sharedcare.models import ChecklistItem, ConsultationBasis
from luotsi.usage.models import Flag, IdentificationRule, Measure, ServiceEvent


def checklist() -> list[ChecklistItem]:
    """The default checklist of the data migration (browser tests may have emptied it)."""
    if not ChecklistItem.objects.exists():
        import_module("luotsi.sharedcare.migrations.0002_default_checklist").add_items(apps, None)
    return list(ChecklistItem.objects.filter(active=True))


def consultation_bases() -> None:
    """The consultation bases of the data migration (browser tests may have emptied them)."""
    if not ConsultationBasis.objects.exists():
        import_module("luotsi.sharedcare.migrations.0003_consultation_bases_as_data").load_bases(
            apps, None)


def rule(code: str = "multi_sector", measure: str = Measure.DISTINCT_SECTORS, threshold: int = 3,
         **extra) -> IdentificationRule:
    defaults = {"name_fi": "Useita sektoreita", "name_sv": "Flera sektorer",
                "name_en": "Several sectors",
                "explanation_fi": "Tapahtumia vähintään kolmella sektorilla.",
                "explanation_sv": "Händelser inom minst tre sektorer.",
                "explanation_en": "Events in at least three sectors.",
                "measure": measure, "threshold": threshold, "window_days": 365, **extra}
    found, _created = IdentificationRule.objects.get_or_create(code=code, defaults=defaults)
    return found


def flag(person, on: date | None = None, the_rule: IdentificationRule | None = None) -> Flag:
    on = on or timezone.localdate()
    return Flag.objects.create(person=person, rule=the_rule or rule(), as_of=on,
                               first_flagged_on=on - timedelta(days=10))


def events(person, today: date | None = None) -> list[ServiceEvent]:
    """Events in three sectors over the last months, two of them emergency visits."""
    today = today or timezone.localdate()
    rows = [("social", "decision", 20), ("health", "emergency_visit", 40),
            ("health", "emergency_visit", 41), ("health", "doctor_visit", 100),
            ("mental_health_substance", "visit", 60), ("employment", "contact", 500)]
    return ServiceEvent.objects.bulk_create(
        ServiceEvent(person=person, sector=sector, service_code="X1", organisation="Porvoo",
                     event_date=today - timedelta(days=days), kind=kind)
        for sector, kind, days in rows)
