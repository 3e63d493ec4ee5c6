"""Intake's part of the person page (luotsi.people.history): the contacts and notifications
that concern the person, with their status and initial assessment, the service-need assessments
of the person as a child with the client status they led to, and the guardians registered in
those contacts. Rows come through the access gateway: a contact shows only when the worker may
see its child."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luotsi.access import gateway
from luotsi.access.gateway import filter_visible
from luotsi.access.models import Category
from luotsi.intake.models import Assessment, ContactPerson
from luotsi.people.history import Section

CHILD_ROLES = (ContactPerson.Role.CHILD, ContactPerson.Role.UNBORN)
PARENT_ROLES = (ContactPerson.Role.GUARDIAN, ContactPerson.Role.EXPECTANT_PARENT)
LIMIT = 50


def contacts_concerning(user, person_ids, *, exclude_contact_id=None) -> list[ContactPerson]:
    """The contacts concerning ``person_ids`` that ``user`` may see (newest first), each with
    the person's role, the contact, its initial assessment and its service-need assessment."""
    rows = filter_visible(ContactPerson.objects.filter(person_id__in=person_ids), user,
                          person_field="contact__child")
    if exclude_contact_id is not None:
        rows = rows.exclude(contact_id=exclude_contact_id)
    return list(rows.select_related(
        "person", "contact", "contact__child", "contact__team", "contact__assignee",
        "contact__initial_assessment", "contact__assessment",
        "contact__assessment__responsible_worker",
    ).order_by("-contact__received_at", "-contact_id")[:LIMIT])


def assessments_of(user, person_ids) -> list[Assessment]:
    """Service-need assessments of ``person_ids`` as children that ``user`` may see, newest
    first, with the named worker of the client relationship they led to."""
    return list(filter_visible(Assessment.objects.filter(child_id__in=person_ids), user,
                               person_field="child")
                .select_related("child", "team", "worker", "responsible_worker")
                .order_by("-opened_on", "-pk")[:LIMIT])


def person_history(user, person) -> list[Section]:
    roles = contacts_concerning(user, [person.pk])
    as_child = [row.contact_id for row in roles if row.role in CHILD_ROLES]
    family = []
    if as_child:
        seen = set()
        for row in (ContactPerson.objects.filter(contact_id__in=as_child, role__in=PARENT_ROLES)
                    .exclude(person_id=person.pk).select_related("person")
                    .annotate(access_basis=gateway.basis_of(user, "person",
                                                            Category.BASIC_DATA))
                    .order_by("pk")):
            if row.person_id not in seen:
                seen.add(row.person_id)
                # The person page names a member only when ``user`` may see them.
                row.person.access_basis = row.access_basis
                family.append((row.get_role_display(), row.person))
    assessments = assessments_of(user, [person.pk])
    return [
        Section(key="contacts", title=_("Contacts and notifications"),
                template="intake/_person_contacts.html", category=Category.INTAKE,
                rows=roles, family=family, order=10),
        Section(key="assessments", title=_("Service-need assessments and client status"),
                template="intake/_person_assessments.html", category=Category.INTAKE,
                rows=assessments, order=20),
    ]


def earlier_for_contact(user, contact, persons) -> dict:
    """For a contact's page: the other contacts concerning its persons (children and guardians)
    and the service-need assessments of its children, with the client status they led to, as
    ``user`` may see them. A contact about another child (e.g. a sibling, through a guardian)
    shows that child's data: each such child is logged as listed."""
    person_ids = [p.person_id for p in persons]
    seen, earlier = set(), []
    for row in contacts_concerning(user, person_ids, exclude_contact_id=contact.pk):
        if row.contact_id not in seen:
            seen.add(row.contact_id)
            earlier.append(row)
    children = [p.person_id for p in persons if p.role in CHILD_ROLES]
    statuses = [a for a in assessments_of(user, children) if a.pk != contact.assessment_id]
    others = {row.contact.child_id for row in earlier} - {contact.child_id}
    gateway.log_listed_ids(user, sorted(others), category=Category.INTAKE,
                           detail=f"earlier contacts on contact {contact.pk}")
    return {"earlier": earlier, "client_statuses": statuses}
