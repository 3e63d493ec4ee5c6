"""Family intake pages: registering a contact, the contact page, the queues, my work, the
service-need assessment and the team lead's caseload.

Thin views: gateway/selector → form → service → redirect. Every contact and assessment is fetched
through ``selectors.access_contact_by_id``/``access_assessment_by_id``; a missing or invisible
one is "not found" (the refused attempt is logged by the gateway, as for a person). A page that
shows a contact or an assessment logs one view of the child, with the real basis; a posted form
is only checked, and its service logs the write.
Each page posts its forms to itself with an ``intent``, so that a form posted after the session
timed out comes back filled in after signing in again.
"""

from __future__ import annotations

import hashlib
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from luotsi.access import gateway
from luotsi.access.models import Category
from luotsi.common.forms import apply_service_errors, save_through_service
from luotsi.common.middleware import pending_form_data
from luotsi.common.paging import CappedPaginator
from luotsi.intake import person_history, queue_rows, selectors, services
from luotsi.intake.forms import (
    AssignForm,
    BulkAssignForm,
    CaseloadForm,
    ClockForm,
    CompleteForm,
    ConsultationAnswerForm,
    ConsultationForm,
    InitialAssessmentForm,
    MeetingForm,
    NotificationsReadForm,
    QueueFilterForm,
    StartForm,
    UrgencyForm,
    contact_forms,
    family_team_directory,
)
from luotsi.intake.models import (
    OBLIGATION_LABELS,
    Assessment,
    Contact,
    ContactPerson,
    ContactStatus,
    DeadlineStatus,
)
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action, has_permission

QUEUE_PAGE_SIZE = 50
NOTIFICATIONS_SHOWN = 50
# The queue counts its rows only this far (or up to the page asked for and one page more), so a
# page costs the same however long the queue is: a longer queue shows "more than 1,000".
QUEUE_COUNT_LIMIT = 1000


class QueuePaginator(CappedPaginator):
    """Pages of the queue, counted by ``selectors.queue_count`` up to ``QUEUE_COUNT_LIMIT``."""

    def __init__(self, object_list, per_page, *, page_number, user, filters):
        super().__init__(object_list, per_page, page_number=page_number, floor=QUEUE_COUNT_LIMIT,
                         count_upto=lambda limit: selectors.queue_count(user, filters,
                                                                        limit=limit))

    def page(self, number):
        """The page's rows, chosen by the queue's order from the contacts alone (so a deep page
        skips its earlier rows without reading their children and people) and then read whole."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        chosen = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=chosen), number, self)
GET_POST = require_http_methods(["GET", "POST"])


# --- helpers ------------------------------------------------------------------------------------

def _kept_message(request) -> None:
    messages.info(request, _("Your session had expired. Your entries were kept: check them and "
                             "save again."))


def _deadline_rows(deadlines):
    return [{"deadline": d, "label": OBLIGATION_LABELS.get(d.code, d.code)} for d in deadlines]


def _orphan_errors(request, bound: dict, context: dict) -> None:
    """Errors of a posted form the page no longer shows (someone else did that step
    meanwhile) are shown as messages, so that a refusal is never silent."""
    for key, form in bound.items():
        if key not in context:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)


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


# --- registering a contact ----------------------------------------------------------------------

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
        elif name == "Idempotency-Key":
            contact_form.add_error(None, _("This form was already saved with other entries. "
                                           "Open the registered contact from the queue, or "
                                           "start a new registration."))
        else:
            target = {"received_at": "received_time"}.get(name, name)
            for message in errors:
                contact_form.add_error(target if target in contact_form.fields else None,
                                       message)


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
    if selectors.probable_duplicates(contact).exists():
        messages.warning(request, _("There are probable duplicates of this contact; they are "
                                    "listed on the contact page."))
    return redirect("intake:contact_detail", contact_id=contact.pk)


@login_required
@GET_POST
@action_required(Action.CREATE_PERSON, Action.VIEW_CLIENT)
def contact_create(request):
    """Register a contact or notification about a child, once."""
    children_errors: list[str] = []
    kept = pending_form_data(request)
    if kept is not None:
        _kept_message(request)
        forms = contact_forms(kept)
        for form in _all_forms(forms):
            form.is_valid()
    elif request.method == "POST":
        forms = contact_forms(request.POST)
        valid = [form.is_valid() for form in _all_forms(forms)]
        if all(valid):
            refs, owners = _person_refs(forms)
            data = forms["contact"].cleaned_data
            # The form's own key: posting the same form twice registers one contact.
            key = f"web-{data['idempotency_key']}" if data["idempotency_key"] else None
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
                contact = services.contact_register(actor=request.user, data=contact_input,
                                                    idempotency_key=key)
            except ValidationError as exc:
                _register_errors(forms, owners, exc, children_errors)
            else:
                return _after_register(request, contact)
    else:
        forms = contact_forms()
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
        **forms, "children_errors": children_errors, "summary": summary})


def _all_forms(forms) -> list:
    return [forms["contact"], *forms["children"], forms["unborn"], *forms["guardians"]]


# --- the contact page ---------------------------------------------------------------------------

def _contact_urgency(request, contact, data):
    form = UrgencyForm(data)
    if form.is_valid():
        try:
            services.contact_assess_urgency(
                actor=request.user, contact=contact, urgency=form.cleaned_data["urgency"],
                note=form.cleaned_data["urgency_note"],
                expected_version=form.cleaned_data["expected_version"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The urgency assessment was recorded."))
            return None
    return {"urgency_form": form}


def _contact_initial(request, contact, data):
    form = InitialAssessmentForm(data, municipality_id=contact.municipality_id)
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            services.initial_assessment_record(
                actor=request.user, contact=contact, outcome=cleaned["outcome"],
                reason=cleaned["reason"], referral_code=cleaned["referral_code"],
                informed_on=cleaned["informed_on"],
                not_informed_reason=cleaned["not_informed_reason"],
                expected_version=cleaned["expected_version"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The initial assessment was recorded."))
            return None
    return {"initial_form": form}


def _contact_clock(request, contact, data):
    form = ClockForm(data, current=contact.clock)
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            services.contact_change_clock(
                actor=request.user, contact=contact, clock=cleaned["clock"],
                reason=cleaned["reason"], expected_version=cleaned["expected_version"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The statutory clock was changed and the deadlines "
                                        "recomputed."))
            return None
    return {"clock_form": form}


def _assign_team_ids(user, contact) -> list[int]:
    """Whom a contact may be assigned to: the members of its team; for a lead of that team, the
    workers of every team they lead (``services.contacts_assign`` hands it over)."""
    if has_permission(user, Action.MANAGE_TEAM) and contact.team_id in user.team_ids():
        return user.team_ids()
    return [contact.team_id]


def _contact_assign(request, contact, data):
    form = AssignForm(data, team_ids=_assign_team_ids(request.user, contact))
    if form.is_valid():
        try:
            version = form.cleaned_data["expected_version"]
            services.contacts_assign(actor=request.user, contact_ids=[contact.pk],
                                     assignee=form.cleaned_data["assignee"],
                                     pair_worker=form.cleaned_data["pair_worker"],
                                     expected_versions={contact.pk: version} if version else None)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The contact was assigned."))
            return None
    return {"assign_form": form}


CONTACT_INTENTS = {
    "urgency": _contact_urgency,
    "initial": _contact_initial,
    "assign": _contact_assign,
    "clock": _contact_clock,
}


@login_required
@GET_POST
def contact_detail(request, contact_id: int):
    kept = pending_form_data(request)
    data = kept if kept is not None else (request.POST if request.method == "POST" else None)
    handler = CONTACT_INTENTS.get(data.get("intent", "")) if data is not None else None
    if handler is not None and kept is None:  # a posted form: checked; its service logs
        contact = selectors.access_contact_by_id(request.user, contact_id, for_write=True).record
        bound = handler(request, contact, data)
        if bound is None:
            return redirect("intake:contact_detail", contact_id=contact.pk)
        return _render_contact(request, contact, bound)
    found = selectors.access_contact_by_id(request.user, contact_id)
    bound: dict = {}
    if handler is not None:
        _kept_message(request)
        bound = _bind_only(handler, found.record, data, request.user)
    return _render_contact(request, found.record, bound, found.access)


def _bind_only(handler, contact, data, request_user) -> dict:
    """A form kept over an expired session: shown filled in and checked, not saved."""
    form_class, key, kwargs = {
        _contact_urgency: (UrgencyForm, "urgency_form", {}),
        _contact_initial: (InitialAssessmentForm, "initial_form",
                           {"municipality_id": contact.municipality_id}),
        _contact_assign: (AssignForm, "assign_form",
                          {"team_ids": _assign_team_ids(request_user, contact)}),
        _contact_clock: (ClockForm, "clock_form", {"current": contact.clock}),
    }[handler]
    form = form_class(data, **kwargs)
    form.is_valid()
    return {key: form}


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
        "deadlines": _deadline_rows(contact.deadlines.all()),
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
    _orphan_errors(request, bound, context)
    return render(request, "intake/contact_detail.html", context)


# --- the queues -------------------------------------------------------------------------------

def _queue_filter_data(request, directory) -> QueryDict | dict:
    """The filters asked for; on the first visit, the queues of all the user's own teams (so
    that nothing the home page counts for those teams, an urgent contact above all, is hidden
    by a default filter)."""
    if request.GET:
        return request.GET
    if set(request.user.team_ids()) & {team.pk for team in directory.teams}:
        return {"team": selectors.MY_TEAMS}
    return {}


def _queue_filters(form: QueueFilterForm, user) -> selectors.QueueFilters:
    form.is_valid()  # an invalid filter is reported and left out; the others still apply
    data = form.cleaned_data
    team = data.get("team")
    mine = team == selectors.MY_TEAMS
    return selectors.QueueFilters(
        team_id=team.pk if team and not mine else None,
        team_ids=tuple(user.team_ids()) if mine else None,
        urgency=data.get("urgency") or "",
        assignee_id=data["worker"].pk if data.get("worker") else None,
        unassigned=bool(data.get("unassigned")),
        municipality_code=data.get("municipality") or "",
        kind=data.get("kind") or "",
        status=data.get("status") or "",
        include_closed=bool(data.get("include_closed")),
    )


def _seen_versions(data, ids) -> dict[int, int]:
    """The versions of the chosen contacts as the queue page showed them (``version-<id>``)."""
    seen = {}
    for pk in ids:
        try:
            seen[pk] = int(data.get(f"version-{pk}", ""))
        except ValueError:
            continue
    return seen


def _query_string(data) -> str:
    if isinstance(data, QueryDict):
        params = data.copy()
        params.pop("page", None)
        return params.urlencode()
    return urlencode(data)


@login_required
@GET_POST
@action_required(Action.VIEW_CLIENT)
def queue(request):
    """The central intake queue and each regional team's queue: urgent first, then the nearest
    deadline; bulk assignment of the checked rows."""
    user = request.user
    directory = family_team_directory()
    filter_data = _queue_filter_data(request, directory)
    filters_form = QueueFilterForm(filter_data, directory=directory)
    filters = _queue_filters(filters_form, user)
    # A team lead hands a row to any worker of the teams they lead; a worker to the members
    # of the team shown (or of their own teams).
    assign_team_ids = ([filters.team_id] if filters.team_id
                       and not has_permission(user, Action.MANAGE_TEAM) else user.team_ids())
    assign_kwargs = {"team_ids": assign_team_ids, "workers": directory.workers(assign_team_ids),
                     "teams_of": directory.teams_of()}
    assign_form = None
    kept = pending_form_data(request)
    if kept is not None and kept.get("intent") == "assign":
        _kept_message(request)
        assign_form = BulkAssignForm(kept, **assign_kwargs)
        assign_form.is_valid()
    elif request.method == "POST" and request.POST.get("intent") == "assign":
        assign_form = BulkAssignForm(request.POST, **assign_kwargs)
        if assign_form.is_valid():
            ids = list(selectors.visible_contacts(user)
                       .filter(pk__in=assign_form.cleaned_data["ids"])
                       .values_list("pk", flat=True))
            if not ids:
                assign_form.add_error("ids", _("Choose at least one contact."))
            else:
                try:
                    count = services.contacts_assign(
                        actor=user, contact_ids=ids,
                        assignee=assign_form.cleaned_data["assignee"],
                        pair_worker=assign_form.cleaned_data["pair_worker"],
                        expected_versions=_seen_versions(request.POST, ids))
                except ValidationError as exc:
                    apply_service_errors(assign_form, exc)
                else:
                    messages.success(request, ngettext(
                        "%(count)s contact was assigned to %(name)s.",
                        "%(count)s contacts were assigned to %(name)s.", count) % {
                        "count": count, "name": assign_form.cleaned_data["assignee"]})
                    return redirect(request.get_full_path())
    if assign_form is None:
        assign_form = BulkAssignForm(**assign_kwargs)
    page_number = request.GET.get("page")
    page = QueuePaginator(selectors.queue(user, filters), QUEUE_PAGE_SIZE,
                          page_number=page_number, user=user,
                          filters=filters).get_page(page_number)
    rows = _with_lateness([{"contact": c, "status": selectors.row_status(c)}
                           for c in page.object_list])
    gateway.log_listed_ids(user, [row["contact"].child_id for row in rows],
                           category=Category.INTAKE, detail="intake queue")
    checked = set(assign_form["ids"].value() or []) if assign_form.is_bound else set()
    return render(request, "intake/queue.html", {
        "filters_form": filters_form, "assign_form": assign_form, "page": page, "rows": rows,
        "row_html": queue_rows.rows_html(rows, {str(pk) for pk in checked}),
        "query": _query_string(filter_data),
    })


# --- my work ------------------------------------------------------------------------------------

@login_required
@GET_POST
@action_required(Action.VIEW_CLIENT)
def my_work(request):
    """My open deadlines, contacts and assessments, and my unread notifications."""
    user = request.user
    if request.method == "POST" and request.POST.get("intent") == "read":
        form = NotificationsReadForm(request.POST)
        if form.is_valid():
            count = services.notifications_mark_read(actor=user, ids=form.cleaned_data["ids"])
            messages.success(request, ngettext("%(count)s notification marked read.",
                                               "%(count)s notifications marked read.",
                                               count) % {"count": count})
        return redirect("intake:my_work")
    only = request.GET.get("deadlines", "")
    if only not in selectors.MY_DEADLINE_FILTERS:
        only = ""
    deadlines = list(selectors.my_deadlines(user, status=only))
    contacts = list(selectors.my_contacts(user))
    assessments = list(selectors.my_assessments(user))
    gateway.log_listed_ids(user, [d.contact.child_id for d in deadlines]
                           + [c.child_id for c in contacts] + [a.child_id for a in assessments],
                           category=Category.INTAKE, detail="my work")
    return render(request, "intake/my_work.html", {
        "deadlines": _deadline_rows(deadlines),
        "deadline_filter": only,
        "deadline_filter_label": DeadlineStatus(only).label if only else "",
        "contacts": _with_lateness([{"contact": c, "status": selectors.row_status(c)}
                                    for c in contacts]),
        "assessments": assessments,
        "notifications": list(selectors.unread_notifications(user)[:NOTIFICATIONS_SHOWN]),
    })


def _with_lateness(rows: list[dict]) -> list[dict]:
    late = selectors.late_met(rows)
    for row in rows:
        row["late"] = late.get(row["contact"].pk, 0)
    return rows


# --- the service-need assessment ----------------------------------------------------------------

def _assessment_start(request, assessment, data):
    form = StartForm(data, team_ids=[assessment.team_id])
    done = save_through_service(request, form, lambda cleaned: services.assessment_start(
        actor=request.user, assessment=assessment, started_on=cleaned["started_on"],
        pair_worker=cleaned["pair_worker"]), _("The start of the assessment was recorded."))
    return None if done else {"start_form": form}


def _while_open(assessment, call):
    """The service call of a meeting or consultation form; refused once the assessment is
    completed."""
    def run(cleaned):
        if not assessment.is_open:
            raise ValidationError(_("The assessment is completed."))
        call(cleaned)
    return run


def _assessment_meeting(request, assessment, data):
    form = MeetingForm(data)
    done = save_through_service(request, form, _while_open(assessment, lambda cleaned: (
        services.meeting_add(actor=request.user, assessment=assessment, **cleaned))),
        _("The meeting was recorded."))
    return None if done else {"meeting_form": form}


def _assessment_consultation(request, assessment, data):
    form = ConsultationForm(data)
    done = save_through_service(request, form, _while_open(assessment, lambda cleaned: (
        services.consultation_add(actor=request.user, assessment=assessment, **cleaned))),
        _("The consultation was recorded."))
    return None if done else {"consultation_form": form}


def _answer_form(data, assessment) -> ConsultationAnswerForm:
    """A posted answer form, with the element ids of the consultation it answers."""
    chosen = str(data.get("consultation", ""))
    return ConsultationAnswerForm(
        data, consultations=assessment.consultations.all(),
        auto_id=f"id_answer-{chosen if chosen.isdigit() else 'x'}-%s")


def _assessment_answer(request, assessment, data):
    form = _answer_form(data, assessment)
    done = save_through_service(request, form, lambda cleaned: services.consultation_answer(
        actor=request.user, consultation=cleaned["consultation"], answer=cleaned["answer"]),
        _("The answer to the consultation was recorded."))
    return None if done else {"answer_form": form}


def _assessment_complete(request, assessment, data):
    form = CompleteForm(data, team_ids=[assessment.team_id])
    done = save_through_service(request, form, lambda cleaned: services.assessment_complete(
        actor=request.user, assessment=assessment, outcome=cleaned["outcome"],
        reason=cleaned["reason"], completed_on=cleaned["completed_on"],
        responsible_worker=cleaned["responsible_worker"], informed_on=cleaned["informed_on"],
        result=services.AssessmentResult(
            conclusions=cleaned["conclusions"], client_view=cleaned["client_view"],
            named_worker_need=cleaned["named_worker_need"],
            children_situation=cleaned["children_situation"]),
        expected_version=cleaned["expected_version"]), _("The assessment was completed."))
    return None if done else {"complete_form": form}


ASSESSMENT_INTENTS = {
    "start": (_assessment_start, StartForm, "start_form", True),
    "meeting": (_assessment_meeting, MeetingForm, "meeting_form", False),
    "consultation": (_assessment_consultation, ConsultationForm, "consultation_form", False),
    "complete": (_assessment_complete, CompleteForm, "complete_form", True),
    "answer": (_assessment_answer, ConsultationAnswerForm, "answer_form", False),
}


@login_required
@GET_POST
def assessment_detail(request, assessment_id: int):
    kept = pending_form_data(request)
    data = kept if kept is not None else (request.POST if request.method == "POST" else None)
    intent = ASSESSMENT_INTENTS.get(data.get("intent", "")) if data is not None else None
    if intent is not None and kept is None:  # a posted form: checked; its service logs
        assessment = selectors.access_assessment_by_id(request.user, assessment_id,
                                                       for_write=True).record
        bound = intent[0](request, assessment, data)
        if bound is None:
            return redirect("intake:assessment_detail", assessment_id=assessment.pk)
        return _render_assessment(request, assessment, bound)
    found = selectors.access_assessment_by_id(request.user, assessment_id)
    assessment, bound = found.record, {}
    if intent is not None:
        _, form_class, key, by_team = intent
        _kept_message(request)
        if by_team:
            form = form_class(data, team_ids=[assessment.team_id])
        elif form_class is ConsultationAnswerForm:
            form = _answer_form(data, assessment)
        else:
            form = form_class(data)
        form.is_valid()
        bound = {key: form}
    return _render_assessment(request, assessment, bound, found.access)


def _render_assessment(request, assessment: Assessment, bound: dict, access=None):
    if access is None:  # after a form: the page logs its view of the child
        access = selectors.access_assessment_by_id(request.user, assessment.pk).access
    assessment = selectors.assessment_detail(assessment)
    contacts = list(assessment.contacts.all())
    due = {}
    for contact in contacts:
        for deadline in contact.deadlines.all():
            if deadline.code in ("assessment_start", "assessment_completion"):
                current = due.get(deadline.code)
                if current is None or deadline.due_on < current.due_on:
                    due[deadline.code] = deadline
    today = timezone.localdate()
    team_ids = [assessment.team_id]
    context = {
        "assessment": assessment,
        "access": access,
        "contacts": [{"contact": c, "deadlines": _deadline_rows(c.deadlines.all()),
                      "heading_id": f"contact-{c.pk}-heading"} for c in contacts],
        "start_due": due.get("assessment_start"),
        "completion_due": due.get("assessment_completion"),
        "meetings": list(assessment.meetings.all()),
        "consultations": _consultation_rows(assessment, bound.get("answer_form")),
        "next_steps": _next_steps(assessment),
    }
    if any(row["answer_form"] is not None and row["answer_form"] is bound.get("answer_form")
           for row in context["consultations"]):
        context["answer_form"] = bound["answer_form"]
    if assessment.is_open:
        if not assessment.started_on:
            context["start_form"] = bound.get("start_form") or StartForm(
                team_ids=team_ids, initial={"started_on": today,
                                            "pair_worker": assessment.pair_worker_id})
        context["meeting_form"] = bound.get("meeting_form") or MeetingForm(
            initial={"held_on": today})
        context["consultation_form"] = bound.get("consultation_form") or ConsultationForm()
        if assessment.started_on:
            context["complete_form"] = bound.get("complete_form") or CompleteForm(
                team_ids=team_ids, initial={
                    "expected_version": assessment.version, "completed_on": today,
                    "responsible_worker": assessment.worker_id})
    _orphan_errors(request, bound, context)
    return render(request, "intake/assessment_detail.html", context)


def _consultation_rows(assessment: Assessment, bound_answer) -> list[dict]:
    """Each consultation, with a form for its answer while none is recorded (also after the
    assessment is completed: answers often come later)."""
    rows = []
    consultations = list(assessment.consultations.all())
    for item in consultations:
        form = None
        if not item.answer:
            chosen = bound_answer is not None and str(bound_answer["consultation"].value()) \
                == str(item.pk)
            form = bound_answer if chosen else ConsultationAnswerForm(
                consultations=consultations, auto_id=f"id_answer-{item.pk}-%s",
                initial={"consultation": item.pk})
        rows.append({"item": item, "answer_form": form})
    return rows


def _next_steps(assessment: Assessment) -> list[dict]:
    """What follows a completed assessment that opened a client relationship: the client plan
    (started, or opened when the child has one) and, for a child-welfare client, the client
    relationship on the child's page."""
    if assessment.is_open:
        return []
    steps = []
    if assessment.outcome == Assessment.Outcome.CHILD_WELFARE_CLIENT:
        steps.append({"url": reverse("person_detail", args=[assessment.child_id]) + "#rel-heading",
                      "text": _("Open the child-welfare client record"), "id": "next-clienthood"})
    if assessment.outcome in (Assessment.Outcome.CHILD_WELFARE_CLIENT,
                              Assessment.Outcome.FAMILY_SOCIAL_SERVICES):
        steps.append({"url": reverse("plan_open", args=[assessment.child_id]),
                      "text": _("Start the client plan"), "id": "next-plan"})
    return steps


# --- caseload -----------------------------------------------------------------------------------

def _fingerprint(ids) -> str:
    return hashlib.sha256(",".join(str(pk) for pk in sorted(ids)).encode()).hexdigest()


@login_required
@GET_POST
@action_required(Action.MANAGE_TEAM)
def caseload(request):
    """The team lead moves a leaving worker's whole open caseload to another worker: first a
    preview of what will move and to whom, then the move, refused when the caseload changed
    after the preview."""
    user = request.user
    team_ids = user.team_ids()
    kept = pending_form_data(request)
    preview = None
    if kept is not None:
        _kept_message(request)
        form = CaseloadForm(kept, team_ids=team_ids)
        form.is_valid()
    elif request.method == "POST":
        form = CaseloadForm(request.POST, team_ids=team_ids)
        if form.is_valid():
            from_user, to_user = form.cleaned_data["from_user"], form.cleaned_data["to_user"]
            try:
                services.caseload_check(actor=user, from_user=from_user, to_user=to_user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                preview = selectors.caseload_preview(user, from_user, to_user)
                confirmed = request.POST.get("intent") == "confirm"
                if confirmed and request.POST.get("fingerprint") != _fingerprint(preview.ids):
                    form.add_error(None, _("The caseload changed after the preview. Check the "
                                           "new preview before moving it."))
                elif confirmed:
                    try:
                        moved = services.caseload_reassign(actor=user, from_user=from_user,
                                                           to_user=to_user,
                                                           expected_ids=preview.ids)
                    except ValidationError as exc:
                        apply_service_errors(form, exc)
                        preview = selectors.caseload_preview(user, from_user, to_user)
                    else:
                        messages.success(request, ngettext(
                            "%(count)s open contact moved from %(from)s to %(to)s.",
                            "%(count)s open contacts moved from %(from)s to %(to)s.", moved) % {
                            "count": moved, "from": from_user, "to": to_user})
                        return redirect("intake:caseload")
                gateway.log_listed_ids(user, [c.child_id for c in preview.shown],
                                       category=Category.INTAKE, detail="caseload preview")
    else:
        form = CaseloadForm(team_ids=team_ids)
    return render(request, "intake/caseload.html", {
        "form": form, "preview": preview,
        "fingerprint": _fingerprint(preview.ids) if preview else "",
        "counts": selectors.open_counts_by_worker(team_ids)})
