import datetime as dt

import factory

from luotsi.people import crypto, hetu
from luotsi.people.models import Person, search_key


class PersonFactory(factory.django.DjangoModelFactory):
    """A person with a valid test-range hetu (individual numbers 900–999)."""

    class Meta:
        model = Person

    first_name = "Aino"
    last_name = factory.Sequence(lambda n: f"Virtanen{n}")
    birth_date = factory.Sequence(lambda n: dt.date(1980, 1, 1) + dt.timedelta(days=n % 9000))
    search_name = factory.LazyAttribute(lambda o: search_key(o.first_name, o.last_name))
    language = "fi"

    class Params:
        hetu = factory.LazyAttributeSequence(
            lambda o, n: hetu.build(o.birth_date, 900 + n % 100))

    hetu_encrypted = factory.LazyAttribute(lambda o: crypto.encrypt(o.hetu))
    hetu_lookup = factory.LazyAttribute(lambda o: crypto.lookup_hash(o.hetu))
