"""Emergency access (break the glass) and its review by the team lead."""

import pytest
from e2e_helpers import assert_accessible, assert_path, login

from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.e2e

REASON = "Police asked for urgent help with the child tonight; no case yet."


@pytest.fixture
def protected_person(municipality):
    """A person with a safety ban: the address and municipality are not disclosed."""
    return PersonFactory(first_name="Sara", last_name="Suojattu", municipality=municipality,
                         street_address="Piilokatu 9", postal_code="06150",
                         post_office="Porvoo", safety_ban=True)


def test_emergency_form_errors(page_en, bob):
    page = page_en
    login(page, "bob")
    page.goto("/persons/")
    assert_accessible(page)
    page.click("main a[href='/persons/emergency/']")
    assert_path(page, "/persons/emergency/")
    assert page.locator(".error-summary").count() == 0
    assert_accessible(page)

    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_hetu-error.error").is_visible()
    assert page.locator("#id_reason-error.error").is_visible()
    assert_accessible(page)

    page.fill("#id_hetu", "131052-308T")  # valid, but nobody has it
    page.fill("#id_reason", "Too short.")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert_path(page, "/persons/emergency/")
    assert page.locator(".error-summary").is_visible()
    assert "20 characters" in page.locator("#id_reason-error").inner_text()

    page.fill("#id_reason", REASON)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert_path(page, "/persons/emergency/")
    assert "No person was found" in page.locator("#id_hetu-error").inner_text()
    assert_accessible(page)


def test_emergency_access_opens_person_page_with_address_hidden(page_en, bob, protected_person):
    from luotsi.access.models import Basis, ClientRelationship

    page = page_en
    login(page, "bob")
    page.goto("/persons/emergency/")
    assert_accessible(page)
    page.fill("#id_hetu", protected_person.hetu)
    page.fill("#id_reason", REASON)
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    assert_path(page, f"/persons/{protected_person.pk}/")
    relationship = ClientRelationship.objects.get(person=protected_person, user=bob)
    assert relationship.basis == Basis.EMERGENCY
    assert page.locator(".messages .message-warning").is_visible()
    assert page.locator("main p.message-warning[role=status]").is_visible()
    facts = page.locator("dl.facts")
    assert "Safety ban: the address and municipality are hidden." in facts.inner_text()
    content = page.content()
    assert "Piilokatu" not in content and "06150" not in content
    assert_accessible(page)


def test_emergency_access_to_unprotected_person_shows_address(page, bob, client_person):
    login(page, "bob")
    page.goto("/persons/emergency/")
    assert_accessible(page)
    page.fill("#id_hetu", client_person.hetu)
    page.fill("#id_reason", REASON)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert_path(page, f"/persons/{client_person.pk}/")
    assert "Kotikatu 1" in page.locator("dl.facts").inner_text()
    assert_accessible(page)


def test_team_lead_reviews_emergency_access(page_en, lead, alice, protected_person):
    from luotsi.access.models import ClientRelationship
    from luotsi.access.services import emergency_access_open

    relationship = emergency_access_open(actor=alice, person_id=protected_person.pk,
                                         reason=REASON)
    page = page_en
    login(page, "lead")
    page.click("header nav details:has(a[href='/access-log/emergency/']) > summary")  # its menu
    page.click("header nav a[href='/access-log/emergency/']")
    assert_path(page, "/access-log/emergency/")
    card = page.locator(f"section.card[aria-labelledby=rel-{relationship.pk}]")
    assert card.is_visible()
    assert REASON in card.inner_text()
    assert_accessible(page)

    card.locator(f"#f-{relationship.pk}-ok").check()
    card.locator(f"#note-{relationship.pk}").fill("Checked with the police report.")
    with page.expect_navigation():
        card.locator("button[type=submit]").click()

    assert_path(page, "/access-log/emergency/")
    assert page.locator(".messages .message-success").is_visible()
    assert page.locator("section.card").count() == 0
    relationship = ClientRelationship.objects.get(pk=relationship.pk)
    assert relationship.reviewed_by == lead
    assert relationship.review_finding == "justified"
    assert_accessible(page)


def test_unjustified_finding_needs_a_note(page, lead, alice, protected_person):
    from luotsi.access.models import ClientRelationship
    from luotsi.access.services import emergency_access_open

    relationship = emergency_access_open(actor=alice, person_id=protected_person.pk,
                                         reason=REASON)
    login(page, "lead")
    page.goto("/access-log/emergency/")
    page.check(f"#f-{relationship.pk}-no")
    with page.expect_navigation():
        page.click(f"section.card[aria-labelledby=rel-{relationship.pk}] button[type=submit]")
    assert page.locator(".messages .message-error").is_visible()
    assert page.locator(f"section.card[aria-labelledby=rel-{relationship.pk}]").is_visible()
    assert ClientRelationship.objects.get(pk=relationship.pk).reviewed_at is None
    assert_accessible(page)


def test_emergency_access_offered_on_the_person_page_not_found(page_en, bob, client_person):
    page = page_en
    login(page, "bob")
    response = page.goto(f"/persons/{client_person.pk}/")
    assert response.status == 404
    offer = page.locator("main section[aria-labelledby=emergency-heading]")
    assert offer.is_visible()
    assert page.locator("main h1").inner_text() == "Not found"
    assert_accessible(page)

    offer.locator("#id_reason").fill(REASON)
    with page.expect_navigation():
        offer.locator("button[type=submit]").click()
    assert_path(page, f"/persons/{client_person.pk}/")
    assert page.locator("main p.message-warning[role=status]").is_visible()
    assert_accessible(page)


def test_emergency_offer_looks_the_same_for_a_missing_person(page_en, bob, client_person):
    page = page_en
    login(page, "bob")
    page.goto(f"/persons/{client_person.pk}/")
    existing = page.locator("main").inner_text()
    response = page.goto(f"/persons/{client_person.pk + 999}/")
    assert response.status == 404
    assert page.locator("main").inner_text() == existing
    assert_accessible(page)


def test_dpo_sees_what_was_read_and_changed_under_emergency_access(
        page_en, settings, charlie, alice, bob, case, client_person):
    """The county allows emergency writes: the change is marked and listed on the review card,
    with the records read, each linked to its log record."""
    from luotsi.access.models import AccessLogEntry, Basis, LogAction
    from luotsi.access.services import emergency_access_open
    from luotsi.plans import services as plan_services

    settings.EMERGENCY_WRITES = True
    plan = plan_services.plan_open(actor=alice, person_id=client_person.pk)[0]
    relationship = emergency_access_open(actor=bob, person_id=client_person.pk, reason=REASON)
    plan_services.plan_update(actor=bob, plan=plan,
                              changes=plan_services.PlanChanges(client_view="Hätäkirjaus."),
                              expected_revision=plan.revision)
    write = AccessLogEntry.objects.get(user_id=bob.pk, action=LogAction.UPDATE)
    assert write.basis == Basis.EMERGENCY

    page = page_en
    login(page, "charlie")
    page.goto("/access-log/emergency/")
    card = page.locator(f"section.card[aria-labelledby=rel-{relationship.pk}]")
    assert "Changed: 1 record" in card.inner_text()
    row = card.locator("tbody tr", has_text="Changed")
    assert "plan: client_view" in row.inner_text()
    assert_accessible(page)

    with page.expect_navigation():
        row.locator(f"a[href$='/records/{write.seq}/']").click()
    assert_path(page, f"/access-log/emergency/{relationship.pk}/records/{write.seq}/")
    assert page.locator("h1").inner_text() == f"Access-log record {write.seq}"
    assert write.hash in page.locator("dl.facts").inner_text()
    assert_accessible(page)


def test_plan_change_refused_under_emergency_access(page_en, alice, bob, case, client_person):
    """Read-only by default: the plan page opens, a save is refused with the reason."""
    from luotsi.access.services import emergency_access_open
    from luotsi.plans import services as plan_services
    from luotsi.plans.models import Plan

    plan = plan_services.plan_open(actor=alice, person_id=client_person.pk)[0]
    emergency_access_open(actor=bob, person_id=client_person.pk, reason=REASON)
    page = page_en
    login(page, "bob")
    page.goto(f"/plans/{plan.pk}/")
    assert_accessible(page)
    page.locator("summary", has_text="Edit the situation").click()
    page.locator("#id_text-client_view").fill("Bob yritti kirjoittaa.")
    with page.expect_navigation():
        page.locator("form:has(#id_text-client_view) button[value=save]").click()
    assert "not change it" in page.locator("main").inner_text()
    assert Plan.objects.get(pk=plan.pk).client_view == ""
    assert_accessible(page)
