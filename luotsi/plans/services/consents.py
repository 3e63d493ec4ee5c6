"""The client's consents to share the plan with other sectors."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access.models import LogAction
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


def consent_withdraw(*, actor, consent: Consent, on: date | None = None,
                     expected_revision: int | None = None) -> Consent:
    with plan_write(actor, consent.plan, expected_revision) as locked:
        consent.withdrawn_on = on or timezone.localdate()
        consent.save(update_fields=["withdrawn_on", "updated_at"])
        plan_change_log(actor, locked, LogAction.UPDATE, f"consent {consent.pk} withdrawn")
    return consent
