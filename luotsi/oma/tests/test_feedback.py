"""Did the plan help? After a review held or a network meeting past, "my plan" asks the client;
the answer (one per occasion, the client's own occasions only) feeds an anonymous summary on the
effectiveness report, figures on fewer than five answers suppressed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Basis
from luotsi.oma.tests.builders import client_with_plan, shared_client_of, sign_in_client
from luotsi.plans.models import PlanFeedback, Review
from luotsi.reports import effectiveness
from luotsi.sharedcare.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(alice):
    return client_with_plan(alice)


def _held_review(plan, days_ago: int = 3) -> Review:
    on = timezone.localdate() - dt.timedelta(days=days_ago)
    return Review.objects.create(plan=plan, scheduled_on=on, held_on=on)


def test_after_a_review_my_plan_asks_and_the_answer_is_kept_once(client, plan):
    review = _held_review(plan)
    sign_in_client(client, plan.person)
    html = client.get("/oma/plan/").content.decode()
    assert "Auttoiko suunnitelmasi sinua?" in html and 'name="answer" value="partly"' in html
    post = {"occasion": "review", "occasion_id": review.pk, "answer": "partly"}
    assert client.post("/oma/feedback/", post).status_code == 302
    [answer] = PlanFeedback.objects.all()
    assert (answer.plan_id, answer.occasion, answer.occasion_id, answer.answer,
            answer.occasion_on) == (plan.pk, "review", review.pk, "partly", review.held_on)
    record = AccessLogEntry.objects.order_by("-seq").first()
    assert (record.basis, record.username) == (Basis.OWN_DATA, f"client:{plan.person_id}")
    assert "Auttoiko suunnitelmasi sinua?" not in client.get("/oma/plan/").content.decode()
    again = client.post("/oma/feedback/", {**post, "answer": "yes"}, follow=True)
    assert "Olet jo vastannut" in again.content.decode()
    assert PlanFeedback.objects.get().answer == "partly"


def test_after_a_meeting_too(client, alice, plan):
    meeting = Meeting.objects.create(shared_client=shared_client_of(plan), created_by=alice,
                                     held_at=timezone.now() - dt.timedelta(days=2))
    sign_in_client(client, plan.person)
    assert f'name="occasion_id" value="{meeting.pk}"' in client.get("/oma/plan/").content.decode()
    assert client.post("/oma/feedback/", {"occasion": "meeting", "occasion_id": meeting.pk,
                                          "answer": "yes"}).status_code == 302
    assert PlanFeedback.objects.get().occasion == "meeting"


def test_someone_elses_or_a_future_occasion_is_not_found(client, alice, plan):
    other = client_with_plan(alice, first_name="Toinen")
    theirs = _held_review(other)
    coming = Review.objects.create(plan=plan, scheduled_on=timezone.localdate())
    sign_in_client(client, plan.person)
    for post in ({"occasion": "review", "occasion_id": theirs.pk, "answer": "yes"},
                 {"occasion": "review", "occasion_id": coming.pk, "answer": "yes"},
                 {"occasion": "meeting", "occasion_id": theirs.pk, "answer": "yes"},
                 {"occasion": "review", "occasion_id": str(2**63 + 1), "answer": "yes"},
                 {"occasion": "x", "occasion_id": "\x00", "answer": "yes"}):
        assert client.post("/oma/feedback/", post).status_code == 404, post
    mine = _held_review(plan)
    answer = client.post("/oma/feedback/", {"occasion": "review", "occasion_id": mine.pk,
                                            "answer": "maybe"}, follow=True)
    assert "Valitse kyllä, osittain tai ei." in answer.content.decode()
    assert not PlanFeedback.objects.exists()


def test_the_summary_suppresses_small_figures(alice):
    from luotsi.reports.effectiveness import EffectivenessFilters

    today = timezone.localdate()
    filters = EffectivenessFilters(end=today, months=3)

    def answers(kind: str, n: int) -> None:
        for _ in range(n):
            plan = client_with_plan(alice)
            review = _held_review(plan)
            PlanFeedback.objects.create(plan=plan, occasion="review", occasion_id=review.pk,
                                        occasion_on=review.held_on, answer=kind)

    answers("yes", 3)
    summary = effectiveness.feedback_summary(filters)
    assert summary.total is None and all(n is None for _label, n in summary.counts)
    answers("yes", 4)
    answers("no", 2)
    summary = effectiveness.feedback_summary(filters)
    # no (2) is small: hidden, and partly (0) with it, so that no hidden count can be worked out
    assert summary.total == 9
    assert [n for _label, n in summary.counts] == [7, None, None]
    answers("partly", 5)
    answers("no", 3)
    summary = effectiveness.feedback_summary(filters)
    assert [n for _label, n in summary.counts] == [7, 5, 5]


def test_the_effectiveness_page_shows_the_summary(client, lead, alice):
    sign = "Auttoiko suunnitelma? Asiakkaiden omat vastaukset"
    client.force_login(lead)
    html = client.get("/plans/effectiveness/").content.decode()
    assert sign in html and 'id="feedback-summary"' in html
