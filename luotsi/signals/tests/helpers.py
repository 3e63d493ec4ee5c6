"""Building histories for the signals' tests."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from luotsi.intake.models import Contact, ContactPerson
from luotsi.signals.models import EarlyWarningRule
from luotsi.usage.models import IdentificationRule, ServiceEvent


def events(person, rows) -> None:
    """``rows``: (date, sector, kind)."""
    ServiceEvent.objects.bulk_create(
        ServiceEvent(person=person, sector=sector, service_code=f"S{i}", organisation="Porvoo",
                     event_date=day, kind=kind)
        for i, (day, sector, kind) in enumerate(rows))


def emergencies(person, days: list[date]) -> None:
    events(person, [(day, "health", "emergency_visit") for day in days])


def only_rules(*, identification_threshold: int = 4, early_threshold: int = 2) -> EarlyWarningRule:
    """Only one identification rule (emergency visits ≥ N) and one early rule (≥ M) active."""
    IdentificationRule.objects.update(active=False)
    EarlyWarningRule.objects.update(active=False)
    IdentificationRule.objects.create(
        code="test_emergency", name_fi="Päivystys", measure="events_of_kind",
        threshold=identification_threshold, event_kind="emergency_visit", window_days=365)
    return EarlyWarningRule.objects.create(
        code="test_early_emergency", name_fi="Varhainen päivystys", name_sv="Tidig jour",
        name_en="Early emergency", measure="events_of_kind", threshold=early_threshold,
        event_kind="emergency_visit", window_days=365)


def closed_advice_contact(person, *, closed_on: date, team, municipality, user) -> Contact:
    received = timezone.make_aware(datetime.combine(closed_on, time(10)))
    contact = Contact.objects.create(
        kind="child_welfare_notification", clock="child_welfare_notification", channel="phone",
        received_at=received, opened_on=closed_on, reporter_kind="health_care",
        description="Huoli", child=person, municipality=municipality, team=team,
        registered_by=user, status="closed", closed_on=closed_on, initial_outcome="advice")
    ContactPerson.objects.create(contact=contact, person=person, role="child")
    return contact
