"""No attestation, consent or legal statement is ever ticked in advance: not in any form of any
app, not in a page's initial values, not in the API's or the services' defaults, and not in the
database's defaults. A worker ticks it when it is true."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django import forms
from django.utils import timezone

from luotsi.common.tests.form_classes import form_classes
from luotsi.plans import services as s
from luotsi.plans.models import CodeListItem, PlanVersion, Rating
from luotsi.sharedcare import services as sc
from luotsi.sharedcare.tests import factories

pytestmark = pytest.mark.django_db

CHECKED_BOX = re.compile(r'<input type="checkbox"[^>]*\schecked[\s>]')


def test_no_form_field_of_any_app_is_ticked_in_advance():
    """Every form class of every module (found by importing them all): no box and no
    multiple choice is given in advance."""
    classes = form_classes()
    assert len(classes) > 40
    ticked = [f"{cls.__module__}.{cls.__name__}.{field_name}"
              for cls in classes
              for field_name, field in cls.base_fields.items()
              if isinstance(field, forms.BooleanField | forms.MultipleChoiceField)
              and field.initial]
    assert ticked == []


def test_who_rated_is_chosen_by_the_worker(client, alice, plan_with_goal):
    """Who rated says whether the client took part in the rating: the form offers no answer
    in advance and refuses a rating without one, naming the field."""
    from luotsi.plans.forms import RatingForm

    assert RatingForm.base_fields["rated_by_kind"].initial is None
    client.force_login(alice)
    body = client.get(f"/plans/{plan_with_goal.pk}/").content.decode()
    select = re.search(r'<select name="rating-rated_by_kind"[^>]*>(.*?)</select>', body, re.S)
    assert select and "selected" not in select.group(1).split("</option>", 1)[1]
    goal = plan_with_goal.goals.get()
    response = client.post(f"/plans/{plan_with_goal.pk}/ratings/", {
        "rating-goal": goal.pk, "rating-value": "3", "rating-occasion": "start",
        "rating-revision": plan_with_goal.__class__.objects.get(pk=plan_with_goal.pk).revision})
    assert response.status_code == 200
    assert "Choose who rated." in response.content.decode() or \
        "Valitse arvioija." in response.content.decode()
    assert not Rating.objects.exists()


def test_the_defaults_of_api_services_and_database_say_no():
    assert s.RatingInput.__dataclass_fields__["client_took_part"].default is False
    assert sc.MeetingInput.__dataclass_fields__["client_present"].default is False
    assert Rating._meta.get_field("client_took_part").default is False
    assert PlanVersion._meta.get_field("client_took_part").default is False


@pytest.fixture
def plan_with_goal(alice, case, client_person):
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=CodeListItem.objects.get(version__current=True, code_list="goal_area", code="housing").pk,
        client_wording="Oma asunto"))
    return plan


def test_plan_page__accept_and_rating_attestations_unticked(client, alice, plan_with_goal):
    client.force_login(alice)
    body = client.get(f"/plans/{plan_with_goal.pk}/").content.decode()
    assert 'name="accept-client_took_part"' in body and 'name="rating-client_took_part"' in body
    assert CHECKED_BOX.findall(body) == []


def test_plan_accept__unticked_is_recorded_as_not_taking_part(client, alice, plan_with_goal):
    client.force_login(alice)
    response = client.post(f"/plans/{plan_with_goal.pk}/accept/", {
        "accept-revision": plan_with_goal.__class__.objects.get(pk=plan_with_goal.pk).revision})
    assert response.status_code == 302
    assert PlanVersion.objects.get().client_took_part is False


def test_meeting_and_confirm_pages__no_box_ticked(client, alice, flagged, checklist):
    client.force_login(alice)
    confirm = client.get(f"/shared-clients/persons/{flagged.pk}/confirm/").content.decode()
    assert 'name="consent_given"' in confirm
    assert CHECKED_BOX.findall(confirm) == []
    sc.shared_client_confirm(actor=alice, person_id=flagged.pk, data=sc.ConfirmInput(
        answers={item.pk: "yes" for item in checklist}, consent_given=True,
        consent_sectors=["health"], consent_scope="Kaikki", consent_from=timezone.localdate(),
        consent_until=timezone.localdate() + timedelta(days=30), coordinator_id=alice.pk))
    meeting = client.get(f"/shared-clients/persons/{flagged.pk}/meetings/new/").content.decode()
    assert 'name="client_present"' in meeting
    assert CHECKED_BOX.findall(meeting) == []


@pytest.fixture
def checklist(db):
    return factories.checklist()


@pytest.fixture
def flagged(case, client_person):
    factories.events(client_person)
    factories.flag(client_person)
    return client_person
