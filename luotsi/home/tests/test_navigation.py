"""The main navigation after grouping: every role still has exactly the links it had before
(daily work in plain sight, the rest under the menus Register, Reports and Management), each
link opens, and the page shown is marked with aria-current."""

from __future__ import annotations

import re

import pytest

from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CLIENT_WORK = {
    "/", "/persons/", "/persons/new/", "/intake/queue/", "/intake/my-work/",
    "/intake/contacts/new/", "/plans/", "/shared-clients/candidates/",
    "/shared-clients/consultations/",
}
# The links each role had in the navigation before it was grouped (one flat list).
BEFORE = {
    Role.INTAKE_WORKER: CLIENT_WORK,
    Role.SOCIAL_WORKER: CLIENT_WORK,
    Role.SOCIAL_COUNSELLOR: CLIENT_WORK,
    Role.EMPLOYMENT_COORDINATOR: CLIENT_WORK,
    Role.NURSE: CLIENT_WORK,
    Role.MHS_WORKER: CLIENT_WORK,
    Role.TEAM_LEAD: CLIENT_WORK | {
        "/intake/caseload/", "/reports/kpis/", "/plans/effectiveness/",
        "/service-usage/indicators/", "/access-log/emergency/",
        "/service-usage/intervention-points/", "/service-usage/early-rules/", "/foresight/",
    },
    Role.DPO: {"/", "/access-log/emergency/", "/access-log/report/"},
    Role.ADMIN: {"/", "/admin/"},
}
DAILY = {"/", "/persons/", "/intake/queue/", "/intake/my-work/", "/plans/",
         "/shared-clients/candidates/", "/shared-clients/consultations/"}


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _user(role, team):
    admin = role == Role.ADMIN
    return UserFactory(username=f"user-{role}", role=role, teams=[team], is_staff=admin,
                       is_superuser=admin)


def _nav(html: str) -> str:
    return re.search(r'<nav aria-label="[^"]*" class="main-nav">(.*?)</nav>', html, re.S).group(1)


def _menus(nav: str) -> dict[str, list[str]]:
    """Menu summary → the links inside it."""
    found = {}
    for block in re.findall(r"<details[^>]*>(.*?)</details>", nav, re.S):
        summary = re.search(r"<summary>(.*?)</summary>", block).group(1)
        found[summary] = re.findall(r'href="([^"]+)"', block)
    return found


def _visible(nav: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', re.sub(r"<details.*?</details>", "", nav, flags=re.S))


@pytest.mark.parametrize("role", Role.values)
def test_navigation__every_role_keeps_its_links_and_each_opens(client, team, role):
    user = _user(role, team)
    client.force_login(user)
    nav = _nav(client.get("/").content.decode())
    links = re.findall(r'href="([^"]+)"', nav)
    assert len(links) == len(set(links)), links
    assert set(links) == BEFORE[role]
    assert set(_visible(nav)) == BEFORE[role] & DAILY
    for url in links:
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)


def test_navigation__team_lead_groups(client, team):
    client.force_login(_user(Role.TEAM_LEAD, team))
    nav = _nav(client.get("/").content.decode())
    assert _visible(nav) == ["/", "/persons/", "/intake/queue/", "/intake/my-work/", "/plans/",
                             "/shared-clients/candidates/", "/shared-clients/consultations/"]
    assert _menus(nav) == {
        "Register": ["/intake/contacts/new/", "/persons/new/"],
        "Reports": ["/reports/kpis/", "/plans/effectiveness/", "/service-usage/indicators/",
                    "/service-usage/intervention-points/", "/service-usage/early-rules/",
                    "/foresight/"],
        "Management": ["/intake/caseload/", "/access-log/emergency/"],
    }


def test_navigation__empty_menus_left_out(client, team):
    client.force_login(_user(Role.ADMIN, team))
    nav = _nav(client.get("/").content.decode())
    assert list(_menus(nav)) == ["Management"]
    client.force_login(_user(Role.DPO, team))
    nav = _nav(client.get("/").content.decode())
    assert _menus(nav) == {"Reports": ["/access-log/report/"],
                           "Management": ["/access-log/emergency/"]}


def test_navigation__current_page_marked(client, team):
    client.force_login(_user(Role.TEAM_LEAD, team))
    nav = _nav(client.get("/plans/effectiveness/").content.decode())
    assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == ["/plans/effectiveness/"]
    assert re.search(r'<details class="nav-disclosure is-current"[^>]*>\s*<summary>', nav)
    assert nav.count("is-current") == 1
    nav = _nav(client.get("/plans/").content.decode())
    assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == ["/plans/"]
    assert "is-current" not in nav
    nav = _nav(client.get("/").content.decode())
    assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == ["/"]


def test_navigation__not_shown_when_signed_out(client):
    html = client.get("/login/").content.decode()
    assert 'class="main-nav"' not in html
