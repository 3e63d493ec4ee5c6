"""One plan per person, also when several professionals create it at the same moment."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, Category, LogAction
from luotsi.access.tests.factories import RelationshipFactory
from luotsi.api.models import ApiToken
from luotsi.organisation.tests.factories import TeamFactory, UserFactory
from luotsi.people.tests.factories import PersonFactory
from luotsi.plans import services as s
from luotsi.plans.models import Participant, Plan


@pytest.mark.django_db
def test_plan_open_twice_gives_one_plan(alice, case, client_person):
    first, created = s.plan_open(actor=alice, person_id=client_person.pk)
    second, created_again = s.plan_open(actor=alice, person_id=client_person.pk)
    assert created and not created_again and first.pk == second.pk
    assert Plan.objects.filter(person=client_person).count() == 1


@pytest.mark.django_db
def test_plan_open_after_losing_the_race_returns_the_winners_plan(alice, case, client_person,
                                                                  monkeypatch):
    """The path where the existence check saw no plan but another request created one before
    this insert: the unique person constraint refuses the second plan and the winner's opens."""
    winner, _ = s.plan_open(actor=alice, person_id=client_person.pk)
    # Make the existence check miss, as it does for the request that loses the race.
    monkeypatch.setattr(Plan.objects, "filter", lambda *a, **kw: Plan.objects.none())
    plan, created = s.plan_open(actor=alice, person_id=client_person.pk)
    monkeypatch.undo()
    assert not created and plan.pk == winner.pk
    assert Plan.objects.filter(person=client_person).count() == 1
    # The loser's half-made plan left nothing behind: one client participant, one create log.
    assert Participant.objects.filter(plan=winner, kind="client").count() == 1
    assert AccessLogEntry.objects.filter(person_id=client_person.pk, category=Category.PLAN,
                                         action=LogAction.CREATE).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_plan(alice, case, client_person):
    plan, _ = s.plan_open(actor=alice, person_id=client_person.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(person=client_person, review_on=timezone.localdate(),
                            created_by=alice, updated_by=alice)
    assert list(Plan.objects.filter(person=client_person)) == [plan]


WORKERS = 6


def _race(target, args_list) -> list:
    """Run ``target`` in threads released together; each closes its own connection."""
    barrier = threading.Barrier(len(args_list))
    results, errors = [None] * len(args_list), []

    def run(index, args):
        try:
            barrier.wait(timeout=30)
            results[index] = target(*args)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(args_list)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def _professionals(person, count):
    team = TeamFactory(code="race-team")
    users = [UserFactory(username=f"racer{i}", teams=[team]) for i in range(count)]
    for user in users:
        RelationshipFactory(person=person, user=user)
    return users


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer (BEGIN IMMEDIATE), so threads cannot race there; "
           "run with DATABASE_URL=postgres://… for the real concurrent case.")


@pytest.mark.postgres
@postgres_only
@pytest.mark.parametrize("existence_check", [True, False], ids=["as-is", "check-missed"])
def test_concurrent_plan_open_creates_one_plan(flushable_db, monkeypatch, existence_check):
    person = PersonFactory()
    users = _professionals(person, WORKERS)
    if not existence_check:
        # Every thread goes straight to the insert: the unique constraint alone must decide.
        monkeypatch.setattr(Plan.objects, "filter", lambda *a, **kw: Plan.objects.none())
    results = _race(lambda user: s.plan_open(actor=user, person_id=person.pk),
                    [(user,) for user in users])
    monkeypatch.undo()
    plans = {plan.pk for plan, _created in results}
    assert len(plans) == 1
    assert sum(created for _plan, created in results) == 1
    assert Plan.objects.filter(person=person).count() == 1
    assert Participant.objects.filter(plan_id=plans.pop(), kind="client").count() == 1


@pytest.mark.postgres
@postgres_only
def test_concurrent_api_posts_create_one_plan(flushable_db):
    from django.test import Client

    person = PersonFactory()
    users = _professionals(person, WORKERS)
    tokens = [ApiToken.issue(user)[1] for user in users]

    def post(token, key):
        response = Client().post(f"/api/v1/clients/{person.pk}/plan",
                                 headers={"Authorization": f"Bearer {token}",
                                          "Idempotency-Key": key})
        return response.status_code, response.json()["id"]

    # Everyone with their own key, and one professional retrying with the same key at once.
    args = [(token, "open") for token in tokens] + [(tokens[0], "open")]
    results = _race(post, args)
    assert {plan_id for _status, plan_id in results} == {Plan.objects.get(person=person).pk}
    assert sorted(status for status, _ in results).count(201) in (1, 2)
    # The two requests of the same key answer the same: replayed or the one that created.
    assert results[0] == results[-1]
