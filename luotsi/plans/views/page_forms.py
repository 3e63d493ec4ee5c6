"""The forms and row buttons of the plan page: each validates, saves through its plan service and
opens the page again at the saved section."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from luotsi.access.models import LogAction
from luotsi.api import idempotency
from luotsi.common.forms import OnceMixin, save_through_service
from luotsi.plans import forms as plan_forms
from luotsi.plans import selectors, services
from luotsi.plans.models import Plan
from luotsi.plans.views.plan_page import FORMS, PlanPageState, as_int, findings, plan_url

# A field of the meter's form: an item and who rated it (``services.meter_field``).
METER_FIELD = re.compile(r"(?P<subject>goal|service|method|factor)-(?P<pk>[0-9]{1,18})-"
                         r"(?P<rater>professional|client)")

CHECKABLE = {"text": plan_forms.PlanTextForm, "goal": plan_forms.GoalForm,
             "step": plan_forms.StepForm, "support_need": plan_forms.SupportNeedForm}


def check_form(state: PlanPageState, key: str, posted) -> HttpResponse:
    """The clear-language check without saving: the form comes back with the text as written."""
    probe = state.form(key)
    values = {name: posted.get(probe.add_prefix(name), "") for name in probe.fields}
    form = state.form(key, initial=values)
    return state.render(bound={key: form},
                        findings={key: {"parts": findings(FORMS[key], values,
                                                             state.plan.language)}})


def post_plan_form(request, plan_id: int, key: str, save: Callable, message: str,
                   anchor: str | Callable, checked: Callable | None = None) -> HttpResponse:
    """Validate and save one form of the plan page. After a save the page opens at the saved
    section (``anchor``, or a function of what was saved that gives it): the section is
    focusable (``tabindex="-1"``) so that the browser moves focus there, and a keyboard user
    goes on from where they were, not from the top of the page."""
    plan = selectors.access_plan_by_id(request.user, plan_id, action=LogAction.UPDATE,
                                       for_write=True).record
    state = PlanPageState(request, plan.pk)
    if key in CHECKABLE and request.POST.get("action") == "check":
        return check_form(state, key, request.POST)
    form = state.form(key, data=request.POST)
    call = lambda data: save(state, data)  # noqa: E731
    if isinstance(form, OnceMixin):
        # A form that adds a row is saved once however often it is posted; the plan was
        # checked above for this post, a repeated one too.
        call = idempotency.form_saved_once(request, form, call, access=lambda: plan)
    saved = save_through_service(request, form, call, message)
    if saved:
        if saved.result is None:  # posted again, and what the first post added is gone since
            return redirect(plan_url(plan.pk))
        target = anchor(saved.result) if callable(anchor) else anchor
        return redirect(plan_url(plan.pk, target, checked(saved.result) if checked else ""))
    return state.render(bound={key: form})


def plan_form(key: str, message, anchor: str | Callable, checked: Callable | None = None):
    """A view of one form of the plan page (signed in, POST only) made of the function it
    decorates, ``save(request, state, data)``: that saves the form's cleaned ``data`` through its
    plan service and returns what was saved; ``post_plan_form`` does the rest (access, the
    clear-language check, validation, saving once, the message and the page's section)."""
    def decorate(save: Callable) -> Callable:
        @login_required
        @require_POST
        @functools.wraps(save)
        def view(request, plan_id: int) -> HttpResponse:
            return post_plan_form(request, plan_id, key,
                                  lambda state, data: save(request, state, data),
                                  message, anchor, checked)
        return view
    return decorate


@login_required
@require_POST
def plan_text(request, plan_id: int):
    """The plan's own texts, the next review and the language: refused if someone else saved
    after this professional opened the plan, with both texts shown."""
    plan = selectors.access_plan_by_id(request.user, plan_id, action=LogAction.UPDATE,
                                       for_write=True).record
    state = PlanPageState(request, plan.pk)
    if request.POST.get("action") == "check":
        return check_form(state, "text", request.POST)
    form = state.form("text", data=request.POST)

    def save(data):
        now = state.plan
        changes = services.PlanChanges(
            client_situation=data["client_situation"], client_view=data["client_view"],
            disagreement=data["disagreement"],
            review_on=data["review_on"] if data["review_on"] != now.review_on else None,
            language=data["language"] if data["language"] != now.language else None)
        return services.plan_update(actor=request.user, plan=now, changes=changes,
                                    expected_revision=data["revision"])

    try:
        saved = save_through_service(request, form, save, _("The plan was saved."))
    except services.PlanConflict as exc:
        return _conflict(state, form, exc.plan)
    if saved:
        return redirect(plan_url(plan.pk, "plan-texts", "text"))
    return state.render(bound={"text": form})


def _conflict(state: PlanPageState, form, current: Plan) -> HttpResponse:
    """Someone else saved first: keep this professional's text in the form (now based on the
    current revision, so that it can be re-applied and saved) and show what is saved now."""
    data = form.data.copy()
    data[form.add_prefix("revision")] = str(current.revision)
    kept = state.form("text", data=data)
    kept.is_valid()
    languages = dict(plan_forms.LANGUAGES)
    now_saved = {}
    for name in ("client_situation", "client_view", "disagreement", "review_on", "language"):
        mine, now = form.cleaned_data.get(name), getattr(current, name)
        if (mine or "") != (now or ""):
            now_saved[name] = languages.get(now, now) if name == "language" else now
    conflict = {"by": current.updated_by, "at": current.updated_at, "now": now_saved}
    return state.render(bound={"text": kept}, conflict=conflict, status=409)


@plan_form("section", gettext_lazy("The section was added."),
           lambda section: f"section-{section.pk}")
def section_add(request, state: PlanPageState, data: dict):
    return services.section_add(actor=request.user, plan=state.plan, sector=data["sector"],
                                responsible_id=as_int(data["responsible"]),
                                summary=data["summary"])


@plan_form("coordinator", gettext_lazy("The coordinator was saved."), "participants")
def coordinator_set(request, state: PlanPageState, data: dict):
    return services.coordinator_set(actor=request.user, plan=state.plan,
                                     coordinator_id=as_int(data["coordinator"]))


@plan_form("named_worker", gettext_lazy("The named worker was saved."), "participants")
def named_worker_set(request, state: PlanPageState, data: dict):
    return services.named_worker_set(
        actor=request.user, plan=state.plan, named_worker_id=as_int(data["named_worker"]),
        needs_special_support=data["needs_special_support"])


@plan_form("goal", gettext_lazy("The goal was added."), lambda goal: f"goal-{goal.pk}",
           checked=lambda goal: f"goal-{goal.pk}")
def goal_add(request, state: PlanPageState, data: dict):
    return services.goal_add(actor=request.user, plan=state.plan, data=services.GoalInput(
        goal_area_id=as_int(data["goal_area"]), client_wording=data["client_wording"],
        target_date=data["target_date"], priority=data["priority"],
        section_id=as_int(data["section"])))


def _visible_goal(state: PlanPageState, goal_id) -> object:
    goal = next((g.goal for g in state.ctx["goals"] if str(g.goal.pk) == str(goal_id)), None)
    if goal is None:
        raise Http404
    return goal


@plan_form("factor", gettext_lazy("The situation factor was added."),
           lambda factor: f"goal-{factor.goal_id}")
def factor_add(request, state: PlanPageState, data: dict):
    return services.goal_factor_add(actor=request.user,
                                    goal=_visible_goal(state, data["goal"]),
                                    factor_id=as_int(data["factor"]), effect=data["effect"],
                                    note=data["note"])


@plan_form("service", gettext_lazy("The service was added."), "services")
def service_add(request, state: PlanPageState, data: dict):
    return services.service_add(actor=request.user, plan=state.plan,
                                data=services.ServiceInput(
                                    item_id=as_int(data["item"]), sector=data["sector"],
                                    provider=data["provider"],
                                    responsible_id=as_int(data["responsible"]),
                                    starts_on=data["starts_on"], ends_on=data["ends_on"],
                                    status=data["status"]))


@plan_form("method", gettext_lazy("The method was added."),
           lambda method: f"goal-{method.goal_id}" if method.goal_id else "plan-methods")
def method_add(request, state: PlanPageState, data: dict):
    return services.method_add(actor=request.user, plan=state.plan,
                               method_id=as_int(data["method"]), goal_id=as_int(data["goal"]),
                               note=data["note"])


@plan_form("support_need", gettext_lazy("The support need was recorded."), "support-needs",
           checked=lambda need: f"need-{need.pk}" if need.note else "")
def support_need_add(request, state: PlanPageState, data: dict):
    return services.support_need_add(actor=request.user, plan=state.plan,
                                     need_id=as_int(data["need"]), note=data["note"])


@plan_form("step", gettext_lazy("The step was added."),
           lambda step: f"goal-{step.goal_id}" if step.goal_id else "other-steps",
           checked=lambda step: f"step-{step.pk}")
def step_add(request, state: PlanPageState, data: dict):
    return services.step_add(actor=request.user, plan=state.plan, data=services.StepInput(
        what=data["what"], owner_kind=data["owner_kind"], due_on=data["due_on"],
        owner_id=as_int(data["owner"]), goal_id=as_int(data["goal"])))


@plan_form("participant", gettext_lazy("The participant was added."), "participants")
def participant_add(request, state: PlanPageState, data: dict):
    return services.participant_add(actor=request.user, plan=state.plan, kind=data["kind"],
                                    user_id=as_int(data["user"]), name=data["name"],
                                    role_text=data["role_text"])


@plan_form("consent", gettext_lazy("The consent was recorded."), "consents")
def consent_add(request, state: PlanPageState, data: dict):
    return services.consent_add(actor=request.user, plan=state.plan, sector=data["sector"],
                                scope=data["scope"], valid_from=data["valid_from"],
                                valid_until=data["valid_until"])


@plan_form("consent_request", gettext_lazy("The consent was asked from the client: it is in force "
                                           "once they accept it in My Luotsi."), "consents")
def consent_request(request, state: PlanPageState, data: dict):
    """Ask the client for a consent; it is in force once they accept it in their own area."""
    return services.consent_request(actor=request.user, plan=state.plan,
                                    sector=data["sector"], scope=data["scope"],
                                    valid_until=data["valid_until"])


@plan_form("disclose", gettext_lazy("The section is shown to you on the basis you chose; the "
                                    "disclosure is in the access log."), "sections")
def section_disclose(request, state: PlanPageState, data: dict):
    """Another sector's section shown to this professional on a basis (logged as a disclosure
    naming it); without a valid basis refused on the field ``basis``, nothing shown."""
    return services.section_disclose(actor=request.user, plan=state.plan,
                                     section_id=data["section"], basis_code=data["basis"])


@plan_form("review", gettext_lazy("The review was scheduled."), "reviews")
def review_schedule(request, state: PlanPageState, data: dict):
    return services.review_schedule(actor=request.user, plan=state.plan,
                                    scheduled_on=data["scheduled_on"])


@plan_form("held", gettext_lazy("The review was recorded."), "reviews")
def review_record(request, state: PlanPageState, data: dict):
    review = next((r for r in state.ctx["open_reviews"] if str(r.pk) == data["review"]),
                  None)
    if review is None:
        raise ValidationError({"review": [_("Choose a scheduled review.")]})
    return services.review_record(actor=request.user, review=review,
                                  held_on=data["held_on"], notes=data["notes"],
                                  next_review_on=data["next_review_on"])


@plan_form("rating", gettext_lazy("The rating was saved."), lambda rating: f"goal-{rating.goal_id}")
def rating_add(request, state: PlanPageState, data: dict):
    return services.rating_add(actor=request.user, plan=state.plan, data=services.RatingInput(
        goal_id=_visible_goal(state, data["goal"]).pk, value=data["value"],
        rated_by_kind=data["rated_by_kind"], client_took_part=data["client_took_part"],
        occasion=data["occasion"], rated_on=data["rated_on"]))


@plan_form("meter", gettext_lazy("The AVAIN meter was saved."), "meter")
def meter_record(request, state: PlanPageState, data: dict):
    """One sitting of the AVAIN meter: goals rated, services and methods evaluated, situation
    factors assessed again, each with the client's own rating beside the professional's."""
    goals: dict[int, int | None] = {}
    professional: list[services.EvaluationInput] = []
    client: list[services.EvaluationInput] = []
    for name, chosen in data.items():
        item = METER_FIELD.fullmatch(name)
        if item is None or not chosen:
            continue
        subject, pk, rater = item["subject"], int(item["pk"]), item["rater"]
        note = data.get(f"{subject}-{pk}-note", "")
        if subject == "goal" and rater == "professional":
            goals[pk] = as_int(chosen)
            continue
        into = professional if rater == "professional" else client
        if subject == "factor":
            into.append(services.EvaluationInput(
                subject=subject, item_id=pk, direction=chosen, note=note))
        else:
            into.append(services.EvaluationInput(
                subject=subject, item_id=pk, value=as_int(chosen), note=note))
    return services.meter_record(actor=request.user, plan=state.plan, data=services.MeterInput(
        occasion=data["occasion"], rated_on=data["rated_on"],
        review_id=as_int(data["review"]), client_took_part=data["client_took_part"],
        goals=goals, professional=professional, client=client))


@login_required
@require_POST
def plan_accept(request, plan_id: int):
    """Accept the plan with the client: a version. Refused if the plan changed after this
    professional opened it, so that no one accepts what they have not seen."""
    plan = selectors.access_plan_by_id(request.user, plan_id, action=LogAction.UPDATE,
                                       for_write=True).record
    state = PlanPageState(request, plan.pk)
    form = state.form("accept", data=request.POST)
    try:
        saved = save_through_service(
            request, form,
            lambda data: services.plan_accept(actor=request.user, plan=state.plan,
                                              client_took_part=data["client_took_part"],
                                              expected_revision=data["revision"]),
            lambda version: _("Version %(number)s of the plan was accepted.") % {
                "number": version.number})
    except services.PlanConflict:
        messages.error(request, _("The plan changed after you opened it. Check the plan and "
                                  "accept it again."))
        return state.render(status=409)
    if saved:
        return redirect(plan_url(plan.pk, "versions"))
    return state.render(bound={"accept": form})


def _row_action(request, plan_id: int, find: Callable, act: Callable, message: str,
                anchor: str) -> HttpResponse:
    plan = selectors.access_plan_by_id(request.user, plan_id, action=LogAction.UPDATE,
                                       for_write=True).record
    state = PlanPageState(request, plan.pk)
    row = find(state.ctx)
    if row is None:
        raise Http404
    try:
        act(row)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect(plan_url(plan.pk, anchor))


@login_required
@require_POST
def step_done(request, plan_id: int, step_id: int):
    return _row_action(
        request, plan_id,
        lambda ctx: next((s for s in ctx["visible_steps"] if s.pk == step_id), None),
        lambda step: services.step_mark_done(actor=request.user, step=step),
        _("The step was marked done."), "goals")


@login_required
@require_POST
def consent_withdraw(request, plan_id: int, consent_id: int):
    def act(consent):
        if consent.withdrawn_on is not None:
            raise ValidationError(_("The consent has already been withdrawn."))
        services.consent_withdraw(actor=request.user, consent=consent)

    return _row_action(
        request, plan_id,
        lambda ctx: next((c for c in ctx["consents"] if c.pk == consent_id), None),
        act, _("The consent was withdrawn."), "consents")


@login_required
@require_POST
def section_merge(request, plan_id: int, section_id: int):
    def act(section):
        result = services.section_merge(actor=request.user, section=section)
        if result.left_goals or result.left_services:
            messages.warning(request, _(
                "%(goals)s goals and %(services)s services could not be merged: they have no "
                "AVAIN code. They stay in the imported plan; add them by hand.") % {
                "goals": result.left_goals, "services": result.left_services})

    return _row_action(
        request, plan_id,
        lambda ctx: next((d.section for d in ctx["imported"] if d.section.pk == section_id),
                         None),
        act, _("The imported plan was merged into the plan."), "sections")
