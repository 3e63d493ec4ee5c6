"""The plan page as one request sees it (``PlanPageState``: the plan loaded once, its lookups, the
page's forms), and the steps every plan page shares: the access check, the plan's address, one
posted form saved through its service."""

from __future__ import annotations

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from luotsi.access import gateway
from luotsi.access.models import Basis, Category, LogAction
from luotsi.plans import forms as plan_forms
from luotsi.plans import page, plain_language, selectors
from luotsi.plans.models import Plan


def as_int(value) -> int | None:
    return int(value) if value not in (None, "") else None


def log_plan_access(user, plan: Plan, action: str, detail: str) -> None:
    gateway.access_person_by_id(user, plan.person_id, category=Category.PLAN, action=action,
                                detail=detail)


def plan_url(plan_id: int, anchor: str = "", checked: str = "") -> str:
    url = reverse("plan_detail", kwargs={"plan_id": plan_id})
    if checked:
        url += f"?checked={checked}"
    return url + (f"#{anchor}" if anchor else "")


class PlanPageState:
    """The plan as ``user`` sees it, loaded once per request, and the forms built on it."""

    def __init__(self, request, plan_id: int, *, viewed: bool = False) -> None:
        self.request = request
        self.viewed = viewed  # the view of the plan page is logged already
        self.plan = selectors.plan_for_page(plan_id)
        self.found = page.lookups()
        self.ctx = page.build(self.plan, request.user, self.found,
                              all_versions_shown=request.GET.get("versions") == "all").context()
        self.ctx["code_list_versions"] = self.found.versions()

    def _kwargs(self, key: str) -> dict:
        ctx, found = self.ctx, self.found
        professionals = found.professionals
        return {
            "section": {"professionals": professionals},
            "coordinator": {"professionals": professionals},
            "named_worker": {"professionals": professionals},
            "goal": {"found": found, "sections": ctx["sections"]},
            "factor": {"found": found, "goals": ctx["goals"]},
            "service": {"found": found, "professionals": professionals},
            "method": {"found": found, "goals": ctx["goals"]},
            "support_need": {"found": found},
            "step": {"goals": ctx["goals"], "professionals": professionals},
            "participant": {"professionals": professionals},
            "held": {"reviews": ctx["open_reviews"]},
            "rating": {"goals": ctx["goals"], "scale": ctx["scale"]},
            "meter": {"goals": ctx["goals"], "services": ctx["services"],
                      "methods": ctx["visible_methods"], "scale": ctx["scale"],
                      "reviews": ctx["reviews"]},
            "disclose": {"hidden": ctx["hidden_section_rows"],
                         "bases": self.disclosure_bases()},
        }.get(key, {})

    def disclosure_bases(self) -> list:
        """The bases for showing another sector's section: read only when a section is hidden
        from this professional, so that other plan pages read nothing more."""
        if not self.ctx["hidden_section_rows"]:
            return []
        if not hasattr(self, "_bases"):
            self._bases = list(selectors.disclosure_bases())
        return self._bases

    def _initial(self, key: str) -> dict:
        plan, today = self.plan, timezone.localdate()
        if key == "text":
            return {"revision": plan.revision, "client_situation": plan.client_situation,
                    "client_view": plan.client_view, "disagreement": plan.disagreement,
                    "review_on": plan.review_on, "language": plan.language}
        if key == "accept":
            return {"revision": plan.revision}
        if key == "consent":
            return {"valid_from": today}
        if key == "held":
            return {"held_on": today}
        if key == "coordinator" and plan.coordinator_id:
            return {"coordinator": str(plan.coordinator_id)}
        if key == "named_worker":
            return {"named_worker": str(plan.named_worker_id or ""),
                    "needs_special_support": plan.needs_special_support}
        return {}

    def log_consent_disclosure(self) -> None:
        """Other sectors' sections shown because the client consented to sharing the plan with
        this professional's sector are a disclosure on that consent: logged (action
        ``disclose``) naming the sectors, the basis (SHL 41 §) and the consents relied on. A
        page showing only what the professional's own sector or role opens logs nothing more."""
        user, plan, ctx = self.request.user, self.plan, self.ctx
        if ctx["allowed_sectors"] is not None or user.pk in (plan.coordinator_id,
                                                              plan.named_worker_id):
            return
        own = selectors.sectors_of(user)
        others = sorted({section.sector for section in ctx["sections"]} - own)
        consents = sorted(c.pk for c in ctx["consents"]
                          if c.pk in ctx["active_consents"] and c.sector in own)
        if not others or not consents:
            return
        basis = gateway.access_bases(user, [plan.person_id], Category.PLAN).get(
            plan.person_id, Basis.NONE)
        gateway.record_write(
            user, person_id=plan.person_id, category=Category.PLAN, action=LogAction.DISCLOSE,
            basis=basis, detail=f"plan {plan.pk} sections of {', '.join(others)} to "
                                f"{user.username}; basis shl_41, consent "
                                f"{', '.join(str(pk) for pk in consents)}")

    def form(self, key: str, data=None, initial=None):
        form_class = FORMS[key]
        return form_class(data, prefix=key, initial=initial if initial is not None
                          else self._initial(key), **self._kwargs(key))

    def render(self, *, bound: dict | None = None, status: int = 200, **extra) -> HttpResponse:
        user, plan = self.request.user, self.plan
        if not self.viewed:
            log_plan_access(user, plan, LogAction.VIEW, "plan page")
        bound = bound or {}
        context = dict(self.ctx)
        page.annotate_step_rows(context["visible_steps"], get_token(self.request),
                                context["today"])
        context["forms"] = {key: bound.get(key) or self.form(key) for key in FORMS}
        context["open_form"] = next(iter(bound), "")
        context.update(extra)
        now_saved = (extra.get("conflict") or {}).get("now", {})
        context["text_rows"] = [
            {"field": field, "conflicted": field.name in now_saved,
             "now": now_saved.get(field.name)}
            for field in context["forms"]["text"].visible_fields()]
        return render(self.request, "plans/detail.html", context, status=status)


FORMS = {
    "text": plan_forms.PlanTextForm,
    "section": plan_forms.SectionForm,
    "coordinator": plan_forms.CoordinatorForm,
    "named_worker": plan_forms.NamedWorkerForm,
    "goal": plan_forms.GoalForm,
    "factor": plan_forms.FactorForm,
    "service": plan_forms.ServiceForm,
    "method": plan_forms.MethodForm,
    "support_need": plan_forms.SupportNeedForm,
    "step": plan_forms.StepForm,
    "participant": plan_forms.ParticipantForm,
    "consent": plan_forms.ConsentForm,
    "consent_request": plan_forms.ConsentRequestForm,
    "disclose": plan_forms.SectionDisclosureForm,
    "accept": plan_forms.AcceptForm,
    "review": plan_forms.ReviewScheduleForm,
    "held": plan_forms.ReviewRecordForm,
    "rating": plan_forms.RatingForm,
    "meter": plan_forms.MeterForm,
}


def findings(form_class, values: dict, language: str) -> list[dict]:
    """The clear-language findings of the texts a form checks, field by field."""
    terms = plain_language.jargon_terms(language)
    out = []
    for name in form_class.CHECKED:
        text = values.get(name) or ""
        if text.strip():
            out.append({"label": form_class.base_fields[name].label,
                        "findings": plain_language.check(text, language, terms)})
    return out
