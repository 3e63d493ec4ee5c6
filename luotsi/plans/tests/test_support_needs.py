"""The client's support needs (SHL 11 §) in the plan (SHL 39 §): recorded and removed on the plan
page and through the API, each need once per plan, shown in the memo (in the client's language),
in the client's own area, in the version history and in the FHIR export; access as for the plan."""

import json

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from luotsi.access.models import AccessLogEntry
from luotsi.access.tests.assertions import assert_refused
from luotsi.api.models import ApiToken
from luotsi.plans import services as s
from luotsi.plans.models import CodeListItem, Plan, PlanSupportNeed

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def need(code: str) -> CodeListItem:
    return CodeListItem.objects.get(version__current=True, code_list="support_need", code=code)


def fresh(plan) -> Plan:
    return Plan.objects.get(pk=plan.pk)


def html(response) -> str:
    return response.content.decode()


def details(count: int = 3) -> list[str]:
    return list(AccessLogEntry.objects.order_by("-seq").values_list("detail", flat=True)[:count])


@pytest.fixture
def plan(alice, case, client_person) -> Plan:
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    return plan


@pytest.fixture
def as_alice(client, alice, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(alice)
    return client


def add_post(code: str, note: str = "") -> dict:
    return {"support_need-need": need(code).pk, "support_need-note": note, "action": "save"}


# --- the plan page ------------------------------------------------------------------------------


def test_support_need__added_on_the_plan_page_recorded_by_whom_and_logged(as_alice, alice, plan):
    revision = fresh(plan).revision
    response = as_alice.post(f"/plans/{plan.pk}/support-needs/",
                             add_post("housing", "Vuokrat maksamatta"))
    row = PlanSupportNeed.objects.get()
    # The page opens at the section, with the note's clear-language check.
    assert response["Location"] == (f"/plans/{plan.pk}/?checked=need-{row.pk}#support-needs")
    assert (row.need.code, row.note, row.recorded_by) == ("housing", "Vuokrat maksamatta", alice)
    assert fresh(plan).revision == revision + 1
    assert f"support need {row.pk} added" in details()
    body = html(as_alice.get(response["Location"]))
    assert 'id="support-needs"' in body and f'id="support-need-{row.pk}"' in body
    assert need("housing").name_en in body and "Vuokrat maksamatta" in body
    assert "Alice Aalto" in body
    assert "Clear-language check of what you saved" in body
    # Without a note the page opens at the section only.
    response = as_alice.post(f"/plans/{plan.pk}/support-needs/", add_post("financial"))
    assert response["Location"] == f"/plans/{plan.pk}/#support-needs"


def test_support_need__the_notes_clear_language_check_saves_nothing(as_alice, plan):
    response = as_alice.post(f"/plans/{plan.pk}/support-needs/",
                             {**add_post("housing", "Asiakkaan palvelutarpeen arviointi"),
                              "action": "check"})
    assert response.status_code == 200
    assert "Clear-language check" in html(response)
    assert not PlanSupportNeed.objects.exists()


@pytest.mark.parametrize(("language", "label", "message"), [
    ("en", "Support need", "is already recorded in the plan"),
    ("fi", "Tuen tarve", "on jo kirjattu suunnitelmaan"),
    ("sv", "Stödbehov", "finns redan i planen"),
])
def test_support_need__the_same_need_twice_refused_naming_the_field(
        client, alice, plan, settings, language, label, message):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(alice)
    s.support_need_add(actor=alice, plan=plan, need_id=need("housing").pk)
    revision = fresh(plan).revision
    response = client.post(f"/plans/{plan.pk}/support-needs/", add_post("housing", "Uudestaan"))
    assert response.status_code == 200
    body = html(response)
    assert 'href="#id_support_need-need"' in body and label in body and message in body
    # nothing half-saved: no row, the plan's revision as it was
    assert PlanSupportNeed.objects.count() == 1 and fresh(plan).revision == revision


def test_support_need__once_per_plan_in_the_database(alice, plan):
    s.support_need_add(actor=alice, plan=plan, need_id=need("crisis").pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanSupportNeed.objects.create(plan=plan, need=need("crisis"), recorded_by=alice)


def test_support_need__bad_input_refused_naming_the_field(as_alice, plan):
    response = as_alice.post(f"/plans/{plan.pk}/support-needs/",
                             {"support_need-need": "", "support_need-note": "x" * 301,
                              "action": "save"})
    assert response.status_code == 200
    body = html(response)
    assert 'href="#id_support_need-need"' in body and 'href="#id_support_need-note"' in body
    retired = CodeListItem.objects.filter(code_list="goal_area").first()  # another list's code
    response = as_alice.post(f"/plans/{plan.pk}/support-needs/",
                             {"support_need-need": retired.pk, "action": "save"})
    assert response.status_code == 200 and 'href="#id_support_need-need"' in html(response)
    assert not PlanSupportNeed.objects.exists()


def test_support_need__removed_after_confirming_on_the_current_revision(as_alice, alice, plan):
    row = s.support_need_add(actor=alice, plan=plan, need_id=need("violence").pk)
    address = f"/plans/{plan.pk}/support-needs/{row.pk}/remove/"
    assert f'href="{address}"' in html(as_alice.get(f"/plans/{plan.pk}/"))
    page = as_alice.get(address)
    assert page.status_code == 200 and need("violence").name_en in html(page)
    stale = fresh(plan).revision
    s.support_need_add(actor=alice, plan=fresh(plan), need_id=need("crisis").pk)
    assert as_alice.post(address, {"revision": stale}).status_code == 409  # changed meanwhile
    assert PlanSupportNeed.objects.filter(pk=row.pk).exists()
    response = as_alice.post(address, {"revision": fresh(plan).revision})
    assert response["Location"] == f"/plans/{plan.pk}/#support-needs"
    assert not PlanSupportNeed.objects.filter(pk=row.pk).exists()
    assert f"support need {row.pk} removed" in details()


def test_support_need__bob_outside_gets_404_and_the_refusal_is_logged(client, alice, bob, plan,
                                                                      client_person):
    row = s.support_need_add(actor=alice, plan=plan, need_id=need("housing").pk)
    client.force_login(bob)
    response = client.post(f"/plans/{plan.pk}/support-needs/", add_post("crisis"))
    assert response.status_code == 404
    assert_refused(bob, client_person)
    address = f"/plans/{plan.pk}/support-needs/{row.pk}/remove/"
    assert client.get(address).status_code == 404
    assert_refused(bob, client_person)
    assert client.post(address, {"revision": fresh(plan).revision}).status_code == 404
    assert_refused(bob, client_person)
    assert list(PlanSupportNeed.objects.values_list("need__code", flat=True)) == ["housing"]


# --- the memo, the client's own area, the version history ----------------------------------------


def test_memo__support_needs_in_the_clients_language(client, alice, case, client_person):
    client_person.language = "sv"
    client_person.save()
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    s.support_need_add(actor=alice, plan=plan, need_id=need("housing").pk,
                       note="Hyran är obetald")
    client.force_login(alice)
    body = html(client.get(f"/plans/{plan.pk}/memo/"))
    assert 'lang="sv" id="memo"' in body and "Det här behöver du stöd med" in body
    assert need("housing").name_sv in body and need("housing").name_fi not in body
    assert "Hyran är obetald" in body
    plain = html(client.get(f"/plans/{plan.pk}/memo/?plain=on"))
    assert need("housing").name_sv in plain
    pdf = client.get(f"/plans/{plan.pk}/memo.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_own_area__the_client_sees_their_support_needs(client, alice, plan, client_person):
    from luotsi.oma.tests.builders import sign_in_client

    s.support_need_add(actor=alice, plan=plan, need_id=need("everyday_life").pk,
                       note="Arjen rytmi")
    sign_in_client(client, client_person)
    body = html(client.get("/oma/plan/"))
    assert 'id="oma-support-need-list"' in body
    assert need("everyday_life").name_fi in body and "Arjen rytmi" in body


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_version_history__support_needs_added_and_removed_in_the_readers_language(
        client, alice, plan, settings, language):
    goal_area = CodeListItem.objects.filter(version__current=True, code_list="goal_area").first()
    s.goal_add(actor=alice, plan=plan, data=s.GoalInput(goal_area_id=goal_area.pk,
                                                        client_wording="Oma asunto"))
    housing = s.support_need_add(actor=alice, plan=fresh(plan), need_id=need("housing").pk)
    s.plan_accept(actor=alice, plan=fresh(plan), client_took_part=True)
    s.support_need_add(actor=alice, plan=fresh(plan), need_id=need("crisis").pk, note="Äkillinen")
    s.support_need_remove(actor=alice, support_need=housing,
                          expected_revision=fresh(plan).revision)
    version = s.plan_accept(actor=alice, plan=fresh(plan), client_took_part=True)
    assert {(c["part"], c["change"], c["text"]) for c in version.changes} == {
        ("support_needs", "added", need("crisis").name_fi),
        ("support_needs", "removed", need("housing").name_fi)}
    assert version.snapshot["support_needs"] == [
        {"id": version.snapshot["support_needs"][0]["id"], "need": "crisis",
         "note": "Äkillinen", "label": need("crisis").name_fi}]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(alice)
    body = html(client.get(f"/plans/{plan.pk}/"))
    part = {"fi": "Tuen tarve", "sv": "Stödbehov", "en": "Support need"}[language]
    added = {"fi": "lisätty", "sv": "tillagd", "en": "added"}[language]
    assert f"{part} {added}: {getattr(need('crisis'), f'name_{language}')}" in body


# --- the API -------------------------------------------------------------------------------------


def bearer(user) -> dict:
    _record, token = ApiToken.issue(user)
    return {"Authorization": f"Bearer {token}"}


def test_api__support_needs_read_added_once_and_removed_with_if_match(client, alice, plan,
                                                                      client_person):
    headers = bearer(alice)
    base = f"/api/v1/clients/{client_person.pk}/plan"
    body = {"need": "housing", "note": "Vuokrat"}
    first = client.post(f"{base}/support-needs", json.dumps(body),
                        content_type="application/json",
                        headers={**headers, "Idempotency-Key": "need-1"})
    assert first.status_code == 201, first.content
    created = first.json()
    assert created["need"]["code"] == "housing" and created["note"] == "Vuokrat"
    assert first["ETag"] == f'W/"{plan.pk}-{created["plan_revision"]}"'
    again = client.post(f"{base}/support-needs", json.dumps(body),
                        content_type="application/json",
                        headers={**headers, "Idempotency-Key": "need-1"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == created and PlanSupportNeed.objects.count() == 1
    # The same need again under a new key: refused naming the field, nothing saved.
    duplicate = client.post(f"{base}/support-needs", json.dumps(body),
                            content_type="application/json", headers=headers)
    assert duplicate.status_code == 422
    assert [f["field"] for f in duplicate.json()["error"]["fields"]] == ["need"]
    assert PlanSupportNeed.objects.count() == 1
    # A stale If-Match on an add: 412.
    stale = client.post(f"{base}/support-needs", json.dumps({"need": "crisis"}),
                        content_type="application/json",
                        headers={**headers, "If-Match": f'W/"{plan.pk}-1"'})
    assert stale.status_code == 412

    read = client.get(base, headers=headers)
    assert read.status_code == 200
    assert [(n["id"], n["need"]["code"], n["note"], n["recorded_by"]["id"])
            for n in read.json()["support_needs"]] == [
        (created["id"], "housing", "Vuokrat", alice.pk)]

    address = f"{base}/support-needs/{created['id']}"
    assert client.delete(address, headers=headers).status_code == 428
    stale = client.delete(address, headers={**headers, "If-Match": f'W/"{plan.pk}-1"'})
    assert stale.status_code == 412 and stale.json()["error"]["current_revision"] > 1
    removed = client.delete(address, headers={**headers, "If-Match": read["ETag"]})
    assert removed.status_code == 200 and removed.json()["support_needs"] == []
    assert removed["ETag"] != read["ETag"]
    assert not PlanSupportNeed.objects.exists()
    assert f"support need {created['id']} removed" in details()
    gone = client.delete(address, headers={**headers, "If-Match": removed["ETag"]})
    assert gone.status_code == 404


def test_api__bob_outside_gets_404_and_the_refusal_is_logged(client, alice, bob, plan,
                                                             client_person):
    row = s.support_need_add(actor=alice, plan=plan, need_id=need("housing").pk)
    headers = bearer(bob)
    base = f"/api/v1/clients/{client_person.pk}/plan"
    response = client.post(f"{base}/support-needs", json.dumps({"need": "crisis"}),
                           content_type="application/json", headers=headers)
    assert response.status_code == 404
    assert_refused(bob, client_person)
    response = client.delete(f"{base}/support-needs/{row.pk}",
                             headers={**headers, "If-Match": f'W/"{plan.pk}-{fresh(plan).revision}"'})
    assert response.status_code == 404
    assert_refused(bob, client_person)
    assert PlanSupportNeed.objects.count() == 1


# --- FHIR ----------------------------------------------------------------------------------------


def test_fhir__support_needs_are_conditions_the_care_plan_addresses(alice, plan):
    from luotsi.plans.fhir.export import plan_bundle_json

    row = s.support_need_add(actor=alice, plan=plan, need_id=need("housing").pk, note="Vuokrat")
    bundle = json.loads(plan_bundle_json(alice, plan.pk))
    resources = [entry["resource"] for entry in bundle["entry"]]
    conditions = [r for r in resources if r["resourceType"] == "Condition"]
    assert len(conditions) == 1
    condition = conditions[0]
    assert condition["code"]["coding"][0]["code"] == "housing"
    assert condition["code"]["coding"][0]["system"].endswith("/CodeSystem/support-need")
    assert condition["identifier"][0]["value"] == str(row.pk)
    assert condition["note"] == [{"text": "Vuokrat"}]
    care_plan = next(r for r in resources if r["resourceType"] == "CarePlan")
    assert [a["reference"] for a in care_plan["addresses"]] == [f"urn:uuid:{condition['id']}"]
