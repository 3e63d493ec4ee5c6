"""The demo county's client plans: seeded by ``seed_demo``, opened by the demo professionals,
with versions, ratings that show change, consents and reviews due, and enough for the
effectiveness report to show figures. The county is seeded once for the module (``demo_county``
in the root conftest); each test's writes are rolled back."""

from __future__ import annotations

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry
from luotsi.organisation.models import User
from luotsi.plans import selectors
from luotsi.plans.models import Consent, Plan, PlanSection, PlanVersion, Rating, Sector

pytestmark = pytest.mark.django_db

PERSONS = 600
DEMO_COUNTY = {"persons": PERSONS, "seed": 3}


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_demo_plans__adult_sw_coordinates_and_opens_them(client, demo_county):
    plans = Plan.objects.filter(accepted_version__gte=1)  # other flows may start plans too
    assert 15 <= plans.count() <= 40
    adult_sw = User.objects.get(username="adult-sw")
    own = list(plans.filter(coordinator=adult_sw))
    assert len(own) >= 3
    assert set(plans.values_list("coordinator__username", flat=True)) > {"adult-sw"}
    # several sectors, two or three accepted versions, consents, the whole plan visible
    assert PlanSection.objects.values("sector").distinct().count() >= 3
    assert set(plans.values_list("accepted_version", flat=True)) <= {2, 3}
    assert PlanVersion.objects.filter(number=1, plan__in=plans).count() == plans.count()
    second = PlanVersion.objects.filter(number=2).first()
    assert any(change["part"] == "steps" for change in second.changes)
    assert Consent.objects.exists()
    # reviews: some overdue or due soon, in adult-sw's work list
    today = timezone.localdate()
    assert plans.filter(review_on__lt=today).exists()
    assert selectors.reviews_due(adult_sw).exists() or not plans.filter(
        coordinator=adult_sw, review_on__lte=today).exists()
    # ratings that show change: some goals improve, some do not
    firsts, lasts = {}, {}
    for goal_id, value in Rating.objects.order_by("goal_id", "rated_on", "pk") \
            .values_list("goal_id", "value"):
        firsts.setdefault(goal_id, value)
        lasts[goal_id] = value
    changes = [lasts[g] - firsts[g] for g in firsts]
    assert any(c > 0 for c in changes) and any(c <= 0 for c in changes)
    # the demo login opens their plans and their list shows them
    client.force_login(adult_sw)
    listing = client.get("/plans/")
    assert listing.status_code == 200
    for plan in own[:3]:
        assert f'href="/plans/{plan.pk}/"' in listing.content.decode()
        page = client.get(f"/plans/{plan.pk}/")
        assert page.status_code == 200
        assert plan.person.last_name in page.content.decode()
    nurse_plan = plans.filter(sections__sector=Sector.HEALTH).exclude(
        coordinator__username="nurse").first()
    if nurse_plan is not None:
        client.force_login(User.objects.get(username="nurse"))
        assert client.get(f"/plans/{nurse_plan.pk}/").status_code == 200


def test_demo_plans__effectiveness_report_has_figures(client, demo_county):
    assert not AccessLogEntry.objects.exists()  # seeding is nobody's processing
    lead = User.objects.get(username="lead")
    client.force_login(lead)
    response = client.get("/plans/effectiveness/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="total-goals">0<' not in body
    assert 'id="table-teams"' in body and 'id="table-methods"' in body \
        and 'id="table-services"' in body
