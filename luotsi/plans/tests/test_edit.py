"""Editing and removing goals and steps over HTTP: the edit and confirmation pages, bad input
named by field, a concurrent save refused with both texts kept, the access log, "what changed"
in the next accepted version, accepted versions left as they were, and no way in for a worker
outside the care team."""

import datetime as dt

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Category, LogAction, Outcome
from luotsi.access.tests.assertions import assert_refused
from luotsi.plans import services as s
from luotsi.plans.models import CodeListItem, Goal, Plan, PlanVersion, Rating, Step

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def plan(alice, case, client_person) -> Plan:
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    return plan


@pytest.fixture
def goal(alice, plan) -> Goal:
    area = CodeListItem.objects.filter(version__current=True, code_list="goal_area").order_by("sort_order").first()
    return s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=area.pk, client_wording="Löydän oman asunnon"))


@pytest.fixture
def step(alice, plan, goal) -> Step:
    return s.step_add(actor=alice, plan=plan, data=s.StepInput(
        what="Haen asuntoa", owner_kind="client", due_on=timezone.localdate(), goal_id=goal.pk))


def revision(plan) -> int:
    return Plan.objects.get(pk=plan.pk).revision


def goal_post(goal, plan, **changes) -> dict:
    return {"revision": revision(plan), "goal_area": goal.goal_area_id,
            "client_wording": goal.client_wording, "target_date": "", "priority": 2,
            "section": "", **changes}


def test_goal_edit__saved_logged_and_listed_as_changed(client, alice, plan, goal):
    s.plan_accept(actor=alice, plan=plan, client_took_part=True)
    client.force_login(alice)
    page = client.get(f"/plans/{plan.pk}/goals/{goal.pk}/edit/")
    assert page.status_code == 200 and "Löydän oman asunnon" in page.content.decode()
    response = client.post(f"/plans/{plan.pk}/goals/{goal.pk}/edit/",
                           goal_post(goal, plan, client_wording="Asun omassa kodissa",
                                     priority=1))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.client_wording, goal.priority) == ("Asun omassa kodissa", 1)
    entry = AccessLogEntry.objects.filter(user_id=alice.pk, action=LogAction.UPDATE) \
        .order_by("-seq").first()
    assert entry.category == Category.PLAN and f"goal {goal.pk} changed" in entry.detail
    version = s.plan_accept(actor=alice, plan=Plan.objects.get(pk=plan.pk),
                            client_took_part=True)
    assert {"part": "goals", "change": "changed", "text": "Asun omassa kodissa"} \
        in version.changes
    first = PlanVersion.objects.get(plan=plan, number=1)
    assert first.snapshot["goals"][0]["client_wording"] == "Löydän oman asunnon"


def test_goal_edit__bad_input_named_nothing_saved(client, alice, plan, goal):
    client.force_login(alice)
    response = client.post(f"/plans/{plan.pk}/goals/{goal.pk}/edit/",
                           goal_post(goal, plan, client_wording="  ",
                                     target_date=(timezone.localdate() - dt.timedelta(days=3))
                                     .isoformat()))
    assert response.status_code == 400
    body = response.content.decode()
    assert "The goal in the client&#x27;s own words:" in body
    goal.refresh_from_db()
    assert goal.client_wording == "Löydän oman asunnon"


def test_goal_edit__concurrent_save_refused_both_texts_kept(client, alice, plan, goal):
    client.force_login(alice)
    stale = goal_post(goal, plan, client_wording="Minun versioni")
    s.goal_add(actor=alice, plan=Plan.objects.get(pk=plan.pk), data=s.GoalInput(
        goal_area_id=goal.goal_area_id, client_wording="Toinen tavoite"))
    s.goal_update(actor=alice, goal=Goal.objects.get(pk=goal.pk),
                  expected_revision=revision(plan), data=s.GoalInput(
                      goal_area_id=goal.goal_area_id, client_wording="Kollegan versio"))
    response = client.post(f"/plans/{plan.pk}/goals/{goal.pk}/edit/", stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Kollegan versio" in body and "Minun versioni" in body
    assert f'name="revision" value="{revision(plan)}"' in body
    assert Goal.objects.get(pk=goal.pk).client_wording == "Kollegan versio"


def test_goal_remove__confirm_then_removed_with_steps_and_ratings(client, alice, plan, goal,
                                                                 step):
    s.rating_add(actor=alice, plan=plan, data=s.RatingInput(goal_id=goal.pk, value=2,
                                                            rated_by_kind="together"))
    s.plan_accept(actor=alice, plan=Plan.objects.get(pk=plan.pk), client_took_part=True)
    client.force_login(alice)
    page = client.get(f"/plans/{plan.pk}/goals/{goal.pk}/remove/")
    body = page.content.decode()
    assert page.status_code == 200 and "Its 1 step is removed" in body \
        and "Its 1 AVAIN rating is removed" in body
    assert Goal.objects.filter(pk=goal.pk).exists()  # a GET never removes
    response = client.post(f"/plans/{plan.pk}/goals/{goal.pk}/remove/",
                           {"revision": revision(plan)})
    assert response.status_code == 302
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert not Step.objects.filter(pk=step.pk).exists() and not Rating.objects.exists()
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert f"goal {goal.pk} removed with 1 steps and 1 ratings" == entry.detail
    s.goal_add(actor=alice, plan=Plan.objects.get(pk=plan.pk), data=s.GoalInput(
        goal_area_id=goal.goal_area_id, client_wording="Uusi tavoite"))
    version = s.plan_accept(actor=alice, plan=Plan.objects.get(pk=plan.pk),
                            client_took_part=True)
    assert {"part": "goals", "change": "removed", "text": "Löydän oman asunnon"} \
        in version.changes
    assert {"part": "steps", "change": "removed", "text": "Haen asuntoa"} in version.changes
    assert PlanVersion.objects.get(plan=plan, number=1).snapshot["goals"][0]["id"] == goal.pk


def test_goal_remove__stale_revision_refused(client, alice, plan, goal):
    client.force_login(alice)
    stale = revision(plan)
    s.step_add(actor=alice, plan=plan, data=s.StepInput(
        what="Uusi askel", owner_kind="client", due_on=timezone.localdate()))
    response = client.post(f"/plans/{plan.pk}/goals/{goal.pk}/remove/", {"revision": stale})
    assert response.status_code == 409
    assert "Nothing was removed" in response.content.decode()
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_step_edit_and_remove(client, alice, plan, step):
    client.force_login(alice)
    assert client.get(f"/plans/{plan.pk}/steps/{step.pk}/edit/").status_code == 200
    bad = client.post(f"/plans/{plan.pk}/steps/{step.pk}/edit/", {
        "revision": revision(plan), "what": "Soitan", "owner_kind": "professional",
        "owner": "", "due_on": "", "goal": ""})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "By when:" in body
    due = timezone.localdate() + dt.timedelta(days=7)
    ok = client.post(f"/plans/{plan.pk}/steps/{step.pk}/edit/", {
        "revision": revision(plan), "what": "Soitan vuokranantajalle", "owner_kind": "client",
        "owner": "", "due_on": due.isoformat(), "goal": ""})
    assert ok.status_code == 302
    step.refresh_from_db()
    assert (step.what, step.due_on, step.goal_id) == ("Soitan vuokranantajalle", due, None)
    removed = client.post(f"/plans/{plan.pk}/steps/{step.pk}/remove/",
                          {"revision": revision(plan)})
    assert removed.status_code == 302 and not Step.objects.filter(pk=step.pk).exists()


def test_plan_page_links_to_edit_and_remove(client, alice, plan, goal, step):
    client.force_login(alice)
    body = client.get(f"/plans/{plan.pk}/").content.decode()
    for href in (f"/plans/{plan.pk}/goals/{goal.pk}/edit/",
                 f"/plans/{plan.pk}/goals/{goal.pk}/remove/",
                 f"/plans/{plan.pk}/steps/{step.pk}/edit/",
                 f"/plans/{plan.pk}/steps/{step.pk}/remove/"):
        assert f'href="{href}"' in body


@pytest.mark.parametrize("suffix", ["goals/{goal}/edit/", "goals/{goal}/remove/",
                                    "steps/{step}/edit/", "steps/{step}/remove/"])
def test_edit_pages__bob_outside_gets_404_logged(client, bob, plan, goal, step, client_person,
                                                 suffix):
    client.force_login(bob)
    address = f"/plans/{plan.pk}/" + suffix.format(goal=goal.pk, step=step.pk)
    assert client.get(address).status_code == 404
    assert client.post(address, {"revision": revision(plan), "client_wording": "x",
                                 "what": "x"}).status_code == 404
    assert Goal.objects.get(pk=goal.pk).client_wording == "Löydän oman asunnon"
    entry = AccessLogEntry.objects.filter(user_id=bob.pk, person_id=client_person.pk) \
        .order_by("-seq").first()
    assert entry.outcome == Outcome.REFUSED


def test_service_and_method_remove__confirmed_logged_and_listed(client, alice, plan, goal):
    service_item = CodeListItem.objects.filter(version__current=True, code_list="service").first()
    method_item = CodeListItem.objects.filter(version__current=True, code_list="method").first()
    service = s.service_add(actor=alice, plan=plan, data=s.ServiceInput(
        item_id=service_item.pk, sector="family_services"))
    method = s.method_add(actor=alice, plan=Plan.objects.get(pk=plan.pk),
                          method_id=method_item.pk, goal_id=goal.pk)
    s.plan_accept(actor=alice, plan=Plan.objects.get(pk=plan.pk), client_took_part=True)
    client.force_login(alice)
    body = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f'href="/plans/{plan.pk}/services/{service.pk}/remove/"' in body
    assert f'href="/plans/{plan.pk}/methods/{method.pk}/remove/"' in body
    page = client.get(f"/plans/{plan.pk}/services/{service.pk}/remove/")
    assert page.status_code == 200 and service_item.name_en in page.content.decode()
    stale = revision(plan)
    assert client.post(f"/plans/{plan.pk}/services/{service.pk}/remove/",
                       {"revision": stale}).status_code == 302
    assert client.post(f"/plans/{plan.pk}/methods/{method.pk}/remove/",
                       {"revision": stale}).status_code == 409  # the plan changed meanwhile
    assert client.post(f"/plans/{plan.pk}/methods/{method.pk}/remove/",
                       {"revision": revision(plan)}).status_code == 302
    entries = list(AccessLogEntry.objects.order_by("-seq").values_list("detail", flat=True)[:6])
    assert f"service {service.pk} removed" in entries and f"method {method.pk} removed" in entries
    version = s.plan_accept(actor=alice, plan=Plan.objects.get(pk=plan.pk),
                            client_took_part=True)
    parts = {(c["part"], c["change"]) for c in version.changes}
    assert {("services", "removed"), ("methods", "removed")} <= parts


def test_service_and_method_remove__bob_outside_gets_404(client, alice, bob, plan, goal,
                                                        client_person):
    service = s.service_add(actor=alice, plan=plan, data=s.ServiceInput(
        item_id=CodeListItem.objects.filter(version__current=True, code_list="service").first().pk,
        sector="family_services"))
    method = s.method_add(actor=alice, plan=Plan.objects.get(pk=plan.pk),
                          method_id=CodeListItem.objects.filter(version__current=True, code_list="method").first().pk)
    client.force_login(bob)
    for address in (f"/plans/{plan.pk}/services/{service.pk}/remove/",
                    f"/plans/{plan.pk}/methods/{method.pk}/remove/"):
        assert client.get(address).status_code == 404
        assert_refused(bob, client_person)
        assert client.post(address, {"revision": revision(plan)}).status_code == 404
        assert_refused(bob, client_person)
    assert service.__class__.objects.filter(pk=service.pk).exists()
    assert method.__class__.objects.filter(pk=method.pk).exists()
    entry = AccessLogEntry.objects.filter(user_id=bob.pk, person_id=client_person.pk) \
        .order_by("-seq").first()
    assert entry.outcome == Outcome.REFUSED
