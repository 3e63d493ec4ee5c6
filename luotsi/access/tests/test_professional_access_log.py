"""Changes of a professional's role, teams and staff/superuser flags through the admin are
written to the access log and shown to the data-protection officer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction
from luotsi.organisation.models import Role
from luotsi.organisation.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", first_name="Riku", last_name="Root", role=Role.ADMIN,
                       is_staff=True, is_superuser=True)


def _change_form(user, **changes) -> dict:
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "title": user.title, "role": user.role, "phone": user.phone,
        "language": user.language, "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00",
        "teams": [str(t.pk) for t in user.teams.all()],
    }
    for flag in ("is_active", "is_staff", "is_superuser", "is_demo"):
        if getattr(user, flag):
            data[flag] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _records():
    return list(AccessLogEntry.objects.filter(category=Category.PROFESSIONAL_ACCESS)
                .order_by("seq"))


def test_professional_access__superuser_giving_itself_a_team_and_role_is_logged(
        client, superuser, team, charlie):
    client.force_login(superuser)
    form = _change_form(superuser, role=Role.SOCIAL_WORKER, teams=[str(team.pk)])
    response = client.post(f"/admin/organisation/user/{superuser.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    superuser.refresh_from_db()
    assert superuser.role == Role.SOCIAL_WORKER and list(superuser.teams.all()) == [team]
    [record] = _records()
    assert record.username == "root" and record.person_id is None
    assert record.basis == Basis.ADMINISTRATION and record.action == LogAction.UPDATE
    assert f"professional root (id {superuser.pk})" in record.detail
    assert "role admin -> social_worker" in record.detail
    assert f"teams + {team.code}" in record.detail

    # The data-protection officer sees it among the records that name no person.
    client.force_login(charlie)
    today = timezone.localdate()
    response = client.post("/access-log/report/", {
        "report": "unnamed", "unnamed-start": str(today - timedelta(days=1)),
        "unnamed-end": str(today), "unnamed-basis": Basis.ADMINISTRATION})
    assert response.status_code == 200
    rows = response.context["unnamed_rows"]
    assert [row.detail for row in rows] == [record.detail]
    assert record.detail.replace(">", "&gt;") in response.content.decode()


def test_professional_access__flags_and_team_removal_logged(client, superuser, alice, team):
    client.force_login(superuser)
    form = _change_form(alice, is_staff="on", is_superuser="on", teams=[])
    assert client.post(f"/admin/organisation/user/{alice.pk}/change/", form).status_code == 302
    [record] = _records()
    assert record.detail == (f"professional alice (id {alice.pk}): is_staff no -> yes; "
                             f"is_superuser no -> yes; teams - {team.code}")


def test_professional_access__unchanged_save_writes_nothing(client, superuser, alice):
    client.force_login(superuser)
    form = _change_form(alice, first_name="Alicia")
    assert client.post(f"/admin/organisation/user/{alice.pk}/change/", form).status_code == 302
    assert _records() == []


def test_professional_access__new_professional_logged(client, superuser):
    client.force_login(superuser)
    response = client.post("/admin/organisation/user/add/", {
        "username": "newcomer", "password1": "a long enough pass phrase 42",
        "password2": "a long enough pass phrase 42", "usable_password": "true",
        "role": "social_worker", "qualification": "", "registration_number": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    [record] = _records()
    assert record.action == LogAction.CREATE
    assert "professional newcomer" in record.detail and "created" in record.detail
