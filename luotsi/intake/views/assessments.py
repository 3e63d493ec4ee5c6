"""The service-need assessment page: start, meetings, consultations and their answers,
completion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luotsi.api import idempotency
from luotsi.common.forms import save_through_service
from luotsi.intake import selectors, services
from luotsi.intake.forms import (
    CompleteForm,
    ConsultationAnswerForm,
    ConsultationForm,
    MeetingForm,
    ReferralForm,
    ResultDraftForm,
    RowRemoveForm,
    StartForm,
    SupportMeasureForm,
)
from luotsi.intake.models import Assessment
from luotsi.intake.views._common import GET_POST, deadline_rows, orphan_errors
from luotsi.intake.views.intents import Intent, Intents, Save


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


def _once(request, assessment, form, call):
    """A row added to the assessment once per the form's key: posted twice, it is saved once.
    The assessment was checked through its access function for this post (``Intents.answer``),
    a repeated post too."""
    return idempotency.form_saved_once(request, form, call, access=lambda: assessment)


def _adder(form_class, key: str, service, success, *, while_open: bool = False,
           arguments=None, field_map: dict | None = None) -> Save:
    """The save of a form that adds a row to the assessment (a meeting, a consultation, a support
    measure, a referral), once per the form's key (``_once``): ``service(actor=…,
    assessment=…, **arguments)``, the arguments being the cleaned data or what
    ``arguments(form, cleaned)`` makes of them; with ``while_open``, refused once the assessment
    is completed. ``key`` is the form's name in the page's context."""
    def save(request, assessment, data):
        form = form_class(data)

        def call(cleaned):
            return service(actor=request.user, assessment=assessment,
                           **(arguments(form, cleaned) if arguments else cleaned))

        done = save_through_service(request, form, _once(
            request, assessment, form, _while_open(assessment, call) if while_open else call),
            success, field_map=field_map)
        return None if done else {key: form}
    return save


_assessment_meeting = _adder(MeetingForm, "meeting_form", services.meeting_add,
                             gettext_lazy("The meeting was recorded."), while_open=True)
_assessment_consultation = _adder(ConsultationForm, "consultation_form",
                                  services.consultation_add,
                                  gettext_lazy("The consultation was recorded."),
                                  while_open=True)
_assessment_support = _adder(SupportMeasureForm, "support_form",
                             services.assessment_support_add,
                             gettext_lazy("The support measure was recorded."))
_assessment_referral = _adder(
    ReferralForm, "referral_form", services.assessment_referral_add,
    gettext_lazy("The referral was recorded."),
    arguments=lambda form, cleaned: {"service": form.items.get(cleaned["service_code"]),
                                     "referred_on": cleaned["referred_on"],
                                     "note": cleaned["note"]},
    field_map={"service": "service_code"})


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


def _result(cleaned) -> services.AssessmentResult:
    return services.AssessmentResult(
        conclusions=cleaned["conclusions"], client_view=cleaned["client_view"],
        named_worker_need=cleaned["named_worker_need"],
        children_situation=cleaned["children_situation"],
        child_met_on=cleaned["child_met_on"],
        child_not_met_reason=cleaned["child_not_met_reason"],
        child_view=cleaned["child_view"], support_need=cleaned["support_need"])


def _assessment_complete(request, assessment, data):
    form = CompleteForm(data, team_ids=[assessment.team_id])
    done = save_through_service(request, form, lambda cleaned: services.assessment_complete(
        actor=request.user, assessment=assessment, outcome=cleaned["outcome"],
        reason=cleaned["reason"], completed_on=cleaned["completed_on"],
        responsible_worker=cleaned["responsible_worker"], informed_on=cleaned["informed_on"],
        result=_result(cleaned), expected_version=cleaned["expected_version"]),
        _("The assessment was completed."))
    if done:
        warning = services.caseload_warning(done.result)
        if warning:
            messages.warning(request, warning)
    return None if done else {"complete_form": form}


def _assessment_result(request, assessment, data):
    """The completion form saved without completing it."""
    form = ResultDraftForm(data, team_ids=[assessment.team_id])
    done = save_through_service(request, form, lambda cleaned: services.assessment_result_save(
        actor=request.user, assessment=assessment, reason=cleaned["reason"],
        result=_result(cleaned), expected_version=cleaned["expected_version"]),
        _("The content of the assessment was saved. The assessment is not completed yet."))
    return None if done else {"complete_form": form}


def _row_remover(kind: str, key: str):
    def remove(request, assessment, data):
        form = RowRemoveForm(data)
        done = save_through_service(request, form, lambda cleaned: services.assessment_row_remove(
            actor=request.user, assessment=assessment, kind=kind, row_id=cleaned["row"]),
            _("The row was removed."))
        return None if done else {key: form}
    return remove


def _by_team(form_class):
    """Binds a form whose choices are the assessment team's workers."""
    return lambda assessment, data, user: form_class(data, team_ids=[assessment.team_id])


def _plain(form_class):
    return lambda assessment, data, user: form_class(data)


ASSESSMENT_INTENTS = Intents(
    start=Intent(_assessment_start, _by_team(StartForm), "start_form"),
    meeting=Intent(_assessment_meeting, _plain(MeetingForm), "meeting_form", "meetings"),
    consultation=Intent(_assessment_consultation, _plain(ConsultationForm), "consultation_form",
                        "consultations"),
    complete=Intent(_assessment_complete, _by_team(CompleteForm), "complete_form"),
    result=Intent(_assessment_result, _by_team(ResultDraftForm), "complete_form", "complete"),
    support=Intent(_assessment_support, _plain(SupportMeasureForm), "support_form", "support"),
    referral=Intent(_assessment_referral, _plain(ReferralForm), "referral_form", "referrals"),
    support_remove=Intent(_row_remover("support", "support_remove_form"),
                          _plain(RowRemoveForm), "support_remove_form", "support"),
    referral_remove=Intent(_row_remover("referral", "referral_remove_form"),
                           _plain(RowRemoveForm), "referral_remove_form", "referrals"),
    answer=Intent(_assessment_answer, lambda assessment, data, user: _answer_form(
        data, assessment), "answer_form", "consultations"),
)


@login_required
@GET_POST
def assessment_detail(request, assessment_id: int):
    return ASSESSMENT_INTENTS.answer(
        request,
        access=lambda **kwargs: selectors.access_assessment_by_id(request.user, assessment_id,
                                                                  **kwargs),
        render=_render_assessment,
        saved=lambda assessment: redirect("intake:assessment_detail",
                                          assessment_id=assessment.pk))


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
        "contacts": [{"contact": c, "deadlines": deadline_rows(c.deadlines.all()),
                      "heading_id": f"contact-{c.pk}-heading"} for c in contacts],
        "start_due": due.get("assessment_start"),
        "completion_due": due.get("assessment_completion"),
        "meetings": list(assessment.meetings.all()),
        "consultations": _consultation_rows(assessment, bound.get("answer_form")),
        "next_steps": _next_steps(assessment),
        "support_measures": list(assessment.support_measures.all()),
        "referrals": list(assessment.referrals.all()),
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
        context["support_form"] = bound.get("support_form") or SupportMeasureForm(
            initial={"started_on": today})
        context["referral_form"] = bound.get("referral_form") or ReferralForm(
            initial={"referred_on": today})
        if assessment.started_on:
            context["complete_form"] = bound.get("complete_form") or CompleteForm(
                team_ids=team_ids, initial=_complete_initial(assessment, today))
    orphan_errors(request, bound, context)
    return render(request, "intake/assessment_detail.html", context)


def _complete_initial(assessment: Assessment, today) -> dict:
    """The completion form filled in with what was saved of the result so far."""
    return {
        "expected_version": assessment.version, "completed_on": today,
        "responsible_worker": assessment.worker_id, "reason": assessment.outcome_reason,
        **{name: getattr(assessment, name) for name in (
            *services.RESULT_TEXT_FIELDS, "named_worker_need", "support_need", "child_met_on")},
    }


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
