"""Pages of shared-client work: thin views over the gateway, the forms and the services."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from luotsi.access import gateway
from luotsi.access.models import Category, LogAction
from luotsi.api import idempotency
from luotsi.common import charts
from luotsi.common.formatting import format_date
from luotsi.common.forms import save_through_service
from luotsi.common.pdf import render_pdf
from luotsi.organisation.decorators import action_required
from luotsi.organisation.permissions import Action, has_permission
from luotsi.plans.models import Step
from luotsi.sharedcare import forms as sc_forms
from luotsi.sharedcare import page_sections, selectors, services
from luotsi.sharedcare.models import ChecklistItem, Meeting, SharedClient

PAGE_SIZE = 50




def _shared(person_id: int) -> SharedClient | None:
    return (SharedClient.objects.select_related("plan", "coordinator", "decided_by")
            .filter(person_id=person_id).first())


@login_required
@require_GET
@never_cache
@action_required(Action.VIEW_CLIENT)
def candidates(request):
    """Flagged persons the professional may see, with why; a team lead also sees area counts."""
    user = request.user
    page = Paginator(selectors.candidates(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    gateway.log_listed(user, rows, category=Category.SHARED_CARE, detail="shared-client candidates")
    today = timezone.localdate()
    for person in rows:
        person.age = selectors.age(person.birth_date, today)
    context = {"page": page, "rows": rows}
    if has_permission(user, Action.MANAGE_TEAM):
        context["area"] = selectors.area_counts(today)
    return render(request, "sharedcare/candidates.html", context)


@login_required
@require_GET
@never_cache
def person(request, person_id: int):
    """Why the person was flagged, their service path, the decision, meetings, consultations."""
    access = selectors.access_shared_client_by_id(request.user, person_id,
                                                  detail="shared client: why and service path")
    today = timezone.localdate()
    # Every current flag, read once: the why shows the active rules', the sections offered by
    # the apps above (the intervention marks) look back from the first of them all.
    every_flag = selectors.person_flags(access.person.pk, inactive_rules=True)
    flags = [flag for flag in every_flag if flag.rule.active]
    shared = _shared(access.person.pk)
    path = selectors.service_path(access.person.pk, today)
    context = {
        "person": access.person, "age": selectors.age(access.person.birth_date, today),
        "reasons": selectors.reasons(flags),
        "path": path, "path_chart": _path_chart(path), "shared": shared,
        "decisions": list(shared.decisions.select_related("decided_by", "coordinator"))
        if shared else [],
        "meetings": list(shared.meetings.prefetch_related("decisions"))
        if shared else [],
        "consultations": list(selectors.consultations_of_person(access.person.pk)),
        "today": today,
        "may_end": services.may_end_coordination(request.user, shared),
        "sections": page_sections.sections(request.user, access, today,
                                           page_sections.Loaded(flags=every_flag, shared=shared)),
    }
    return render(request, "sharedcare/person.html", context)


def _path_chart(path: selectors.ServicePath):
    """The service path as a picture; its name lists each sector's number of events."""
    return charts.service_path_chart(
        chart_id="path-summary", months=path.months,
        title=_("Service path") + ": " + ", ".join(f"{lane.label} {lane.total}"
                                                   for lane in path.lanes),
        lanes=[charts.PathLane(label=lane.label,
                               levels=[month["level"] for month in lane.months],
                               emergencies=[bool(month["emergency"]) for month in lane.months])
               for lane in path.lanes])


def _date_or_none(value):
    return value or None


@login_required
@never_cache
def confirm(request, person_id: int):
    """Go through the checklist with the client; record the consent, coordinator and care team."""
    access = selectors.access_shared_client_by_id(request.user, person_id,
                                                  detail="shared client: checklist")
    items = list(ChecklistItem.objects.filter(active=True))
    users = list(sc_forms.professionals())
    form = sc_forms.ConfirmForm(request.POST or None, items=items, users=users,
                                initial={"coordinator": str(request.user.pk),
                                         "consent_from": timezone.localdate()})

    def save(data):
        return services.shared_client_confirm(
            actor=request.user, person_id=access.person.pk,
            data=services.ConfirmInput(
                answers=form.answers(), consent_given=data["consent_given"],
                consent_sectors=data["consent_sectors"],
                consent_scope=data["consent_scope"], consent_from=data["consent_from"],
                consent_until=data["consent_until"],
                consent_open_ended=data["consent_open_ended"],
                coordinator_id=int(data["coordinator"]) if data["coordinator"] else None,
                care_team_ids=[int(pk) for pk in data["care_team"]]))

    if request.method == "POST" and save_through_service(
            request, form, save,
            _("%(name)s is now a shared client. The coordinator is shown on the client's memo.")
            % {"name": access.person.full_name}):
        return redirect("sharedcare:person", person_id=access.person.pk)
    return render(request, "sharedcare/confirm.html",
                  {"person": access.person, "form": form, "shared": _shared(access.person.pk)})


@login_required
@never_cache
def decline(request, person_id: int):
    access = selectors.access_shared_client_by_id(request.user, person_id,
                                                  detail="shared client: decline")
    form = sc_forms.DeclineForm(request.POST or None)
    if request.method == "POST" and save_through_service(
            request, form, lambda data: services.shared_client_decline(
                actor=request.user, person_id=access.person.pk, reason=data["reason"]),
            lambda shared: _("Declined. The person is not shown as a candidate before "
                             "%(date)s.") % {"date": format_date(shared.hidden_until)}):
        return redirect("sharedcare:candidates")
    return render(request, "sharedcare/decline.html",
                  {"person": access.person, "form": form,
                   "hide_days": selectors.decline_hide_days()})


@login_required
@never_cache
def end(request, person_id: int):
    """End the coordination of a shared client, with the reason, in two steps: the reason, then
    a confirmation that names what ending means. Only the coordinator or a team lead."""
    access = selectors.access_shared_client_by_id(request.user, person_id,
                                                  detail="shared client: end coordination")
    shared = _confirmed(access.person.pk)
    if not services.may_end_coordination(request.user, shared):
        raise PermissionDenied
    form = sc_forms.EndForm(request.POST or None)
    context = {"person": access.person, "form": form, "shared": shared,
               "notified": shared.coordinator_id != request.user.pk}
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["confirmed"]:
        return render(request, "sharedcare/end_confirm.html", context)
    if request.method == "POST" and save_through_service(
            request, form, lambda data: services.shared_client_end(
                actor=request.user, person_id=access.person.pk, reason=data["reason"]),
            _("The coordination was ended.")):
        return redirect("sharedcare:person", person_id=access.person.pk)
    return render(request, "sharedcare/end.html", context)


def _confirmed(person_id: int) -> SharedClient:
    shared = _shared(person_id)
    if shared is None or shared.status != SharedClient.Status.CONFIRMED:
        raise Http404
    return shared


def _owners(shared: SharedClient) -> list:
    from luotsi.organisation.models import User

    ids = set(shared.plan.participants.filter(user__isnull=False).values_list("user_id",
                                                                              flat=True))
    if shared.coordinator_id:
        ids.add(shared.coordinator_id)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "pk"))


def _meeting_input(form, meeting_date_required=True) -> services.MeetingInput:
    data = form.cleaned_data
    held_at = None
    if data.get("held_at_date") and data.get("held_at_time"):
        held_at = timezone.make_aware(datetime.combine(data["held_at_date"],
                                                       data["held_at_time"]))
    decisions = []
    for i in range(1, form.decision_rows + 1):
        owner = data.get(f"owner_{i}") or ""
        owner_id = int(owner.split(":", 1)[1]) if owner.startswith("user:") else None
        kind = Step.Owner.PROFESSIONAL if owner_id else (owner or Step.Owner.CLIENT)
        decisions.append(services.DecisionInput(what=data.get(f"what_{i}") or "",
                                                owner_kind=kind, owner_id=owner_id,
                                                due_on=data.get(f"due_{i}")))
    return services.MeetingInput(
        held_at=held_at, kind=data["kind"], place=data["place"], agenda=data["agenda"],
        notes=data["notes"], client_present=data["client_present"],
        professional_ids=[int(pk) for pk in data["professionals"]],
        close_persons=[(data.get(f"close_name_{i}") or "", data.get(f"close_relation_{i}") or "")
                       for i in range(1, sc_forms.CLOSE_PERSON_ROWS + 1)],
        decisions=decisions, minutes_withheld_ground=data.get("minutes_withheld_ground") or "")


def _meeting_page(request, access, shared: SharedClient, meeting: Meeting | None):
    users = list(sc_forms.professionals())
    initial = {"kind": Meeting.Kind.IN_PERSON}
    if meeting is not None:
        local = timezone.localtime(meeting.held_at)
        participants = list(meeting.participants.all())
        initial = {"held_at_date": local.date(), "held_at_time": local.time().replace(second=0),
                   "kind": meeting.kind, "place": meeting.place, "agenda": meeting.agenda,
                   "notes": meeting.notes,
                   "minutes_withheld_ground": meeting.minutes_withheld_ground_id or "",
                   "client_present": any(p.kind == "client" for p in participants),
                   "professionals": [str(p.user_id) for p in participants if p.user_id]}
        close = [p for p in participants if p.kind == "close_person"]
        for i, p in enumerate(close[:sc_forms.CLOSE_PERSON_ROWS], start=1):
            initial[f"close_name_{i}"] = p.name
            initial[f"close_relation_{i}"] = p.relation
    form = sc_forms.MeetingForm(request.POST or None, users=users, owners=_owners(shared),
                                initial=initial)
    if request.method == "POST":
        def save(_data):
            return services.meeting_save(actor=request.user, shared_client=shared,
                                         data=_meeting_input(form), meeting=meeting)

        # A new meeting is saved once however often the form is posted (the person was checked
        # above for this post); saving an existing one again writes the same minutes.
        saved = save_through_service(
            request, form, save if meeting is not None else idempotency.form_saved_once(
                request, form, save, access=lambda: access),
            _("The network meeting was saved; its decisions are steps of the shared plan."),
            field_map={"held_at": "held_at_date"})
        if saved and saved.result is not None:
            return redirect("sharedcare:meeting_minutes", meeting_id=saved.result.pk)
        if saved:
            return redirect("sharedcare:person", person_id=access.person.pk)
    return render(request, "sharedcare/meeting_form.html",
                  {"person": access.person, "shared": shared, "form": form, "meeting": meeting,
                   "decisions": list(meeting.decisions.select_related("owner"))
                   if meeting else []})


@login_required
@never_cache
def meeting_create(request, person_id: int):
    access = selectors.access_shared_client_by_id(request.user, person_id,
                                                  detail="network meeting: new")
    shared = _confirmed(access.person.pk)
    return _meeting_page(request, access, shared, None)


@login_required
@never_cache
def meeting_edit(request, meeting_id: int):
    meeting, access = selectors.access_meeting_by_id(request.user, meeting_id,
                                                     detail="network meeting: edit")
    return _meeting_page(request, access, meeting.shared_client, meeting)


def _minutes_context(access, meeting: Meeting) -> dict:
    participants = list(meeting.participants.select_related("user"))
    return {"person": access.person, "meeting": meeting, "shared": meeting.shared_client,
            "participants": participants,
            "decisions": list(meeting.decisions.select_related("owner", "step"))}


def _minutes_language(meeting: Meeting, person) -> str:
    plan = meeting.shared_client.plan
    return (plan.language if plan else None) or person.document_language


@login_required
@require_GET
@never_cache
def meeting_minutes(request, meeting_id: int, as_pdf: bool = False):
    """Printable minutes (A4) in the client's language, as a page or (``as_pdf``, its own URL)
    as a PDF; reading either is logged as printing."""
    meeting, access = selectors.access_meeting_by_id(
        request.user, meeting_id, action=LogAction.PRINT,
        detail="network meeting minutes PDF" if as_pdf else "network meeting minutes")
    context = _minutes_context(access, meeting)
    language = _minutes_language(meeting, access.person)
    if as_pdf:
        return render_pdf("sharedcare/minutes_pdf.html", context,
                          f"network-meeting-{meeting.pk}.pdf", language)
    with translation.override(language):
        context["body"] = render_to_string("sharedcare/minutes_body.html", context)
    context["language"] = language
    return render(request, "sharedcare/minutes.html", context)


@login_required
@never_cache
def consultation_create(request, person_id: int):
    access = selectors.access_shared_client_by_id(request.user, person_id,
                                                  detail="consultation: new")
    form = sc_forms.ConsultationForm(request.POST or None, users=sc_forms.professionals()
                                     .exclude(pk=request.user.pk))

    def save(data):
        return services.consultation_ask(
            actor=request.user, person_id=access.person.pk,
            data=services.ConsultationInput(
                sector=data["sector"], question=data["question"], basis=data["basis"],
                due_on=data["due_on"],
                expert_id=int(data["expert"]) if data["expert"] else None,
                expert_team_id=int(data["expert_team"]) if data["expert_team"] else None))

    if request.method == "POST" and save_through_service(
            request, form, idempotency.form_saved_once(request, form, save,
                                                       access=lambda: access),
            _("The consultation was sent. The expert sees it in their work list.")):
        return redirect("sharedcare:person", person_id=access.person.pk)
    return render(request, "sharedcare/consultation_form.html",
                  {"person": access.person, "form": form})


@login_required
@require_GET
@never_cache
@action_required(Action.VIEW_CLIENT)
def consultations(request):
    """Open consultations asked of me or my teams (overdue first), and those I asked."""
    user = request.user
    basis = gateway.basis_of(user, "person", Category.SHARED_CARE)
    open_rows = list(selectors.work_list(user).annotate(access_basis=basis))
    mine = list(gateway.filter_visible(selectors.asked_by(user), user)
                .annotate(access_basis=basis)[:100])
    rows = open_rows + mine
    gateway.log_listed_ids(user, [c.person_id for c in rows], category=Category.SHARED_CARE,
                           detail="consultations",
                           bases={c.person_id: c.access_basis for c in rows})
    return render(request, "sharedcare/consultations.html",
                  {"open_rows": open_rows, "asked": mine, "today": timezone.localdate()})


@login_required
@never_cache
@action_required(Action.VIEW_CLIENT)
def consultation_detail(request, consultation_id: int):
    """One consultation: the question and, for the expert, the answer form."""
    user = request.user
    consultation, access = selectors.access_consultation_by_id(
        user, consultation_id, detail=f"consultation {consultation_id}")
    is_expert = selectors.consultations_for(user).filter(pk=consultation.pk).exists()
    form = sc_forms.AnswerForm(request.POST or None) if is_expert else None
    if request.method == "POST":
        if not is_expert:
            raise PermissionDenied
        if save_through_service(
                request, form, lambda data: services.consultation_answer(
                    actor=user, consultation_id=consultation.pk, answer=data["answer"]),
                _("The answer was saved and stays with the client's record.")):
            return redirect("sharedcare:consultations")
    return render(request, "sharedcare/consultation_detail.html",
                  {"person": access.person, "c": consultation, "form": form,
                   "is_expert": is_expert, "today": timezone.localdate()})
