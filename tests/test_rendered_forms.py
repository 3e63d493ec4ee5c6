"""Every form as a worker first sees it, on the demo county: each page route (the route
matrix's classification) opened by each role, and each page of client data by the worker who
may open it; the shared-client checklist of a candidate too.

On every page:

- each ``<input type="date">`` carries an ISO value (``2026-12-05``) or none, and each
  ``<input type="time">`` ``HH:MM``: a native date picker shows any other value as an empty
  field, and the form is then refused for a field the worker never touched;
- no checkbox is ticked and no radio button chosen on a form of a new record, and no "who
  rated" is chosen: an attestation, consent or legal statement is recorded only when a worker ticks it.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import resolve

from luotsi.organisation.models import User
from luotsi.sharedcare.selectors import candidates
from tests.test_route_matrix import PAGES, Ids, _fill, _objects, _page_routes

pytestmark = pytest.mark.django_db

INPUT = re.compile(r"<input\b[^>]*>")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_TIME = re.compile(r"\d{2}:\d{2}(:\d{2})?")
SELECT = re.compile(r'<select\b[^>]*name="([^"]*)"[^>]*>(.*?)</select>', re.S)
# Selects whose value states who took part: chosen by the worker, never given.
ATTESTING_SELECTS = ("rated_by_kind",)
SKIPPED = ("admin/", "api/", "logout", "auth/oidc", "i18n/")


def _attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}(?:="([^"]*)")?(?=[\s>/])', tag)
    if found is None:
        return None
    return found.group(1) or ""


def problems_of(url: str, html: str, *, saved: bool = False) -> list[str]:
    """What is wrong on the page; ``saved``: an edit form of a saved record, whose boxes show
    what was recorded."""
    found = []
    for tag in INPUT.findall(html):
        kind, value = _attribute(tag, "type"), _attribute(tag, "value")
        if kind == "date" and value and not ISO_DATE.fullmatch(value):
            found.append(f"{url}: date input {tag}")
        if kind == "time" and value and not ISO_TIME.fullmatch(value):
            found.append(f"{url}: time input {tag}")
        if kind in {"checkbox", "radio"} and not saved and _attribute(tag, "checked") is not None:
            found.append(f"{url}: ticked in advance {tag}")
    for name, options in SELECT.findall(html):
        if name.endswith(ATTESTING_SELECTS) and re.search(
                r'<option value="[^"]+"[^>]*\sselected', options):
            found.append(f"{url}: {name} chosen in advance")
    return found


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", persons=1000, seed=5, stdout=StringIO())


def _get_pages() -> tuple[list[str], dict[str, str]]:
    """The pages without ids (each role opens them) and the GET pages with ids (name → route)."""
    plain, with_ids = [], {}
    for name, route in _page_routes():
        if route.startswith(SKIPPED) or name.startswith("api:"):
            continue
        rule = PAGES.get(name)
        if isinstance(rule, Ids):
            if rule.method == "GET":
                with_ids[name] = route
        elif "<" not in route and not route.endswith((".csv", "csv/")) \
                and "csv" not in name:
            plain.append("/" + route)
    return plain, with_ids


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
INTENT = re.compile(r'name="intent"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="intent"')


def post_forms_of(url: str, html: str) -> dict[str, bool]:
    """The page's post forms: the route name they post to (with the form's ``intent``, when it
    has one) → whether the form carries a retry key."""
    found = {}
    for attributes, body in FORM.findall(html):
        if (_attribute(f"<form{attributes}>", "method") or "").lower() != "post":
            continue
        target = urlsplit(urljoin(url, _attribute(f"<form{attributes}>", "action") or url)).path
        name = resolve(target).view_name
        intents = {a or b for a, b in INTENT.findall(body)} or {""}
        for intent in intents:
            found[f"{name}#{intent}" if intent else name] = 'name="idempotency_key"' in body
    return found


def test_every_page_form__iso_dates_and_nothing_ticked_in_advance(client, demo):
    plain, with_ids = _get_pages()
    assert len(plain) > 10 and len(with_ids) > 10
    failures, pages = [], 0
    forms: dict[str, bool] = {}
    for user in User.objects.filter(is_active=True).order_by("username"):
        client.force_login(user)
        for url in plain:
            response = client.get(url)
            if response.status_code == 200 and "text/html" in response["Content-Type"]:
                failures += problems_of(f"{user.username} {url}", response.content.decode())
                forms.update(post_forms_of(url, response.content.decode()))
                pages += 1
    objects = _objects()
    for name, route in with_ids.items():
        ids, right, _unrelated, _missing = objects[PAGES[name].kind]
        client.force_login(right)
        url = _fill(route, ids)
        response = client.get(url)
        assert response.status_code == PAGES[name].right, (name, url, response.status_code)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue  # a download (the result document's PDF) holds no form
        failures += problems_of(f"{right.username} {url}", response.content.decode(),
                                saved=name.endswith("_edit"))
        forms.update(post_forms_of(url, response.content.decode()))
        pages += 1
    # The checklist of a candidate not yet decided on: the consent's start date is given.
    lead = User.objects.get(username="lead")
    candidate = candidates(lead).first()
    assert candidate is not None
    if candidate is not None:
        client.force_login(lead)
        url = f"/shared-clients/persons/{candidate.pk}/confirm/"
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert re.search(r'type="date"[^>]*value="\d{4}-\d{2}-\d{2}"', body), body
        failures += problems_of(url, body)
        forms.update(post_forms_of(url, body))
        pages += 1
    assert failures == [], "\n".join(failures)
    assert pages > 50
    assert_retries_classified(forms)


# Page forms that create something carry a retry key (docs/decisions/0004, "Page forms on the
# mechanism"); the rest say there why a repeat creates nothing ("Page forms exempt, and why").
# A route name, with ``#intent`` for a page that holds several forms.
ONCE_FORMS = {
    "intake:advice_create#advice", "intake:contact_create#register", "person_create",
    "intake:assessment_detail#consultation", "intake:assessment_detail#meeting",
    "intake:assessment_detail#referral", "intake:assessment_detail#support",
    "plan_consent_add", "plan_consent_request", "plan_factor_add", "plan_goal_add",
    "plan_method_add", "plan_participant_add", "plan_rating_add", "plan_meter_record",
    "plan_review_record", "plan_review_schedule",
    "plan_section_add", "plan_service_add", "plan_step_add", "plan_support_need_add",
    "sharedcare:consultation_create", "sharedcare:meeting_create",
    "foresight:capacity#gap",
}
EXEMPT_FORMS = {
    # Set a state or a person; a repeat sets the same, or names an old version and is refused.
    "intake:contact_detail#assign", "intake:contact_detail#clock",
    "intake:contact_detail#urgency", "intake:contact_detail#initial", "intake:queue#assign",
    "intake:assessment_detail#start", "intake:assessment_detail#complete",
    "intake:assessment_detail#result", "intake:assessment_detail#answer",
    "sharedcare:consultation_detail", "intake:caseload#confirm",
    "plan_accept", "plan_coordinator", "plan_named_worker", "plan_goal_edit", "plan_step_edit",
    "plan_step_done", "plan_text", "sharedcare:confirm", "sharedcare:decline", "sharedcare:end",
    "sharedcare:meeting_edit", "foresight:capacity#capacity", "foresight:capacity#efforts",
    # Remove, withdraw or merge: the row is gone or already changed.
    "plan_consent_withdraw", "plan_goal_remove", "plan_method_remove", "plan_service_remove",
    "plan_step_remove", "plan_support_need_remove", "plan_section_merge", "intake:assessment_detail#support_remove",
    "intake:assessment_detail#referral_remove", "foresight:gap_remove",
    # Each break of the glass is an act of its own; its review is recorded once.
    "emergency_access", "emergency_review",
    # A backtest's figures are the same for the same date: a repeat stores them again.
    "signals:early_rule",
    # Create nothing: searches, reports, previews, the language, signing out.
    "access_log_report", "person_search", "intake:caseload#preview", "set_language",
    "oma:language", "oma:consent_withdraw", "oma:consent_accept", "oma:ratings",
    "oma:feedback", "logout",
}


def assert_retries_classified(forms: dict[str, bool]) -> None:
    adr = (Path(__file__).resolve().parent.parent / "docs" / "decisions"
           / "0004-one-idempotency-mechanism.md").read_text()
    unclassified = sorted(set(forms) - ONCE_FORMS - EXEMPT_FORMS)
    assert unclassified == [], (
        "post forms in neither ONCE_FORMS nor EXEMPT_FORMS (classify them here and in "
        f"docs/decisions/0004): {unclassified}")
    without_key = sorted(name for name, keyed in forms.items()
                         if name in ONCE_FORMS and not keyed)
    assert without_key == [], f"forms that create something but carry no retry key: {without_key}"
    undocumented = sorted(name for name in forms if f"`{name.partition('#')[0]}`" not in adr)
    assert undocumented == [], f"post forms docs/decisions/0004 does not name: {undocumented}"


def test_the_retry_classification_names_each_form_once():
    assert not ONCE_FORMS & EXEMPT_FORMS
    assert_retries_classified({name: True for name in ONCE_FORMS}
                              | {name: False for name in EXEMPT_FORMS})
    with pytest.raises(AssertionError, match="neither"):
        assert_retries_classified({"plan_new_thing_add": True})
    with pytest.raises(AssertionError, match="no retry key"):
        assert_retries_classified({"plan_goal_add": False})
