"""Plans with rated goals for the report tests: the AVAIN effectiveness report and the research
file (reports/tests), and the research basis in the access log (access/tests). Written straight to
the models, since these tests are about reading many plans, not about how a plan is written."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from luotsi.people.tests.factories import PersonFactory
from luotsi.plans.models import (
    CodeList,
    CodeListItem,
    Evaluation,
    Goal,
    Plan,
    PlanMethod,
    PlanSection,
    PlanService,
    Rating,
    RatingScale,
    Sector,
)


def item(code_list: str, index: int = 0) -> CodeListItem:
    """The code list's ``index``-th item in its order."""
    return CodeListItem.objects.filter(version__current=True, code_list=code_list).order_by("sort_order", "pk")[index]


def make_plans(coordinator, ratings: list[tuple[int, ...]], *, municipality=None,
               sector=Sector.WORKING_AGE_SOCIAL, method=True, service=True, area_index=0,
               evaluated: tuple[int, int] | None = None):
    """One plan (and client) per entry; each entry is one goal's ratings in date order. With
    ``evaluated`` (the professional's and the client's value), the service and the goal's
    method are evaluated at the last rating's date."""
    scale = RatingScale.objects.get(is_default=True)
    today = timezone.localdate()
    area = item(CodeList.GOAL_AREA, area_index)
    for values in ratings:
        person = PersonFactory(municipality=municipality, birth_date=dt.date(1985, 5, 5))
        plan = Plan.objects.create(person=person, coordinator=coordinator, created_by=coordinator,
                                   updated_by=coordinator, review_on=today + dt.timedelta(days=90))
        section = PlanSection.objects.create(plan=plan, sector=sector, responsible=coordinator)
        goal = Goal.objects.create(plan=plan, section=section, goal_area=area,
                                   client_wording="Oma koti")
        for index, value in enumerate(values):
            Rating.objects.create(
                goal=goal, occasion="start" if index == 0 else "review",
                rated_on=today - dt.timedelta(days=100 - 30 * index), scale=scale, value=value,
                rated_by_kind="together", recorded_by=coordinator)
        rows = []
        if method:
            PlanMethod.objects.create(plan=plan, method=item(CodeList.METHOD))
            rows.append(PlanMethod.objects.create(plan=plan, goal=goal,
                                                  method=item(CodeList.METHOD)))
        if service:
            rows.append(PlanService.objects.create(plan=plan, item=item(CodeList.SERVICE),
                                                   sector=sector))
        if evaluated:
            on = today - dt.timedelta(days=100 - 30 * (len(values) - 1))
            for row in rows:
                subject = "method" if isinstance(row, PlanMethod) else "service"
                for rater, value in zip(("professional", "client"), evaluated, strict=True):
                    Evaluation.objects.create(
                        plan=plan, subject=subject, **{subject: row}, occasion="review",
                        rated_on=on, rater=rater, scale=scale, value=value,
                        recorded_by=coordinator)
