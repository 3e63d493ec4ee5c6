"""No code or untranslated stored string on a page: the legal basis of a deadline, the admin's
own column headers and django-axes' names, and the names of code-list items and sectors that a
plan version's changes stored, are shown in the reader's language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from luotsi.intake import services as intake
from luotsi.organisation.models import Role, TeamKind
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.plans import services as plans
from luotsi.plans.models import CodeListItem, Plan

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", response.content.decode(),
                  flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _speak(client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "x")


@pytest.mark.parametrize(("language", "axes_name", "header"), [
    ("fi", "Kirjautumisen suojaus", "Mallin nimi"),
    ("sv", "Inloggningsskydd", "Modellens namn"),
])
def test_admin_index__django_and_axes_strings_in_the_language(
        client, superuser, language, axes_name, header):
    _speak(client, language)
    client.force_login(superuser)
    text = _text(client.get("/admin/"))
    assert axes_name in text and header in text
    for english in ("Model name", "Add link", "Change or view list link", "Axes",
                    "Access attempts", "Access failures", "Access logs"):
        assert english not in text, english


def test_admin_axes_list__column_headers_in_finnish(client, superuser):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(username="someone", ip_address="192.0.2.1", user_agent="test",
                                 path_info="/login/", http_accept="*/*", get_data="",
                                 post_data="", failures_since_start=3)
    _speak(client, "fi")
    client.force_login(superuser)
    text = _text(client.get("/admin/axes/accessattempt/"))
    assert "IP-osoite" in text and "Selain (User-Agent)" in text
    for english in ("IP Address", "User Agent", "Attempt Time", "Locked Out", "access attempt"):
        assert english not in text, english


@pytest.mark.parametrize(("language", "shown", "hidden"), [
    ("fi", "LSL 26 § 5 mom.; laki 150/1930 3 § ja 5 §", "Act 150/1930"),
    ("sv", "BSL 26 § 5 mom.; lag 150/1930 3 § och 5 §", "Act 150/1930"),
    ("en", "LSL 26 § 5 mom.; Act 150/1930 § 3 and § 5", "laki 150/1930"),
])
def test_contact_page__legal_basis_in_the_language(
        client, language, shown, hidden, municipality, team, client_person):
    team.region = municipality.region
    team.save()
    worker = UserFactory(username="iw", role=Role.INTAKE_WORKER, teams=[
        TeamFactory(code="family-intake", kind=TeamKind.INTAKE, region=None)])
    contact = intake.contact_register(actor=worker, data=intake.ContactInput(
        kind="child_welfare_notification", channel="phone",
        received_at=timezone.now(), reporter_kind="education",
        reporter_name="Opettaja Olli", description="Huoli.",
        persons=[intake.PersonRef(role="child", first_name="Eino", last_name="Esimerkki",
                                  temporary=True)],
        municipality_code=municipality.code))
    _speak(client, language)
    client.force_login(worker)
    text = _text(client.get(f"/intake/contacts/{contact.pk}/"))
    assert shown in text and hidden not in text


@pytest.mark.parametrize("language", ["sv", "en"])
def test_plan_version_changes__service_method_and_section_names_in_the_language(
        client, alice, case, client_person, language):
    plan, _created = plans.plan_open(actor=alice, person_id=client_person.pk)
    area = CodeListItem.objects.filter(version__current=True, code_list="goal_area").order_by("sort_order").first()
    goal = plans.goal_add(actor=alice, plan=plan, data=plans.GoalInput(
        goal_area_id=area.pk, client_wording="Löydän oman asunnon"))
    plans.plan_accept(actor=alice, plan=Plan.objects.get(pk=plan.pk), client_took_part=True)
    item = CodeListItem.objects.get(version__current=True, code_list="service", code="family_work")
    method = CodeListItem.objects.get(version__current=True, code_list="method", code="home_visits")
    plans.service_add(actor=alice, plan=Plan.objects.get(pk=plan.pk),
                      data=plans.ServiceInput(item_id=item.pk, sector="family_services"))
    plans.method_add(actor=alice, plan=Plan.objects.get(pk=plan.pk), method_id=method.pk,
                     goal_id=goal.pk)
    factor = CodeListItem.objects.get(version__current=True, code_list="situation_factor", code="loneliness")
    plans.goal_factor_add(actor=alice, goal=goal, factor_id=factor.pk, effect="hinders")
    version = plans.plan_accept(actor=alice, plan=Plan.objects.get(pk=plan.pk),
                                client_took_part=True)
    # The version keeps the Finnish names it was accepted with ...
    assert {"part": "services", "change": "added", "text": "Perhetyö"} in version.changes
    _speak(client, language)
    client.force_login(alice)
    text = _text(client.get(f"/plans/{plan.pk}/"))
    # ... and the page shows them in the reader's language.
    assert getattr(item, f"name_{language}") in text
    assert getattr(method, f"name_{language}") in text
    assert f"{getattr(factor, f'name_{language}')}: Löydän oman asunnon" in text
    assert "Perhetyö" not in text and "Kotikäynnit" not in text and "Yksinäisyys" not in text
