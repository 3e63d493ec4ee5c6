"""The route matrix: every page route (from the URL resolver) and every API operation (from the
OpenAPI document) is classified below, and each one that takes an id of client data is tried on
the demo county with a real object's id

- as anonymous: the login page (pages) or 401 (API);
- as an unrelated worker (no relationship with the client): 404, exactly the answer for an id
  that does not exist, the refusal is written to the access log, and the view reached the data
  through one of the gateway's access functions (``access_*_by_id``, registered in
  ``gateway.ACCESS_FUNCTIONS``): a route that fetches client data by id any other way fails;
- as the right worker (who has the relationship): the documented status.

A route or operation that is not in the tables fails the test: a new one is classified when it
is added.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from luotsi.access import gateway
from luotsi.access.models import AccessLogEntry, Outcome
from luotsi.api.models import ApiToken
from luotsi.intake.models import Assessment, Contact
from luotsi.organisation.models import User
from luotsi.organisation.permissions import Action, has_permission
from luotsi.plans import fhir
from luotsi.plans import services as plan_services
from luotsi.plans.models import Plan
from luotsi.sharedcare.models import Consultation, Meeting

pytestmark = pytest.mark.django_db

MISSING = 2**62  # an id no record has


@dataclass(frozen=True)
class Ids:
    """A route whose ids point at client data: ``kind`` names how the ids are found (see
    ``_objects``); ``method`` is how it is tried; ``right`` the documented status for the worker
    who has the relationship (an empty POST to a form: the form again, or its redirect)."""

    kind: str
    method: str = "GET"
    right: int = 200
    body: dict | None = None  # an API body that passes the schema, so the access check is met


@dataclass(frozen=True)
class NoClientData:
    why: str


@dataclass(frozen=True)
class Excluded:
    why: str


LISTS = NoClientData("a list or form filtered to the caller's own clients; no id in the URL")

PAGES = {
    "home": LISTS,
    "healthz": NoClientData("health check"),
    "readyz": NoClientData("readiness check (database reachable, migrations applied)"),
    "login": NoClientData("sign-in"),
    "logout": NoClientData("sign-out"),
    "second_factor": NoClientData("sign-in: the code after the password"),
    "second_factor_enrol": NoClientData("sign-in: setting up the authenticator app"),
    "second_factor_account": NoClientData("the caller's own two-step verification"),
    "oidc_login": NoClientData("sign-in through the identity provider (404 when not configured)"),
    "oidc_callback": NoClientData("the identity provider's answer (404 when not configured)"),
    "person_search": LISTS,
    "person_create": NoClientData("registration form"),
    "emergency_access": NoClientData("the emergency-access form; its reason is logged"),
    "person_detail": Ids("person"),
    "access_log_report": NoClientData("the data-protection officer's report (own tests)"),
    "emergency_reviews": LISTS,
    "emergency_review": Excluded("a team lead's review of a member's emergency access: the "
                                 "reviewer is chosen by team, not by client relationship "
                                 "(access tests cover it)"),
    "emergency_record": Excluded("a record of a member's emergency access, for its reviewer: "
                                 "the reviewer is chosen by team, not by client relationship "
                                 "(access tests cover it)"),
    "person_emergency_access": Excluded("break the glass: for a worker without a relationship "
                                        "by design; POST only, with a logged reason (people "
                                        "tests cover it)"),
    "api_tokens": NoClientData("the caller's own API tokens"),
    "api_token_revoke": NoClientData("the caller's own API token"),
    "intake:contact_create": NoClientData("registration form"),
    "intake:advice_create": NoClientData("the form of advice or a consultation (no person data)"),
    "intake:advice_detail": Excluded("an advice record names no one and is visible to its "
                                     "team; access_advice_by_id logs reads and refusals "
                                     "(intake test_advice covers it)"),
    "intake:advice_list": NoClientData("the intake team's advice records: no person data, no "
                                       "id in the URL"),
    "intake:contact_detail": Ids("contact"),
    "intake:queue": LISTS,
    "intake:my_work": LISTS,
    "intake:assessment_detail": Ids("assessment"),
    "intake:assessment_result": Ids("assessment"),
    "intake:assessment_result_pdf": Ids("assessment"),
    "intake:caseload": LISTS,
    "intake:responsible_worker": Excluded("a team lead's change of a client's responsible worker: "
                                          "access_assessment_by_id (404, logged), then the lead "
                                          "of the assessment's team only (intake "
                                          "test_responsible_worker covers it)"),
    "reports_kpis": NoClientData("aggregates only"),
    "reports_kpi_csv": NoClientData("aggregates only"),
    "plan_list": LISTS,
    "plan_effectiveness": NoClientData("aggregates only"),
    "plan_effectiveness_csv": NoClientData("aggregates only"),
    "plan_research_csv": NoClientData("pseudonymised research file (own tests)"),
    "plan_open": Ids("person", right=302),
    "plan_detail": Ids("plan"),
    "plan_text": Ids("plan", "POST"),
    "plan_section_add": Ids("plan", "POST"),
    "plan_section_merge": Ids("plan+imported", "POST", 302),
    "plan_section_disclose": Ids("plan", "POST"),
    "plan_coordinator": Ids("plan", "POST"),
    "plan_named_worker": Ids("plan", "POST", 302),
    "plan_goal_add": Ids("plan", "POST"),
    "plan_goal_edit": Ids("plan+goal"),
    "plan_goal_remove": Ids("plan+goal"),
    "plan_step_edit": Ids("plan+step"),
    "plan_step_remove": Ids("plan+step"),
    "plan_service_remove": Ids("plan+service"),
    "plan_method_remove": Ids("plan+method"),
    "plan_support_need_add": Ids("plan", "POST"),
    "plan_support_need_remove": Ids("plan+need"),
    "plan_factor_add": Ids("plan", "POST"),
    "plan_service_add": Ids("plan", "POST"),
    "plan_method_add": Ids("plan", "POST"),
    "plan_step_add": Ids("plan", "POST"),
    "plan_step_done": Ids("plan+step", "POST", 302),
    "plan_participant_add": Ids("plan", "POST"),
    "plan_consent_add": Ids("plan", "POST"),
    "plan_consent_request": Ids("plan", "POST"),
    "plan_consent_withdraw": Ids("plan+consent", "POST", 302),
    "plan_accept": Ids("plan", "POST"),
    "plan_review_schedule": Ids("plan", "POST"),
    "plan_review_record": Ids("plan", "POST"),
    "plan_rating_add": Ids("plan", "POST"),
    "plan_meter_record": Ids("plan", "POST"),
    "plan_memo": Ids("plan"),
    "plan_memo_pdf": Excluded("the memo as PDF: the same access check as plan_memo (tried "
                              "here), rendering a PDF per case is slow"),
    "plan_export": Ids("plan"),
    "usage:indicators": NoClientData("aggregates only"),
    "usage:indicators_csv": NoClientData("aggregates only"),
    "foresight:forecast": NoClientData("aggregates only: hours and counts per team and week"),
    "foresight:forecast_csv": NoClientData("aggregates only"),
    "foresight:capacity": NoClientData("a team's capacity (staff by role, efforts): no client "
                                       "data; its lead only (foresight test_capacity)"),
    "foresight:gap_remove": NoClientData("a team's absence or vacancy: no client data"),
    "sharedcare:candidates": LISTS,
    "signals:intervention_points": NoClientData("aggregates only, small cells suppressed"),
    "signals:early_rules": NoClientData("the early-warning rules and their aggregate backtests"),
    "signals:early_rule": NoClientData("an early-warning rule (the id is a rule's, not a "
                                       "client's) and its aggregate backtest"),
    "signals:early_candidates": LISTS,
    "sharedcare:person": Ids("shared"),
    "sharedcare:confirm": Ids("shared"),
    "sharedcare:decline": Ids("shared"),
    "sharedcare:end": Ids("shared"),
    "sharedcare:meeting_create": Ids("shared"),
    "sharedcare:consultation_create": Ids("shared"),
    "sharedcare:meeting_edit": Ids("meeting"),
    "sharedcare:meeting_minutes": Ids("meeting"),
    "sharedcare:meeting_pdf": Excluded("the minutes as PDF: the same access check as "
                                       "meeting_minutes (tried here), rendering is slow"),
    "sharedcare:consultations": LISTS,
    "sharedcare:consultation_detail": Ids("consultation"),
    "set_language": NoClientData("language choice"),
    "oma:home": NoClientData("the client's own area: its sign-in page (a signed-in client is "
                             "sent on to their plan)"),
    "oma:demo": NoClientData("demo identification: test identities, demo mode only"),
    "oma:language": NoClientData("the language of the client area's sign-in pages"),
    "oma:sign_out": NoClientData("the client's sign-out"),
    "oma:access_log_pdf": Excluded("the signed-in client's own access-log report as PDF, no "
                                   "id in the URL (luotsi/oma tests)"),
    "oma:auth_start": NoClientData("the client's strong identification: a redirect to the "
                                   "identification service"),
    "oma:auth_callback": NoClientData("the identification service's answer: signs the "
                                      "identified client in, reads no client data by id"),
    "oma:auth_jwks": NoClientData("Luotsi's public keys for the identification service"),
    "oma:plan": Excluded("the signed-in client's own plan, no id in the URL; a staff session "
                         "gets only the sign-in page (luotsi/oma tests)"),
    "oma:memo_pdf": Excluded("the memo of the client's own plan: access_own_plan_by_id answers "
                             "404 for another person's plan; luotsi/oma tests walk every /oma/ "
                             "URL as another client"),
    "oma:access_log": Excluded("the signed-in client's own access-log report, no id in the URL "
                               "(luotsi/oma tests)"),
    "oma:ratings": Excluded("the signed-in client's own ratings of their own plan, no id in the "
                            "URL (luotsi/oma tests)"),
    "oma:consents": Excluded("the signed-in client's own consents, no id in the URL "
                             "(luotsi/oma tests)"),
    "oma:consent_withdraw": Excluded("access_own_consent_by_id answers 404 for another "
                                     "person's consent; luotsi/oma tests walk every /oma/ URL "
                                     "as another client"),
    "oma:consent_accept": Excluded("access_own_consent_by_id answers 404 for another person's "
                                   "consent; luotsi/oma tests walk every /oma/ URL as another "
                                   "client"),
    "oma:feedback": Excluded("the client's answer about their own review or meeting, named in "
                             "the body; another person's answers 404 (luotsi/oma tests)"),
    "api:openapi-json": NoClientData("the API document"),
    "api:api-root": NoClientData("the API's root (no operation)"),
}

# The API's URL patterns of operations: classified one by one below, as operations.
API_PREFIX = "api:"
API_PAGES = {"api:openapi-json", "api:api-root"}

OPERATIONS = {
    "POST /api/v1/persons": NoClientData("registration; answers only the new id"),
    "GET /api/v1/persons/{person_id}": Ids("person"),
    "GET /api/v1/clients": LISTS,
    "GET /api/v1/clients/{person_id}/plan": Ids("plan-person"),
    "PATCH /api/v1/clients/{person_id}/plan": Ids("plan-person", "PATCH", 428),
    "POST /api/v1/clients/{person_id}/plan": Ids("plan-person", "POST", 200),
    "POST /api/v1/clients/{person_id}/plan/goals": Ids("plan-person", "POST", 422),
    "POST /api/v1/clients/{person_id}/plan/steps": Ids("plan-person", "POST", 422),
    "POST /api/v1/clients/{person_id}/plan/ratings":
        Ids("plan-person", "POST", 422, {"goal_id": MISSING}),
    "POST /api/v1/clients/{person_id}/plan/evaluations":
        Ids("plan-person", "POST", 422, {"subject": "service", "item_id": MISSING,
                                         "rater": "professional"}),
    "POST /api/v1/clients/{person_id}/plan/support-needs": Ids("plan-person", "POST", 422),
    "DELETE /api/v1/clients/{person_id}/plan/support-needs/{need_id}":
        Ids("plan-person+need", "DELETE", 428),
    "GET /api/v1/clients/{person_id}/plan/fhir": Ids("plan-person"),
    "POST /api/v1/clients/{person_id}/plan/fhir": Ids("plan-person", "POST", 422),
    "POST /api/v1/contacts": NoClientData("registration; answers only what the caller may see"),
    "GET /api/v1/contacts": LISTS,
    "GET /api/v1/contacts/{contact_id}": Ids("contact"),
    "POST /api/v1/contacts/{contact_id}/urgency":
        Ids("contact", "POST", 200, {"urgency": "not_urgent"}),
    "POST /api/v1/contacts/{contact_id}/initial-assessment":
        Ids("contact", "POST", 422, {"outcome": "advice"}),
    "POST /api/v1/contacts/{contact_id}/clock":
        Ids("contact", "POST", 422, {"clock": "shl_contact", "reason": ""}),
    "POST /api/v1/contacts/{contact_id}/assign":
        Ids("contact", "POST", 422, {"assignee_id": MISSING}),
    "GET /api/v1/assessments/{assessment_id}": Ids("assessment"),
    "POST /api/v1/assessments/{assessment_id}/start":
        Ids("assessment", "POST", 422, {"started_on": "1999-01-01"}),
    "POST /api/v1/assessments/{assessment_id}/meetings":
        Ids("assessment", "POST", 422, {"kind": "office", "held_on": "1999-01-01", "notes": ""}),
    "POST /api/v1/assessments/{assessment_id}/complete":
        Ids("assessment", "POST", 422, {"outcome": "closed", "reason": "",
                                        "completed_on": "1999-01-01"}),
    "PUT /api/v1/assessments/{assessment_id}/result":
        Ids("assessment", "PUT", 422, {"child_met_on": "1999-01-01"}),
    "POST /api/v1/assessments/{assessment_id}/support-measures":
        Ids("assessment", "POST", 422, {"measure": "other", "started_on": "1999-01-01"}),
    "POST /api/v1/assessments/{assessment_id}/referrals":
        Ids("assessment", "POST", 422, {"service_code": "none", "referred_on": "1999-01-01"}),
    "GET /api/v1/signals/backtest": NoClientData("aggregates only, small cells suppressed"),
    "GET /api/v1/advice": NoClientData("the intake team's advice records: no person data"),
    "GET /api/v1/advice/{advice_id}": Excluded("an advice record names no one and is visible "
                                               "to its team; access_advice_by_id logs reads "
                                               "and refusals (intake test_advice covers it)"),
    "POST /api/v1/assessments/{assessment_id}/responsible-worker":
        Excluded("a team lead's change of a client's responsible worker: "
                 "access_assessment_by_id (404, logged), then the lead of the assessment's team "
                 "only (intake test_responsible_worker covers it)"),
    "GET /api/v1/shared-clients/candidates": LISTS,
    "GET /api/v1/shared-clients/consultations": LISTS,
    "POST /api/v1/shared-clients/consultations/{consultation_id}/answer":
        Ids("consultation-expert", "POST", 422),
    "GET /api/v1/shared-clients/{person_id}": Ids("shared"),
    "GET /api/v1/shared-clients/{person_id}/meetings": Ids("shared"),
    "POST /api/v1/shared-clients/{person_id}/meetings": Ids("shared", "POST", 422),
    "GET /api/v1/shared-clients/{person_id}/consultations": Ids("shared"),
    "POST /api/v1/shared-clients/{person_id}/consultations": Ids("shared", "POST", 422),
    "GET /api/v1/foresight/teams/{code}/forecast": NoClientData(
        "a team's workload forecast: aggregates only, team leads (foresight tests)"),
}


def _page_routes(resolver=None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _page_routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            yield name, prefix + str(entry.pattern)


def _visible(user, person_id: int) -> bool:
    return gateway.visible_persons(user).filter(pk=person_id).exists()


def _workers() -> list[User]:
    return [u for u in User.objects.filter(is_active=True).order_by("username")
            if has_permission(u, Action.VIEW_CLIENT)]


def _pair(person_id: int, workers) -> tuple[User, User]:
    """A worker who sees the person and one who does not."""
    right = next(u for u in workers if _visible(u, person_id))
    unrelated = next(u for u in workers if not _visible(u, person_id))
    return right, unrelated


def _objects() -> dict[str, tuple[dict, User, User, dict]]:
    """kind → (the URL's ids, the right worker, an unrelated worker, the ids of nothing)."""
    workers = _workers()
    found = {}
    plan = next(p for p in Plan.objects.order_by("pk")
                if p.goals.exists() and p.steps.exists() and p.services.exists()
                and p.consents.exists() and p.sections.exists()
                and p.goals.filter(methods__isnull=False).exists())
    right, unrelated = _pair(plan.person_id, workers)
    found["person"] = ({"person_id": plan.person_id}, right, unrelated, {"person_id": MISSING})
    found["plan-person"] = found["person"]
    found["plan"] = ({"plan_id": plan.pk}, right, unrelated, {"plan_id": MISSING})
    goal = plan.goals.filter(methods__isnull=False).first()
    subs = {"goal": goal, "step": plan.steps.first(), "service": plan.services.first(),
            "method": goal.methods.first(), "consent": plan.consents.first(),
            "section": plan.sections.first(), "need": plan.support_needs.first()}
    for name, row in subs.items():
        found[f"plan+{name}"] = ({"plan_id": plan.pk, f"{name}_id": row.pk}, right, unrelated,
                                 {"plan_id": MISSING, f"{name}_id": row.pk})
    found["plan-person+need"] = ({"person_id": plan.person_id, "need_id": subs["need"].pk},
                                 right, unrelated,
                                 {"person_id": MISSING, "need_id": subs["need"].pk})
    # Merging takes an imported draft: the plan's own FHIR export, imported back.
    imported = plan_services.section_import(
        actor=right, plan=plan, body=fhir.plan_bundle_json(right, plan.pk).encode(),
        sector=plan.sections.first().sector)
    found["plan+imported"] = ({"plan_id": plan.pk, "section_id": imported.pk}, right,
                              unrelated, {"plan_id": MISSING, "section_id": imported.pk})
    contact = Contact.objects.filter(closed_on__isnull=True, urgency="").order_by("pk").first()
    right, unrelated = _pair(contact.child_id, workers)
    found["contact"] = ({"contact_id": contact.pk}, right, unrelated, {"contact_id": MISSING})
    assessment = Assessment.objects.filter(completed_on__isnull=True, started_on__isnull=True) \
        .order_by("pk").first()
    # The assessment's own team does its work.
    right, unrelated = _pair(assessment.child_id,
                             [u for u in workers if u.teams.filter(pk=assessment.team_id).exists()]
                             + [u for u in workers
                                if not u.teams.filter(pk=assessment.team_id).exists()])
    found["assessment"] = ({"assessment_id": assessment.pk}, right, unrelated,
                           {"assessment_id": MISSING})
    meeting = Meeting.objects.select_related("shared_client").order_by("pk").first()
    person_id = meeting.shared_client.person_id
    right, unrelated = _pair(person_id, workers)
    found["shared"] = ({"person_id": person_id}, right, unrelated, {"person_id": MISSING})
    found["meeting"] = ({"meeting_id": meeting.pk}, right, unrelated, {"meeting_id": MISSING})
    consultation = Consultation.objects.filter(answered_at__isnull=True, expert__isnull=False) \
        .order_by("pk").first()
    unrelated = next(u for u in workers if not _visible(u, consultation.person_id))
    found["consultation"] = ({"consultation_id": consultation.pk}, consultation.asked_by,
                             unrelated, {"consultation_id": MISSING})
    found["consultation-expert"] = ({"consultation_id": consultation.pk}, consultation.expert,
                                    unrelated, {"consultation_id": MISSING})
    return found


def _fill(route: str, ids: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)


def _fill_api(path: str, ids: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


def _page(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, {})


def _api(client, method: str, url: str, token: str | None, body: dict | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json",
                          headers=headers)


def _refusal_logged(user: User, since: int) -> bool:
    return AccessLogEntry.objects.filter(seq__gt=since, user_id=user.pk,
                                         outcome=Outcome.REFUSED).exists()


class _AccessCalls:
    """The access functions (``access_*_by_id``) called while a request is answered."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, sender, **kwargs) -> None:
        self.names.append(sender)

    def missed(self, name: str) -> list[str]:
        """The failure of a route whose request called no access function."""
        return [] if self.names else [f"{name}: not through an access_*_by_id function"]


def _stored(name: str, *answers) -> list[str]:
    """The failure of a route with client data whose answer may be kept in a cache."""
    return [f"{name}: {a.status_code} without Cache-Control: no-store" for a in answers
            if "no-store" not in a.get("Cache-Control", "")]


def test_no_route_with_client_data_lets_its_answers_be_cached():
    """Only routes classified as carrying no client data may opt out of ``no-store``."""
    from luotsi.common.middleware import CACHE_ALLOWED_ATTR

    opted_out = [name for name, entry in _patterns_by_name()
                 if getattr(entry.callback, CACHE_ALLOWED_ATTR, False)]
    assert [n for n in opted_out if not isinstance(PAGES.get(n), NoClientData)] == []


def _patterns_by_name(resolver=None, namespace: str = ""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _patterns_by_name(entry, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}:{entry.name}" if namespace else (entry.name or "")), entry


def _last_seq() -> int:
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _same_404(missing, refused) -> bool:
    if missing.status_code != 404 or refused.status_code != 404:
        return False
    if missing["Content-Type"].startswith("application/json"):
        return missing.json() == refused.json()
    # Pages: the same page, apart from the id that was opened (in a link or a form) and the
    # form's CSRF token.
    def strip(response):
        text = response.content.decode()
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        return re.sub(r"\d+", "N", text)
    return strip(missing) == strip(refused)


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", persons=1000, seed=5, stdout=StringIO())


def test_every_route_is_classified_and_client_data_answers_only_the_right_worker(client, demo):
    pages = {name: route for name, route in _page_routes()
             if not route.startswith("admin/")
             and (not name.startswith(API_PREFIX) or name in API_PAGES)}
    admin = [route for _name, route in _page_routes() if route.startswith("admin/")]
    spec = client.get("/api/v1/openapi.json").json()
    operations = {f"{method.upper()} {path}": path for path, item in spec["paths"].items()
                  for method in item}

    unclassified = sorted(set(pages) - set(PAGES)) + sorted(set(operations) - set(OPERATIONS))
    stale = sorted(set(PAGES) - set(pages)) + sorted(set(OPERATIONS) - set(operations))
    assert (unclassified, stale) == ([], [])
    assert admin, "Django admin (superusers only; no client data is administered there)"

    objects = _objects()
    tokens: dict[int, str] = {}
    calls = _AccessCalls()
    gateway.access_checked.connect(calls)
    assert set(gateway.ACCESS_FUNCTIONS) >= {
        "access_person_by_id", "access_contact_by_id", "access_assessment_by_id",
        "access_plan_by_id", "access_client_plan_by_id", "access_shared_client_by_id",
        "access_meeting_by_id", "access_consultation_by_id"}

    def token(user):
        if user.pk not in tokens:
            tokens[user.pk] = ApiToken.issue(user)[1]
        return tokens[user.pk]

    failures, tried = [], 0
    for name, rule in PAGES.items():
        if not isinstance(rule, Ids):
            continue
        ids, right, unrelated, missing_ids = objects[rule.kind]
        url = _fill(pages[name], ids)
        client.logout()
        response = _page(client, rule.method, url)
        if response.status_code != 302 or not response["Location"].startswith("/login/"):
            failures.append(f"{name} anonymous: {response.status_code}")
        client.force_login(unrelated)
        since = _last_seq()
        calls.names = []
        refused = _page(client, rule.method, url)
        failures += calls.missed(name)
        missing = _page(client, rule.method, _fill(pages[name], missing_ids))
        if not _same_404(missing, refused):
            failures.append(f"{name} unrelated {unrelated}: {refused.status_code} "
                            f"(missing id: {missing.status_code})")
        elif not _refusal_logged(unrelated, since):
            failures.append(f"{name} unrelated: refusal not logged")
        client.force_login(right)
        answer = _page(client, rule.method, url)
        if answer.status_code != rule.right:
            failures.append(f"{name} right {right}: {answer.status_code}, not {rule.right}")
        failures += _stored(name, refused, answer)
        tried += 3

    client.logout()
    for name, rule in OPERATIONS.items():
        if not isinstance(rule, Ids):
            continue
        ids, right, unrelated, missing_ids = objects[rule.kind]
        method = name.split(" ", 1)[0]
        url = _fill_api(operations[name], ids)
        response = _api(client, method, url, None)
        if response.status_code != 401:
            failures.append(f"{name} anonymous: {response.status_code}")
        since = _last_seq()
        calls.names = []
        refused = _api(client, method, url, token(unrelated), rule.body)
        failures += calls.missed(name)
        missing = _api(client, method, _fill_api(operations[name], missing_ids),
                       token(unrelated), rule.body)
        if not _same_404(missing, refused):
            failures.append(f"{name} unrelated {unrelated}: {refused.status_code} "
                            f"{refused.content[:200]!r} (missing id: {missing.status_code})")
        elif not _refusal_logged(unrelated, since):
            failures.append(f"{name} unrelated: refusal not logged")
        answer = _api(client, method, url, token(right), rule.body)
        if answer.status_code != rule.right:
            failures.append(f"{name} right {right}: {answer.status_code}, not {rule.right} "
                            f"{answer.content[:200]!r}")
        failures += _stored(name, response, refused, answer)
        tried += 3

    gateway.access_checked.disconnect(calls)
    assert failures == [], "\n".join(failures)
    classified = len(PAGES) + len(OPERATIONS)
    with_ids = sum(isinstance(r, Ids) for r in [*PAGES.values(), *OPERATIONS.values()])
    # The matrix: every classified route; those with ids of client data × three callers.
    print(json.dumps({"routes": classified, "with_client_ids": with_ids, "cases": tried,
                      "admin_routes_excluded": len(admin)}))
    assert tried == 3 * with_ids
