"""Registering a contact and the contact page (urgency, initial assessment, assignment, statutory
clock)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.api import idempotency
from luotsi.common.forms import apply_service_errors, save_through_service
from luotsi.common.middleware import pending_form_data
from luotsi.intake import advice, person_history, selectors, services
from luotsi.intake.forms import (
    AssignForm,
    ClockForm,
    InitialAssessmentForm,
    UrgencyForm,
    contact_forms,
    received_initial,
)
from luotsi.intake.models import Contact, ContactPerson, ContactStatus
from luotsi.intake.views._common import GET_POST, deadline_rows, kept_message, orphan_errors
from luotsi.intake.views.intents import Intent, Intents
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action, has_permission


def _error_summary(forms) -> list[dict]:
    """The entries of an error summary over several forms, each naming its field (and the
    fieldset, for the repeated child and guardian rows)."""
    entries = []
    for form in forms:
        legend = getattr(form, "legend", "")
        first = next(iter(form), None)
        for message in form.non_field_errors():
            entries.append({"anchor": first.id_for_label if first else "", "legend": legend,
                            "label": "", "message": message})
        for field in form:
            for message in field.errors:
                entries.append({"anchor": field.id_for_label, "legend": legend,
                                "label": field.label, "message": message})
    return entries


def _person_refs(forms) -> tuple[list[services.PersonRef], list]:
    """The persons concerned, in the order the service numbers them, and the form row of each."""
    refs, owners = [], []
    unborn = forms["unborn"].cleaned_data
    for form in forms["children"]:
        if form.is_filled():
            data = form.cleaned_data
            refs.append(services.PersonRef(
                role=ContactPerson.Role.CHILD, hetu=data["hetu"], temporary=data["temporary"],
                first_name=data["first_name"], last_name=data["last_name"]))
            owners.append(form)
    if unborn.get("unborn"):
        refs.append(services.PersonRef(role=ContactPerson.Role.UNBORN, temporary=True,
                                       expected_birth_date=unborn["expected_birth_date"]))
        owners.append(forms["unborn"])
    parent_role = (ContactPerson.Role.EXPECTANT_PARENT if unborn.get("unborn")
                   else ContactPerson.Role.GUARDIAN)
    for form in forms["guardians"]:
        if form.is_filled():
            data = form.cleaned_data
            refs.append(services.PersonRef(
                role=parent_role, hetu=data["hetu"], temporary=data["temporary"],
                first_name=data["first_name"], last_name=data["last_name"]))
            owners.append(form)
    return refs, owners


def _register_errors(forms, owners, exc: ValidationError, children_errors: list) -> None:
    contact_form = forms["contact"]
    if not hasattr(exc, "error_dict"):
        apply_service_errors(contact_form, exc)
        return
    for name, errors in exc.message_dict.items():
        if name.startswith("persons."):
            _prefix, index, field = (name.split(".", 2) + ["", ""])[:3]
            try:
                form = owners[int(index)]
            except (ValueError, IndexError):
                form = contact_form
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        elif name == "persons":
            children_errors.extend(errors)
        else:
            target = {"received_at": "received_time"}.get(name, name)
            for message in errors:
                contact_form.add_error(target if target in contact_form.fields else None,
                                       message)


def _passed_to_responsible_worker(contact: Contact) -> bool:
    """Whether the new contact went to the responsible worker of the child's client
    relationship (``services.contact_register``)."""
    clienthood = selectors.current_clienthood_of(contact.child_id)
    return (clienthood is not None and contact.assignee_id == clienthood.responsible_worker_id
            and contact.team_id == clienthood.team_id)


def _register_once(request, data: services.ContactInput, form_key: str, source) -> Contact:
    """Register the contact (converting the advice record ``source``, if given); the form's own
    key (stored as ``web-…`` with the API's keys) makes posting the same form twice register
    one contact. The access check is this request's: the role (``contact_create``'s guard) and
    the advice record (``_advice_source``), checked on a retry as on the first post; what is
    shown after it is read again through the gateway (``_after_register``)."""
    def register(source) -> tuple[int, dict]:
        contact = (advice.advice_convert(actor=request.user, record=source, data=data)
                   if source is not None
                   else services.contact_register(actor=request.user, data=data))
        return 201, {"id": contact.pk}

    outcome = idempotency.form_once(request, form_key, fingerprint=data.fingerprint(),
                                    access=lambda: source, handler=register)
    return Contact.objects.get(pk=outcome.body["id"])


def _after_register(request, contact: Contact):
    messages.success(request, _("The contact was registered."))
    # Someone who may not see the child (a notification from another sector) learns nothing
    # about the child's assessment or other contacts.
    if not selectors.visible_contacts(request.user).filter(pk=contact.pk).exists():
        messages.info(request, _("The contact was passed to the central intake team."))
        return redirect("home")
    if contact.assessment_id:
        messages.info(request, _("The child already has an open service-need assessment: the "
                                 "contact was attached to it."))
    elif _passed_to_responsible_worker(contact):
        messages.info(request, _(
            "The child is already a client: the contact was passed to the responsible worker "
            "%(worker)s and the team %(team)s, who were notified.") % {
            "worker": contact.assignee, "team": contact.team})
    if selectors.probable_duplicates(contact).exists():
        messages.warning(request, _("There are probable duplicates of this contact; they are "
                                    "listed on the contact page."))
    return redirect("intake:contact_detail", contact_id=contact.pk)


@login_required
@GET_POST
@action_required(Action.CREATE_PERSON, Action.VIEW_CLIENT)
def contact_create(request):
    """Register a contact or notification about a child, once; with ``?advice=<id>``, convert
    that advice record into the named contact (received when the advice was)."""
    children_errors: list[str] = []
    source = _advice_source(request)
    if source is not None and source.converted_to_id is not None:
        messages.info(request, _("This record was already converted into a named contact."))
        return redirect("intake:advice_detail", advice_id=source.pk)
    kept = pending_form_data(request)
    if kept is not None:
        kept_message(request)
        forms = contact_forms(kept)
        for form in _all_forms(forms):
            form.is_valid()
    elif request.method == "POST":
        forms = contact_forms(request.POST)
        valid = [form.is_valid() for form in _all_forms(forms)]
        if all(valid):
            refs, owners = _person_refs(forms)
            data = forms["contact"].cleaned_data
            contact_input = services.ContactInput(
                kind=data["kind"], channel=data["channel"], received_at=data.get("received_at"),
                reporter_kind=data["reporter_kind"], description=data["description"],
                persons=refs, clock=data["clock"], municipality_code=data["municipality_code"],
                reporter_name=data["reporter_name"],
                reporter_organisation=data["reporter_organisation"],
                reporter_phone=data["reporter_phone"],
                reporter_protected=data["reporter_protected"],
                family_informed=data["family_informed"])
            try:
                contact = _register_once(request, contact_input, data["idempotency_key"],
                                         source)
            except ValidationError as exc:
                _register_errors(forms, owners, exc, children_errors)
            except idempotency.KeyReused:
                forms["contact"].add_error(None, _(
                    "This form was already saved with other entries. Open the registered "
                    "contact from the queue, or start a new registration."))
            else:
                return _after_register(request, contact)
    else:
        forms = contact_forms()
        if source is not None:
            forms["contact"].initial.update({
                **received_initial(source.received_at), "channel": source.channel,
                "description": source.summary})
    if not forms["contact"]["idempotency_key"].value():
        forms["contact"].initial["idempotency_key"] = uuid.uuid4().hex
        if forms["contact"].is_bound:
            forms["contact"].data = forms["contact"].data.copy()
            forms["contact"].data["idempotency_key"] = forms["contact"].initial["idempotency_key"]
    summary = _error_summary(_all_forms(forms))
    if children_errors:
        summary += [{"anchor": "id_child-0-hetu", "legend": _("Children concerned"), "label": "",
                     "message": message} for message in children_errors]
    return render(request, "intake/contact_create.html", {
        **forms, "children_errors": children_errors, "summary": summary,
        "advice_source": source})


def _advice_source(request):
    """The advice record being converted (``?advice=<id>``), checked as the team's own: read
    (logged) on the form's page, only checked when the form is posted (the service logs)."""
    advice_id = request.GET.get("advice")
    if not advice_id:
        return None
    return selectors.access_advice_by_id(request.user, advice_id,
                                         for_write=request.method == "POST").record


def _all_forms(forms) -> list:
    return [forms["contact"], *forms["children"], forms["unborn"], *forms["guardians"]]


def _contact_urgency(request, contact, data):
    form = UrgencyForm(data)
    done = save_through_service(request, form, lambda cleaned: services.contact_assess_urgency(
        actor=request.user, contact=contact, urgency=cleaned["urgency"],
        note=cleaned["urgency_note"], expected_version=cleaned["expected_version"]),
        _("The urgency assessment was recorded."))
    return None if done else {"urgency_form": form}


def _contact_initial(request, contact, data):
    form = InitialAssessmentForm(data, municipality_id=contact.municipality_id)
    done = save_through_service(request, form, lambda cleaned: services.initial_assessment_record(
        actor=request.user, contact=contact, outcome=cleaned["outcome"],
        reason=cleaned["reason"], referral_code=cleaned["referral_code"],
        informed_on=cleaned["informed_on"], not_informed_reason=cleaned["not_informed_reason"],
        expected_version=cleaned["expected_version"]),
        _("The initial assessment was recorded."))
    return None if done else {"initial_form": form}


def _contact_clock(request, contact, data):
    form = ClockForm(data, current=contact.clock)
    done = save_through_service(request, form, lambda cleaned: services.contact_change_clock(
        actor=request.user, contact=contact, clock=cleaned["clock"], reason=cleaned["reason"],
        expected_version=cleaned["expected_version"]),
        _("The statutory clock was changed and the deadlines recomputed."))
    return None if done else {"clock_form": form}


def _assign_team_ids(user, contact) -> list[int]:
    """Whom a contact may be assigned to: the members of its team; for a lead of that team, the
    workers of every team they lead (``services.contacts_assign`` hands it over)."""
    if has_permission(user, Action.MANAGE_TEAM) and contact.team_id in user.team_ids():
        return user.team_ids()
    return [contact.team_id]


def _contact_assign(request, contact, data):
    form = AssignForm(data, team_ids=_assign_team_ids(request.user, contact))

    def assign(cleaned):
        version = cleaned["expected_version"]
        return services.contacts_assign(
            actor=request.user, contact_ids=[contact.pk], assignee=cleaned["assignee"],
            pair_worker=cleaned["pair_worker"],
            expected_versions={contact.pk: version} if version else None)

    done = save_through_service(request, form, assign, _("The contact was assigned."))
    return None if done else {"assign_form": form}


CONTACT_INTENTS = Intents(
    urgency=Intent(_contact_urgency, lambda contact, data, user: UrgencyForm(data),
                   "urgency_form", anchor="urgency"),
    initial=Intent(_contact_initial, lambda contact, data, user: InitialAssessmentForm(
        data, municipality_id=contact.municipality_id), "initial_form", anchor="history"),
    assign=Intent(_contact_assign, lambda contact, data, user: AssignForm(
        data, team_ids=_assign_team_ids(user, contact)), "assign_form", anchor="assign"),
    clock=Intent(_contact_clock, lambda contact, data, user: ClockForm(
        data, current=contact.clock), "clock_form", anchor="clock"),
)


@login_required
@GET_POST
def contact_detail(request, contact_id: int):
    return CONTACT_INTENTS.answer(
        request,
        access=lambda **kwargs: selectors.access_contact_by_id(request.user, contact_id,
                                                               **kwargs),
        render=_render_contact,
        saved=lambda contact: redirect("intake:contact_detail", contact_id=contact.pk))


def _render_contact(request, contact: Contact, bound: dict, access=None):
    if access is None:  # after a form: the page logs its view of the child
        access = selectors.access_contact_by_id(request.user, contact.pk).access
    contact = selectors.contact_detail(contact)
    initial = getattr(contact, "initial_assessment", None)
    is_open = contact.status != ContactStatus.CLOSED
    version = {"expected_version": contact.version}
    persons = list(contact.persons.all())
    # The child is the contact's own (checked above); another person concerned is named only
    # when the user may see them, and is then logged as listed.
    named = {contact.child_id} | set(gateway.log_listed_ids(
        request.user, [link.person_id for link in persons if link.person_id != contact.child_id],
        category=Category.BASIC_DATA, detail=f"contact {contact.pk}: persons concerned",
        visible_only=True))
    context = {
        "contact": contact,
        "access": access,
        "persons": persons,
        "named": named,
        "deadlines": deadline_rows(contact.deadlines.all()),
        "duplicates": list(selectors.probable_duplicates(contact)),
        **person_history.earlier_for_contact(request.user, contact, contact.persons.all()),
        "initial": initial,
        "attached": contact.assessment_id is not None and initial is None,
        "is_open": is_open,
    }
    if is_open and services.urgency_open(contact):
        context["urgency_form"] = bound.get("urgency_form") or UrgencyForm(
            initial={**version, "urgency": contact.urgency or None,
                     "urgency_note": contact.urgency_note})
    if is_open:
        context["assign_form"] = bound.get("assign_form") or AssignForm(
            team_ids=_assign_team_ids(request.user, contact),
            initial={"assignee": contact.assignee_id, "pair_worker": contact.pair_worker_id,
                     **version})
        context["clock_form"] = bound.get("clock_form") or ClockForm(
            current=contact.clock, initial=version)
        if initial is None and contact.assessment_id is None:
            context["initial_form"] = bound.get("initial_form") or InitialAssessmentForm(
                municipality_id=contact.municipality_id, initial=version)
    orphan_errors(request, bound, context)
    return render(request, "intake/contact_detail.html", context)
