"""The plan list: a page of 50 plans at a time, the nearest review first, a count that stops
early, only the clients on the page shown logged, and a query count that does not grow with the
number of plans."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Category, LogAction
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.people.tests.factories import PersonFactory
from luotsi.plans.models import Plan, PlanSection
from luotsi.plans.views import pages as views

pytestmark = pytest.mark.django_db

# At most: the user, the user's teams (for the visibility check and for the log record), the
# count, the page's plan ids, those plans with their clients, the clients' bases, and the
# access-log write (chain head and insert; PostgreSQL also takes the chain's advisory lock).
# Left out: the session's own reads and writes, which depend on the session engine, not on
# this page, and transaction statements. The same for 3 plans and for 120, on the first page
# and on a later one.
QUERIES = {"sqlite": 9, "postgresql": 10}
TRANSACTION = re.compile(r"(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK|BEGIN|COMMIT)\b")


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def make_plans(worker, count: int, *, start: int = 0, section: bool = False) -> list[Plan]:
    """``count`` plans ``worker`` coordinates (or, with ``section``, is responsible for a
    section of), each client with an open case of ``worker``; reviews one day apart."""
    today = timezone.localdate()
    plans = []
    for i in range(start, start + count):
        person = PersonFactory(first_name="Asiakas", last_name=f"Numero{i:03d}")
        RelationshipFactory(person=person, user=worker)
        plans.append(Plan(person=person, review_on=today + dt.timedelta(days=i),
                          coordinator=None if section else worker, created_by=worker,
                          updated_by=worker))
    plans = Plan.objects.bulk_create(plans)
    if section:
        PlanSection.objects.bulk_create(
            [PlanSection(plan=plan, sector=sector, responsible=worker)
             for plan in plans for sector in ("working_age_social", "employment")])
    return plans


def listed(response) -> list[int]:
    return [plan.pk for plan in response.context["plans"]]


def logged(user) -> list[int]:
    return sorted(AccessLogEntry.objects.filter(
        user_id=user.pk, action=LogAction.LIST, detail="plan list").values_list("person_id",
                                                                                flat=True))


def test_plan_list__first_page_holds_50_reviews_first_and_logs_only_those(as_alice, alice):
    plans = make_plans(alice, 55)
    response = as_alice.get("/plans/")
    assert response.status_code == 200
    assert listed(response) == [plan.pk for plan in plans[:50]]
    assert logged(alice) == sorted(plan.person_id for plan in plans[:50])
    entry = AccessLogEntry.objects.filter(user_id=alice.pk, action=LogAction.LIST).first()
    assert (entry.category, entry.basis) == (Category.PLAN, "case")
    body = response.content.decode()
    assert "55 plans" in body and "Page 1 of 2" in body
    assert 'href="?page=2"' in body and "Previous page" not in body
    assert 'nav class="pagination" aria-label="Pages"' in body


def test_plan_list__page_two_holds_the_rest(as_alice, alice):
    plans = make_plans(alice, 55)
    response = as_alice.get("/plans/?page=2")
    assert listed(response) == [plan.pk for plan in plans[50:]]
    assert logged(alice) == sorted(plan.person_id for plan in plans[50:])
    body = response.content.decode()
    assert "Page 2 of 2" in body and 'href="?page=1"' in body and "Next page" not in body
    # a page past the end shows the last page; nonsense shows the first
    assert listed(as_alice.get("/plans/?page=9")) == [plan.pk for plan in plans[50:]]
    assert listed(as_alice.get("/plans/?page=x")) == [plan.pk for plan in plans[:50]]


def test_plan_list__count_stops_early_and_paging_goes_on(as_alice, alice, monkeypatch):
    monkeypatch.setattr(views, "PLAN_LIST_PAGE_SIZE", 2)
    monkeypatch.setattr(views, "PLAN_LIST_COUNT_LIMIT", 3)
    plans = make_plans(alice, 9)
    body = as_alice.get("/plans/").content.decode()
    assert "More than 4 plans" in body  # counted to the next page's end and one more
    assert "Page 1</span>" in body and "Page 1 of" not in body and 'href="?page=2"' in body
    response = as_alice.get("/plans/?page=4")
    assert listed(response) == [plan.pk for plan in plans[6:8]]
    assert 'href="?page=5"' in response.content.decode()
    last = as_alice.get("/plans/?page=5")
    assert listed(last) == [plans[8].pk]
    assert "9 plans" in last.content.decode() and "Next page" not in last.content.decode()


def test_plan_list__a_plan_with_two_of_my_sections_is_listed_once(as_alice, alice):
    coordinated = make_plans(alice, 2)
    sections = make_plans(alice, 2, start=2, section=True)
    assert listed(as_alice.get("/plans/")) == [plan.pk for plan in coordinated + sections]


def test_plan_list__plans_of_others_and_of_invisible_clients_are_not_listed(client, alice, bob):
    mine = make_plans(alice, 2)
    Plan.objects.filter(pk=mine[0].pk).update(coordinator=bob)  # bob has no relationship
    make_plans(bob, 1, start=5)
    client.force_login(bob)
    response = client.get("/plans/")
    assert len(listed(response)) == 1
    assert "You have no plans to coordinate." not in response.content.decode()
    assert mine[0].pk not in listed(response)


def page_queries(client, path: str, rows: int) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert len(listed(client.get(path))) == rows
    return [q["sql"] for q in context.captured_queries
            if "django_session" not in q["sql"] and not TRANSACTION.match(q["sql"])]


def test_plan_list__query_count_is_pinned_and_does_not_grow_with_the_plans(as_alice, alice):
    make_plans(alice, 3)
    few = len(page_queries(as_alice, "/plans/", 3))
    make_plans(alice, 117, start=3)
    many = len(page_queries(as_alice, "/plans/", 50))
    later = len(page_queries(as_alice, "/plans/?page=3", 20))
    assert few <= QUERIES[connection.vendor]
    assert few == many == later
