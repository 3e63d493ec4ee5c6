"""The client's own area (/oma/) through HTTP: the session identity kept apart from staff
sessions, demo identification, my plan in my language, the memo PDF, who has read my data, and
that every /oma/ URL naming another person's data answers "not found"."""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from luotsi.access import gateway
from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction, Outcome
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.oma.session import CLIENT_KEY
from luotsi.oma.tests.builders import client_with_plan, sign_in_client
from luotsi.organisation.tests.factories import UserFactory
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

MISSING = 2**62
# The strong identification's routes read no client data (luotsi/oma/tests/test_auth.py).
SIGN_IN_ROUTES = {"oma:auth_start", "oma:auth_callback", "oma:auth_jwks"}
# Appending to the access log takes the chain's advisory lock on PostgreSQL: one query more.
CHAIN_LOCK = 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def coordinator(team):
    return UserFactory(first_name="Sanna", last_name="Ohjaaja", phone="040 123 4567",
                       email="sanna.ohjaaja@example.org", teams=[team])


@pytest.fixture
def plan(coordinator):
    return client_with_plan(coordinator)


@pytest.fixture
def other_plan(coordinator):
    return client_with_plan(coordinator, first_name="Toinen", goal="Toisen ihmisen tavoite")


def _last_seq() -> int:
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _records_since(seq: int):
    return list(AccessLogEntry.objects.filter(seq__gt=seq).order_by("seq"))


def _oma_routes(resolver=None, prefix: str = ""):
    """Every URL pattern under /oma/: (name, route)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _oma_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and prefix.startswith("oma/"):
            yield f"oma:{entry.name}", prefix + str(entry.pattern)


def _same_page(first, second) -> bool:
    """The same page apart from the id opened and the form's CSRF token."""
    def strip(response) -> str:
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return re.sub(r"\d+", "N", text)
    return strip(first) == strip(second)


def _fill(route: str, value) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", str(value), route)


# --- the session identity ----------------------------------------------------------------------


def test_demo_identification_answers_404_outside_demo_mode(client, settings, plan):
    settings.DEMO_MODE = False
    assert client.get("/oma/demo/").status_code == 404
    assert client.post("/oma/demo/", {"person": plan.person_id}).status_code == 404
    assert CLIENT_KEY not in client.session


def test_demo_identification_signs_in_a_client_with_a_plan(client, settings, plan):
    settings.DEMO_MODE = True
    no_plan = PersonFactory(first_name="Ilman")
    page = client.get("/oma/demo/")
    assert page.status_code == 200
    html = page.content.decode()
    assert plan.person.full_name in html and no_plan.full_name not in html
    answer = client.post("/oma/demo/", {"person": plan.person_id})
    assert answer.status_code == 302 and answer["Location"] == reverse("oma:plan")
    assert client.session[CLIENT_KEY] == plan.person_id
    assert "_auth_user_id" not in client.session
    assert client.get("/oma/plan/").status_code == 200


def test_demo_identification_refuses_someone_not_offered(client, settings, plan):
    settings.DEMO_MODE = True
    no_plan = PersonFactory(first_name="Ilman")
    for chosen in (no_plan.pk, MISSING, "x\x00", ""):
        answer = client.post("/oma/demo/", {"person": chosen})
        assert answer.status_code == 400
        assert "Valitse yksi luettelon testihenkilöllisyyksistä." in answer.content.decode()
        assert CLIENT_KEY not in client.session


def test_a_professional_gets_nothing_under_oma_but_the_sign_in_page(client, settings, alice,
                                                                    plan):
    settings.DEMO_MODE = True
    client.force_login(alice)
    page = client.get("/oma/")
    assert page.status_code == 200
    assert "ammattilaisena" in page.content.decode()
    for url in ("/oma/plan/", "/oma/log/", f"/oma/plan/{plan.pk}/memo.pdf", "/oma/demo/"):
        answer = client.get(url)
        assert (answer.status_code, answer["Location"]) == (302, "/oma/"), url
    answer = client.post("/oma/demo/", {"person": plan.person_id})
    assert answer.status_code == 302
    assert CLIENT_KEY not in client.session
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_client_gets_nothing_outside_oma(client, plan):
    sign_in_client(client, plan.person)
    for url in ("/", "/persons/", "/login/", f"/plans/{plan.pk}/", "/reports/",
                "/api/v1/clients", "/admin/", "/healthz"):
        assert client.get(url).status_code == 404, url
    assert client.session[CLIENT_KEY] == plan.person_id


def test_a_session_holding_both_sign_ins_ends_both(client, alice, plan):
    client.force_login(alice)
    sign_in_client(client, plan.person)
    answer = client.get("/oma/plan/")
    assert (answer.status_code, answer["Location"]) == (302, "/oma/")
    assert CLIENT_KEY not in client.session and "_auth_user_id" not in client.session


def test_the_session_ends_after_15_minutes_idle(client, plan):
    sign_in_client(client, plan.person, seen=time.time() - 14 * 60)
    assert client.get("/oma/plan/").status_code == 200
    sign_in_client(client, plan.person, seen=time.time() - 15 * 60)
    answer = client.get("/oma/plan/")
    assert (answer.status_code, answer["Location"]) == (302, "/oma/")
    assert CLIENT_KEY not in client.session
    sign_in_client(client, plan.person, seen=time.time() - 16 * 60)
    page = client.get("/oma/")
    assert "15 minuuttia" in page.content.decode()


def test_sign_out_ends_the_client_session(client, plan):
    sign_in_client(client, plan.person)
    answer = client.post("/oma/sign-out/")
    assert (answer.status_code, answer["Location"]) == (302, "/oma/")
    assert CLIENT_KEY not in client.session
    assert client.get("/oma/plan/").status_code == 302


def test_the_area_stores_nothing_in_the_browser_but_the_session_cookie(client, settings, plan):
    """No CSRF cookie, no language cookie: the CSRF secret and the language live in the
    session; every answer is no-store and carries the content-security policy."""
    settings.DEMO_MODE = True
    answers = [client.get("/oma/"),
               client.post("/oma/language/", {"language": "sv", "next": "/oma/demo/"}),
               client.get("/oma/demo/")]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      answers[-1].content.decode()).group(1)
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.cookies = client.cookies
    answers.append(csrf_client.post("/oma/demo/", {"person": plan.person_id,
                                                   "csrfmiddlewaretoken": token}))
    assert answers[-1].status_code == 302
    answers += [csrf_client.get("/oma/plan/"), csrf_client.get("/oma/log/")]
    for answer in answers:
        assert set(answer.cookies) <= {settings.SESSION_COOKIE_NAME}, answer.cookies
        assert "no-store" in answer["Cache-Control"]
        assert "default-src" in answer["Content-Security-Policy"]
    refused = type(client)(enforce_csrf_checks=True)
    refused.cookies = csrf_client.cookies
    assert refused.post("/oma/sign-out/").status_code == 403


def test_the_language_choice_goes_only_to_pages_of_the_area(client):
    answer = client.post("/oma/language/", {"language": "en", "next": "https://evil.example/"})
    assert answer["Location"] == "/oma/"
    answer = client.post("/oma/language/", {"language": "en", "next": "/persons/"})
    assert answer["Location"] == "/oma/"
    assert "My Luotsi" in client.get("/oma/").content.decode()


# --- my plan -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "words"), [
    ("fi", ["Oma suunnitelmani", "Tavoitteesi", "Sinä", "Yhteyshenkilösi"]),
    ("sv", ["Min plan", "Dina mål", "Du", "Din kontaktperson"]),
    ("en", ["My plan", "Your goals", "You", "Your contact person"]),
])
def test_my_plan_in_my_language(client, coordinator, language, words):
    plan = client_with_plan(coordinator, language=language)
    plan.named_worker = coordinator  # the named worker (omatyöntekijä) shown beside
    plan.save(update_fields=["named_worker"])
    sign_in_client(client, plan.person)
    since = _last_seq()
    page = client.get("/oma/plan/")
    html = page.content.decode()
    assert html.count("Sanna Ohjaaja") == 3  # a step's owner, the coordinator, the named worker
    assert page.status_code == 200 and page["Content-Language"] == language
    assert f'<html lang="{language}">' in html
    for word in words:
        assert word in html
    for shown in ("Oma koti ja työ", "Soitan asuntotoimistoon", "Varaan ajan työvalmentajalle",
                  "Sosiaalitoimi", "Sanna Ohjaaja", 'href="tel:0401234567"',
                  "sanna.ohjaaja@example.org", f"/oma/plan/{plan.pk}/memo.pdf"):
        assert shown in html, shown
    [record] = _records_since(since)
    assert (record.person_id, record.category, record.action, record.basis, record.outcome) == (
        plan.person_id, Category.PLAN, LogAction.VIEW, Basis.OWN_DATA, Outcome.ALLOWED)
    assert (record.user_id, record.username, record.user_name, record.role) == (
        None, f"client:{plan.person_id}", plan.person.full_name, "client")


def test_my_plan_without_a_plan_is_logged_too(client):
    person = PersonFactory()
    sign_in_client(client, person)
    since = _last_seq()
    page = client.get("/oma/plan/")
    assert "Sinulla ei ole vielä suunnitelmaa" in page.content.decode()
    [record] = _records_since(since)
    assert (record.person_id, record.basis) == (person.pk, Basis.OWN_DATA)


def test_my_plan_reads_a_fixed_number_of_queries(client, coordinator, plan,
                                                 django_assert_num_queries):
    for _ in range(3):  # more rows, same queries
        client_with_plan(coordinator)
    sign_in_client(client, plan.person)
    client.get("/oma/plan/")
    # session, person, plan id, plan (gateway), the log append (last record, insert, in a
    # savepoint; the chain lock on PostgreSQL), the page's plan with its prefetches (its
    # support needs among them), the lists, whether the client has a shared-client record (for
    # the network meetings), the goals' own ratings by the client
    with django_assert_num_queries(27 + CHAIN_LOCK):
        assert client.get("/oma/plan/").status_code == 200


def test_the_memo_pdf_of_my_plan(client, plan):
    sign_in_client(client, plan.person)
    since = _last_seq()
    answer = client.get(f"/oma/plan/{plan.pk}/memo.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    [record] = _records_since(since)
    assert (record.person_id, record.action, record.basis) == (
        plan.person_id, LogAction.PRINT, Basis.OWN_DATA)


# --- who has read my data ------------------------------------------------------------------------


def test_who_has_read_my_data(client, alice, bob, plan, other_plan):
    RelationshipFactory(person=plan.person, user=alice)
    RelationshipFactory(person=plan.person, user=bob, basis=Basis.EMERGENCY)
    RelationshipFactory(person=other_plan.person, user=alice)
    gateway.access_person_by_id(alice, plan.person_id, category=Category.PLAN)
    gateway.access_person_by_id(bob, plan.person_id, category=Category.PLAN)
    gateway.access_person_by_id(alice, other_plan.person_id, category=Category.PLAN)
    sign_in_client(client, plan.person)
    since = _last_seq()
    page = client.get("/oma/log/")
    html = page.content.decode()
    assert page.status_code == 200
    assert alice.get_full_name() in html and bob.get_full_name() in html
    assert html.count('class="oma-emergency"') == 1
    assert "Hätäkäyttö" in html
    assert other_plan.person.full_name not in html
    assert "Asiakas itse (omat tiedot)" in html  # this read, listed in the report itself
    [record] = _records_since(since)
    assert (record.person_id, record.category, record.basis, record.role) == (
        plan.person_id, Category.ACCESS_LOG, Basis.OWN_DATA, "client")


def test_who_has_read_my_data_as_pdf(client, alice, plan):
    RelationshipFactory(person=plan.person, user=alice)
    gateway.access_person_by_id(alice, plan.person_id, category=Category.PLAN)
    sign_in_client(client, plan.person)
    assert 'href="/oma/log/report.pdf"' in client.get("/oma/log/").content.decode()
    since = _last_seq()
    answer = client.get("/oma/log/report.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert 'filename="who-has-read-my-data-' in answer["Content-Disposition"]
    [record] = _records_since(since)
    assert (record.person_id, record.category, record.action, record.basis, record.username) == (
        plan.person_id, Category.ACCESS_LOG, LogAction.PRINT, Basis.OWN_DATA,
        f"client:{plan.person_id}")


def test_the_pdf_lists_the_readers_in_the_clients_language(client, alice, coordinator):
    from luotsi.common.pdf import render_html
    from luotsi.oma import selectors

    plan = client_with_plan(coordinator, language="sv")
    RelationshipFactory(person=plan.person, user=alice, basis=Basis.EMERGENCY)
    gateway.access_person_by_id(alice, plan.person_id, category=Category.PLAN)
    today = timezone.localdate()
    start, rows, truncated = selectors.own_access_log(plan.person, today)
    html = render_html("oma/access_log_pdf.html", {
        "client": plan.person, "rows": rows, "truncated": truncated, "start": start,
        "end": today, "generated": timezone.now()}, "sv")
    assert "Vem har läst mina uppgifter" in html
    assert alice.get_full_name() in html and 'class="emergency"' in html


def test_a_refused_form_under_oma_gets_the_clients_page(plan):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    sign_in_client(browser, plan.person)
    answer = browser.post("/oma/sign-out/")
    html = answer.content.decode()
    assert answer.status_code == 403
    assert 'class="oma"' in html and "Lomaketta ei voitu lähettää" in html
    assert "/oma/" in html and "oma-header" in html
    staff = Client(enforce_csrf_checks=True)
    answer = staff.post("/login/", {"username": "x", "password": "y"})
    assert answer.status_code == 403 and 'class="oma"' not in answer.content.decode()


def test_who_has_read_my_data_reads_a_fixed_number_of_queries(client, alice, plan,
                                                               django_assert_num_queries):
    RelationshipFactory(person=plan.person, user=alice)
    for _ in range(5):
        gateway.access_person_by_id(alice, plan.person_id, category=Category.PLAN)
    sign_in_client(client, plan.person)
    client.get("/oma/log/")
    # session, person, the log append (last record, insert), roles, teams, the records, the
    # search keys (rotated keys): the same however many records there are
    with django_assert_num_queries(9 + CHAIN_LOCK):
        assert client.get("/oma/log/").status_code == 200


# --- every /oma/ URL naming another person's data ------------------------------------------------


# Each /oma/ route with an id: how it is asked (GET or POST), the record it names, the access
# function that must answer it. A new route with an id fails the walk until it is listed here.
ID_ROUTES = {
    "oma:memo_pdf": ("get", "plan", "access_own_plan_by_id"),
    "oma:consent_withdraw": ("post", "consent", "access_own_consent_by_id"),
    "oma:consent_accept": ("post", "consent", "access_own_consent_by_id"),
}


def _records_of(plan, coordinator) -> dict:
    """The records of ``plan`` an /oma/ route may name, by kind."""
    from luotsi.plans.models import Consent

    given = Consent.objects.create(plan=plan, sector="health", scope="Koko suunnitelma",
                                   valid_from=timezone.localdate(), recorded_by=coordinator)
    asked = Consent.objects.create(plan=plan, sector="employment", scope="Pyydetty",
                                   valid_from=timezone.localdate(), recorded_by=coordinator,
                                   status=Consent.Status.REQUESTED)
    return {"plan": plan.pk, "consent": {"oma:consent_withdraw": given.pk,
                                         "oma:consent_accept": asked.pk}}


def _record_id(records: dict, kind: str, name: str) -> int:
    found = records[kind]
    return found[name] if isinstance(found, dict) else found


def test_every_oma_url_naming_another_persons_data_answers_not_found(client, settings, plan,
                                                                     other_plan, coordinator):
    """Walk every /oma/ URL pattern as a signed-in client: a pattern with an id, filled with
    another person's record (a plan, a consent), answers exactly as a missing id (404), through
    its access function, with the refusal logged naming the client and no other person, and
    nothing of the other person's changed; a pattern without one shows the client's own data
    only; every page view left a record naming the client."""
    from luotsi.plans.models import Consent

    settings.DEMO_MODE = True
    routes = dict(_oma_routes())
    assert {"oma:home", "oma:demo", "oma:plan", "oma:memo_pdf", "oma:access_log",
            "oma:access_log_pdf", "oma:consents", "oma:language", "oma:sign_out",
            *SIGN_IN_ROUTES} <= set(routes)
    assert {name for name, route in routes.items() if "<" in route} == set(ID_ROUTES)
    mine, others = _records_of(plan, coordinator), _records_of(other_plan, coordinator)
    before = list(Consent.objects.filter(plan=other_plan).order_by("pk").values())
    calls = []

    def listen(sender, **kwargs):
        calls.append(sender)

    gateway.access_checked.connect(listen)
    sign_in_client(client, plan.person)
    try:
        for name, (method, kind, function) in ID_ROUTES.items():
            ask = getattr(client, method)
            route = routes[name]
            calls.clear()
            since = _last_seq()
            refused = ask(_fill(route, _record_id(others, kind, name)))
            missing = ask(_fill(route, MISSING))
            assert calls == [function] * 2, name
            assert refused.status_code == missing.status_code == 404, name
            assert _same_page(refused, missing), name
            records = _records_since(since)
            assert [(r.person_id, r.outcome, r.username) for r in records] == [
                (None, Outcome.REFUSED, f"client:{plan.person_id}")] * 2, name
            own = ask(_fill(route, _record_id(mine, kind, name)))
            assert own.status_code == (200 if method == "get" else 302), name
            if method == "post":
                client.get(own["Location"])  # shows (and so ends) its message
        assert list(Consent.objects.filter(plan=other_plan).order_by("pk").values()) == before
        gets = [name for name, route in routes.items() if "<" not in route
                and name not in {"oma:language", "oma:sign_out", "oma:feedback",
                                 *SIGN_IN_ROUTES}]
        for name in gets:
            since = _last_seq()
            answer = client.get(_fill(routes[name], ""), follow=True)
            assert answer.status_code == 200, name
            html = answer.content.decode(errors="replace")
            assert other_plan.person.full_name not in html, name
            assert "Toisen ihmisen tavoite" not in html, name
            records = _records_since(since)
            assert records and all(r.username == f"client:{plan.person_id}"
                                   and r.person_id == plan.person_id for r in records), name
    finally:
        gateway.access_checked.disconnect(listen)


def test_bad_input_is_refused_without_a_500_and_nothing_changes(client, settings, plan):
    """Over-long, NUL, 2^63+1 and unknown values on every form of the area: refused or
    ignored, never a 500, no one signed in, the language unchanged."""
    settings.DEMO_MODE = True
    for value in (str(2**63 + 1), "-1", "\x00", "1\x00", "x" * 10_000, "0001-01-01"):
        answer = client.post("/oma/demo/", {"person": value})
        assert answer.status_code == 400, value
        assert CLIENT_KEY not in client.session
        answer = client.post("/oma/language/", {"language": value, "next": value})
        assert (answer.status_code, answer["Location"]) == (302, "/oma/"), value
    assert '<html lang="fi">' in client.get("/oma/").content.decode()
    sign_in_client(client, plan.person)
    for value in (str(2**63 + 1), "0", "00"):
        assert client.get(f"/oma/plan/{value}/memo.pdf").status_code == 404, value


def test_the_forms_of_the_area_tick_nothing_in_advance(client, settings, plan):
    from tests.test_rendered_forms import problems_of

    settings.DEMO_MODE = True
    pages = {url: client.get(url).content.decode() for url in ("/oma/", "/oma/demo/")}
    sign_in_client(client, plan.person)
    pages |= {url: client.get(url).content.decode() for url in ("/oma/plan/", "/oma/log/")}
    assert [problem for url, html in pages.items() for problem in problems_of(url, html)] == []
