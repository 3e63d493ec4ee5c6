import datetime as dt

import factory
from django.utils import timezone

from luotsi.access.models import Basis, ClientRelationship


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientRelationship

    basis = Basis.CASE
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    service_task = "family_services"
