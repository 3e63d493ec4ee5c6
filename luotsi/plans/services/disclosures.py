"""Showing another sector's section of a plan to a professional, on a lawful basis.

A professional sees their own sector's sections; the coordinator and the named worker see all,
and so does one whose sector the client has consented to share the plan with (SHL 41 §,
``selectors.visible_sectors``). Any other sector's section is shown to a professional only as a
disclosure on one of the bases of ``DisclosureBasis`` (data with their legal source): a basis that
requires consent needs the client's consent in force covering the professional's sector, and the
access-log record (action ``disclose``) names the section, the recipient, the basis with its
source and the consent relied on.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.access import gateway
from luotsi.access.models import Basis, Category, LogAction
from luotsi.plans import selectors
from luotsi.plans.models import Consent, DisclosureBasis, Plan, PlanSection, SectionDisclosure
from luotsi.plans.services.common import fail

# How long a section shown on a basis stays on the professional's plan page.
DISCLOSURE_DAYS = 30


def _consent_for(plan: Plan, sectors: set[str]) -> Consent | None:
    today = timezone.localdate()
    return next((c for c in plan.consents.order_by("-valid_from", "-pk")
                 if c.sector in sectors and c.in_force_on(today)), None)


def section_disclose(*, actor, plan: Plan, section_id, basis_code: str) -> SectionDisclosure:
    """Show the section ``section_id`` of ``plan`` to ``actor`` on the basis ``basis_code``.

    Refused (``ValidationError`` naming the field, nothing shown or saved): a section that is not
    another sector's active section hidden from the actor (``section``), no basis, a basis not
    offered (the child-welfare duty to notify) or one requiring consent without the client's
    consent in force covering the actor's sector (``basis``)."""
    errors: dict[str, str] = {}
    allowed = selectors.visible_sectors(actor, plan)
    section = PlanSection.objects.filter(
        pk=section_id, plan=plan, status=PlanSection.Status.ACTIVE).first() \
        if str(section_id or "").isdigit() else None
    if section is None:
        errors["section"] = _("Choose the section from the list.")
    elif selectors.section_visible(section.sector, allowed):
        errors["section"] = _("This section is already shown to you.")
    basis = DisclosureBasis.objects.filter(pk=basis_code).first() if basis_code else None
    consent = None
    if not basis_code:
        errors["basis"] = _("Choose the basis for showing the section.")
    elif basis is None or not basis.offered:
        errors["basis"] = _("This is not a basis for showing another sector's section. Choose "
                            "one from the list.")
    elif basis.requires_consent:
        consent = _consent_for(plan, selectors.sectors_of(actor))
        if consent is None:
            errors["basis"] = _("“%(basis)s” needs the client's consent to share the plan with "
                                "your sector, and none is in force. Record the consent first, or "
                                "choose a statutory basis.") % {"basis": basis.name}
    if errors or section is None or basis is None:
        fail(errors)
    gateway.check_write(actor, [plan.person_id], category=Category.PLAN,
                        detail=f"plan {plan.pk}")
    today = timezone.localdate()
    with transaction.atomic():
        disclosure = SectionDisclosure.objects.create(
            plan=plan, section=section, recipient=actor, basis=basis, consent=consent,
            valid_until=today + timedelta(days=DISCLOSURE_DAYS))
        why = f"{basis.code} ({basis.source})" + (f", consent {consent.pk}" if consent else "")
        log_basis = gateway.access_bases(actor, [plan.person_id], Category.PLAN).get(
            plan.person_id, Basis.NONE)
        gateway.record_write(
            actor, person_id=plan.person_id, category=Category.PLAN,
            action=LogAction.DISCLOSE, basis=log_basis,
            detail=f"plan {plan.pk} section {section.pk} ({section.sector}) to "
                   f"{actor.username}; basis {why}")
    return disclosure
