"""Editing and removing goals, steps, services, methods and support needs: the edit and confirmation pages, a
concurrent save refused with both texts kept."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from luotsi.access.models import LogAction
from luotsi.common.forms import save_through_service
from luotsi.plans import forms as plan_forms
from luotsi.plans import selectors, services
from luotsi.plans.models import Goal, Step
from luotsi.plans.views.plan_page import PlanPageState, as_int, log_plan_access, plan_url


def row_page(view: Callable) -> Callable:
    """A page of one row of the plan: signed in, never cached, shown on GET and saved on POST."""
    return login_required(never_cache(require_http_methods(["GET", "POST"])(view)))


def _state(request, plan_id: int) -> PlanPageState:
    # A page (GET) is checked here and logs its view when it renders; a POST is a write whose
    # service logs it.
    viewing = request.method == "GET"
    plan = selectors.access_plan_by_id(
        request.user, plan_id, action=LogAction.VIEW if viewing else LogAction.UPDATE,
        for_write=not viewing, check_only=viewing).record
    return PlanPageState(request, plan.pk)


def _goal(state: PlanPageState, goal_id: int) -> Goal:
    goal = next((g.goal for g in state.ctx["goals"] if g.goal.pk == goal_id), None)
    if goal is None:
        raise Http404
    return goal


def _step(state: PlanPageState, step_id: int) -> Step:
    step = next((s for s in state.ctx["visible_steps"] if s.pk == step_id), None)
    if step is None:
        raise Http404
    return step


def render_row_page(request, state: PlanPageState, template: str, status: int = 200, **context) -> HttpResponse:
    log_plan_access(request.user, state.plan, LogAction.VIEW, context.pop("detail"))
    return render(request, template, {"plan": state.plan, **context}, status=status)


def _kept(state: PlanPageState, form_class, form, kwargs: dict):
    """The professional's own input, now based on the current revision."""
    data = form.data.copy()
    current = state.plan.__class__.objects.only("revision").get(pk=state.plan.pk).revision
    data["revision"] = str(current)
    kept = form_class(data, **kwargs)
    kept.is_valid()
    return kept


def _edit(request, state: PlanPageState, *, row, kind: str, form_class, kwargs: dict, initial: dict,
          save: Callable, now: Callable, fields: tuple[str, ...]) -> HttpResponse:
    detail = f"{kind} {row.pk} edit"
    title = _("Edit the goal") if kind == "goal" else _("Edit the step")
    if request.method == "GET":
        form = form_class(initial={**initial, "revision": state.plan.revision}, **kwargs)
        return render_row_page(request, state, "plans/edit.html", form=form, title=title, kind=kind,
                       detail=detail)
    form = form_class(request.POST, **kwargs)
    try:
        saved = save_through_service(request, form, save, _("The goal was saved.")
                                     if kind == "goal" else _("The step was saved."))
    except services.PlanConflict as exc:
        current = now()
        conflict = {"by": exc.plan.updated_by, "at": exc.plan.updated_at,
                    "removed": current is None,
                    "now": [] if current is None else [
                        (form.fields[name].label, value) for name, value in current.items()
                        if name in fields]}
        return render_row_page(request, state, "plans/edit.html", status=409, title=title,
                       kind=kind, form=_kept(state, form_class, form, kwargs),
                       conflict=conflict, detail=detail)
    if saved:
        return redirect(plan_url(state.plan.pk, f"{kind}-{row.pk}"))
    return render_row_page(request, state, "plans/edit.html", status=400, form=form, title=title,
                   kind=kind, detail=detail)


def _goal_now(goal_id: int) -> dict | None:
    goal = Goal.objects.select_related("goal_area", "section").filter(pk=goal_id).first()
    if goal is None:
        return None
    return {"goal_area": goal.goal_area.name, "client_wording": goal.client_wording,
            "target_date": goal.target_date, "priority": goal.get_priority_display(),
            "section": goal.section.get_sector_display() if goal.section else ""}


def _step_now(step_id: int) -> dict | None:
    step = Step.objects.select_related("owner", "goal").filter(pk=step_id).first()
    if step is None:
        return None
    return {"what": step.what, "owner_kind": step.get_owner_kind_display(),
            "owner": str(step.owner or ""), "due_on": step.due_on,
            "goal": step.goal.client_wording[:60] if step.goal else ""}


@row_page
def goal_edit(request, plan_id: int, goal_id: int):
    state = _state(request, plan_id)
    goal = _goal(state, goal_id)

    def save(data):
        return services.goal_update(
            actor=request.user, goal=goal, expected_revision=data["revision"],
            data=services.GoalInput(
                goal_area_id=as_int(data["goal_area"]), client_wording=data["client_wording"],
                target_date=data["target_date"], priority=data["priority"],
                section_id=as_int(data["section"])))

    initial = {"goal_area": str(goal.goal_area_id), "client_wording": goal.client_wording,
               "target_date": goal.target_date, "priority": goal.priority,
               "section": str(goal.section_id or "")}
    return _edit(request, state, row=goal, kind="goal", form_class=plan_forms.GoalEditForm,
                 kwargs={**state._kwargs("goal"), "keep_item": goal.goal_area},
                 initial=initial, save=save,
                 now=lambda: _goal_now(goal.pk),
                 fields=("goal_area", "client_wording", "target_date", "priority", "section"))


@row_page
def step_edit(request, plan_id: int, step_id: int):
    state = _state(request, plan_id)
    step = _step(state, step_id)

    def save(data):
        return services.step_update(
            actor=request.user, step=step, expected_revision=data["revision"],
            data=services.StepInput(what=data["what"], owner_kind=data["owner_kind"],
                                    due_on=data["due_on"], owner_id=as_int(data["owner"]),
                                    goal_id=as_int(data["goal"]),
                                    withheld_ground=data["withheld_ground"]))

    initial = {"what": step.what, "owner_kind": step.owner_kind,
               "owner": str(step.owner_id or ""), "due_on": step.due_on,
               "goal": str(step.goal_id or ""), "withheld_ground": step.withheld_ground_id or ""}
    return _edit(request, state, row=step, kind="step", form_class=plan_forms.StepEditForm,
                 kwargs=state._kwargs("step"), initial=initial, save=save,
                 now=lambda: _step_now(step.pk),
                 fields=("what", "owner_kind", "owner", "due_on", "goal"))


def _remove(request, state: PlanPageState, *, row, kind: str, remove: Callable, facts: dict):
    detail = f"{kind} {row.pk} removal"
    title = {"goal": _("Remove the goal"), "step": _("Remove the step"),
             "service": _("Remove the service"), "method": _("Remove the method"),
             "support_need": _("Remove the support need")}[kind]
    form = plan_forms.RemoveForm(request.POST or None,
                                 initial={"revision": state.plan.revision})
    context = {"title": title, "kind": kind, "row": row, "facts": facts, "detail": detail}
    if request.method == "GET":
        return render_row_page(request, state, "plans/remove.html", form=form, **context)
    message = {"goal": _("The goal was removed."), "step": _("The step was removed."),
               "service": _("The service was removed."),
               "method": _("The method was removed."),
               "support_need": _("The support need was removed.")}[kind]
    try:
        removed = save_through_service(request, form, lambda data: remove(data["revision"]),
                                       message)
    except services.PlanConflict as exc:
        fresh = plan_forms.RemoveForm(initial={"revision": exc.plan.revision})
        conflict = {"by": exc.plan.updated_by, "at": exc.plan.updated_at}
        return render_row_page(request, state, "plans/remove.html", status=409, form=fresh,
                       conflict=conflict, **context)
    if not removed:
        return render_row_page(request, state, "plans/remove.html", status=400, form=form, **context)
    anchor = {"service": "services", "support_need": "support-needs"}.get(kind, "goals")
    return redirect(plan_url(state.plan.pk, anchor))


@row_page
def goal_remove(request, plan_id: int, goal_id: int):
    state = _state(request, plan_id)
    goal = _goal(state, goal_id)
    view = next(g for g in state.ctx["goals"] if g.goal.pk == goal_id)
    facts = {"text": goal.client_wording, "steps": len(view.steps),
             "ratings": len(view.ratings)}
    return _remove(request, state, row=goal, kind="goal", facts=facts,
                   remove=lambda revision: services.goal_remove(
                       actor=request.user, goal=goal, expected_revision=revision))


@row_page
def step_remove(request, plan_id: int, step_id: int):
    state = _state(request, plan_id)
    step = _step(state, step_id)
    return _remove(request, state, row=step, kind="step", facts={"text": step.what},
                   remove=lambda revision: services.step_remove(
                       actor=request.user, step=step, expected_revision=revision))


@row_page
def service_remove(request, plan_id: int, service_id: int):
    state = _state(request, plan_id)
    service = next((s for s in state.ctx["services"] if s.pk == service_id), None)
    if service is None:
        raise Http404
    return _remove(request, state, row=service, kind="service",
                   facts={"text": f"{service.item.name} ({service.get_sector_display()})"},
                   remove=lambda revision: services.service_remove(
                       actor=request.user, service=service, expected_revision=revision))


@row_page
def method_remove(request, plan_id: int, method_id: int):
    state = _state(request, plan_id)
    methods = [*state.ctx["plan_methods"], *(m for g in state.ctx["goals"] for m in g.methods)]
    method = next((m for m in methods if m.pk == method_id), None)
    if method is None:
        raise Http404
    return _remove(request, state, row=method, kind="method", facts={"text": method.method.name},
                   remove=lambda revision: services.method_remove(
                       actor=request.user, method=method, expected_revision=revision))


@row_page
def support_need_remove(request, plan_id: int, need_id: int):
    state = _state(request, plan_id)
    need = next((n for n in state.ctx["support_needs"] if n.pk == need_id), None)
    if need is None:
        raise Http404
    return _remove(request, state, row=need, kind="support_need",
                   facts={"text": need.need.name + (f" – {need.note}" if need.note else "")},
                   remove=lambda revision: services.support_need_remove(
                       actor=request.user, support_need=need, expected_revision=revision))
