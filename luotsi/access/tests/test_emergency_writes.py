"""Emergency access is for reading: a write whose only basis is emergency access is refused in
the gateway's write path (every capability), unless the county allows emergency writes; then
each such write is marked in the access log and listed, with the records read, on the review
card of that access, with links to the log records."""

from __future__ import annotations

import pytest

from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction, Outcome
from luotsi.access.services import emergency_access_open
from luotsi.api.models import ApiToken
from luotsi.intake import services as intake_services
from luotsi.intake.models import Contact
from luotsi.plans import services as plan_services
from luotsi.plans.models import Plan
from luotsi.sharedcare import services as sharedcare_services

pytestmark = pytest.mark.django_db

REASON = "Asiakas soitti päivystykseen illalla, tarvitsen suunnitelman heti."


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def plan(alice, case, client_person) -> Plan:
    return plan_services.plan_open(actor=alice, person_id=client_person.pk)[0]


@pytest.fixture
def emergency(bob, client_person):
    """Bob, of another team, breaks the glass to the client of Alice's case."""
    return emergency_access_open(actor=bob, person_id=client_person.pk, reason=REASON)


def text_post(plan, **fields):
    data = {"text-revision": plan.revision, "text-client_situation": "",
            "text-client_view": "", "text-disagreement": "",
            "text-review_on": plan.review_on.isoformat(), "text-language": plan.language,
            "action": "save"}
    data.update({f"text-{k}": v for k, v in fields.items()})
    return data


def writes_of(user, person):
    return AccessLogEntry.objects.filter(user_id=user.pk, person_id=person.pk,
                                         action__in=[LogAction.CREATE, LogAction.UPDATE,
                                                     LogAction.DISCLOSE]).order_by("seq")


# --- read-only by default --------------------------------------------------------------------


def test_plan_save_under_emergency_access__refused_with_a_message(client, bob, plan, emergency,
                                                                  client_person):
    client.force_login(bob)
    assert client.get(f"/plans/{plan.pk}/").status_code == 200  # reading is what it is for
    response = client.post(f"/plans/{plan.pk}/texts/",
                           text_post(plan, client_view="Bob kirjoitti tämän."))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Emergency access lets you read this client&#x27;s data but not change it" in page
    saved = Plan.objects.get(pk=plan.pk)
    assert (saved.client_view, saved.revision) == ("", plan.revision)
    refusal = writes_of(bob, client_person).get()
    assert (refusal.action, refusal.basis, refusal.outcome) == (
        LogAction.UPDATE, Basis.EMERGENCY, Outcome.REFUSED)
    assert refusal.category == Category.PLAN


def test_plan_save_by_the_case_worker__saved_and_logged_on_their_case_basis(
        client, alice, plan, client_person):
    client.force_login(alice)
    response = client.post(f"/plans/{plan.pk}/texts/", text_post(plan, client_view="Hyvä."))
    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).client_view == "Hyvä."
    assert writes_of(alice, client_person).last().basis == Basis.CASE


def test_plan_api_patch_under_emergency_access__403(client, bob, plan, emergency, client_person):
    _record, token = ApiToken.issue(bob)
    headers = {"Authorization": f"Bearer {token}"}
    current = client.get(f"/api/v1/clients/{client_person.pk}/plan", headers=headers)
    assert current.status_code == 200
    response = client.patch(f"/api/v1/clients/{client_person.pk}/plan",
                            {"client_view": "Bob"}, content_type="application/json",
                            headers={**headers, "If-Match": current["ETag"]})
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["code"] == "emergency_read_only"
    assert "not change it" in error["message"]
    assert Plan.objects.get(pk=plan.pk).client_view == ""


def test_emergency_write_refused_in_every_capability(bob, plan, emergency, client_person):
    """The write path is the gateway's: intake, plans and shared care refuse alike, each with
    the refusal logged before anything is written."""
    from luotsi.access.gateway import EmergencyWriteRefused
    from luotsi.plans.models import CodeList, CodeListItem

    area = CodeListItem.objects.filter(version__current=True, code_list=CodeList.GOAL_AREA).first()
    with pytest.raises(EmergencyWriteRefused):
        plan_services.goal_add(actor=bob, plan=plan, data=plan_services.GoalInput(
            goal_area_id=area.pk, client_wording="Oma tavoite"))
    assert not plan.goals.exists()
    with pytest.raises(EmergencyWriteRefused):
        sharedcare_services.shared_client_decline(actor=bob, person_id=client_person.pk,
                                                  reason="Ei nyt, asiakas kieltäytyi.")
    assert [row.category for row in writes_of(bob, client_person)] == [
        Category.PLAN, Category.SHARED_CARE]
    assert {row.outcome for row in writes_of(bob, client_person)} == {Outcome.REFUSED}


def test_intake_contact_write_refused_under_emergency_access(db):
    from luotsi.access.gateway import EmergencyWriteRefused
    from luotsi.intake.tests.factories import build_world, contact_input

    world = build_world()
    contact = intake_services.contact_register(actor=world.iris,
                                               data=contact_input(child=world.child))
    emergency_access_open(actor=world.bob, person_id=world.child.pk, reason=REASON)
    with pytest.raises(EmergencyWriteRefused):
        intake_services.contact_assess_urgency(actor=world.bob, contact=contact,
                                               urgency="not_urgent")
    assert Contact.objects.get(pk=contact.pk).urgency == ""
    refusal = AccessLogEntry.objects.filter(user_id=world.bob.pk, outcome=Outcome.REFUSED).get()
    assert (refusal.person_id, refusal.basis) == (world.child.pk, Basis.EMERGENCY)


# --- allowed by the county: marked and listed ------------------------------------------------


@pytest.fixture
def writes_allowed(settings):
    settings.EMERGENCY_WRITES = True


def test_plan_save_under_emergency_access__allowed_marked_and_listed(
        client, bob, charlie, plan, emergency, client_person, writes_allowed):
    client.force_login(bob)
    client.get(f"/plans/{plan.pk}/")
    response = client.post(f"/plans/{plan.pk}/texts/",
                           text_post(plan, client_view="Kirjattu hätäkäytössä."))
    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).client_view == "Kirjattu hätäkäytössä."
    write = writes_of(bob, client_person).get()
    assert (write.action, write.basis, write.outcome) == (LogAction.UPDATE, Basis.EMERGENCY,
                                                          Outcome.ALLOWED)

    client.force_login(charlie)
    page = client.get("/access-log/emergency/")
    assert page.status_code == 200
    card = page.content.decode()
    assert REASON in card
    assert "Changed: 1 record" in card
    record_url = f"/access-log/emergency/{emergency.pk}/records/{write.seq}/"
    assert f'href="{record_url}"' in card
    # The plan page read under the access is listed too, with its own record.
    read = AccessLogEntry.objects.filter(user_id=bob.pk, action=LogAction.VIEW,
                                         category=Category.PLAN).first()
    assert f'/records/{read.seq}/"' in card
    assert "Read: " in card

    record = client.get(record_url)
    assert record.status_code == 200
    text = record.content.decode()
    assert write.hash in text and write.detail in text
    assert "Social worker" in text and "Läntinen arviointitiimi" in text  # names, not codes
    # The DPO has no relationship with the client: the client records are not linked.
    assert f'href="/persons/{client_person.pk}/"' not in text
    seen = AccessLogEntry.objects.filter(user_id=charlie.pk, category=Category.ACCESS_LOG)
    assert {row.basis for row in seen} == {Basis.DPO_TASK}
    assert seen.filter(detail__contains=f"record {write.seq} ").exists()


def test_review_record_links_client_records_for_a_lead_with_a_relationship(
        client, alice, bob, lead, plan, emergency, client_person, writes_allowed):
    """A reviewer who may open the client's records gets links to them (the lead of Alice's
    team, who holds a case of their own)."""
    from luotsi.access.tests.factories import RelationshipFactory

    bob.teams.add(*lead.teams.all())
    RelationshipFactory(person=client_person, user=lead)
    plan_services.plan_update(actor=bob, plan=plan,
                              changes=plan_services.PlanChanges(client_view="x"),
                              expected_revision=plan.revision)
    write = writes_of(bob, client_person).get()
    client.force_login(lead)
    page = client.get(f"/access-log/emergency/{emergency.pk}/records/{write.seq}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f'href="/persons/{client_person.pk}/"' in text
    assert f'href="/plans/person/{client_person.pk}/"' in text


def test_review_record_outside_the_window_or_scope_is_not_found(
        client, alice, bob, charlie, lead, plan, emergency, client_person):
    client.force_login(charlie)
    other = AccessLogEntry.objects.filter(user_id=alice.pk).first()  # not Bob's
    assert client.get(f"/access-log/emergency/{emergency.pk}/records/{other.seq}/"
                      ).status_code == 404
    assert client.get(f"/access-log/emergency/{emergency.pk + 99}/records/1/").status_code == 404
    # A lead of another team reviews neither the access nor its records.
    opened = AccessLogEntry.objects.filter(user_id=bob.pk, action=LogAction.EMERGENCY).get()
    client.force_login(lead)
    assert client.get(f"/access-log/emergency/{emergency.pk}/records/{opened.seq}/"
                      ).status_code == 404
    client.force_login(alice)
    assert client.get(f"/access-log/emergency/{emergency.pk}/records/{opened.seq}/"
                      ).status_code == 403


def test_review_page_query_count_does_not_grow(client, charlie, bob, municipality,
                                               django_assert_max_num_queries):
    from luotsi.people.tests.factories import PersonFactory

    def open_some(count: int) -> None:
        for _i in range(count):
            person = PersonFactory(municipality=municipality)
            emergency_access_open(actor=bob, person_id=person.pk, reason=REASON)
            client.force_login(bob)
            client.get(f"/persons/{person.pk}/")

    client.force_login(charlie)
    client.get("/access-log/emergency/")
    open_some(2)
    client.force_login(charlie)
    with django_assert_max_num_queries(14) as small:
        assert client.get("/access-log/emergency/").status_code == 200
    open_some(6)
    client.force_login(charlie)
    with django_assert_max_num_queries(14) as large:
        response = client.get("/access-log/emergency/")
    assert response.content.decode().count("Changed: 0 records") == 8
    assert len(small.captured_queries) == len(large.captured_queries)


def test_review_card_and_refusal_in_finnish(client, settings, bob, charlie, plan, emergency):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    client.force_login(bob)
    response = client.post(f"/plans/{plan.pk}/texts/", text_post(plan, client_view="x"))
    assert "Hätäkäyttö antaa lukea asiakkaan tietoja mutta ei muuttaa niitä" in (
        response.content.decode())
    client.force_login(charlie)
    page = client.get("/access-log/emergency/").content.decode()
    assert "Mitä hätäkäytön aikana tehtiin" in page
    assert "Estetty: 1 tapahtuma" in page
    assert "Hätäkäyttö on vain lukemista varten" in page


# --- every write path --------------------------------------------------------------------------

WRITE_SERVICE_MODULES = ["luotsi/intake/services.py", "luotsi/sharedcare/services.py",
                         "luotsi/people/services.py", "luotsi/plans/services/*.py"]
# The plan's revision and change-log helpers, which the plan services call.
HELPER_MODULES = ["luotsi/plans/revisions.py"]
# The gateway's write path: a write checked (and refused under emergency access only) there,
# and the client's own write in their own area (``log_own_write``: the client as the actor, on
# the basis of own data; a client has no emergency access to refuse).
WRITE_PATH = {"check_write", "log_writes", "record_write", "log_own_write"}
ORM_WRITES = {"save", "create", "update", "delete", "get_or_create", "update_or_create",
              "bulk_create", "bulk_update"}
# Writes that are not about a client reached through a relationship, each with its reason.
NOT_CLIENT_WRITES = {
    "notifications_mark_read": "the professional's own notifications",
    "person_create": "registering a person opens the registering team's own relationship "
                     "(registration basis), whatever other access the professional has",
}


def _functions():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    found, services = {}, set()
    for pattern in WRITE_SERVICE_MODULES + HELPER_MODULES:
        for path in sorted(root.glob(pattern)):
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.FunctionDef):
                    calls = {c.func.attr if isinstance(c.func, ast.Attribute)
                             else getattr(c.func, "id", None)
                             for c in ast.walk(node) if isinstance(c, ast.Call)}
                    found.setdefault(node.name, set()).update(calls - {None})
                    if pattern in WRITE_SERVICE_MODULES:
                        services.add(node.name)
    return found, services


def test_every_write_service_goes_through_the_gateways_write_path():
    """Each service of intake, plans, shared care and people that writes the database reaches
    ``gateway.check_write``/``log_writes``/``record_write`` (directly or through the module's
    helpers), which refuse a write whose only basis is emergency access. The pages and the API
    call these services, so no page or operation writes around the check; a new service that
    writes and logs any other way fails here."""
    functions, services = _functions()

    def reaches(name, seen):
        if name in WRITE_PATH:
            return True
        if name in seen or name not in functions:
            return False
        seen.add(name)
        return any(reaches(call, seen) for call in functions[name])

    writers = {name for name in services
               if not name.startswith("_") and functions[name] & ORM_WRITES}
    assert len(writers) > 30
    around = sorted(name for name in writers - set(NOT_CLIENT_WRITES)
                    if not reaches(name, set()))
    assert around == []


def test_family_link_under_emergency_access__refused(bob, client_person, emergency):
    from luotsi.access.gateway import EmergencyWriteRefused
    from luotsi.people.models import PersonLink
    from luotsi.people.services import person_link
    from luotsi.people.tests.factories import PersonFactory

    with pytest.raises(EmergencyWriteRefused):
        person_link(actor=bob, person=PersonFactory(), other=client_person, kind="guardian")
    assert not PersonLink.objects.exists()
