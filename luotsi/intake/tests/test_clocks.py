"""A statutory clock cannot be weakened: the kind of contact decides the clock it always carries;
a form or API request that drops, postpones or replaces it is refused on `clock` with nothing
saved; a stricter clock is accepted; a change after registration is a recorded decision with its
reason that recomputes the deadlines and shows in the contact's history."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from luotsi.access.models import AccessLogEntry, LogAction
from luotsi.api.models import ApiToken
from luotsi.deadlines.calendar import HELSINKI
from luotsi.deadlines.rules import KINDS, REQUIRED_CLOCK, clock_allowed, required_clock
from luotsi.intake import services
from luotsi.intake.models import ClockChange, Contact, ContactKind, Deadline
from luotsi.intake.tests.factories import build_world, contact_input
from luotsi.people.models import Person

pytestmark = pytest.mark.django_db

# Tuesday 3 February 2026, 10:00 in Helsinki.
NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
NEW = "/intake/contacts/new/"

# Every kind that requires more than the base clock, with each clock that would weaken it.
STATUTORY = sorted(REQUIRED_CLOCK)
WEAKENING = [(kind, clock) for kind in STATUTORY for clock in sorted(KINDS)
             if not clock_allowed(REQUIRED_CLOCK[kind], clock, NOW.date())]


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    return build_world()


def _api(client, user, language="en"):
    token = ApiToken.issue(user)[1]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}

    def post(path, body):
        return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                           headers=headers)

    def get(path):
        return client.get(f"/api/v1{path}", headers=headers)

    return post, get


def _body(world, **overrides) -> dict:
    body = {"kind": "child_welfare_notification", "channel": "phone",
            "received_at": "2026-02-03T09:15:00+02:00", "reporter_kind": "education",
            "description": "Lapsi on ollut poissa koulusta.", "municipality_code": "638",
            "persons": [{"role": "child", "person_id": world.child.pk}]}
    body.update(overrides)
    return body


def _form(**overrides) -> dict:
    data = {"intent": "register", "kind": "child_welfare_notification", "clock": "",
            "channel": "phone", "received_date": "2026-02-03", "received_time": "09:15",
            "reporter_kind": "education", "description": "Lapsi kertoi huolestuttavia asioita.",
            "municipality_code": "638", "child-0-first_name": "Eino",
            "child-0-last_name": "Esimerkki", "child-0-temporary": "on"}
    data.update(overrides)
    return data


def _error_fields(response) -> set[str]:
    return {f["field"] for f in response.json()["error"]["fields"]}


def _codes(contact: Contact) -> list[str]:
    return list(contact.deadlines.order_by("due_on", "pk").values_list("code", flat=True))


# --- the rules --------------------------------------------------------------------------------

def test_each_statutory_kind_has_clocks_it_refuses():
    assert set(REQUIRED_CLOCK) == {"child_welfare_notification", "pre_birth_notification",
                                   "shl_special_support_notification"}
    assert {kind for kind, _clock in WEAKENING} == set(STATUTORY)
    assert all(kind in ContactKind.values for kind in REQUIRED_CLOCK)


def test_only_the_child_welfare_clock_carries_lsl_26():
    """Nothing is stricter than the LSL 26 § clocks: the special-support clock has no decision
    deadline, the base clock only the urgency."""
    opened = dt.date(2025, 12, 19)  # Friday before Christmas
    allowed = {c for c in KINDS if clock_allowed("child_welfare_notification", c, opened)}
    assert allowed == {"child_welfare_notification"}


def test_a_stricter_clock_adds_to_the_required_one():
    opened = dt.date(2026, 6, 18)  # Thursday before Midsummer Eve
    assert clock_allowed("shl_contact", "shl_special_support_child", opened)
    assert clock_allowed("shl_contact", "shl_priority_adult", opened)
    assert clock_allowed("shl_special_support_child", "child_welfare_notification", opened)
    # the same urgency under another act would replace the required clock, not add to it
    assert not clock_allowed("pre_birth_notification", "shl_contact", opened)
    assert not clock_allowed("shl_contact", "pre_birth_notification", opened)
    # the priority-adult clock has no three-month completion
    assert not clock_allowed("shl_special_support_child", "shl_priority_adult", opened)
    assert required_clock("guardian_application") == "shl_contact"


# --- registering through the API ------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "clock"), WEAKENING)
def test_api_cannot_register_a_weakened_clock(world, client, kind, clock):
    post, _get = _api(client, world.iris)
    persons_before = Person.objects.count()
    body = _body(world, kind=kind, clock=clock)
    if kind == "pre_birth_notification":
        body["persons"] = [{"role": "unborn", "temporary": True,
                            "expected_birth_date": "2026-05-01"}]

    response = post("/contacts", body)

    assert response.status_code == 422, response.content
    assert _error_fields(response) == {"clock"}
    assert Contact.objects.count() == 0 and Deadline.objects.count() == 0
    assert Person.objects.count() == persons_before


@pytest.mark.parametrize("kind", STATUTORY)
def test_api_registers_the_required_clock_by_default(world, client, kind):
    post, _get = _api(client, world.iris)
    body = _body(world, kind=kind)
    if kind == "pre_birth_notification":
        body["persons"] = [{"role": "unborn", "temporary": True,
                            "expected_birth_date": "2026-05-01"}]

    response = post("/contacts", body)

    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert contact.clock == REQUIRED_CLOCK[kind]
    assert [d["code"] for d in response.json()["deadlines"]] == [
        c.code for c in sorted(KINDS[REQUIRED_CLOCK[kind]], key=lambda c: c.due_on(NOW.date()))]


@pytest.mark.parametrize(("language", "words"), [
    ("fi", "vaadittu määräaika"), ("sv", "krävda tidsfristen"), ("en", "always carries the clock")])
def test_the_refusal_is_in_the_callers_language(world, client, language, words):
    post, _get = _api(client, world.iris, language)

    response = post("/contacts", _body(world, clock="shl_special_support_child"))

    assert response.status_code == 422
    (error,) = response.json()["error"]["fields"]
    assert error["field"] == "clock" and words in error["message"]


def test_api_accepts_a_stricter_clock(world, client):
    post, _get = _api(client, world.iris)

    response = post("/contacts", _body(world, kind="guardian_application",
                                       reporter_kind="guardian",
                                       clock="shl_special_support_child"))

    assert response.status_code == 201, response.content
    assert [(d["code"], d["due_on"]) for d in response.json()["deadlines"]] == [
        ("urgency_assessment", "2026-02-03"), ("assessment_start", "2026-02-12"),
        ("assessment_completion", "2026-05-04")]


# --- registering through the form -----------------------------------------------------------------

@pytest.mark.parametrize(("kind", "clock"), WEAKENING)
def test_form_cannot_register_a_weakened_clock(world, client, kind, clock):
    client.cookies["django_language"] = "en"
    client.force_login(world.iris)
    persons_before = Person.objects.count()
    form = _form(kind=kind, clock=clock)
    if kind == "pre_birth_notification":
        form.update({"child-0-first_name": "", "child-0-last_name": "",
                     "child-0-temporary": "", "unborn-unborn": "on",
                     "unborn-expected_birth_date": "2026-05-01"})

    response = client.post(NEW, form)

    assert response.status_code == 200
    text = response.content.decode()
    error = text.split('id="id_clock-error">', 1)[1].split("</p>", 1)[0]
    assert "always carries the clock" in error
    assert Contact.objects.count() == 0 and Deadline.objects.count() == 0
    assert Person.objects.count() == persons_before


def test_form_refusal_in_swedish_names_the_clock(world, client):
    client.cookies["django_language"] = "sv"
    client.force_login(world.iris)

    response = client.post(NEW, _form(clock="shl_contact"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "krävda tidsfristen" in text.split('id="id_clock-error">', 1)[1].split("</p>", 1)[0]
    assert Contact.objects.count() == 0


# --- changing the clock after registration ----------------------------------------------------

def _shl_contact(world, **overrides) -> Contact:
    values = {"kind": "guardian_application", "reporter_kind": "guardian",
              "received_at": dt.datetime(2025, 12, 19, 15, 0, tzinfo=HELSINKI)}
    values.update(overrides)
    return services.contact_register(actor=world.iris,
                                     data=contact_input(child=world.child, **values))


def test_api_change_is_recorded_and_recomputes_from_the_opening_day(world, client):
    """Opened on the Friday before Christmas: the 7th working day is Monday 5.1.2026 (already
    passed, so overdue); three months later is Thursday 19.3.2026."""
    contact = _shl_contact(world)
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    post, get = _api(client, world.iris)
    log_before = AccessLogEntry.objects.count()

    response = post(f"/contacts/{contact.pk}/clock", {
        "clock": "shl_special_support_child",
        "reason": "Alkuarviossa todettiin lapsen erityisen tuen tarve."})

    assert response.status_code == 200, response.content
    deadlines = {d["code"]: d for d in response.json()["deadlines"]}
    assert deadlines["urgency_assessment"]["status"] == "met"  # kept as it was met
    assert (deadlines["assessment_start"]["due_on"],
            deadlines["assessment_start"]["status"]) == ("2026-01-05", "overdue")
    assert deadlines["assessment_completion"]["due_on"] == "2026-03-19"
    assert deadlines["assessment_start"]["basis"] == "SHL 36 § 3 mom."
    change = ClockChange.objects.get()
    assert (change.contact_id, change.from_clock, change.to_clock, change.changed_by) == (
        contact.pk, "shl_contact", "shl_special_support_child", world.iris)
    assert AccessLogEntry.objects.filter(seq__gt=log_before, action=LogAction.UPDATE,
                                         detail__contains="clock").exists()
    read = get(f"/contacts/{contact.pk}").json()
    assert read["clock"] == "shl_special_support_child"
    assert [(c["from_clock"], c["to_clock"], c["reason"], c["changed_by_id"])
            for c in read["clock_changes"]] == [
        ("shl_contact", "shl_special_support_child",
         "Alkuarviossa todettiin lapsen erityisen tuen tarve.", world.iris.pk)]


@pytest.mark.parametrize("clock", ["shl_contact", "shl_special_support_child",
                                   "shl_priority_adult", "pre_birth_notification"])
def test_api_change_cannot_drop_the_child_welfare_clocks(world, client, clock):
    contact = services.contact_register(actor=world.iris,
                                        data=contact_input(child=world.child))
    post, _get = _api(client, world.iris)
    before = list(Deadline.objects.order_by("pk").values_list("code", "due_on", "status"))

    response = post(f"/contacts/{contact.pk}/clock", {"clock": clock, "reason": "Ei tarvita."})

    assert response.status_code == 422
    assert _error_fields(response) == {"clock"}
    contact.refresh_from_db()
    assert contact.clock == "child_welfare_notification" and contact.version == 1
    assert list(Deadline.objects.order_by("pk").values_list("code", "due_on", "status")) == before
    assert not ClockChange.objects.exists()


@pytest.mark.parametrize(("kind", "clock"), WEAKENING)
def test_api_change_cannot_drop_the_clock_any_statutory_kind_requires(world, client, kind, clock):
    """After registration as before it: every statutory kind (child-welfare, pre-birth and the
    SHL 35 § notification about a child who may need special support) keeps its clocks."""
    post, _get = _api(client, world.iris)
    body = _body(world, kind=kind)
    if kind == "pre_birth_notification":
        body["persons"] = [{"role": "unborn", "temporary": True,
                            "expected_birth_date": "2026-05-01"}]
    registered = post("/contacts", body)
    assert registered.status_code == 201, registered.content
    contact = Contact.objects.get()
    before = list(Deadline.objects.order_by("pk").values_list("code", "due_on", "status"))

    response = post(f"/contacts/{contact.pk}/clock", {"clock": clock, "reason": "Ei tarvita."})

    assert response.status_code == 422, response.content
    assert _error_fields(response) == {"clock"}
    contact.refresh_from_db()
    assert contact.clock == REQUIRED_CLOCK[kind]
    assert list(Deadline.objects.order_by("pk").values_list("code", "due_on", "status")) == before
    assert not ClockChange.objects.exists()


def test_api_change_needs_a_reason(world, client):
    contact = _shl_contact(world)
    post, _get = _api(client, world.iris)

    response = post(f"/contacts/{contact.pk}/clock",
                    {"clock": "shl_special_support_child", "reason": "  "})

    assert response.status_code == 422 and _error_fields(response) == {"reason"}
    assert not ClockChange.objects.exists()
    assert _codes(contact) == ["urgency_assessment"]


def test_api_change_of_someone_elses_contact_is_not_found(world, client):
    contact = _shl_contact(world)
    post, _get = _api(client, world.bob)

    response = post(f"/contacts/{contact.pk}/clock",
                    {"clock": "shl_special_support_child", "reason": "Tuen tarve."})

    assert response.status_code == 404
    assert not ClockChange.objects.exists()


def test_back_to_the_required_clock_removes_unmet_deadlines_and_keeps_met_ones(world, client):
    contact = _shl_contact(world, clock="shl_special_support_child",
                           received_at=dt.datetime(2026, 1, 30, 23, 30, tzinfo=HELSINKI))
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    post, _get = _api(client, world.iris)

    response = post(f"/contacts/{contact.pk}/clock",
                    {"clock": "shl_contact", "reason": "Erityisen tuen tarvetta ei ole."})

    assert response.status_code == 200, response.content
    assert _codes(contact) == ["urgency_assessment"]
    assert Deadline.objects.get(contact=contact).status == "met"


def test_contact_page_changes_the_clock_and_shows_it_in_the_history(world, client):
    contact = _shl_contact(world)
    client.cookies["django_language"] = "en"
    client.force_login(world.iris)
    page = f"/intake/contacts/{contact.pk}/"

    response = client.post(page, {"intent": "clock", "clock": "shl_special_support_child",
                                  "reason": "Lapsi tarvitsee erityistä tukea.",
                                  "expected_version": contact.version}, follow=True)

    text = response.content.decode()
    assert response.status_code == 200
    assert "Statutory clock changed from" in text
    assert "Lapsi tarvitsee erityistä tukea." in text
    assert _codes(contact) == ["urgency_assessment", "assessment_start", "assessment_completion"]


def test_contact_page_refuses_to_weaken_and_saves_nothing(world, client):
    contact = services.contact_register(actor=world.iris,
                                        data=contact_input(child=world.child))
    client.cookies["django_language"] = "fi"
    client.force_login(world.iris)

    response = client.post(f"/intake/contacts/{contact.pk}/", {
        "intent": "clock", "clock": "shl_special_support_child", "reason": "Ei tarvita.",
        "expected_version": contact.version})

    assert response.status_code == 200
    assert "vaadittu määräaika" in response.content.decode()
    contact.refresh_from_db()
    assert contact.clock == "child_welfare_notification"
    assert not ClockChange.objects.exists()
    assert len(_codes(contact)) == 4
