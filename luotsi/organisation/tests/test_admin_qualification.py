"""A professional's qualification changed in the admin: refused while a client's responsible
worker must hold the present one (LSL 13 b §), allowed once the client is handed over."""

from __future__ import annotations

import datetime as dt

import pytest

from luotsi.access.tests.test_professional_access_log import _change_form
from luotsi.intake.models import Assessment
from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import UserFactory
from luotsi.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_admin__qualification_a_client_needs_not_changed_until_handed_over(client, team):
    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    worker = UserFactory(username="sara", first_name="Sara", last_name="Sosiaali",
                         qualification="licensed_social_worker",
                         registration_number="10090000002", teams=[team])
    other = UserFactory(username="olli", qualification="licensed_social_worker",
                        registration_number="10090000003", teams=[team])
    case = Assessment.objects.create(
        child=PersonFactory(), team=team, worker=worker, opened_on=dt.date(2026, 10, 1),
        completed_on=dt.date(2026, 11, 2), outcome=Assessment.Outcome.CHILD_WELFARE_CLIENT,
        responsible_worker=worker)
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    url = f"/admin/organisation/user/{worker.pk}/change/"
    form = _change_form(worker, qualification="social_counsellor",
                        registration_number="10090000002")

    response = client.post(url, form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["qualification"]
    assert "LSL 13 b §" in errors["qualification"][0]
    assert f"client relationship of assessment {case.pk}" in errors["qualification"][0]
    worker.refresh_from_db()
    assert worker.qualification == "licensed_social_worker"

    case.responsible_worker = other
    case.save(update_fields=["responsible_worker"])
    assert client.post(url, form).status_code == 302
    worker.refresh_from_db()
    assert worker.qualification == "social_counsellor"


def test_admin__named_worker_of_a_plan_keeps_a_social_welfare_qualification(client, team):
    from luotsi.plans.models import Plan

    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    worker = UserFactory(username="nina", qualification="social_counsellor",
                         registration_number="10090000004", teams=[team])
    plan = Plan.objects.create(person=PersonFactory(), named_worker=worker,
                               review_on=dt.date(2027, 3, 1), created_by=worker,
                               updated_by=worker)
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    response = client.post(f"/admin/organisation/user/{worker.pk}/change/", _change_form(
        worker, qualification="other", registration_number=""))
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["qualification"]
    assert f"plan {plan.pk} as named worker" in error
    worker.refresh_from_db()
    assert worker.qualification == "social_counsellor"
