"""The shared-client record's part of the person page (luotsi.people.history), through the
gateway."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from luotsi.access.gateway import filter_visible
from luotsi.access.models import Category
from luotsi.people.history import Section
from luotsi.sharedcare.models import SharedClient


def person_history(user, person) -> list[Section]:
    records = list(filter_visible(SharedClient.objects.filter(person=person), user)
                   .select_related("coordinator"))
    return [Section(key="shared_client", title=_("Shared-client record"),
                    template="sharedcare/_person_shared_client.html",
                    category=Category.SHARED_CARE, rows=records, order=40)]
