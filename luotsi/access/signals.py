"""Access-log records of changes to professionals' roles, teams and flags.

The organisation app announces each change (``organisation.audit``); this writes it to the access
log (no person; basis ``administration``), where the data-protection officer sees it among the
records that name no person. A role or a team is what opens client data to a professional, so a
superuser who gives themselves a team leaves a record like any other access.
"""

from __future__ import annotations

from django.dispatch import receiver

from luotsi.access import log
from luotsi.access.models import Basis, Category, LogAction, Outcome
from luotsi.organisation.audit import professional_access_changed


@receiver(professional_access_changed, dispatch_uid="luotsi_access_log_professional_change")
def log_professional_access_change(sender, *, actor, professional, created, changes, **kwargs):
    detail = (f"professional {professional.get_username()} (id {professional.pk})"
              f"{' created' if created else ''}: " + "; ".join(changes))
    log.record(actor, person_id=None, category=Category.PROFESSIONAL_ACCESS,
               action=LogAction.CREATE if created else LogAction.UPDATE,
               basis=Basis.ADMINISTRATION, outcome=Outcome.ALLOWED, detail=detail)
