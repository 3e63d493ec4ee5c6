"""The persons of an import's rows, by the keyed hash of their identity code; an unknown person is
registered with the code alone (encrypted code, lookup hash and birth date), one access-log record
each."""

from __future__ import annotations

from django.db import connection

from luotsi.access import log
from luotsi.access.models import Basis, Category, LogAction, Outcome
from luotsi.people import crypto, hetu
from luotsi.people.models import Person

IMPORT_ACTOR = log.Actor(None, "import_service_events", "", "", "")
_PERSON_STAGING = "usage_person_staging"


class PersonResolver:
    """Person ids by normalised hetu; registers unknown persons with the code alone."""

    def __init__(self, source: str) -> None:
        self.ids: dict[str, int] = {}
        self.source = source

    def resolve(self, codes: set[str]) -> int:
        """Fill ``ids`` for ``codes``; returns the number of persons registered."""
        missing = [code for code in codes if code not in self.ids]
        if not missing:
            return 0
        if len(self.ids) > 1_000_000:
            self.ids.clear()
        hashes = {crypto.lookup_hash(code): code for code in missing}
        self._load(hashes)
        unknown = [h for h in hashes if hashes[h] not in self.ids]
        if not unknown:
            return 0
        before = len(self.ids)
        if connection.vendor == "postgresql":
            self._register_postgresql(unknown, hashes)
        else:
            Person.objects.bulk_create([
                Person(hetu_encrypted=crypto.encrypt(hashes[digest]), hetu_lookup=digest,
                       birth_date=hetu.parse(hashes[digest]).birth_date, first_name="",
                       last_name="", search_name="")
                for digest in unknown], batch_size=2000, ignore_conflicts=True)
        # Those registered now, and those another import registered meanwhile.
        self._load({digest: hashes[digest] for digest in unknown if hashes[digest] not in self.ids})
        created = [self.ids[hashes[d]] for d in unknown if hashes[d] in self.ids]
        log.append(IMPORT_ACTOR, [
            log.Event(person_id, Category.BASIC_DATA, LogAction.CREATE, Basis.REGISTRATION,
                      Outcome.ALLOWED, f"import_service_events: {self.source}")
            for person_id in created
        ])
        return len(self.ids) - before

    def _register_postgresql(self, unknown: list[str], hashes: dict[str, str]) -> None:
        """The rows ``bulk_create`` would insert (the model's defaults, the code, its hash and
        the birth date), copied into a staging table and inserted with one statement."""
        template = Person(first_name="", last_name="", search_name="")
        fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
        values = [f.get_db_prep_save(f.pre_save(template, True), connection) for f in fields]
        positions = {f.name: n for n, f in enumerate(fields)}
        columns = ", ".join(connection.ops.quote_name(f.column or f.name) for f in fields)
        table = Person._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_PERSON_STAGING} "  # noqa: S608 - constant names
                           f"ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA")
            with cursor.cursor.copy(f"COPY {_PERSON_STAGING} ({columns}) FROM STDIN") as copy:
                for digest in unknown:
                    code = hashes[digest]
                    row = list(values)
                    row[positions["hetu_encrypted"]] = crypto.encrypt(code)
                    row[positions["hetu_lookup"]] = digest
                    row[positions["birth_date"]] = hetu.parse(code).birth_date
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM "  # noqa: S608 - constant names
                           f"{_PERSON_STAGING} ON CONFLICT DO NOTHING RETURNING id, hetu_lookup")
            for person_id, digest in cursor.fetchall():
                self.ids[hashes[digest]] = person_id
            cursor.execute(f"DROP TABLE {_PERSON_STAGING}")

    def _load(self, hashes: dict[str, str]) -> None:
        keys = list(hashes)
        for start in range(0, len(keys), 900):
            chunk = keys[start:start + 900]
            for person_id, digest in Person.objects.filter(hetu_lookup__in=chunk).values_list(
                    "id", "hetu_lookup"):
                if digest is not None:  # the filter above found it by its hash
                    self.ids[hashes[digest]] = person_id
