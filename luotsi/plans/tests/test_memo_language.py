"""The client's language and need for an interpreter on the person, and the memo offered in the
client's language and in plain language, listing goals, steps, services and contacts."""

import pytest

from luotsi.api.models import ApiToken
from luotsi.organisation.tests.factories import UserFactory
from luotsi.people.models import Person
from luotsi.plans import services as s
from luotsi.plans.models import CodeListItem, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(alice, case, client_person) -> Plan:
    client_person.language = "sv"
    client_person.interpreter_needed, client_person.interpreter_language = True, "ar"
    client_person.save()
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    return plan


def _service(alice, plan, responsible):
    item = CodeListItem.objects.filter(version__current=True, code_list="service").order_by("sort_order").first()
    s.service_add(actor=alice, plan=Plan.objects.get(pk=plan.pk), data=s.ServiceInput(
        item_id=item.pk, sector="working_age_social", responsible_id=responsible.pk))
    return item


def test_memo__in_the_clients_language_by_default_with_services_and_contacts(client, alice,
                                                                              plan):
    counsellor = UserFactory(username="olli", first_name="Olli", last_name="Ohjaaja",
                             phone="040 555 6666")
    item = _service(alice, plan, counsellor)
    s.coordinator_set(actor=alice, plan=Plan.objects.get(pk=plan.pk), coordinator_id=alice.pk)
    client.force_login(alice)
    body = client.get(f"/plans/{plan.pk}/memo/").content.decode()
    assert 'lang="sv" id="memo"' in body and "Din plan" in body
    assert item.name_sv in body and "Olli Ohjaaja" in body and "040 555 6666" in body
    assert "tolk" in body.lower()  # the interpreter note, in Swedish


def test_memo__another_language_and_plain_language_on_request(client, alice, plan):
    client.force_login(alice)
    body = client.get(f"/plans/{plan.pk}/memo/?language=fi").content.decode()
    assert 'lang="fi" id="memo"' in body and "Suunnitelmasi" in body
    plain = client.get(f"/plans/{plan.pk}/memo/?language=en&plain=on").content.decode()
    assert 'class="memo memo-plain"' in plain and "What you do next" in plain
    assert "An interpreter (Arabic) comes to your meetings." in plain
    pdf = client.get(f"/plans/{plan.pk}/memo.pdf?language=en&plain=on")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("query", ["language=de", "language=%00", "plain=maybe"])
def test_memo__bad_options_refused_naming_the_field(client, alice, plan, settings, query):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(alice)
    for address in (f"/plans/{plan.pk}/memo/?{query}", f"/plans/{plan.pk}/memo.pdf?{query}"):
        response = client.get(address)
        if query == "plain=maybe":  # a checkbox reads any other value as ticked
            assert response.status_code == 200
            continue
        assert response.status_code == 400
        assert "Language of the memo:" in response.content.decode()


def test_person__interpreter_recorded_through_the_form_and_the_api(client, alice, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(alice)
    response = client.post("/persons/new/", {
        "temporary": "on", "last_name": "Tulkki", "first_name": "Amal", "language": "ar",
        "interpreter_needed": "on", "interpreter_language": ""})
    assert response.status_code == 200
    assert "Interpreter&#x27;s language" in response.content.decode() or \
        "Interpreter's language" in response.content.decode()
    assert not Person.objects.filter(last_name="Tulkki").exists()

    _record, token = ApiToken.issue(alice)
    headers = {"Authorization": f"Bearer {token}"}
    refused = client.post("/api/v1/persons", {"temporary": True, "last_name": "Tulkki",
                                              "interpreter_language": "fse"},
                          content_type="application/json", headers=headers)
    assert refused.status_code in (400, 422) and "interpreter_language" in refused.content.decode()
    made = client.post("/api/v1/persons", {"temporary": True, "last_name": "Tulkki",
                                           "language": "ar", "interpreter_needed": True,
                                           "interpreter_language": "fse"},
                       content_type="application/json", headers=headers)
    assert made.status_code == 201, made.content
    person_id = made.json()["id"]
    read = client.get(f"/api/v1/persons/{person_id}", headers=headers).json()
    assert (read["interpreter_needed"], read["interpreter_language"]) == (True, "fse")
    page = client.get(f"/persons/{person_id}/").content.decode()
    assert "Needed: Finnish Sign Language" in page
