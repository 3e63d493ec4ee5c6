"""The permission guard of views (``@action_required``) and services (``require_action``),
through the HTTP client: every page route whose view carries the guard is tried by a role that
may not do its action (the 403 page, nothing else runs) and by one that may (not refused)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from luotsi.organisation.decorators import action_required, require_action
from luotsi.organisation.models import Role, TeamKind
from luotsi.organisation.permissions import ROLE_PERMISSIONS, Action
from luotsi.organisation.tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _guarded_routes() -> list[tuple[str, str, tuple[str, ...]]]:
    """(route name, path with every id set to 1, the actions the view requires)."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                actions = getattr(entry.callback, "required_actions", None)
                if actions:
                    path = "/" + re.sub(r"<[^>]+>", "1", route).lstrip("^").rstrip("$")
                    found.append((entry.name, path, actions))

    walk(get_resolver().url_patterns, "")
    return found


GUARDED = _guarded_routes()


def _role_without(actions) -> str:
    return next(role for role, allowed in ROLE_PERMISSIONS.items()
                if not set(actions) <= allowed)


def _role_with(actions) -> str:
    return next(role for role, allowed in ROLE_PERMISSIONS.items() if set(actions) <= allowed)


def test_guarded_routes__every_page_that_names_an_action():
    """The guard is on the views that named their action by hand before; a view losing it
    fails here."""
    guarded = {entry.callback.__name__ for entry in _patterns()
               if getattr(entry.callback, "required_actions", None)}
    assert guarded >= {
        "kpis", "kpi_csv", "effectiveness_report", "effectiveness_csv", "research_csv",
        "indicator_report", "indicator_csv", "contact_create", "queue", "my_work", "caseload",
        "person_search", "person_create_view", "emergency_access", "access_log_report",
        "emergency_reviews", "emergency_record", "emergency_review", "plan_list", "candidates",
        "consultations", "consultation_detail"}


def _patterns():
    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            else:
                yield entry
    return walk(get_resolver().url_patterns)


@pytest.mark.parametrize(("name", "path", "actions"), GUARDED,
                         ids=[name for name, _p, _a in GUARDED])
def test_guarded_page__role_without_the_action_gets_the_403_page(client, name, path, actions):
    client.force_login(UserFactory(username="without", role=_role_without(actions)))
    client.cookies["django_language"] = "en"
    response = client.get(path)
    assert response.status_code == 403
    assert "errors/403.html" in [template.name for template in response.templates]


@pytest.mark.parametrize(("name", "path", "actions"), GUARDED,
                         ids=[name for name, _p, _a in GUARDED])
def test_guarded_page__role_with_the_action_passes_the_guard(client, team, name, path, actions):
    # Advice and consultations are the central intake team's own work: the worker is on that
    # team too, so a page's membership check does not stand in for the guard's answer.
    intake = TeamFactory(code="central-intake", kind=TeamKind.INTAKE)
    client.force_login(UserFactory(username="with", role=_role_with(actions),
                                   teams=[team, intake]))
    response = client.get(path)
    # Past the guard the view answers for itself: a page, a redirect, 404 for an id that is
    # not there, 405 for a method it does not take; never the guard's refusal.
    assert response.status_code != 403, name


@pytest.mark.parametrize(("name", "path", "actions"), GUARDED,
                         ids=[name for name, _p, _a in GUARDED])
def test_guarded_page__anonymous_goes_to_sign_in_first(client, name, path, actions):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_guard__method_refused_before_the_action(client):
    """The method decorators stay outside the guard: a POST to a GET-only report is 405 for
    anyone, as before."""
    client.force_login(UserFactory(username="worker", role=Role.SOCIAL_WORKER))
    assert client.post(reverse("reports_kpis")).status_code == 405


def test_guard__refuses_unless_every_action_is_allowed(rf):
    calls = []

    @action_required(Action.SEARCH_PERSONS, Action.MANAGE_TEAM)
    def view(request):
        calls.append(request)
        return "ran"

    request = rf.get("/")
    request.user = UserFactory(username="worker", role=Role.SOCIAL_WORKER)
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = UserFactory(username="leader", role=Role.TEAM_LEAD)
    assert view(request) == "ran"
    assert len(calls) == 1
    assert view.__name__ == "view"
    assert view.required_actions == (Action.SEARCH_PERSONS, Action.MANAGE_TEAM)


def test_require_action__inactive_or_anonymous_refused(rf):
    from django.contrib.auth.models import AnonymousUser

    worker = UserFactory(username="gone", role=Role.SOCIAL_WORKER, is_active=False)
    for user in (worker, AnonymousUser(), None):
        with pytest.raises(PermissionDenied):
            require_action(user, Action.VIEW_CLIENT)
    require_action(UserFactory(username="here", role=Role.SOCIAL_WORKER), Action.VIEW_CLIENT)


def test_require_action__without_actions_is_a_programming_error():
    with pytest.raises(TypeError):
        require_action(None)
    with pytest.raises(TypeError):
        action_required()


def test_service_guard__a_service_refuses_a_role_without_the_action():
    """``require_action`` in a service: the data-protection officer may not register a person,
    whoever calls the service."""
    from luotsi.people.services import PersonInput, person_create

    with pytest.raises(PermissionDenied):
        person_create(actor=UserFactory(username="dpo", role=Role.DPO),
                      data=PersonInput(first_name="Aino", last_name="Asiakas"))
