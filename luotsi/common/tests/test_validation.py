"""The shared input checks (``luotsi.common.validation``) through the interfaces that apply them:
the API's input schemas, the forms, the FHIR import and the commands that take dates."""

from __future__ import annotations

import datetime as dt
import inspect
import json

import pytest
from django import forms
from django.core.management import call_command
from django.core.management.base import CommandError

from luotsi.api.models import ApiToken
from luotsi.api.schemas import CheckedInput
from luotsi.common.forms import GuardedInputMixin
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake.models import Contact
from luotsi.intake.tests.factories import build_world
from luotsi.people.models import Person

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    return build_world()


def _api(client, user):
    token = ApiToken.issue(user)[1]

    def post(path, body):
        return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                           headers={"Authorization": f"Bearer {token}",
                                    "Accept-Language": "fi"})

    def get(path):
        return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
    return post, get


def _contact(world, **overrides) -> dict:
    body = {
        "kind": "child_welfare_notification", "channel": "phone",
        "received_at": "2026-02-03T09:15:00+02:00", "reporter_kind": "education",
        "reporter_name": "Opettaja Olli", "description": "Lapsi on ollut poissa koulusta.",
        "municipality_code": "638", "persons": [{"role": "child", "person_id": world.child.pk}],
    }
    body.update(overrides)
    return body


def _fields(response) -> dict[str, str]:
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


# --- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("received_at", ["0001-01-01T00:00:00+00:00", "1899-12-31T12:00:00+02:00",
                                         "9999-12-31T23:59:59+00:00"])
def test_contact_create__received_at_out_of_range_refused(client, world, received_at):
    post, _get = _api(client, world.iris)

    response = post("/contacts", _contact(world, received_at=received_at))

    assert response.status_code == 422, response.content
    assert "received_at" in _fields(response)
    assert Contact.objects.count() == 0


def test_contact_page__stored_year_one_time_still_opens(client, world):
    """A contact stored before the range check existed (year 1) opens on the page and in the
    API: the duplicate check holds at the calendar's end instead of overflowing."""
    post, get = _api(client, world.iris)
    created = post("/contacts", _contact(world)).json()
    Contact.objects.filter(pk=created["id"]).update(
        received_at=dt.datetime(1, 1, 1, tzinfo=dt.UTC))
    client.force_login(world.iris)

    page = client.get(f"/intake/contacts/{created['id']}/")
    api = get(f"/contacts/{created['id']}")

    assert page.status_code == 200
    assert api.status_code == 200, api.content


def test_person_create__expected_birth_date_beyond_horizon_refused(client, world):
    post, _get = _api(client, world.iris)

    response = post("/persons", {"last_name": "Virtanen", "temporary": True,
                                 "expected_birth_date": "2040-01-01"})

    assert response.status_code == 422
    assert "expected_birth_date" in _fields(response)
    assert "2031" in _fields(response)["expected_birth_date"]


def test_deadlines_command__year_one_refused():
    with pytest.raises(CommandError, match="1900"):
        call_command("deadlines", kind="child_welfare_notification",
                     received="0001-01-01T00:00+00:00")


def test_deadlines_command__year_one_met_day_refused():
    with pytest.raises(CommandError, match="--met .*1900"):
        call_command("deadlines", kind="child_welfare_notification",
                     received="2026-02-02T10:00+02:00", met=["urgency_assessment=0001-01-01"])


def test_identify_command__far_future_as_of_refused(world):
    with pytest.raises(CommandError, match="--as-of"):
        call_command("identify_shared_clients", as_of="9999-12-31")


# --- text -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["Virta\x00nen", "Virta\x1bnen", "Virta\x7fnen", "Virta\ud800nen",
                                   "Virta\nnen", "x" * 1_000_000])
def test_person_create__bad_name_refused_in_api(client, world, value):
    post, _get = _api(client, world.iris)
    before = Person.objects.count()

    response = post("/persons", {"last_name": value, "temporary": True})

    assert response.status_code == 422, response.content[:300]
    assert set(_fields(response)) == {"last_name"}
    assert Person.objects.count() == before


def test_contact_create__description_keeps_line_breaks_refuses_nul(client, world):
    post, _get = _api(client, world.iris)

    ok = post("/contacts", _contact(world, description="Rivi 1\r\n\tRivi 2"))
    refused = post("/contacts", _contact(world, description="Rivi\x00"))

    assert ok.status_code == 201, ok.content
    assert refused.status_code == 422
    assert "description" in _fields(refused)
    # the message is in the caller's language
    assert "ohjausmerk" in _fields(refused)["description"]
    assert Contact.objects.count() == 1


def test_contact_create__html_stored_as_text_and_shown_escaped(client, world):
    post, get = _api(client, world.iris)
    script = "<script>alert('luotsi')</script>"

    created = post("/contacts", _contact(world, reporter_name=script,
                                         description=f"<b>Kuvaus</b> {script}"))
    client.force_login(world.iris)
    page = client.get(f"/intake/contacts/{created.json()['id']}/").content.decode()

    assert created.status_code == 201
    assert get(f"/contacts/{created.json()['id']}").json()["reporter_name"] == script
    assert script not in page and "<b>Kuvaus</b>" not in page
    assert "&lt;script&gt;alert(&#x27;luotsi&#x27;)&lt;/script&gt;" in page


def test_contact_create__nul_in_nested_person_names_the_field(client, world):
    post, _get = _api(client, world.iris)

    response = post("/contacts", _contact(world, persons=[
        {"role": "child", "temporary": True, "last_name": "Lapsi\x00"}]))

    assert response.status_code == 422
    assert "persons.0.last_name" in _fields(response)


def test_contact_list__nul_in_query_refused(client, world):
    _post, get = _api(client, world.iris)

    response = get("/contacts?municipality=6%0038")

    assert response.status_code == 422
    assert "municipality" in _fields(response)


def test_person_form__control_character_and_huge_text_refused(client, world):
    client.force_login(world.iris)
    before = Person.objects.count()

    nul = client.post("/persons/new/", {"last_name": "Virta\x01nen", "temporary": "on",
                                        "language": "fi"})
    huge = client.post("/persons/new/", {"last_name": "x" * 1_000_000, "temporary": "on",
                                         "language": "fi"})

    assert nul.status_code == 200 and huge.status_code == 200
    assert "last_name" in nul.context["form"].errors
    # in the worker's language (Finnish by default)
    assert "ohjausmerk" in " ".join(nul.context["form"].errors["last_name"])
    assert "last_name" in huge.context["form"].errors
    assert Person.objects.count() == before


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_person_form__birth_date_out_of_range_refused(client, world, day):
    client.force_login(world.iris)
    before = Person.objects.count()

    response = client.post("/persons/new/", {"last_name": "Virtanen", "temporary": "on",
                                             "language": "fi", "birth_date": day})

    assert response.status_code == 200
    assert "birth_date" in response.context["form"].errors
    assert Person.objects.count() == before


def test_person_form__date_picker_offers_only_the_accepted_range(client, world):
    client.force_login(world.iris)

    page = client.get("/persons/new/").content.decode()

    assert 'min="1900-01-01"' in page and 'max="2031-02-03"' in page


def test_fhir_import__nul_in_goal_text_refused(client, alice, case, client_person):
    from luotsi.plans import services as plan_services

    plan, _created = plan_services.plan_open(actor=alice, person_id=client_person.pk)
    token = ApiToken.issue(alice)[1]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "CarePlan", "status": "active", "intent": "plan",
                      "subject": {"display": "x"}}},
        {"resource": {"resourceType": "Goal", "lifecycleStatus": "active",
                      "description": {"text": "Tavoite\x00"}, "subject": {"display": "x"}}},
    ]}

    response = client.post(f"/api/v1/clients/{client_person.pk}/plan/fhir?sector=employment",
                           json.dumps(bundle), content_type="application/fhir+json",
                           headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 422, response.content
    assert "Bundle.entry[1].resource.description.text" in _fields(response)
    assert plan.sections.count() == 0


# --- every form and input schema is guarded ------------------------------------------------------

def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_luotsi_passes_the_shared_checks():
    import luotsi.access.forms
    import luotsi.intake.forms
    import luotsi.people.forms
    import luotsi.plans.forms
    import luotsi.reports.effectiveness_forms
    import luotsi.reports.forms
    import luotsi.reports.indicator_forms
    import luotsi.sharedcare.forms  # noqa: F401

    unguarded = [f"{c.__module__}.{c.__name__}" for c in _subclasses(forms.BaseForm)
                 if c.__module__.startswith("luotsi.") and ".tests." not in c.__module__
                 and c.__module__ != "luotsi.organisation.forms"  # sign-in: Django's own form
                 and not issubclass(c, GuardedInputMixin)]
    assert unguarded == []


def test_every_api_input_schema_passes_the_shared_checks():
    from config.api import api

    unguarded = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if operation.methods == ["GET"] or "GET" in operation.methods:
                    continue
                for model in operation.models:
                    for name, field in model.model_fields.items():
                        annotation = field.annotation
                        if inspect.isclass(annotation) and issubclass(annotation, CheckedInput):
                            continue
                        if inspect.isclass(annotation) and hasattr(annotation, "model_fields") \
                                and not issubclass(annotation, CheckedInput):
                            unguarded.append(f"{operation.view_func.__name__}.{name}")
    assert unguarded == []
