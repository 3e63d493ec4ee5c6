"""The queue's ordering keys stored on each contact.

``queue()`` orders open contacts by urgency (urgent first until handled, then those not yet
assessed, then the rest) and the nearest unmet deadline. Computing that per request means an
aggregate over the deadlines of every open contact; instead each contact carries

- ``next_due_on``: the due date of its nearest unmet deadline (``None`` when all are met);
- ``deadline_status``: the most pressing status among its unmet deadlines (``overdue``,
  ``due_soon``, ``on_time``), ``met`` when none is unmet, ``not_needed`` when the only unmet
  ones were left when the contact closed;
- ``queue_rank``: ``2 × urgency rank + (1 when there is no unmet deadline)``, so that within
  one urgency the contacts without a deadline come last on every database without relying on
  how NULLs sort.

``refresh`` recomputes them set-based (two UPDATEs, whatever the number of contacts) and is
called in the same transaction as every change to a contact's urgency, status or deadlines
(``luotsi.intake.services``) and by the sweeper after it updates deadline statuses.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When

NO_DEADLINE = 1


def key_expressions(contact_model, deadline_model) -> dict:
    """UPDATE expressions for ``next_due_on`` and ``deadline_status`` (models passed in so that
    migrations can use their historical models). Deadlines "not needed" (of a closed contact)
    neither give a due date nor a pressing status."""
    unmet = deadline_model.objects.filter(contact=OuterRef("pk"), met_on__isnull=True)
    pending = unmet.exclude(status="not_needed")
    return {
        "next_due_on": Subquery(pending.order_by("due_on").values("due_on")[:1]),
        "deadline_status": Case(
            When(Exists(pending.filter(status="overdue")), then=Value("overdue")),
            When(Exists(pending.filter(status="due_soon")), then=Value("due_soon")),
            When(Exists(pending), then=Value("on_time")),
            When(Exists(unmet), then=Value("not_needed")),
            default=Value("met"),
        ),
    }


def rank_expression():
    return (
        Case(When(urgency="urgent", then=Value(0)), When(urgency="", then=Value(2)),
             default=Value(4), output_field=IntegerField())
        + Case(When(next_due_on__isnull=True, then=Value(NO_DEADLINE)), default=Value(0),
               output_field=IntegerField())
    )


def refresh_queryset(contacts, deadline_model) -> int:
    """Recompute the keys of the contacts in ``contacts`` (a queryset); returns the count."""
    count = contacts.update(**key_expressions(contacts.model, deadline_model))
    contacts.update(queue_rank=rank_expression())
    return count


def refresh(contact_ids: Iterable[int] | None = None, *, open_only: bool = False) -> int:
    """Recompute the keys of the given contacts (all contacts when ``None``)."""
    from luotsi.intake.models import Contact, ContactStatus, Deadline

    contacts = Contact.objects.all()
    if contact_ids is not None:
        ids = list(contact_ids)
        if not ids:
            return 0
        contacts = contacts.filter(pk__in=ids)
    if open_only:
        contacts = contacts.filter(~Q(status=ContactStatus.CLOSED))
    return refresh_queryset(contacts, Deadline)


def sync(contact_ids: Iterable[int] | None = None) -> None:
    """Bring everything the services store alongside a contact up to date for rows written
    directly (demo data, benchmarks, test builders): the initial assessment's outcome copied to
    the contact, "not needed" for the unmet deadlines of closed contacts, and the queue keys."""
    from django.db.models import OuterRef, Subquery

    from luotsi.intake.models import (
        Contact,
        ContactStatus,
        Deadline,
        DeadlineStatus,
        InitialAssessment,
    )

    contacts = Contact.objects.all()
    if contact_ids is not None:
        contact_ids = list(contact_ids)
        contacts = contacts.filter(pk__in=contact_ids)
    outcome = InitialAssessment.objects.filter(contact=OuterRef("pk")).values("outcome")[:1]
    contacts.filter(initial_assessment__isnull=False).update(initial_outcome=Subquery(outcome))
    Deadline.objects.filter(
        contact__in=contacts.filter(status=ContactStatus.CLOSED), met_on__isnull=True,
    ).exclude(status=DeadlineStatus.NOT_NEEDED).update(status=DeadlineStatus.NOT_NEEDED)
    refresh(contact_ids)
