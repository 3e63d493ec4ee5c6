"""The client's memo in the browser, offered in the client's language and in plain language,
in Finnish and in Swedish, axe-checked: a client who speaks Arabic and needs an interpreter;
the memo lists the goals, steps, services and whom to contact."""

from __future__ import annotations

import pytest
from e2e_helpers import assert_accessible, login

pytestmark = pytest.mark.e2e

WORDS = {"fi": {"plain": "Mitä teet seuraavaksi", "interpreter": "tulkki"},
         "sv": {"plain": "Vad du gör härnäst", "interpreter": "tolk"}}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_memo__clients_language_and_plain_language(new_page, alice, case, client_person,
                                                   language):
    import datetime as dt

    from luotsi.plans import services as s
    from luotsi.plans.models import CodeListItem, Plan

    client_person.language = language
    client_person.interpreter_needed, client_person.interpreter_language = True, "ar"
    client_person.save()
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    area = CodeListItem.objects.filter(version__current=True, code_list="goal_area").order_by("sort_order").first()
    goal = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=area.pk, client_wording="Löydän oman asunnon"))
    s.step_add(actor=alice, plan=Plan.objects.get(pk=plan.pk), data=s.StepInput(
        what="Soitan asuntotoimistoon", owner_kind="client",
        due_on=dt.date.today() + dt.timedelta(days=7), goal_id=goal.pk))
    item = CodeListItem.objects.filter(version__current=True, code_list="service").order_by("sort_order").first()
    s.service_add(actor=alice, plan=Plan.objects.get(pk=plan.pk), data=s.ServiceInput(
        item_id=item.pk, sector="working_age_social", responsible_id=alice.pk))
    s.coordinator_set(actor=alice, plan=Plan.objects.get(pk=plan.pk), coordinator_id=alice.pk)

    page = new_page(language=language)
    login(page, "alice")
    page.goto(f"/plans/{plan.pk}/memo/")
    memo = page.locator("#memo")
    assert memo.get_attribute("lang") == language
    text = memo.inner_text()
    assert "Löydän oman asunnon" in text and "Soitan asuntotoimistoon" in text
    assert getattr(item, f"name_{language}") in text and alice.get_full_name() in text
    assert WORDS[language]["interpreter"] in text.lower()
    assert_accessible(page)

    with page.expect_navigation():
        page.click("#memo-plain-link")
    plain = page.locator("#memo").inner_text()
    assert WORDS[language]["plain"] in plain and "Soitan asuntotoimistoon" in plain
    assert_accessible(page)

    with page.expect_navigation():
        page.click("nav.memo-versions a[hreflang=en]")
    assert page.locator("#memo").get_attribute("lang") == "en"
    assert "What you do next" in page.locator("#memo").inner_text()
    assert_accessible(page)
