"""Re-encrypt the stored identity codes and recompute their keyed lookup hashes under a new
personal-data key."""

from __future__ import annotations

import logging

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from luotsi.access import log
from luotsi.access.models import Basis, Category, LogAction, Outcome
from luotsi.access.reports import term_keys
from luotsi.people.crypto import KeyRing
from luotsi.people.models import KeyRotation, Person, PreviousSearchKey

COMMAND = "rotate_personal_data_key"
ACTOR = log.Actor(None, COMMAND, "", "", "")
logger = logging.getLogger("luotsi.people.key_rotation")


class WrongKey(CommandError):
    pass


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored identity code from the previous personal-data key "
        "(LUOTSI_PERSONAL_DATA_KEY_PREVIOUS) to the current one (LUOTSI_PERSONAL_DATA_KEY) and "
        "recompute the keyed lookup hashes; each person's hashed search terms under the old key "
        "are kept for the access-log reports. Works in batches, each committed with its progress: "
        "an interrupted run continues where it stopped when started again. Refuses to start "
        "when the previous key does not decrypt the data. Run it with the servers stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000,
                            help="Persons re-encrypted per transaction (1 to 100000).")

    def handle(self, *args, batch_size: int = 1000, **options):
        if not 1 <= batch_size <= 100_000:
            raise CommandError("--batch-size must be between 1 and 100000.")
        previous = settings.PERSONAL_DATA_KEY_PREVIOUS
        if not previous:
            raise CommandError(
                "Set LUOTSI_PERSONAL_DATA_KEY_PREVIOUS to the key the data is encrypted with now "
                "and LUOTSI_PERSONAL_DATA_KEY to the new key (docs/operations.md).")
        if previous == settings.PERSONAL_DATA_KEY:
            raise CommandError("LUOTSI_PERSONAL_DATA_KEY_PREVIOUS is the same as "
                               "LUOTSI_PERSONAL_DATA_KEY: set the new key in "
                               "LUOTSI_PERSONAL_DATA_KEY.")
        old, new = KeyRing(previous), KeyRing(settings.PERSONAL_DATA_KEY)
        rotation = (KeyRotation.objects.filter(old_fingerprint=old.fingerprint,
                                               new_fingerprint=new.fingerprint)
                    .order_by("-pk").first())
        if rotation is not None and rotation.finished_at is not None:
            self.stdout.write(f"Nothing to do: the rotation to this key finished "
                              f"{rotation.finished_at.isoformat(timespec='seconds')} "
                              f"({rotation.persons_done} persons).")
            return
        cursor = rotation.last_person_id if rotation else 0
        remaining = _pending(cursor).count()
        self._check_first_row(old, new, cursor)
        if rotation is None:
            rotation = KeyRotation.objects.create(old_fingerprint=old.fingerprint,
                                                  new_fingerprint=new.fingerprint)
            self._log(f"started: key {old.fingerprint} -> {new.fingerprint}, "
                      f"{remaining} persons")
        else:
            self._log(f"resumed after person {cursor}: key {old.fingerprint} -> "
                      f"{new.fingerprint}, {rotation.persons_done} done, {remaining} to go")
        total = rotation.persons_done + remaining
        while self._batch(rotation, old, new, batch_size):
            self.stdout.write(f"{rotation.persons_done} of {total} persons done "
                              f"(up to id {rotation.last_person_id})")
        rotation.finished_at = timezone.now()
        rotation.save(update_fields=["finished_at", "updated_at"])
        self._log(f"finished: key {old.fingerprint} -> {new.fingerprint}, "
                  f"{rotation.persons_done} persons")
        self.stdout.write(f"Finished: {rotation.persons_done} persons done, their identity codes "
                          "re-encrypted under the new key. Empty "
                          "LUOTSI_PERSONAL_DATA_KEY_PREVIOUS and start the servers.")

    def _check_first_row(self, old: KeyRing, new: KeyRing, cursor: int) -> None:
        """A wrong previous key is found on the first row, before anything is written."""
        first = (_pending(cursor).exclude(hetu_encrypted="")
                 .values_list("pk", "hetu_encrypted").first())
        if first is not None:
            _reencrypt(first[0], first[1], old, new)

    @transaction.atomic
    def _batch(self, rotation: KeyRotation, old: KeyRing, new: KeyRing, size: int) -> bool:
        rows = list(_pending(rotation.last_person_id).select_for_update()
                    .only("pk", "hetu_encrypted", "hetu_lookup", "first_name", "last_name")
                    [:size])
        if not rows:
            return False
        previous = []
        for person in rows:
            previous += [PreviousSearchKey(person_id=person.pk, rotation=rotation, key=key)
                         for key in term_keys(person, old.search_term_hash)]
            if person.hetu_encrypted:
                person.hetu_encrypted, person.hetu_lookup = _reencrypt(
                    person.pk, person.hetu_encrypted, old, new)
        PreviousSearchKey.objects.bulk_create(previous)
        _store(rows)
        rotation.last_person_id = rows[-1].pk
        rotation.persons_done += len(rows)
        rotation.save(update_fields=["last_person_id", "persons_done", "updated_at"])
        return True

    def _log(self, message: str) -> None:
        logger.info("%s %s", COMMAND, message)
        log.append(ACTOR, [log.Event(None, Category.BASIC_DATA, LogAction.UPDATE,
                                     Basis.ADMINISTRATION, Outcome.ALLOWED,
                                     f"{COMMAND} {message}")])


def _store(rows: list[Person]) -> None:
    """The batch's new ciphertexts and hashes in one prepared statement (``bulk_update``'s
    CASE expressions cost more than the cryptography)."""
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET hetu_encrypted = %s, hetu_lookup = %s WHERE id = %s",  # noqa: S608 - the table name is the model's
            [(p.hetu_encrypted, p.hetu_lookup, p.pk) for p in rows if p.hetu_encrypted])


def _pending(after: int):
    """Every person after ``after``: those without an identity code too, whose names are
    hashed search terms as well."""
    return Person.objects.filter(pk__gt=after).order_by("pk")


def _reencrypt(person_id: int, token: str, old: KeyRing, new: KeyRing) -> tuple[str, str]:
    """The code encrypted and hashed under ``new``. A code already under ``new`` (written by
    the new key meanwhile) is kept as it is."""
    try:
        code = old.decrypt(token)
    except InvalidToken:
        try:
            code = new.decrypt(token)
        except InvalidToken:
            raise WrongKey(
                f"LUOTSI_PERSONAL_DATA_KEY_PREVIOUS does not decrypt the identity code of "
                f"person {person_id}: it is not the key the data is encrypted with. "
                "Nothing more was changed.") from None
        return token, new.lookup_hash(code)
    return new.encrypt(code), new.lookup_hash(code)
