"""The service-need assessment in full (SHL 36 §, LSL 26–27 §): support started, referrals, the
child met and heard (or why not), the client's and the child's own view, how long support is
needed; saved without completing; required at completion; the result document (palvelutarpeen
arvio) as a page and a PDF in the family's language, read through the access function."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from luotsi.access.models import AccessLogEntry, LogAction
from luotsi.access.tests.assertions import assert_refused
from luotsi.api.models import ApiToken
from luotsi.deadlines.calendar import HELSINKI
from luotsi.intake import services
from luotsi.intake.models import AssessmentReferral, AssessmentSupport, Deadline
from luotsi.intake.tests.factories import (
    RESULT_FIELDS,
    ServiceCatalogueItemFactory,
    build_world,
    contact_input,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 2, 3, 10, 0, tzinfo=HELSINKI)
TODAY = NOW.date()


@pytest.fixture
def world(time_machine):
    time_machine.move_to(NOW, tick=False)
    return build_world()


@pytest.fixture
def started(world):
    contact = services.contact_register(actor=world.iris, data=contact_input(child=world.child))
    services.contact_assess_urgency(actor=world.iris, contact=contact, urgency="not_urgent")
    contact.refresh_from_db()
    services.initial_assessment_record(actor=world.iris, contact=contact,
                                       outcome="service_need_assessment", informed_on=TODAY)
    contact.refresh_from_db()
    return services.assessment_start(actor=world.alice, assessment=contact.assessment,
                                     started_on=TODAY)


def _page(client, user, language="fi"):
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def _errors(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(("field", "value", "words"), [
    ("child_met_on", "2026-02-04", "tulevaisuudessa"),
    ("child_met_on", "2026-01-02", "ennen asian vireilletuloa"),
    ("support_need", "forever", ""),
])
def test_result_save__bad_field_refused_with_its_name_nothing_saved(
        world, started, client, field, value, words):
    page = _page(client, world.alice)
    response = page.post(f"/intake/assessments/{started.pk}/", {
        "intent": "result", "reason": "Tilanne.", "child_view": "Näkemys.", field: value,
        "expected_version": started.version})
    assert response.status_code == 200
    assert f"#id_{field}" in _errors(response) and words in _errors(response)
    started.refresh_from_db()
    assert started.outcome_reason == "" and started.child_view == ""


def test_result_save__met_date_and_reason_both_refused_in_swedish(world, started, client):
    page = _page(client, world.alice, "sv")
    response = page.post(f"/intake/assessments/{started.pk}/", {
        "intent": "result", "child_met_on": TODAY.isoformat(),
        "child_not_met_reason": "Sjuk.", "expected_version": started.version})
    assert 'href="#id_child_not_met_reason' in _errors(response)
    assert "Barnet träffades" in _errors(response)


def test_result_save__saved_without_completing_and_shown_in_the_form(world, started, client):
    page = _page(client, world.alice)
    response = page.post(f"/intake/assessments/{started.pk}/", {
        "intent": "result", "reason": "Perhe väsynyt.", "child_met_on": TODAY.isoformat(),
        "child_view": "Haluan, että äiti jaksaa.", "support_need": "repeated",
        "expected_version": started.version}, follow=True)
    started.refresh_from_db()
    assert started.completed_on is None and started.child_met_on == TODAY
    assert started.support_need == "repeated" and started.outcome_reason == "Perhe väsynyt."
    assert "Haluan, että äiti jaksaa." in response.content.decode()


def test_completion__a_child_needs_met_and_heard_or_why_not(world, started, client):
    page = _page(client, world.alice)
    body = {"intent": "complete", "outcome": "family_social_services", "reason": "Tarve.",
            "completed_on": TODAY.isoformat(), "responsible_worker": world.alice.pk,
            **{k: v for k, v in RESULT_FIELDS.items()
               if k not in ("child_not_met_reason", "support_need")},
            "expected_version": started.version}
    refused = page.post(f"/intake/assessments/{started.pk}/", body)
    text = refused.content.decode()
    assert 'href="#id_child_met_on' in text and 'href="#id_support_need' in text
    met_without_view = page.post(f"/intake/assessments/{started.pk}/", {
        **body, "child_met_on": TODAY.isoformat(), "support_need": "long_term"})
    assert 'href="#id_child_view' in met_without_view.content.decode()
    started.refresh_from_db()
    assert started.completed_on is None
    assert Deadline.objects.get(code="assessment_completion").met_on is None
    page.post(f"/intake/assessments/{started.pk}/", {
        **body, "child_met_on": TODAY.isoformat(), "support_need": "long_term",
        "child_view": "Toivon kaveria."})
    started.refresh_from_db()
    assert started.completed_on == TODAY and started.child_view == "Toivon kaveria."


@pytest.mark.parametrize(("body", "field"), [
    ({"measure": "", "started_on": "2026-02-02"}, "measure"),
    ({"measure": "other", "started_on": "2026-02-02"}, "note"),
    ({"measure": "family_work", "started_on": "2026-02-04"}, "started_on"),
    ({"measure": "family_work", "started_on": "2025-01-01"}, "started_on"),
])
def test_support__bad_input_names_the_field(world, started, client, body, field):
    page = _page(client, world.alice, "en")
    response = page.post(f"/intake/assessments/{started.pk}/", {"intent": "support", **body})
    assert f'href="#id_support-{field}' in response.content.decode()
    assert not AssessmentSupport.objects.exists()


def test_referral__bad_input_names_the_field_and_a_good_one_is_saved(world, started, client):
    item = ServiceCatalogueItemFactory(code="perheneuvola", name_fi="Perheneuvola")
    page = _page(client, world.alice, "en")
    bad = page.post(f"/intake/assessments/{started.pk}/", {
        "intent": "referral", "service_code": "nothing", "referred_on": TODAY.isoformat()})
    assert 'href="#id_referral-service_code' in bad.content.decode()
    page.post(f"/intake/assessments/{started.pk}/", {
        "intent": "referral", "service_code": item.code, "referred_on": TODAY.isoformat()})
    assert AssessmentReferral.objects.get().service == item


def _completed(world, started, language="fi"):
    world.child.language = language
    world.child.save()
    item = ServiceCatalogueItemFactory(code="perheneuvola", name_fi="Perheneuvola",
                                       name_sv="Familjerådgivningen")
    services.assessment_support_add(actor=world.alice, assessment=started,
                                    measure="family_work", started_on=TODAY)
    services.assessment_referral_add(actor=world.alice, assessment=started, service=item,
                                     referred_on=TODAY)
    return services.assessment_complete(
        actor=world.alice, assessment=started, outcome="family_social_services",
        reason="Perhe tarvitsee tukea arkeen.", completed_on=TODAY,
        responsible_worker=world.alice, result=services.AssessmentResult(
            conclusions="Asiakkuuden edellytykset täyttyvät.", client_view="Toivomme apua.",
            named_worker_need="needed", child_met_on=TODAY, child_view="Haluan harrastaa.",
            support_need="repeated"))


@pytest.mark.parametrize(("language", "words"), [
    ("fi", ["Palvelutarpeen arvio", "Tuki, joka on alkanut", "Perhetyö", "Perheneuvola",
            "Tuen tarve on toistuva", "Haluan harrastaa."]),
    ("sv", ["Bedömning av servicebehovet", "Stöd som har börjat", "Familjearbete",
            "Familjerådgivningen", "Stödbehovet är återkommande", "Haluan harrastaa."]),
])
def test_result_page__in_the_familys_language_whatever_the_workers(
        world, started, client, language, words):
    assessment = _completed(world, started, language)
    page = _page(client, world.alice, "en")  # the worker reads English
    response = page.get(f"/intake/assessments/{assessment.pk}/result/")
    text = response.content.decode()
    assert f'lang="{language}" id="result"' in text
    for word in words:
        assert word in text
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry.action == LogAction.VIEW and "result" in entry.detail


def test_result_pdf__a_pdf_logged_as_printing(world, started, client):
    assessment = _completed(world, started, "sv")
    response = _page(client, world.alice).get(f"/intake/assessments/{assessment.pk}/result.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry.action == LogAction.PRINT and entry.person_id == world.child.pk


@pytest.mark.parametrize("suffix", ["result/", "result.pdf"])
def test_result__unrelated_worker_gets_404_and_the_refusal_is_logged(
        world, started, client, suffix):
    response = _page(client, world.bob).get(f"/intake/assessments/{started.pk}/{suffix}")
    assert response.status_code == 404
    assert_refused(world.bob, world.child)


RESULT_PAGE_QUERIES = {"sqlite": 14, "postgresql": 15}


def test_result_page__query_count_pinned(world, started, client, django_assert_num_queries):
    assessment = _completed(world, started)
    page = _page(client, world.alice)
    page.get(f"/intake/assessments/{assessment.pk}/result/")
    # PostgreSQL takes an advisory lock on the access-log chain before appending: one query.
    with django_assert_num_queries(RESULT_PAGE_QUERIES[connection.vendor]):
        page.get(f"/intake/assessments/{assessment.pk}/result/")


def test_api__result_support_and_referral_read_back(world, started, client):
    item = ServiceCatalogueItemFactory(code="perheneuvola")
    headers = {"Authorization": f"Bearer {ApiToken.issue(world.alice)[1]}"}

    def call(method, path, body=None):
        return client.generic(method, f"/api/v1/assessments/{started.pk}{path}",
                              json.dumps(body or {}), content_type="application/json",
                              headers=headers)
    assert call("PUT", "/result", {"child_met_on": "2026-02-04"}).status_code == 422
    assert call("PUT", "/result", {"child_met_on": TODAY.isoformat(), "child_view": "Hyvä.",
                                   "support_need": "temporary"}).status_code == 200
    assert call("POST", "/support-measures", {"measure": "home_help",
                                              "started_on": TODAY.isoformat()}).status_code == 201
    assert call("POST", "/referrals", {"service_code": item.code,
                                       "referred_on": TODAY.isoformat()}).status_code == 201
    read = client.get(f"/api/v1/assessments/{started.pk}", headers=headers).json()
    assert read["child_view"] == "Hyvä." and read["support_need"] == "temporary"
    assert [r["measure"] for r in read["support_measures"]] == ["home_help"]
    assert [r["service_code"] for r in read["referrals"]] == ["perheneuvola"]
