import datetime as dt

import pytest
from django.utils import timezone

from luotsi.plans import services as s
from luotsi.plans.models import CodeListItem

pytestmark = pytest.mark.django_db


def test_plan_smoke(alice, case, client_person):
    plan, created = s.plan_open(actor=alice, person_id=client_person.pk)
    assert created
    again, created2 = s.plan_open(actor=alice, person_id=client_person.pk)
    assert again.pk == plan.pk and not created2
    area = CodeListItem.objects.filter(code_list="goal_area").first()
    s.section_add(actor=alice, plan=plan, sector="working_age_social", responsible_id=alice.pk)
    goal = s.goal_add(actor=alice, plan=plan, data=s.GoalInput(goal_area_id=area.pk,
                                                                  client_wording="Oma koti"))
    s.step_add(actor=alice, plan=plan, data=s.StepInput(what="Soita", owner_kind="client",
                                                          due_on=timezone.localdate()))
    s.rating_add(actor=alice, plan=plan, data=s.RatingInput(goal_id=goal.pk, value=2,
                                                              rated_by_kind="together"))
    v = s.plan_accept(actor=alice, plan=plan, client_took_part=True)
    assert v.number == 1 and v.snapshot["goals"][0]["client_wording"] == "Oma koti"
    plan.refresh_from_db()
    with pytest.raises(s.PlanConflict):
        s.plan_update(actor=alice, plan=plan, changes=s.PlanChanges(client_view="x"),
                      expected_revision=plan.revision - 1)
    assert dt
