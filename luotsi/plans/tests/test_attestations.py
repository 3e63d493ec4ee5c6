"""No attestation, consent or legal statement is ever ticked in advance: not in any form of any
app, not in a page's initial values, not in the API's or the services' defaults, and not in the
database's defaults. A worker ticks it when it is true."""

from __future__ import annotations

import importlib
import inspect
import re
from datetime import timedelta

import pytest
from django import forms
from django.utils import timezone

from luotsi.plans import services as s
from luotsi.plans.models import CodeListItem, PlanVersion, Rating
from luotsi.sharedcare import services as sc
from luotsi.sharedcare.tests import factories

pytestmark = pytest.mark.django_db

FORM_MODULES = ["luotsi.plans.forms", "luotsi.sharedcare.forms", "luotsi.intake.forms",
                "luotsi.people.forms", "luotsi.access.forms", "luotsi.reports.indicator_forms",
                "luotsi.reports.forms",
                "luotsi.reports.effectiveness_forms", "luotsi.common.forms", "luotsi.organisation.forms"]
CHECKED_BOX = re.compile(r'<input type="checkbox"[^>]*\schecked[\s>]')


def _form_classes():
    for name in FORM_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == name:
                yield value


def test_no_form_field_of_any_app_is_ticked_in_advance():
    ticked = [f"{cls.__module__}.{cls.__name__}.{field_name}"
              for cls in _form_classes()
              for field_name, field in cls.base_fields.items()
              if isinstance(field, forms.BooleanField) and field.initial]
    assert ticked == []


def test_the_defaults_of_api_services_and_database_say_no():
    assert s.RatingInput.__dataclass_fields__["client_took_part"].default is False
    assert sc.MeetingInput.__dataclass_fields__["client_present"].default is False
    assert Rating._meta.get_field("client_took_part").default is False
    assert PlanVersion._meta.get_field("client_took_part").default is False


@pytest.fixture
def plan_with_goal(alice, case, client_person):
    plan, _created = s.plan_open(actor=alice, person_id=client_person.pk)
    s.goal_add(actor=alice, plan=plan, data=s.GoalInput(
        goal_area_id=CodeListItem.objects.get(code_list="goal_area", code="housing").pk,
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
