"""Family intake by keyboard alone, in Chromium: a contact registered, its urgency and initial
assessment recorded, then the regional worker's service-need assessment started and completed,
with no mouse at all. After every Tab the focused element must show a visible focus indicator
(a computed outline or box shadow), and every page is axe-clean (WCAG 2.1 AA).

Also the pages a team lead and a worker meet next: the home page's urgent line opening the queue
with the same contacts, the caseload preview, and a consultation answered after the assessment
was completed."""

from __future__ import annotations

import datetime as dt
from collections import deque

import pytest
from django.utils import timezone
from e2e_helpers import PASSWORD, assert_accessible, assert_path, login

from luotsi.intake.tests.factories import RESULT

pytestmark = pytest.mark.e2e

MAX_TABS = 250
_TRAIL: deque = deque(maxlen=6)  # the last focus stops, for the failure message

_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {visible: false, tag: 'body'};
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = !!s.boxShadow && s.boxShadow !== 'none';
  return {visible: outline || shadow, tag: el.tagName.toLowerCase(),
          name: el.getAttribute('name') || el.id || el.textContent.trim().slice(0, 40),
          outline: s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow};
}"""


def _tab(page, *, back: bool = False) -> dict:
    """One Tab (or Shift+Tab); the element that gets the focus must show it."""
    page.keyboard.press("Shift+Tab" if back else "Tab")
    focus = page.evaluate(_FOCUS)
    _TRAIL.append(focus)
    assert focus["visible"], f"no visible focus on {focus} at {page.url}; before: {list(_TRAIL)[:-1]}"
    return focus


_BEFORE = """s => { const target = document.querySelector(s), el = document.activeElement;
  return !!target && !!el && el !== document.body
    && !!(target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING); }"""


def tab_to(page, selector: str) -> None:
    """Tab (or Shift+Tab, when the element comes earlier on the page) until the element
    matching ``selector`` has the focus, checking every stop."""
    back = page.evaluate(_BEFORE, selector)
    for _i in range(MAX_TABS):
        _tab(page, back=back)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached by {MAX_TABS} Tabs at {page.url}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose(page, selector: str, value: str) -> None:
    """Choose an option of a select by arrow keys."""
    tab_to(page, selector)
    for _i in range(60):
        state = page.evaluate("""() => { const el = document.activeElement;
            return {value: el.value, values: [...el.options].map(o => o.value)}; }""")
        if state["value"] == value:
            return
        wanted, now = state["values"].index(value), state["values"].index(state["value"])
        page.keyboard.press("ArrowDown" if wanted > now else "ArrowUp")
    raise AssertionError(f"could not choose {value} in {selector}")


def pick_radio(page, name: str, value: str) -> None:
    """Tab into a radio group, then arrow keys to the wanted choice (Space ticks it)."""
    tab_to(page, f"input[type=radio][name={name}]")
    for _i in range(10):
        current = page.evaluate("() => document.activeElement.value")
        if current == value:
            page.keyboard.press("Space")
            assert page.is_checked(f"input[name={name}][value={value}]")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"radio {name}={value} not reached")


def press_button(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow_link(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def keyboard_login(page, username: str) -> None:
    page.goto("/login/")
    assert_accessible(page)
    type_into(page, "#id_username", username)
    type_into(page, "#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_path(page, "/")
    assert_accessible(page)


@pytest.fixture
def county(db):
    from luotsi.organisation.models import Role, ServiceTask, TeamKind
    from luotsi.organisation.tests.factories import (
        MunicipalityFactory,
        RegionFactory,
        TeamFactory,
        UserFactory,
    )

    region = RegionFactory(code="east", name_fi="Itäinen alue", name_sv="Östra området")
    MunicipalityFactory(code="638", name_fi="Porvoo", name_sv="Borgå", region=region)
    intake = TeamFactory(code="family-intake", name_fi="Lapsiperheiden asiakasohjaus",
                         name_sv="Klienthandledning för barnfamiljer", kind=TeamKind.INTAKE,
                         service_task=ServiceTask.FAMILY_SERVICES, region=None)
    east = TeamFactory(code="east-assessment", name_fi="Itäinen arviointitiimi",
                       name_sv="Östra bedömningsteamet", kind=TeamKind.ASSESSMENT,
                       service_task=ServiceTask.FAMILY_SERVICES, region=region)
    return {
        "intake": intake, "east": east,
        "intake_worker": UserFactory(username="ilona", first_name="Ilona",
                                     last_name="Ohjaaja", role=Role.INTAKE_WORKER,
                                     teams=[intake]),
        "worker": UserFactory(username="sara", first_name="Sara", last_name="Sosiaalityö",
                              role=Role.SOCIAL_WORKER, teams=[east]),
        "other": UserFactory(username="olli", first_name="Olli", last_name="Ohjaaja",
                             role=Role.SOCIAL_WORKER, teams=[east]),
        "lead": UserFactory(username="leena", first_name="Leena", last_name="Lahtinen",
                            role=Role.TEAM_LEAD, teams=[intake, east]),
    }


def test_contact_to_service_need_assessment_by_keyboard_alone(new_page, county):
    from luotsi.intake.models import Assessment, Contact

    page = new_page(language="en")
    keyboard_login(page, "ilona")

    # --- the intake worker registers a notification ------------------------------------------
    tab_to(page, "header nav details:has(a[href='/intake/contacts/new/']) > summary")
    page.keyboard.press("Enter")  # opens the menu
    follow_link(page, "header nav a[href='/intake/contacts/new/']")
    assert_path(page, "/intake/contacts/new/")
    assert_accessible(page)
    choose(page, "#id_kind", "child_welfare_notification")
    choose(page, "#id_channel", "phone")
    choose(page, "#id_reporter_kind", "education")
    type_into(page, "#id_reporter_name", "Opettaja Olli")
    type_into(page, "#id_description", "Lapsi on kertonut olevansa usein yksin kotona.")
    choose(page, "#id_municipality_code", "638")
    type_into(page, "#id_child-0-first_name", "Aino")
    type_into(page, "#id_child-0-last_name", "Lapsi")
    tab_to(page, "#id_child-0-temporary")
    page.keyboard.press("Space")
    press_button(page, "main form button[type=submit].primary")
    contact = Contact.objects.get()
    assert_path(page, f"/intake/contacts/{contact.pk}/")
    assert_accessible(page)

    # --- urgency, then the initial assessment --------------------------------------------------
    pick_radio(page, "urgency", "not_urgent")
    type_into(page, "#id_urgency_note", "Ei välitöntä vaaraa.")
    press_button(page, "main form:has(input[name=intent][value=urgency]) button[type=submit]")
    # The page opens at the saved section with the focus on it, not at the top.
    assert page.evaluate("document.activeElement.id") == "urgency"
    assert_accessible(page)
    pick_radio(page, "outcome", "service_need_assessment")
    type_into(page, "#id_reason", "Tarvitaan palvelutarpeen arviointi.")
    type_into(page, "#id_not_informed_reason", "Huoltajaa ei vielä tavoitettu puhelimitse.")
    press_button(page, "main form:has(input[name=intent][value=initial]) button[type=submit]")
    contact.refresh_from_db()
    assert contact.status == "routed"
    # The urgency is settled now: shown, not offered for editing.
    assert page.locator("#urgency-recorded").count() == 1
    assert page.locator("input[name=intent][value=urgency]").count() == 0
    assert_accessible(page)

    # --- the regional worker: the queue, the contact, the service-need assessment -------------
    page = new_page(language="en")
    keyboard_login(page, "sara")
    follow_link(page, "header nav a[href='/intake/queue/']")
    assert_path(page, "/intake/queue/")
    assert_accessible(page)
    follow_link(page, f"#queue-table a[href='/intake/contacts/{contact.pk}/']")
    assert_accessible(page)
    assessment = Assessment.objects.get()
    follow_link(page, f"main a[href='/intake/assessments/{assessment.pk}/']")
    assert_path(page, f"/intake/assessments/{assessment.pk}/")
    assert_accessible(page)
    press_button(page, "main form:has(input[name=intent][value=start]) button[type=submit]")
    assessment.refresh_from_db()
    assert assessment.started_on == timezone.localdate()
    assert_accessible(page)
    pick_radio(page, "outcome", "family_social_services")
    type_into(page, "#id_reason", "Perhe tarvitsee perhetyötä.")
    type_into(page, "#id_conclusions", "Perhe on perhesosiaalityön asiakas.")
    type_into(page, "#id_client_view", "Huoltaja toivoo tukea arkeen.")
    pick_radio(page, "named_worker_need", "needed")
    type_into(page, "#id_child_not_met_reason", "Lapsi on vauva.")
    pick_radio(page, "support_need", "repeated")
    choose(page, "#id_responsible_worker", str(county["worker"].pk))
    press_button(page, "main form:has(input[name=intent][value=complete]) button.primary")
    assessment.refresh_from_db()
    assert assessment.outcome == "family_social_services"
    assert_accessible(page)
    # The next step is offered and reachable by keyboard.
    tab_to(page, "#next-plan")
    assert page.locator("#next-plan").get_attribute("href") == \
        f"/plans/person/{assessment.child_id}/"


def test_home_urgent_line_opens_the_queue_with_the_same_contacts(new_page, county):
    from luotsi.intake import services

    worker = county["intake_worker"]
    for name in ("Usko", "Urho"):
        contact = services.contact_register(actor=worker, data=services.ContactInput(
            kind="child_welfare_notification", channel="phone",
            received_at=timezone.now() - dt.timedelta(hours=1), reporter_kind="police",
            description="Lapsi ei ole turvassa kotona tänä yönä.", municipality_code="638",
            persons=[services.PersonRef(role="child", first_name=name, last_name="Lapsi",
                                        temporary=True)]))
        services.contact_assess_urgency(actor=worker, contact=contact, urgency="urgent",
                                        note="Poliisi paikalla.")
        services.initial_assessment_record(actor=worker, contact=contact,
                                           outcome="service_need_assessment",
                                           informed_on=contact.opened_on)
    page = new_page(language="en")
    login(page, "leena")
    line = page.locator("#home-urgent a")
    assert line.inner_text().startswith("2 urgent contacts")
    assert_accessible(page)
    with page.expect_navigation():
        line.click()
    assert page.locator("#queue-table tbody tr").count() == 2
    assert page.locator("#queue-table strong.urgent").count() == 2
    assert_accessible(page)


def test_caseload_preview_then_move(new_page, county):
    from luotsi.intake import services
    from luotsi.intake.models import Contact

    worker = county["intake_worker"]
    contact = services.contact_register(actor=worker, data=services.ContactInput(
        kind="shl_contact", channel="phone", received_at=timezone.now() - dt.timedelta(hours=2),
        reporter_kind="guardian", description="Perhe pyytää tukea.", municipality_code="638",
        persons=[services.PersonRef(role="child", first_name="Eino", last_name="Lapsi",
                                    temporary=True)]))
    services.contacts_assign(actor=county["lead"], contact_ids=[contact.pk],
                             assignee=county["worker"])
    page = new_page(language="en")
    login(page, "leena")
    page.goto("/intake/caseload/")
    assert "Sara Sosiaalityö (Itäinen arviointitiimi)" in page.locator(
        "#id_from_user").inner_text()
    assert_accessible(page)
    page.select_option("#id_from_user", str(county["worker"].pk))
    page.select_option("#id_to_user", str(county["other"].pk))
    with page.expect_navigation():
        page.click("main form button[type=submit].primary")
    preview = page.locator("#caseload-preview")
    assert "Eino Lapsi" in preview.inner_text()
    assert Contact.objects.get().assignee == county["worker"]  # nothing moved yet
    assert_accessible(page)
    with page.expect_navigation():
        page.click("#caseload-preview button[type=submit]")
    assert Contact.objects.get().assignee == county["other"]
    assert_accessible(page)


def test_consultation_answered_after_completion(new_page, county):
    from luotsi.intake import services

    worker, sara = county["intake_worker"], county["worker"]
    contact = services.contact_register(actor=worker, data=services.ContactInput(
        kind="child_welfare_notification", channel="phone",
        received_at=timezone.now() - dt.timedelta(hours=2), reporter_kind="education",
        description="Poissaoloja koulusta.", municipality_code="638",
        persons=[services.PersonRef(role="child", first_name="Aada", last_name="Lapsi",
                                    temporary=True)]))
    services.contact_assess_urgency(actor=worker, contact=contact, urgency="not_urgent")
    services.initial_assessment_record(actor=worker, contact=contact,
                                       outcome="service_need_assessment",
                                       informed_on=contact.opened_on)
    contact.refresh_from_db()
    today = timezone.localdate()
    assessment = services.assessment_start(actor=sara, assessment=contact.assessment,
                                           started_on=today)
    consultation = services.consultation_add(actor=sara, assessment=assessment,
                                             expert="Koulukuraattori", question="Poissaolot?")
    services.assessment_complete(actor=sara, assessment=assessment, outcome="closed",
                                 reason="Ei tarvetta.", completed_on=today,
                                 result=RESULT)
    page = new_page(language="en")
    login(page, "sara")
    page.goto(f"/intake/assessments/{assessment.pk}/")
    assert_accessible(page)
    page.fill(f"#id_answer-{consultation.pk}-answer", "Poissaolot ovat vähentyneet.")
    with page.expect_navigation():
        page.click(f"#consultation-{consultation.pk} button[type=submit]")
    consultation.refresh_from_db()
    assert consultation.answer == "Poissaolot ovat vähentyneet."
    assert "Poissaolot ovat vähentyneet." in page.locator(
        f"#consultation-{consultation.pk}").inner_text()
    assert_accessible(page)
