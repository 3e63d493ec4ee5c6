"""The client plan's part of the person page (luotsi.people.history), through the gateway."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luotsi.access.gateway import filter_visible
from luotsi.access.models import Category
from luotsi.people.history import Section
from luotsi.plans.models import Plan


def person_history(user, person) -> list[Section]:
    plans = list(filter_visible(Plan.objects.filter(person=person), user)
                 .select_related("coordinator"))
    return [Section(key="plan", title=_("Client plan"), template="plans/_person_plan.html",
                    category=Category.PLAN, rows=plans, order=30)]
