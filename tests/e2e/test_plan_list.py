"""The plan list in the browser, in Finnish and in Swedish, axe-checked (WCAG 2.1 AA): the nearest
review first, 50 plans a page, and the page links of the pagination."""

from __future__ import annotations

import datetime as dt

import pytest
from e2e_helpers import assert_accessible, login

pytestmark = pytest.mark.e2e

LANGUAGES = ["fi", "sv"]
PAGE_TEXT = {"fi": ("Seuraava sivu", "Edellinen sivu", "Sivu 2/2"),
             "sv": ("Nästa sida", "Föregående sida", "Sida 2 av 2")}


def _plans(worker, count: int) -> list:
    from django.utils import timezone

    from luotsi.access.tests.factories import RelationshipFactory
    from luotsi.people.tests.factories import PersonFactory
    from luotsi.plans.models import Plan

    today = timezone.localdate()
    plans = []
    for i in range(count):
        person = PersonFactory(first_name="Asiakas", last_name=f"Numero{i:03d}")
        RelationshipFactory(person=person, user=worker)
        plans.append(Plan(person=person, review_on=today + dt.timedelta(days=i - 2),
                          coordinator=worker, created_by=worker, updated_by=worker))
    return Plan.objects.bulk_create(plans)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan_list__pages_of_plans_reviews_first(new_page, alice, language):
    plans = _plans(alice, 55)
    next_label, previous_label, second_page = PAGE_TEXT[language]
    page = new_page(language=language)
    login(page, "alice")

    page.goto("/plans/")
    rows = page.locator("table[aria-labelledby='plans-heading'] tbody tr")
    assert rows.count() == 50
    assert rows.first.locator("a").inner_text() == plans[0].person.full_name
    assert rows.first.locator(".overdue").count() == 1  # its review was two days ago
    assert page.locator("#plans-heading").inner_text().startswith("55 ")
    assert page.locator("nav.pagination").get_attribute("aria-label")
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name=next_label).click()
    assert page.url.endswith("/plans/?page=2")
    assert rows.count() == 5
    assert rows.last.locator("a").inner_text() == plans[-1].person.full_name
    assert page.locator("nav.pagination span").inner_text() == second_page
    assert page.get_by_role("link", name=next_label).count() == 0
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name=previous_label).click()
    assert rows.count() == 50
