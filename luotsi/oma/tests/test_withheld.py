"""Network meetings on "my plan", and what a professional marks as not shown to the client.

The professional marks a step (on its edit page) or a meeting's minutes (on the meeting's form)
as not shown to the client, only on a statutory ground chosen from the grounds in law, recorded
with the ground; the client's own plan leaves the part out and tells that something is not shown
(the memo PDF too); a ground that is not one of the grounds is refused naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis, Category
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.oma.tests.builders import client_with_plan, shared_client_of, sign_in_client
from luotsi.plans.models import Step, WithholdingGround
from luotsi.sharedcare.models import Meeting, MeetingDecision

pytestmark = pytest.mark.django_db

NOT_SHOWN = "Osa suunnitelmastasi ei näy tässä"


@pytest.fixture
def plan(alice):
    plan = client_with_plan(alice)
    RelationshipFactory(person=plan.person, user=alice)
    return plan


@pytest.fixture
def meetings(alice, plan):
    shared = shared_client_of(plan)
    now = timezone.now()
    coming = Meeting.objects.create(shared_client=shared, held_at=now + dt.timedelta(days=3),
                                    kind=Meeting.Kind.REMOTE, place="Teams",
                                    agenda="Asunnon tilanne", created_by=alice)
    held = Meeting.objects.create(shared_client=shared, held_at=now - dt.timedelta(days=7),
                                  place="Porvoo", notes="Sovittiin asuntohakemuksesta",
                                  created_by=alice)
    MeetingDecision.objects.create(meeting=held, what="Täytän asuntohakemuksen",
                                   owner_kind=Step.Owner.CLIENT,
                                   due_on=timezone.localdate() + dt.timedelta(days=5))
    secret = Meeting.objects.create(shared_client=shared, held_at=now - dt.timedelta(days=14),
                                    notes="Kolmannen henkilön tieto", created_by=alice,
                                    minutes_withheld_ground_id="rights_of_others")
    MeetingDecision.objects.create(meeting=secret, what="Salainen päätös",
                                   owner_kind=Step.Owner.CLIENT,
                                   due_on=timezone.localdate() + dt.timedelta(days=5))
    return coming, held, secret


def test_the_grounds_are_data_with_their_legal_source():
    grounds = {g.code: g for g in WithholdingGround.objects.all()}
    assert set(grounds) == {"danger_to_client", "rights_of_others", "access_right_restricted"}
    assert "812/2000, 11 §" in grounds["danger_to_client"].source
    assert "703/2023" in grounds["access_right_restricted"].source
    assert all(g.name_fi and g.name_sv and g.name_en for g in grounds.values())


def test_my_plan_shows_coming_meetings_and_earlier_minutes_but_not_withheld_ones(
        client, plan, meetings):
    sign_in_client(client, plan.person)
    since = AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    html = client.get("/oma/plan/").content.decode()
    for shown in ("Verkostokokoukset", "Tulevat tapaamiset", "Teams", "Asunnon tilanne",
                  "Sovittiin asuntohakemuksesta", "Täytän asuntohakemuksen"):
        assert shown in html, shown
    assert "Kolmannen henkilön tieto" not in html and "Salainen päätös" not in html
    assert "Tämän tapaamisen muistiinpanot eivät näy tässä." in html
    assert NOT_SHOWN in html
    records = AccessLogEntry.objects.filter(seq__gt=since)
    assert {(r.category, r.basis, r.person_id) for r in records} == {
        (Category.PLAN, Basis.OWN_DATA, plan.person_id),
        (Category.SHARED_CARE, Basis.OWN_DATA, plan.person_id)}


def test_nothing_withheld_says_nothing_of_it(client, plan):
    sign_in_client(client, plan.person)
    html = client.get("/oma/plan/").content.decode()
    assert NOT_SHOWN not in html and "Verkostokokoukset" not in html


def test_a_step_marked_not_shown_on_its_edit_page_leaves_my_plan_and_memo(client, alice, plan):
    step = plan.steps.get(what="Varaan ajan työvalmentajalle")
    client.force_login(alice)
    url = f"/plans/{plan.pk}/steps/{step.pk}/edit/"
    page = client.get(url).content.decode()
    assert "812/2000, 11 §" in page and 'name="withheld_ground"' in page
    post = {"revision": plan.__class__.objects.get(pk=plan.pk).revision, "what": step.what,
            "owner_kind": step.owner_kind, "owner": alice.pk, "due_on": step.due_on.isoformat(),
            "goal": step.goal_id, "withheld_ground": "danger_to_client"}
    answer = client.post(url, post)
    assert answer.status_code == 302
    step.refresh_from_db()
    assert step.withheld_ground_id == "danger_to_client"
    record = AccessLogEntry.objects.order_by("-seq").filter(user_id=alice.pk).first()
    assert "not shown to the client on the ground danger_to_client" in record.detail
    client.logout()
    sign_in_client(client, plan.person)
    html = client.get("/oma/plan/").content.decode()
    assert "Varaan ajan työvalmentajalle" not in html and "Soitan asuntotoimistoon" in html
    assert NOT_SHOWN in html
    from luotsi.oma import selectors

    shown = selectors.own_plan_page(plan.person, plan.pk, action="print", detail="test")
    assert [s.what for s in shown.visible_steps] == ["Soitan asuntotoimistoon"]
    assert shown.withheld_from_client == 1


@pytest.mark.parametrize("plain", ["", "1"])
def test_the_memo_a_professional_prints_leaves_a_withheld_step_out_too(client, alice, plan,
                                                                         plain):
    """The memo is the client's document, whoever prints it: a step marked as not shown to the
    client is not in it, and the memo says that something is not shown."""
    Step.objects.filter(plan=plan, what="Soitan asuntotoimistoon").update(
        withheld_ground_id="danger_to_client")
    client.force_login(alice)
    html = client.get(f"/plans/{plan.pk}/memo/?plain={plain}").content.decode()
    assert "Soitan asuntotoimistoon" not in html
    assert NOT_SHOWN in html
    assert "Soitan asuntotoimistoon" in client.get(f"/plans/{plan.pk}/").content.decode()


def test_a_memo_with_nothing_withheld_says_nothing_of_it(client, alice, plan):
    client.force_login(alice)
    html = client.get(f"/plans/{plan.pk}/memo/").content.decode()
    assert "Soitan asuntotoimistoon" in html and NOT_SHOWN not in html


def test_a_ground_not_in_law_is_refused_naming_the_field(client, alice, plan):
    step = plan.steps.get(what="Varaan ajan työvalmentajalle")
    client.force_login(alice)
    url = f"/plans/{plan.pk}/steps/{step.pk}/edit/"
    for bad in ("because", "x" * 500, "danger_to_client\x00"):
        post = {"revision": plan.__class__.objects.get(pk=plan.pk).revision, "what": step.what,
                "owner_kind": step.owner_kind, "owner": alice.pk,
                "due_on": step.due_on.isoformat(), "goal": step.goal_id, "withheld_ground": bad}
        answer = client.post(url, post)
        assert answer.status_code == 400, bad
        assert "withheld_ground" in answer.context["form"].errors
    step.refresh_from_db()
    assert step.withheld_ground_id is None


def test_minutes_marked_not_shown_on_the_meeting_form(client, alice, plan, meetings):
    _coming, held, _secret = meetings
    client.force_login(alice)
    url = f"/shared-clients/meetings/{held.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'name="minutes_withheld_ground"' in page and "1050/2018" in page
    local = timezone.localtime(held.held_at)
    answer = client.post(url, {
        "held_at_date": local.date().isoformat(), "held_at_time": local.strftime("%H:%M"),
        "kind": "in_person", "place": "Porvoo", "agenda": "", "notes": held.notes,
        "minutes_withheld_ground": "access_right_restricted"})
    assert answer.status_code == 302, answer.context["form"].errors
    held.refresh_from_db()
    assert held.minutes_withheld_ground_id == "access_right_restricted"
    assert held.notes == "Sovittiin asuntohakemuksesta"  # kept for the professionals
    answer = client.post(url, {
        "held_at_date": local.date().isoformat(), "held_at_time": local.strftime("%H:%M"),
        "kind": "in_person", "place": "Porvoo", "notes": held.notes,
        "minutes_withheld_ground": "nope"})
    assert answer.status_code in (200, 400)
    assert "minutes_withheld_ground" in answer.context["form"].errors
    client.logout()
    sign_in_client(client, plan.person)
    html = client.get("/oma/plan/").content.decode()
    assert "Sovittiin asuntohakemuksesta" not in html and "Täytän asuntohakemuksen" not in html


def test_my_plan_with_meetings_reads_a_fixed_number_of_queries(client, alice, plan, meetings,
                                                               django_assert_num_queries):
    from django.db import connection

    coming, held, _secret = meetings
    sign_in_client(client, plan.person)
    client.get("/oma/plan/")
    chain_lock = 2 if connection.vendor == "postgresql" else 0
    # my plan's own (its support needs among its prefetches), the meetings' log append, the meetings with their participants and
    # decisions, the answers to "did the plan help?" (a meeting is past): the same however
    # many meetings there are
    with django_assert_num_queries(35 + chain_lock):
        assert client.get("/oma/plan/").status_code == 200
    for days in range(1, 4):
        extra = Meeting.objects.create(shared_client=held.shared_client, created_by=alice,
                                       held_at=timezone.now() - dt.timedelta(days=20 + days),
                                       notes="Lisää")
        MeetingDecision.objects.create(meeting=extra, what="Lisäpäätös",
                                       owner_kind=Step.Owner.CLIENT,
                                       due_on=timezone.localdate())
    with django_assert_num_queries(35 + chain_lock):
        assert client.get("/oma/plan/").status_code == 200
