"""Pages no other browser test opens, each axe-checked (WCAG 2.1 A/AA and best practices): the
plan's step, service and method edit and removal pages, the plan page as each of its forms
answers an invalid post, the worker's own work list, and every page of the Django admin (each
registered model's list, add, change, history and delete pages)."""

from __future__ import annotations

import datetime as dt

import pytest
from e2e_helpers import assert_accessible, assert_path, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def plan_rows(alice, case, client_person):
    from luotsi.plans import services as s
    from luotsi.plans.models import CodeListItem
    from luotsi.plans.selectors import sectors_of

    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    area = CodeListItem.objects.filter(version__current=True, code_list="goal_area").order_by("sort_order").first()
    goal = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=area.pk, client_wording="Löydän oman asunnon"))
    plan.refresh_from_db()
    step = s.step_add(actor=alice, plan=plan, data=s.StepInput(
        what="Soitan asuntotoimistoon", owner_kind="client",
        due_on=dt.date.today() + dt.timedelta(days=7), goal_id=goal.pk))
    plan.refresh_from_db()
    item = CodeListItem.objects.filter(version__current=True, code_list="service").order_by("sort_order").first()
    service = s.service_add(actor=alice, plan=plan, data=s.ServiceInput(
        item_id=item.pk, sector=sorted(sectors_of(alice))[0]))
    plan.refresh_from_db()
    method = CodeListItem.objects.filter(version__current=True, code_list="method").order_by("sort_order").first()
    row = s.method_add(actor=alice, plan=plan, method_id=method.pk, goal_id=goal.pk)
    plan.refresh_from_db()
    need = CodeListItem.objects.filter(version__current=True, code_list="support_need").order_by("sort_order").first()
    support_need = s.support_need_add(actor=alice, plan=plan, need_id=need.pk, note="Arki")
    return {"plan": plan, "step": step, "service": service, "method": row,
            "support_need": support_need}


def test_plan_step_service_and_method_pages(page, plan_rows):
    plan = plan_rows["plan"]
    login(page, "alice")
    for url in (f"/plans/{plan.pk}/steps/{plan_rows['step'].pk}/edit/",
                f"/plans/{plan.pk}/steps/{plan_rows['step'].pk}/remove/",
                f"/plans/{plan.pk}/services/{plan_rows['service'].pk}/remove/",
                f"/plans/{plan.pk}/methods/{plan_rows['method'].pk}/remove/",
                f"/plans/{plan.pk}/support-needs/{plan_rows['support_need'].pk}/remove/"):
        page.goto(url)
        assert_path(page, url)
        assert page.locator("main form").count() >= 1
        assert_accessible(page)


# Clears a form's fields and lifts the browser's own checks, so the server's answer to an
# invalid post is what the page shows.
_EMPTY_FORM = """form => {
    form.noValidate = true;
    for (const field of form.querySelectorAll('input, textarea, select')) {
        if (['hidden', 'submit', 'button'].includes(field.type)) continue;
        if (field.type === 'checkbox' || field.type === 'radio') field.checked = false;
        else if (field.tagName === 'SELECT') field.selectedIndex = -1;
        else field.value = '';
    }
}"""


def test_plan_page_as_each_form_answers_an_invalid_post(page, plan_rows):
    plan = plan_rows["plan"]
    login(page, "alice")
    page.goto(f"/plans/{plan.pk}/")
    assert_accessible(page)
    actions = page.eval_on_selector_all(
        "main form[method=post]", "forms => [...new Set(forms.map(f => f.getAttribute('action')))]")
    answered = []
    for action in actions:
        if not action or "/remove/" in action or "/done/" in action or "/withdraw/" in action:
            continue
        page.goto(f"/plans/{plan.pk}/")
        form = page.locator(f"main form[action='{action}']").first
        form.evaluate(_EMPTY_FORM)
        with page.expect_navigation():
            form.evaluate("f => f.requestSubmit(f.querySelector('button[type=submit]'))")
        if page.url.split("#")[0].endswith(action):
            # The plan page again, with the form's errors named.
            assert page.locator(".error-summary, .errorlist").count() >= 1, action
            assert_accessible(page)
            answered.append(action)
    assert len(answered) >= 10, answered


def test_my_work(page, alice, case):
    login(page, "alice")
    page.goto("/intake/my-work/")
    assert_path(page, "/intake/my-work/")
    assert_accessible(page)


def _admin_objects():
    """One object of every model registered in the admin, for its change, history and delete
    pages."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib import admin
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from luotsi.intake.models import ServiceCatalogueItem
    from luotsi.organisation.models import County, Municipality, Region
    from luotsi.organisation.tests.factories import TeamFactory
    from luotsi.plans.models import DisclosureBasis, PlainLanguageTerm
    from luotsi.sharedcare.models import ConsultationBasis
    from luotsi.signals.models import Backtest
    from luotsi.usage.models import IdentificationRule, IdentificationRun, ImportBatch, RuleVersion

    team = TeamFactory(code="admin-e2e")
    Group.objects.create(name="Esimiehet")
    ServiceCatalogueItem.objects.create(name_fi="Perheneuvola", name_sv="Familjerådgivning",
                                        name_en="Family counselling", provider="Hyvinvointialue",
                                        provider_kind="public")
    PlainLanguageTerm.objects.get_or_create(language="fi", term="suorittaa",
                                            defaults={"alternative": "tehdä"})
    IdentificationRun.objects.create(mode="full", as_of=timezone.localdate(),
                                     started_at=timezone.now())
    ImportBatch.objects.create(source="events.csv")
    Backtest.objects.create(as_of=timezone.localdate(), computed_at=timezone.now(),
                            figures={"rules": []})
    attempt = {"ip_address": "192.0.2.1", "user_agent": "test", "path_info": "/login/",
               "http_accept": "*/*"}
    AccessAttempt.objects.create(username="someone", get_data="", post_data="",
                                 failures_since_start=3, **attempt)
    AccessLog.objects.create(username="admin", **attempt)
    AccessFailureLog.objects.create(username="someone", locked_out=False, **attempt)
    assert County.objects.exists() and Region.objects.exists() and Municipality.objects.exists()
    assert team.pk
    objects = {model: model._default_manager.order_by("pk").first()
               for model in admin.site._registry}
    # A rule's versions that have counted are read-only history; a draft has every page.
    rule = IdentificationRule.objects.order_by("pk").first()
    objects[RuleVersion] = RuleVersion.objects.create(rule=rule, **rule.conditions())
    # The admin's links quote a code's "_" (as "_5F"); the walk builds the addresses from the
    # bare key, so it opens a basis whose code has none.
    objects[DisclosureBasis] = DisclosureBasis.objects.get(code="consent")
    objects[ConsultationBasis] = ConsultationBasis.objects.get(code="consent")
    return objects


def test_every_admin_page(page, admin_user, municipality):
    from django.contrib import admin
    from django.urls import reverse

    objects = _admin_objects()
    login(page, "admin")
    urls = ["/admin/", *{f"/admin/{model._meta.app_label}/" for model in objects},
            "/admin/password_change/"]
    for model, found in objects.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        model_admin = admin.site._registry[model]
        if model_admin.has_add_permission(_request(admin_user)):
            urls.append(reverse(f"{name}_add"))
        assert found is not None, model
        request = _request(admin_user)
        views = ["change", "history"]
        if model_admin.has_delete_permission(request, found):
            views.append("delete")
        for view in views:
            urls.append(reverse(f"{name}_{view}", args=[found.pk]))
        if model._meta.model_name == "user":
            urls.append(reverse("admin:auth_user_password_change", args=[found.pk]))
    for url in urls:
        page.goto(url)
        assert page.locator("#content").count() == 1, url
        assert_accessible(page)


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_emergency_access_from_a_person_page__a_missing_reason_named(page, bob, client_person):
    login(page, "bob")
    page.goto(f"/persons/{client_person.pk}/")
    assert_accessible(page)
    offer = page.locator("main section[aria-labelledby=emergency-heading]")
    offer.locator("form").evaluate("f => { f.noValidate = true; }")
    offer.locator("#id_reason").fill("")
    with page.expect_navigation():
        offer.locator("button[type=submit]").click()
    assert_path(page, f"/persons/{client_person.pk}/emergency/")
    assert page.locator("#id_reason-error, .error-summary").count() >= 1
    assert_accessible(page)
