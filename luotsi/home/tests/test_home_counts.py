"""Each count on the home page equals the number of rows of the list its line links to, read
over HTTP on demo-like data with the awkward cases: a team lead in the intake team and in a
regional team (urgent contacts routed to the regional team, one of them overdue), urgent contacts
of a team the lead is not in, a closed urgent contact, a contact of the lead's team whose child the
team no longer sees, deadlines as worker and as pair worker, met deadlines, read notifications,
and a client plan the professional has a section in but does not coordinate."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from luotsi.access.models import ClientRelationship
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.intake import queue_keys
from luotsi.intake.models import Contact, ContactStatus, Deadline, Notification
from luotsi.intake.tests.factories import build_world, bulk_contacts, professional
from luotsi.organisation.models import Role
from luotsi.people.tests.factories import PersonFactory
from luotsi.plans import services as plan_services
from luotsi.plans.models import Plan

pytestmark = pytest.mark.django_db

QUEUE_PAGE = 50


def _urgent(contacts) -> None:
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(
        urgency="urgent", urgency_note="Lapsi ei ole turvassa kotona tänä yönä.")
    queue_keys.refresh([c.pk for c in contacts])


def _unassessed(contacts) -> None:
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(urgency="",
                                                                   status=ContactStatus.NEW)
    queue_keys.refresh([c.pk for c in contacts])


@pytest.fixture
def county(db):
    world = build_world()
    lead = world.lead
    lead.teams.add(world.intake)  # the demo lead: the intake team first, and regional teams
    long_ago = timezone.now() - dt.timedelta(days=30)
    # Three urgent contacts routed to the east team, one of them overdue.
    _urgent(bulk_contacts(world, 2, team=world.east))
    _urgent(bulk_contacts(world, 1, team=world.east, received_at=long_ago))
    # Waiting for the urgency assessment in the intake team.
    _unassessed(bulk_contacts(world, 2, team=world.intake))
    # Not the lead's: another team's urgent contact, a closed urgent one, an invisible one.
    _urgent(bulk_contacts(world, 1, team=world.west))
    closed = bulk_contacts(world, 1, team=world.east)
    _urgent(closed)
    Contact.objects.filter(pk=closed[0].pk).update(status=ContactStatus.CLOSED,
                                                   closed_on=timezone.localdate())
    queue_keys.sync([closed[0].pk])
    hidden = bulk_contacts(world, 1, team=world.east)
    _urgent(hidden)
    ClientRelationship.objects.filter(person=hidden[0].child).update(
        ends_at=timezone.now() - dt.timedelta(days=1))
    # The lead's own deadlines: as worker (one overdue, due soon ones), as pair worker, and one
    # met late.
    bulk_contacts(world, 2, team=world.east, assignee=lead)
    late = bulk_contacts(world, 1, team=world.east, assignee=lead, received_at=long_ago)
    paired = bulk_contacts(world, 1, team=world.east, assignee=world.alice,
                           received_at=long_ago)
    Contact.objects.filter(pk=paired[0].pk).update(pair_worker=lead)
    Deadline.objects.filter(contact=late[0], code="urgency_assessment").update(
        met_on=timezone.localdate(), status="met")
    queue_keys.refresh([late[0].pk])
    Notification.objects.create(user=lead, text="Uusi", key="a")
    Notification.objects.create(user=lead, text="Luettu", key="b", read_at=timezone.now())
    return world


def _section(text: str, heading_id: str) -> str:
    start = text.index(f'id="{heading_id}"')
    return text[start:text.index("</section>", start)]


def _home_lines(client) -> dict[str, tuple[int, str]]:
    text = client.get("/").content.decode()
    lines = {}
    for line_id, href, label in re.findall(
            r'<li id="(home-[a-z-]+|plan-reviews|consultations-waiting)"><a href="([^"]+)">([^<]+)</a>',
            text):
        count = re.search(r"\d+", label)
        lines[line_id] = (int(count.group()), href.replace("&amp;", "&"))
    return lines


def _rows(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200
    text = response.content.decode()
    path, _sep, anchor = href.partition("#")
    if path.startswith("/intake/queue/"):
        rows = text.count('name="ids" value=')
        total = re.search(r'<h2 id="queue-heading">(\d+) ', text)
        assert total and (int(total.group(1)) == rows or rows == QUEUE_PAGE), (rows, total)
        return int(total.group(1))  # the queue's own count of all its pages
    if anchor == "deadlines-heading":
        return _section(text, anchor).count("<tr>") - 1  # the header row
    if anchor == "notifications-heading":
        return _section(text, anchor).count('<input type="hidden" name="ids"')
    if path.startswith("/shared-clients/consultations/"):
        return _section(text, "open-heading").count("<tr>") - 1  # the header row
    if path.startswith("/plans/"):
        rows = len(re.findall(r'<tr><td><a href="/plans/\d+/">', text))
        total = re.search(r'<h2 id="plans-heading">(\d+) ', text)
        return int(total.group(1)) if total else rows
    raise AssertionError(f"no list known at {href}")


def test_home__each_intake_count_equals_the_rows_of_the_list_it_links_to(client, county):
    client.force_login(county.lead)
    lines = _home_lines(client)
    assert {"home-urgent", "home-unassessed", "home-deadlines-overdue",
            "home-deadlines-due-soon", "home-notifications"} <= set(lines)
    for line_id, (count, href) in lines.items():
        assert _rows(client, href) == count, (line_id, href)
    # The urgent ones are the three routed to the lead's regional team, the overdue among them.
    assert lines["home-urgent"][0] == 3
    assert lines["home-unassessed"][0] == 2
    assert lines["home-notifications"][0] == 1


def test_queue__first_visit_shows_every_urgent_contact_the_home_page_counts(client, county):
    """The queue's default filter is the lead's own teams, not the first of them."""
    client.force_login(county.lead)
    text = client.get("/intake/queue/").content.decode()
    assert text.count('<strong class="urgent">') == 3
    assert '<option value="mine" selected>' in text


def test_home__plan_reviews_count_the_plan_list_filtered_to_them(client, county):
    world = county
    worker = professional(username="aino-sw", first_name="Aino", teams=[world.east],
                          role=Role.SOCIAL_WORKER)
    other = professional(username="ossi", first_name="Ossi", teams=[world.east])
    persons = [PersonFactory(municipality=world.porvoo) for _i in range(3)]
    for person in persons:
        RelationshipFactory(person=person, team=world.east)
    own, shared, later = (plan_services.plan_open(actor=worker, person_id=p.pk)[0]
                          for p in persons)
    today = timezone.localdate()
    # Coordinated and overdue; a section of the worker's in a plan another coordinates, overdue;
    # coordinated but not due for a month.
    Plan.objects.filter(pk=own.pk).update(coordinator=worker, review_on=today - dt.timedelta(1))
    Plan.objects.filter(pk=shared.pk).update(coordinator=other,
                                             review_on=today - dt.timedelta(days=3))
    plan_services.section_add(actor=other, plan=shared, sector="family_services",
                              responsible_id=worker.pk)
    Plan.objects.filter(pk=later.pk).update(coordinator=worker,
                                            review_on=today + dt.timedelta(days=30))
    client.force_login(worker)
    lines = _home_lines(client)
    count, href = lines["plan-reviews"]
    assert count == 2
    assert href == "/plans/?review=due"
    assert _rows(client, href) == 2
    body = client.get(href).content.decode()
    assert f'href="/plans/{shared.pk}/"' in body and f'href="/plans/{later.pk}/"' not in body


@pytest.mark.parametrize("username", ["lead", "intake", "sw-east", "adult-sw", "nurse"])
def test_home__on_the_demo_county_each_count_equals_its_list(client, username):
    """The demo county (a Monday morning of two years of contacts, plans with reviews due):
    every counted line of each role's home page against the list it opens."""
    from io import StringIO

    from django.core.management import call_command

    from luotsi.organisation.models import User

    call_command("seed_demo", persons=DEMO_PERSONS, seed=7, stdout=StringIO())
    client.force_login(User.objects.get(username=username))
    lines = _home_lines(client)
    for line_id, (count, href) in lines.items():
        if count >= 50 and "/my-work/" in href:
            continue  # my work shows the first 100 deadlines and the first 50 notifications
        assert _rows(client, href) == count, (username, line_id, href)
    if username == "lead":
        assert "home-urgent" in lines or "home-unassessed" in lines
        # The queue as it first opens hides no urgent contact the lead may see: the default
        # filter shows every open urgent row of the queue with no team filter at all.
        first = client.get("/intake/queue/").content.decode()
        everyone = client.get("/intake/queue/?team=&urgency=urgent").content.decode()
        shown = first.count('<strong class="urgent">')
        urgent_total = int(re.search(r'<h2 id="queue-heading">(\d+) ', everyone).group(1))
        assert shown == min(urgent_total, QUEUE_PAGE)
        assert shown == lines.get("home-urgent", (0, ""))[0]


DEMO_PERSONS = 200


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_LEAD, Role.INTAKE_WORKER])
def test_home__professional_in_no_team(client, role):
    """A professional not yet placed in any team sees the home page with empty counts, and the
    queue it links to, instead of an error."""
    from luotsi.organisation.tests.factories import UserFactory

    user = UserFactory(username="newcomer", role=role, teams=[])
    client.force_login(user)
    home = client.get("/")
    assert home.status_code == 200
    queue = client.get("/intake/queue/")
    assert queue.status_code in (200, 403)


def _pages_without_parameters():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route:
                yield "/" + route.lstrip("^").rstrip("$")

    return sorted({path for path in walk(get_resolver().url_patterns)
                   if not path.startswith(("/admin", "/api/", "/static", "/auth/oidc"))
                   and "logout" not in path})


@pytest.mark.parametrize("role", list(Role))
def test_every_page__professional_in_no_team(client, role):
    """Every page without parameters answers a professional in no team without an error."""
    from luotsi.organisation.tests.factories import UserFactory

    client.force_login(UserFactory(username="newcomer", role=role, teams=[]))
    failures = {path: response.status_code for path in _pages_without_parameters()
                if (response := client.get(path)).status_code >= 500}
    assert failures == {}
