"""The bad-input corpus (``tests/bad_input/corpus.json``) against every create and update operation
of the API, every POST form of the main pages and the filter forms of the list pages, on the demo
county.

Each corpus value goes into every operation and form, into its fields in turn (sampled: see
``pairs``; ``LUOTSI_BAD_INPUT_FULL=1`` tries every value in every field), sent by a worker who may
do the operation. Nothing may answer 5xx; a refusal (4xx) names the field; a refused request saves
nothing (the row counts of Luotsi's tables are the same before and after); HTML is stored as text
and shown escaped. Every request runs in a savepoint that is rolled back, so each one meets the
same state. Run it on PostgreSQL too (``DATABASE_URL``).
"""

from __future__ import annotations

import copy
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from luotsi.api.models import ApiToken
from luotsi.intake.models import Assessment, Contact
from luotsi.organisation.models import Municipality, User
from luotsi.plans.models import CodeList, CodeListItem, Plan
from luotsi.sharedcare.models import Consultation, SharedClient

pytestmark = pytest.mark.django_db

CORPUS_PATH = Path(__file__).parent / "bad_input" / "corpus.json"
PERSONS = 300
MARK = "luotsi-xss"  # in the script value: must never reach a page unescaped


def corpus() -> list[tuple[str, object]]:
    items = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))
    return [(item["name"], item["repeat"] * item["times"] if "repeat" in item else item["value"])
            for item in items]


CORPUS = corpus()


DEMO_COUNTY = {"persons": PERSONS, "seed": 3}  # seeded once for the module (root conftest)


@pytest.fixture
def county(demo_county, settings):
    settings.API_TOKEN_RATE = settings.API_ADDRESS_RATE = "1000000/min"


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run the block in a savepoint and undo whatever it wrote."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def _counted_tables() -> list[str]:
    """Luotsi's tables whose rows a refused request must not change: the access log records
    refusals on purpose, and the API's own bookkeeping (tokens' last use, idempotency) is not
    client data."""
    skip = {"AccessLogEntry", "ApiToken", "IdempotencyRecord"}
    return sorted({m._meta.db_table for m in apps.get_models()
                   if m.__module__.startswith("luotsi.") and not m._meta.proxy
                   and m._meta.managed and m.__name__ not in skip})


def row_counts() -> tuple:
    tables = _counted_tables()
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608 - model tables
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


# --- the API ------------------------------------------------------------------------------------

@dataclass
class Operation:
    user: str
    method: str
    path: str
    body: dict | None
    fields: list[str] = field(default_factory=list)  # dotted paths into the body
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json"


def _set(body: dict, dotted: str, value) -> dict:
    body = copy.deepcopy(body)
    target = body
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


def _body_fields(body: dict, prefix: str = "") -> list[str]:
    """Every field of a JSON body, one level into lists of objects (their first item)."""
    out = []
    for name, value in body.items():
        path = f"{prefix}{name}"
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out.extend(_body_fields(value[0], f"{path}.0."))
        else:
            out.append(path)
    return out


def _shared_client() -> SharedClient:
    return SharedClient.objects.filter(status="confirmed", coordinator__isnull=False).order_by(
        "pk")[0]


def _expert() -> User:
    return User.objects.get(username="nurse")


def _open_consultation(shared: SharedClient) -> Consultation:
    """An unanswered consultation of the shared client to the nurse, asked through the API."""
    found = Consultation.objects.filter(person_id=shared.person_id, expert=_expert(),
                                        answered_at__isnull=True).first()
    if found:
        return found
    token = ApiToken.issue(shared.coordinator)[1]
    response = Client().post(
        f"/api/v1/shared-clients/{shared.person_id}/consultations", json.dumps({
            "sector": "health", "expert_id": _expert().pk, "question": "Miten hoito etenee?",
            "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
            "basis": "consent"}),
        content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.content
    return Consultation.objects.get(pk=response.json()["id"])


def _urgency_assessed_contact() -> Contact:
    """A new contact of family intake whose urgency was assessed through the API."""
    contact = Contact.objects.filter(status="new", team__code="family-intake").order_by("-pk")[0]
    if not contact.urgency:
        token = ApiToken.issue(User.objects.get(username="intake"))[1]
        response = Client().post(
            f"/api/v1/contacts/{contact.pk}/urgency",
            json.dumps({"urgency": "not_urgent", "note": ""}),
            content_type="application/json", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code < 300, response.content
    return contact


def _base_clock_contact() -> Contact:
    """A new contact of family intake carrying the base clock (SHL 36 § 1 mom.), whose clock a
    worker may make stricter: one of the demo county's, or, on a day its fresh contacts carry
    other clocks (they are drawn anew each day and hour), one registered through the API."""
    found = Contact.objects.filter(status="new", team__code="family-intake",
                                   clock="shl_contact").order_by("pk").first()
    if found is not None:
        return found
    token = ApiToken.issue(User.objects.get(username="intake"))[1]
    response = Client().post("/api/v1/contacts", json.dumps({
        "kind": "shl_contact", "clock": "shl_contact", "channel": "phone",
        "received_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "reporter_kind": "health_care", "reporter_name": "Terveydenhoitaja Tiina",
        "reporter_organisation": "Neuvola", "description": "Perhe tarvitsee tukea arkeen.",
        "municipality_code": Municipality.objects.order_by("code")[0].code,
        "persons": [{"role": "child", "temporary": True, "first_name": "Testi",
                     "last_name": "Lapsi", "language": "fi"}]}),
        content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.content
    contact = Contact.objects.get(pk=response.json()["id"])
    assert (contact.status, contact.team.code, contact.clock) == (
        "new", "family-intake", "shl_contact")
    return contact


def _catalogue_code() -> str:
    from luotsi.intake.models import ServiceCatalogueItem

    return ServiceCatalogueItem.objects.filter(active=True).order_by("code")[0].code


def _clienthood() -> Assessment:
    """A child-welfare client of the demo county whose responsible worker is not the lead."""
    from luotsi.intake.selectors import current_clienthoods

    return current_clienthoods(("child_welfare_client",)).exclude(
        responsible_worker__username="lead").order_by("pk")[0]


def operations(today) -> dict[str, Operation]:
    """A valid request of every create and update operation, keyed by its OpenAPI operation."""
    users = {u.username: u for u in User.objects.filter(username__in=[
        "intake", "sw-central", "adult-sw", "nurse", "mhs", "employment"])}
    contact = Contact.objects.filter(status="new", team__code="family-intake").order_by("pk")[0]
    not_started = Assessment.objects.filter(
        worker=users["sw-central"], started_on__isnull=True, completed_on__isnull=True)[0]
    started = Assessment.objects.filter(
        worker=users["sw-central"], started_on__isnull=False, completed_on__isnull=True)[0]
    plan = Plan.objects.filter(coordinator=users["adult-sw"]).order_by("pk")[0]
    goal = plan.goals.order_by("pk")[0]
    shared = _shared_client()
    coordinator = shared.coordinator.username
    consultation = _open_consultation(shared)
    area = CodeListItem.objects.filter(version__current=True, code_list=CodeList.GOAL_AREA, active=True)[0].code
    # a support need the plan does not record yet
    need = CodeListItem.objects.filter(
        version__current=True, code_list=CodeList.SUPPORT_NEED, active=True).exclude(
        code__in=plan.support_needs.values("need__code")).order_by("sort_order")[0].code
    municipality = Municipality.objects.order_by("code")[0].code
    later = (today + timedelta(days=30)).isoformat()
    now = timezone.now() - timedelta(hours=1)
    person = plan.person_id
    fhir_bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "CarePlan", "status": "active", "intent": "plan",
                      "subject": {"display": "Asiakas"}}},
        {"resource": {"resourceType": "Goal", "lifecycleStatus": "active",
                      "description": {"text": "Oma koti"}, "subject": {"display": "Asiakas"},
                      "target": [{"dueDate": later}]}}]}
    return {
        "luotsi_people_api_create_person": Operation("intake", "post", "/persons", {
            "last_name": "Testinen", "first_name": "Taru", "temporary": True,
            "language": "fi", "municipality_code": municipality}),
        "luotsi_plans_api_open_plan": Operation("adult-sw", "post", f"/clients/{person}/plan",
                                                None),
        "luotsi_plans_api_update_plan": Operation("adult-sw", "patch", f"/clients/{person}/plan", {
            "client_situation": "Tilanne", "client_view": "Näkemys", "disagreement": "",
            "review_on": later, "language": "fi"}),
        "luotsi_plans_api_add_goal": Operation("adult-sw", "post",
                                               f"/clients/{person}/plan/goals", {
            "goal_area": area, "client_wording": "Oma koti", "target_date": later,
            "priority": 2}),
        "luotsi_plans_api_add_step": Operation("adult-sw", "post",
                                               f"/clients/{person}/plan/steps", {
            "what": "Soitan asuntotoimistoon", "owner_kind": "client", "due_on": later}),
        "luotsi_plans_api_add_rating": Operation("adult-sw", "post",
                                                 f"/clients/{person}/plan/ratings", {
            "goal_id": goal.pk, "value": 3, "rated_by_kind": "together", "occasion": "review",
            "rated_on": today.isoformat()}),
        "luotsi_plans_api_add_evaluation": Operation("adult-sw", "post",
                                                     f"/clients/{person}/plan/evaluations", {
            "subject": "goal", "item_id": goal.pk, "rater": "client", "value": 4,
            "note": "Parempi", "occasion": "review", "rated_on": today.isoformat()}),
        "luotsi_plans_api_add_support_need": Operation(
            "adult-sw", "post", f"/clients/{person}/plan/support-needs",
            {"need": need, "note": "Vuokrat maksamatta"}),
        "luotsi_plans_api_import_fhir": Operation(
            "adult-sw", "post", f"/clients/{person}/plan/fhir?sector=employment", fhir_bundle,
            ["entry.1.resource.description.text", "entry.1.resource.target.0.dueDate",
             "type"], content_type="application/fhir+json"),
        "luotsi_intake_api_create_contact": Operation("intake", "post", "/contacts", {
            "kind": "child_welfare_notification", "channel": "phone",
            "received_at": now.isoformat(), "reporter_kind": "education",
            "reporter_name": "Opettaja Olli", "reporter_organisation": "Koulu",
            "reporter_phone": "040 123 4567", "description": "Lapsi on ollut poissa koulusta.",
            "municipality_code": municipality,
            "persons": [{"role": "child", "temporary": True, "first_name": "Testi",
                         "last_name": "Lapsi", "language": "fi"}]}),
        "luotsi_intake_api_assess_urgency": Operation(
            "intake", "post", f"/contacts/{contact.pk}/urgency",
            {"urgency": "not_urgent", "note": "Ei kiireellinen."}),
        "luotsi_intake_api_record_initial_assessment": Operation(
            "intake", "post", f"/contacts/{_urgency_assessed_contact().pk}/initial-assessment",
            {"outcome": "advice", "reason": "Ohjattu.", "informed_on": today.isoformat()}),
        "luotsi_intake_api_change_clock": Operation(
            "intake", "post", f"/contacts/{_base_clock_contact().pk}/clock",
            {"clock": "shl_special_support_child",
             "reason": "Alkuarviossa todettiin erityisen tuen tarve."}),
        "luotsi_intake_api_assign_contact": Operation(
            "intake", "post", f"/contacts/{contact.pk}/assign",
            {"assignee_id": users["intake"].pk}),
        "luotsi_intake_api_start_assessment": Operation(
            "sw-central", "post", f"/assessments/{not_started.pk}/start",
            {"started_on": today.isoformat()}),
        "luotsi_intake_api_add_meeting": Operation(
            "sw-central", "post", f"/assessments/{started.pk}/meetings",
            {"kind": "office", "held_on": today.isoformat(), "participants": "Äiti",
             "notes": "Keskusteltiin."}),
        "luotsi_intake_api_complete_assessment": Operation(
            "sw-central", "post", f"/assessments/{started.pk}/complete",
            {"outcome": "closed", "reason": "Ei palvelutarvetta.",
             "completed_on": today.isoformat(), "conclusions": "Ei asiakkuuden edellytyksiä.",
             "client_view": "Perhe pärjää omin voimin.", "named_worker_need": "not_needed",
             "child_met_on": today.isoformat(), "child_view": "Kaikki on hyvin."}),
        "luotsi_intake_api_change_responsible_worker": Operation(
            "lead", "post", f"/assessments/{_clienthood().pk}/responsible-worker",
            {"responsible_worker_id": User.objects.get(username="lead").pk,
             "reason": "Vastuutyöntekijä jää vapaalle."}),
        "luotsi_intake_api_save_assessment_result": Operation(
            "sw-central", "put", f"/assessments/{started.pk}/result",
            {"reason": "Perhe tarvitsee tukea.", "child_met_on": today.isoformat(),
             "child_view": "Haluan harrastaa.", "support_need": "repeated"}),
        "luotsi_intake_api_add_support_measure": Operation(
            "sw-central", "post", f"/assessments/{started.pk}/support-measures",
            {"measure": "family_work", "started_on": today.isoformat(), "note": "Kerran viikossa"}),
        "luotsi_intake_api_add_referral": Operation(
            "sw-central", "post", f"/assessments/{started.pk}/referrals",
            {"service_code": _catalogue_code(), "referred_on": today.isoformat()}),
        "luotsi_sharedcare_api_create_meeting": Operation(
            coordinator, "post", f"/shared-clients/{shared.person_id}/meetings", {
                "held_at": now.isoformat(), "kind": "in_person", "place": "Toimisto",
                "agenda": "Suunnitelma", "notes": "Sovittiin.", "client_present": True,
                "close_persons": [{"name": "Sisko", "relation": "sisar"}],
                "decisions": [{"what": "Soitto", "owner_kind": "client", "due_on": later}]}),
        "luotsi_sharedcare_api_create_consultation": Operation(
            coordinator, "post", f"/shared-clients/{shared.person_id}/consultations", {
                "sector": "health", "expert_id": _expert().pk,
                "question": "Miten hoito etenee?", "due_on": later, "basis": "consent"}),
        "luotsi_sharedcare_api_answer_consultation": Operation(
            consultation.expert.username, "post",
            f"/shared-clients/consultations/{consultation.pk}/answer",
            {"answer": "Hoito etenee."}),
    }


def _write_operations(document: dict) -> set[str]:
    return {op["operationId"] for ops in document["paths"].values()
            for method, op in ops.items() if method in ("post", "put", "patch")}


class ApiCaller:
    def __init__(self, client: Client):
        self.client = client
        self.tokens: dict[str, str] = {}

    def issue(self, username: str) -> None:
        """A token for ``username`` (outside the rolled-back savepoints)."""
        if username not in self.tokens:
            self.tokens[username] = ApiToken.issue(User.objects.get(username=username))[1]

    def send(self, operation: Operation, body):
        headers = {"Authorization": f"Bearer {self.tokens[operation.user]}",
                   "Accept-Language": "fi", **operation.headers}
        if operation.method == "patch":
            plan = self.client.get(f"/api/v1{operation.path}", headers=headers)
            headers["If-Match"] = plan.headers.get("ETag", "")
        data = json.dumps(body) if body is not None else ""
        return getattr(self.client, operation.method)(
            f"/api/v1{operation.path}", data, content_type=operation.content_type,
            headers=headers)


def _names_field(response, dotted: str) -> bool:
    """The refusal names the field, or the list or object it is in (``persons`` for an item of
    ``persons.0.role`` that makes the list invalid)."""
    try:
        fields = [f["field"] for f in response.json()["error"]["fields"]]
    except (ValueError, KeyError, TypeError):
        return False
    last = dotted.split(".")[-1]
    return any(dotted in name or name.endswith(last) or last in name
               or dotted.startswith(f"{name}.") for name in fields)


# Every corpus value goes into every operation (and form); into how many of its fields, in turn
# (round robin, so each field gets its share): two of an operation's, one of a form's (and each
# form every other value, its neighbour the rest); all values into all fields with
# LUOTSI_BAD_INPUT_FULL=1.
FIELDS_PER_VALUE = 2


def pairs(fields: list[str], per_value: int = FIELDS_PER_VALUE,
          half: int | None = None) -> list[tuple[str, str, object]]:
    """(field, corpus label, value) to try; ``half`` 0 or 1 takes every other corpus value (the
    forms of a page take the halves in turn)."""
    if os.environ.get("LUOTSI_BAD_INPUT_FULL") == "1":
        return [(f, label, value) for f in fields for label, value in CORPUS]
    out = []
    for index, (label, value) in enumerate(CORPUS):
        if half is not None and index % 2 != half:
            continue
        for k in range(min(per_value, len(fields))):
            out.append((fields[(index * per_value + k) % len(fields)], label, value))
    return out


def test_bad_input__every_api_write_operation(county):
    client = Client(raise_request_exception=False)
    document = client.get("/api/v1/openapi.json").json()
    scenarios = operations(timezone.localdate())
    # A new create or update operation must be added here to be tried.
    assert _write_operations(document) == set(scenarios)

    caller = ApiCaller(client)
    for operation in scenarios.values():
        caller.issue(operation.user)
    failures: list[str] = []
    for name, operation in scenarios.items():
        with rolled_back():
            baseline = caller.send(operation, operation.body)
        assert baseline.status_code < 300, (name, baseline.status_code, baseline.content[:500])
        if operation.body is None:
            continue
        for dotted, label, value in pairs(operation.fields or _body_fields(operation.body)):
            where = f"{name} {dotted} ← {label}"
            with rolled_back():
                before = row_counts()
                response = caller.send(operation, _set(operation.body, dotted, value))
                after = row_counts()
            status = response.status_code
            if status >= 500:
                failures.append(f"{where}: {status}")
            elif status >= 400:
                if after != before:
                    failures.append(f"{where}: refused ({status}) but rows changed")
                if status in (400, 422) and not _names_field(response, dotted):
                    failures.append(f"{where}: {status} does not name the field: "
                                    f"{response.content[:200]!r}")
    assert failures == [], "\n".join(failures[:60])


# --- the pages ----------------------------------------------------------------------------------

class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (name → default value, kind)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or
                                                                      "get").lower(),
                          "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"][a["name"]] = (a.get("value") or "on", kind)
                elif kind == "radio" and a["name"] not in self._form["fields"]:
                    self._form["fields"][a["name"]] = (a.get("value") or "on", kind)
                return
            self._form["fields"][a["name"]] = (a.get("value") or "", kind)
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = ("", "textarea")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"][a["name"]] = ("", "select")
        elif tag == "option" and self._select:
            value = a.get("value", "")
            current = self._form["fields"][self._select][0]
            if "selected" in a or (not current and value):
                self._form["fields"][self._select] = (value, "select")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] = (data.strip(), "textarea")


TEXT_KINDS = {"text", "textarea", "date", "time", "datetime-local", "number", "email", "tel",
              "search", "select", "hidden"}


def _form_body(data: dict[str, str]) -> str:
    """URL-encoded as a browser would send it; a lone surrogate goes as its (invalid) bytes."""
    return urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in data.items()})


def _pages() -> list[tuple[str, str]]:
    """(user, page) of the main pages with POST forms."""
    users = {u.username: u for u in User.objects.filter(username__in=[
        "intake", "sw-central", "adult-sw", "nurse", "mhs", "employment", "dpo"])}
    contact = Contact.objects.filter(status="new", team__code="family-intake").order_by("pk")[0]
    not_started = Assessment.objects.filter(
        worker=users["sw-central"], started_on__isnull=True, completed_on__isnull=True)[0]
    started = Assessment.objects.filter(
        worker=users["sw-central"], started_on__isnull=False, completed_on__isnull=True)[0]
    plan = Plan.objects.filter(coordinator=users["adult-sw"]).order_by("pk")[0]
    shared = _shared_client()
    coordinator = shared.coordinator.username
    consultation = _open_consultation(shared)
    return [
        ("intake", "/persons/new/"),
        ("intake", "/intake/contacts/new/"),
        ("intake", f"/intake/contacts/{contact.pk}/"),
        ("sw-central", f"/intake/assessments/{not_started.pk}/"),
        ("sw-central", f"/intake/assessments/{started.pk}/"),
        ("adult-sw", f"/plans/{plan.pk}/"),
        (coordinator, f"/shared-clients/persons/{shared.person_id}/"),
        (coordinator, f"/shared-clients/persons/{shared.person_id}/meetings/new/"),
        (coordinator, f"/shared-clients/persons/{shared.person_id}/consultations/new/"),
        (consultation.expert.username, f"/shared-clients/consultations/{consultation.pk}/"),
        ("dpo", "/access-log/report/"),
    ]


def test_bad_input__every_post_form_of_the_main_pages(county):
    client = Client(raise_request_exception=False)
    failures: list[str] = []
    tried = 0
    for username, url in _pages():
        client.force_login(User.objects.get(username=username))
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        parser = _Forms()
        parser.feed(page.content.decode())
        forms = [f for f in parser.forms if f["method"] == "post"
                 and "logout" not in f["action"] and "language" not in f["action"]]
        assert forms, f"{url} has no POST form"
        for number, form in enumerate(forms):
            action = form["action"] or url
            base = {name: value for name, (value, _kind) in form["fields"].items()}
            names = [n for n, (_v, kind) in form["fields"].items()
                     if kind in TEXT_KINDS and n != "csrfmiddlewaretoken"]
            for name, label, value in pairs(names, per_value=1, half=number % 2):
                value = value if isinstance(value, str) else str(value)  # form data is text
                tried += 1
                where = f"{username} {action} {name} ← {label}"
                with rolled_back():
                    before = row_counts()
                    response = client.post(action, _form_body({**base, name: value}),
                                           content_type="application/x-www-form-urlencoded")
                    after = row_counts()
                    shown = None
                    if response.status_code in (301, 302, 303) and label in ("script",
                                                                             "HTML"):
                        shown = client.get(response.url if response.url.startswith("/")
                                           else url)
                status = response.status_code
                if status >= 500:
                    failures.append(f"{where}: {status}")
                    continue
                if status == 200 and after != before:
                    failures.append(f"{where}: refused but rows changed")
                for answer in (response, shown):
                    if answer is not None and answer.status_code == 200 and \
                            f"<script>alert('{MARK}')" in answer.content.decode():
                        failures.append(f"{where}: the script is shown unescaped")
    assert tried > 100
    assert failures == [], "\n".join(failures[:60])


def test_bad_input__every_filter_form_of_the_list_pages(county):
    """The GET forms (filters of queues and reports) take the corpus too: never a 5xx, never the
    script unescaped."""
    client = Client(raise_request_exception=False)
    failures: list[str] = []
    tried = 0
    for username, url in [("lead", "/reports/kpis/"), ("lead", "/service-usage/indicators/"),
                          ("lead", "/plans/effectiveness/"), ("intake", "/intake/queue/")]:
        client.force_login(User.objects.get(username=username))
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        parser = _Forms()
        parser.feed(page.content.decode())
        forms = [f for f in parser.forms if f["method"] == "get"]
        assert forms, f"{url} has no filter form"
        for number, form in enumerate(forms):
            action = form["action"] or url
            base = {name: value for name, (value, _kind) in form["fields"].items()}
            names = [n for n, (_v, kind) in form["fields"].items() if kind in TEXT_KINDS]
            for name, label, value in pairs(names, per_value=1, half=number % 2):
                value = value if isinstance(value, str) else str(value)
                tried += 1
                response = client.get(f"{action}?{_form_body({**base, name: value})}")
                where = f"{username} {action} {name} ← {label}"
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code}")
                elif response.status_code == 200 and response.get("Content-Type", "").startswith(
                        "text/html") and f"<script>alert('{MARK}')" in response.content.decode():
                    failures.append(f"{where}: the script is shown unescaped")
    assert tried > 20
    assert failures == [], "\n".join(failures[:60])


# --- integers beyond a database integer in every page's query parameters ------------------------

HUGE = str(2**63 + 1)


class _Links(HTMLParser):
    """The links of a page and the fields of its GET forms."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.get_fields: dict[str, set[str]] = {}  # form action → field names
        self._action: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and (a.get("href") or "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._action = (a.get("action") or "") if method == "get" else None
            if self._action is not None:
                self.get_fields.setdefault(self._action, set())
        elif tag in ("input", "select", "textarea") and self._action is not None \
                and a.get("name"):
            self.get_fields[self._action].add(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._action = None


def _route_of(path: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def _parameterless(resolver=None, prefix=""):
    """The page routes that take no part of the path as a parameter."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _parameterless(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and "<" not in str(entry.pattern):
            yield "/" + prefix + str(entry.pattern)


def _query_names(parser: _Links, path: str) -> set[str]:
    """The query parameters a page takes: its GET forms' fields, its links' to itself, page."""
    names = {"page"}
    for action, fields in parser.get_fields.items():
        if action in ("", path):
            names |= fields
    for link in parser.links:
        split = urlsplit(link)
        if split.path == path:
            names |= {name for name, _v in parse_qsl(split.query, keep_blank_values=True)}
    return names


def test_huge_integers__every_query_parameter_of_every_page(county):
    """Every page a worker of each role reaches from the home page (each URL pattern once), and
    every page route without ids, is asked with each of its query parameters (its GET forms'
    fields, the parameters of its links to itself, and ``page``) set to 2^63+1: never a 5xx."""
    skip = ("/static/", "/admin/", "/api/", "/logout/", "/oidc/", "/i18n/")
    users = list(User.objects.filter(is_active=True, is_superuser=False).order_by("username"))
    client = Client(raise_request_exception=False)
    failures: list[str] = []
    done: set[str] = set()  # URL patterns tried
    tried = 0

    fixed = [p for p in _parameterless() if not p.startswith(skip) and "^" not in p]

    def try_page(url: str) -> list[str]:
        nonlocal tried
        path = urlsplit(url).path
        page = client.get(url)
        tried += 1
        if page.status_code >= 500:
            failures.append(f"{url}: {page.status_code}")
            return []
        if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
            return []
        parser = _Links()
        parser.feed(page.content.decode())
        for name in sorted(_query_names(parser, path) - {"csrfmiddlewaretoken"}):
            response = client.get(path, {name: HUGE})
            tried += 1
            if response.status_code >= 500:
                failures.append(f"{path}?{name}={HUGE}: {response.status_code}")
        return parser.links

    for user in users:
        client.force_login(user)
        queue = ["/", *fixed]
        while queue:
            url = queue.pop(0)
            path = urlsplit(url).path
            if path.startswith(skip):
                continue
            route = _route_of(path)
            if route is None or (user.username, route) in done or route in done:
                continue
            done.add((user.username, route) if "<" not in route else route)
            queue += try_page(url)
    routes = {r for r in done if isinstance(r, str)}
    print(json.dumps({"pages_tried": tried, "patterns_with_ids": len(routes)}))
    assert len(routes) >= 15
    assert failures == [], "\n".join(failures[:60])


def test_unknown_fields__every_api_write_operation_refuses_them(county):
    """Every input schema names the fields it takes: an unknown field, at the top of the body or
    in one of its objects, is refused (422, the field named) and nothing is saved."""
    client = Client(raise_request_exception=False)
    caller = ApiCaller(client)
    scenarios = operations(timezone.localdate())
    failures: list[str] = []
    tried = 0
    for name, operation in scenarios.items():
        if operation.body is None or operation.content_type != "application/json":
            continue
        caller.issue(operation.user)
        places = [""] + sorted({d.rsplit(".", 1)[0] + "." for d in _body_fields(operation.body)
                               if "." in d})
        for place in places:
            dotted = f"{place}luotsi_unknown"
            with rolled_back():
                before = row_counts()
                response = caller.send(operation, _set(operation.body, dotted, "x"))
                after = row_counts()
            tried += 1
            if response.status_code != 422 or not _names_field(response, dotted) \
                    or after != before:
                failures.append(f"{name} {dotted}: {response.status_code} "
                                f"{response.content[:200]!r}")
    assert tried >= 15
    assert failures == [], "\n".join(failures)
