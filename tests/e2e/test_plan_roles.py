"""The plan's two roles in the browser, in Finnish and in Swedish, axe-checked: a nurse named
as the coordinator (case manager); the same nurse refused as the statutory named worker
(omatyöntekijä, SHL 42 §) with the field named; a licensed social worker named instead, for a
client who needs special support; both shown on the plan page and on the client's memo."""

from __future__ import annotations

import pytest
from e2e_helpers import assert_accessible, login

pytestmark = pytest.mark.e2e

# What each language says when the nurse is refused and what the memo calls the two roles.
WORDS = {
    "fi": {"refused": "ei voi olla omatyöntekijä", "coordinator": "koordinaattori",
           "named": "omatyöntekijä"},
    "sv": {"refused": "kan inte vara egen kontaktperson", "coordinator": "koordinator",
           "named": "egen kontaktperson"},
}


@pytest.fixture
def nurse(db):
    from luotsi.organisation.models import Role
    from luotsi.organisation.tests.factories import TeamFactory, UserFactory

    team = TeamFactory(code="health-east", service_task="health")
    return UserFactory(username="nina", first_name="Nina", last_name="Nurmi", role=Role.NURSE,
                       teams=[team], title="sairaanhoitaja", phone="040 111 2222")


def _open(page, key: str) -> str:
    panel = f"details#form-{key}"
    if page.locator(panel).get_attribute("open") is None:
        page.click(f"{panel} > summary")
    return f"{panel} form"


def _submit(page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_plan_roles__coordinator_and_named_worker_apart(new_page, alice, case, client_person,
                                                        nurse, language):
    from luotsi.plans import services as s
    from luotsi.plans.models import Plan

    client_person.language = language  # the memo is written in the client's language
    client_person.save(update_fields=["language"])
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    page = new_page(language=language)
    login(page, "alice")
    page.goto(f"/plans/{plan.pk}/")
    form = _open(page, "coordinator")
    page.select_option("#id_coordinator-coordinator", str(nurse.pk))
    _submit(page, form)
    assert Plan.objects.get(pk=plan.pk).coordinator == nurse

    form = _open(page, "named_worker")
    page.select_option("#id_named_worker-named_worker", str(nurse.pk))
    _submit(page, form)
    errors = page.locator("#form-named_worker .errorlist, .error-summary").all_inner_texts()
    assert any(WORDS[language]["refused"] in text for text in errors), errors
    assert Plan.objects.get(pk=plan.pk).named_worker is None
    assert_accessible(page)

    form = _open(page, "named_worker")
    page.select_option("#id_named_worker-named_worker", str(alice.pk))
    page.check("#id_named_worker-needs_special_support")
    _submit(page, form)
    saved = Plan.objects.get(pk=plan.pk)
    assert (saved.named_worker, saved.needs_special_support) == (alice, True)
    assert page.locator("#coordinator").inner_text().count("Nina Nurmi") == 1
    assert alice.get_full_name() in page.locator("#named-worker").inner_text()
    assert_accessible(page)

    page.goto(f"/plans/{plan.pk}/memo/")
    contact = page.locator(".contact").inner_text().lower()
    assert WORDS[language]["coordinator"] in contact and WORDS[language]["named"] in contact
    assert "040 111 2222" in contact and alice.get_full_name().lower() in contact
    assert_accessible(page)
