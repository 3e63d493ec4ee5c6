"""The client's consents to share the plan with other sectors."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access import gateway
from luotsi.access.models import Category, LogAction
from luotsi.people.models import Person
from luotsi.plans import sectors
from luotsi.plans.models import Consent, Plan
from luotsi.plans.revisions import plan_change_log, plan_write
from luotsi.plans.services.common import fail


def consent_add(*, actor, plan: Plan, sector: str, scope: str, valid_from: date | None,
                valid_until: date | None = None, expected_revision: int | None = None,
                ) -> Consent:
    errors = {}
    if not sectors.is_active(sector):
        errors["sector"] = _("Choose the sector the plan is shared with.")
    if not scope.strip():
        errors["scope"] = _("Write what the consent covers.")
    if valid_from is None:
        errors["valid_from"] = _("Give the date the consent starts.")
    elif valid_until and valid_until < valid_from:
        errors["valid_until"] = _("The consent cannot end before it starts.")
    if errors or valid_from is None:
        fail(errors)
    with plan_write(actor, plan, expected_revision) as locked:
        consent = Consent.objects.create(plan=locked, sector=sector, scope=scope.strip(),
                                         valid_from=valid_from, valid_until=valid_until,
                                         recorded_by=actor)
        plan_change_log(actor, locked, LogAction.UPDATE, f"consent {consent.pk} to {sector}")
    return consent


def consent_request(*, actor, plan: Plan, sector: str, scope: str,
                    valid_until: date | None = None, expected_revision: int | None = None,
                    ) -> Consent:
    """Ask the client for a consent to share the plan with ``sector``: not in force until the
    client accepts it in their own area (``consent_accept_by_client``)."""
    errors = {}
    if not sectors.is_active(sector):
        errors["sector"] = _("Choose the sector the plan is shared with.")
    if not scope.strip():
        errors["scope"] = _("Write what the consent covers.")
    if valid_until and valid_until < timezone.localdate():
        errors["valid_until"] = _("The consent cannot end before it starts.")
    if errors:
        fail(errors)
    with plan_write(actor, plan, expected_revision) as locked:
        consent = Consent.objects.create(plan=locked, sector=sector, scope=scope.strip(),
                                         valid_from=timezone.localdate(),
                                         valid_until=valid_until, recorded_by=actor,
                                         status=Consent.Status.REQUESTED)
        plan_change_log(actor, locked, LogAction.UPDATE,
                        f"consent {consent.pk} to {sector} asked from the client")
    return consent


def _client_plan_change(client: Person, plan: Plan, detail: str) -> Plan:
    """One change of the client's own plan by the client: the plan row locked and its revision
    raised (a professional's open form then sees the change), the change logged with the client
    as the actor, basis ``own_data``. Called inside the caller's transaction."""
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    locked.revision += 1
    locked.save(update_fields=["revision", "updated_at"])
    gateway.log_own_write(client, category=Category.PLAN, detail=detail)
    return locked


def consent_withdraw_by_client(*, client: Person, consent: Consent, on: date) -> Consent:
    """The client withdraws their own consent (``consent`` is theirs: the caller fetched it
    through the gateway's own-data path); it is out of force from ``on``."""
    with transaction.atomic():
        _client_plan_change(client, consent.plan, f"consent {consent.pk} withdrawn by the client")
        consent.withdrawn_on = on
        consent.save(update_fields=["withdrawn_on", "updated_at"])
    return consent


def consent_accept_by_client(*, client: Person, consent: Consent) -> Consent:
    """The client accepts the consent a worker asked them for: given, in force from today."""
    today = timezone.localdate()
    with transaction.atomic():
        _client_plan_change(client, consent.plan, f"consent {consent.pk} accepted by the client")
        consent.status = Consent.Status.GIVEN
        consent.valid_from = max(consent.valid_from, today)
        consent.answered_at = timezone.now()
        consent.save(update_fields=["status", "valid_from", "answered_at", "updated_at"])
    return consent


def consent_withdraw(*, actor, consent: Consent, on: date | None = None,
                     expected_revision: int | None = None) -> Consent:
    with plan_write(actor, consent.plan, expected_revision) as locked:
        consent.withdrawn_on = on or timezone.localdate()
        consent.save(update_fields=["withdrawn_on", "updated_at"])
        plan_change_log(actor, locked, LogAction.UPDATE, f"consent {consent.pk} withdrawn")
    return consent
