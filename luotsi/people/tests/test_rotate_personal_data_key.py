"""``manage.py rotate_personal_data_key``: identity codes re-encrypted and their lookup hashes
recomputed under the new key, in batches that an interrupted run continues, logged, and refused
with a wrong previous key before anything is written. Runs on SQLite and on PostgreSQL
(DATABASE_URL)."""

from __future__ import annotations

import secrets
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from luotsi.access.models import AccessLogEntry, LogAction
from luotsi.common.tests.production import manage, production_env
from luotsi.people import crypto, lookup
from luotsi.people.crypto import KeyRing
from luotsi.people.models import KeyRotation, Person
from luotsi.people.tests.factories import PersonFactory

OLD = secrets.token_urlsafe(48)
NEW = secrets.token_urlsafe(48)


def rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_personal_data_key", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def persons(db, settings):
    """Five persons with identity codes and one with a temporary identifier only, under OLD."""
    settings.PERSONAL_DATA_KEY = OLD
    people = [PersonFactory() for _ in range(5)]
    codes = {person.pk: person.hetu for person in people}
    PersonFactory(hetu_encrypted="", hetu_lookup=None, temporary_id="TMP-1")
    settings.PERSONAL_DATA_KEY = NEW
    settings.PERSONAL_DATA_KEY_PREVIOUS = OLD
    return codes


def test_rotate__every_code_under_the_new_key_and_found_by_it(persons):
    output = rotate("--batch-size", "2")
    assert "2 of 6 persons done" in output and "6 of 6" in output
    assert "Finished: 6 persons done" in output
    new = KeyRing(NEW)
    for person in Person.objects.exclude(hetu_encrypted=""):
        assert new.decrypt(person.hetu_encrypted) == persons[person.pk]
        assert person.hetu == persons[person.pk]  # the configured (new) key reads it
        assert lookup.find_by_hetu(persons[person.pk]) == person
    assert Person.objects.get(temporary_id="TMP-1").hetu_lookup is None
    rotation = KeyRotation.objects.get()
    assert rotation.finished_at and rotation.persons_done == 6
    details = list(AccessLogEntry.objects.filter(username="rotate_personal_data_key")
                   .order_by("seq").values_list("detail", flat=True))
    assert details[0].startswith("rotate_personal_data_key started: key ")
    assert details[0].endswith(", 6 persons")
    assert details[-1].endswith("finished: key " + f"{KeyRing(OLD).fingerprint} -> "
                                f"{new.fingerprint}, 6 persons")
    assert OLD not in "".join(details) and NEW not in "".join(details)
    # A second run has nothing to do.
    assert rotate().startswith("Nothing to do: the rotation to this key finished")


def test_rotate__interrupted_run_continues_where_it_stopped(persons, settings):
    """The third person's code is under neither key: the run stops there, the first batch
    kept; once the code is readable again, the next run continues after the first batch."""
    third = Person.objects.exclude(hetu_encrypted="").order_by("pk")[2]
    good_token = third.hetu_encrypted
    Person.objects.filter(pk=third.pk).update(
        hetu_encrypted=KeyRing(secrets.token_urlsafe(48)).encrypt(persons[third.pk]))
    with pytest.raises(CommandError, match=f"identity code of person {third.pk}"):
        rotate("--batch-size", "2")
    rotation = KeyRotation.objects.get()
    assert rotation.persons_done == 2 and rotation.finished_at is None
    first_two = Person.objects.exclude(hetu_encrypted="").order_by("pk")[:2]
    assert [KeyRing(NEW).decrypt(p.hetu_encrypted) for p in first_two] == [
        persons[p.pk] for p in first_two]
    Person.objects.filter(pk=third.pk).update(hetu_encrypted=good_token)

    output = rotate("--batch-size", "2")
    assert "4 of 6 persons done" in output
    assert "Finished: 6 persons" in output
    assert AccessLogEntry.objects.filter(
        detail__startswith=f"rotate_personal_data_key resumed after person "
                           f"{first_two[1].pk}").exists()
    assert all(p.hetu == persons[p.pk] for p in Person.objects.exclude(hetu_encrypted=""))


def test_rotate__searches_before_the_rotation_stay_in_the_persons_access_log_report(
        db, settings, client, alice, charlie):
    """A search that found nobody, logged under the old key by the hashed code and name, is
    still in the report of the person registered later, after the rotation."""
    from datetime import date

    from luotsi.people import hetu

    settings.PERSONAL_DATA_KEY = OLD
    code = hetu.build(date(1977, 7, 7), 951)
    client.force_login(alice)
    client.post("/persons/", {"hetu": code})
    client.post("/persons/", {"name": "Harvinainen Helmi"})
    person = PersonFactory(hetu=code, first_name="Helmi", last_name="Harvinainen")
    settings.PERSONAL_DATA_KEY, settings.PERSONAL_DATA_KEY_PREVIOUS = NEW, OLD
    rotate()

    client.force_login(charlie)
    today = str(timezone.localdate())
    response = client.post("/access-log/report/", {"hetu": code, "format": "page",
                                                   "start": today, "end": today})
    assert response.context["person"] == person
    searches = [row for row in response.context["rows"]
                if row.action == str(LogAction.SEARCH.label)]
    assert len(searches) == 2


def test_rotate__a_code_already_under_the_new_key_is_kept(persons):
    """A person registered under the new key before the run (the new key configured first)."""
    added = PersonFactory()  # registered with the configured key, NEW
    token = added.hetu_encrypted
    rotate()
    added.refresh_from_db()
    assert added.hetu_encrypted == token
    assert added.hetu_lookup == crypto.lookup_hash(added.hetu)


def test_rotate__wrong_previous_key_refused_on_the_first_row(persons, settings):
    settings.PERSONAL_DATA_KEY_PREVIOUS = secrets.token_urlsafe(48)
    before = dict(Person.objects.values_list("pk", "hetu_encrypted"))
    first = min(persons)
    with pytest.raises(CommandError) as refused:
        rotate()
    assert str(refused.value) == (
        f"LUOTSI_PERSONAL_DATA_KEY_PREVIOUS does not decrypt the identity code of person "
        f"{first}: it is not the key the data is encrypted with. Nothing more was changed.")
    assert dict(Person.objects.values_list("pk", "hetu_encrypted")) == before
    assert not KeyRotation.objects.exists()
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(("previous", "args", "message"), [
    ("", (), "Set LUOTSI_PERSONAL_DATA_KEY_PREVIOUS to the key the data is encrypted with"),
    (NEW, (), "LUOTSI_PERSONAL_DATA_KEY_PREVIOUS is the same as LUOTSI_PERSONAL_DATA_KEY"),
    (OLD, ("--batch-size", "0"), "--batch-size must be between 1 and 100000."),
    (OLD, ("--batch-size", "9223372036854775809"), "--batch-size must be between 1 and 100000."),
], ids=["no-previous-key", "previous-is-new", "batch-size-0", "batch-size-2^63+1"])
def test_rotate__refused_settings(persons, settings, previous, args, message):
    settings.PERSONAL_DATA_KEY_PREVIOUS = previous
    with pytest.raises(CommandError, match=message):
        rotate(*args)
    assert not KeyRotation.objects.exists()


CREATE_PERSONS = (
    "from luotsi.people.tests.factories import PersonFactory; "
    "[PersonFactory() for _ in range(3)]; "
    "from luotsi.people.models import Person; "
    "print(sorted(p.hetu for p in Person.objects.all()))"
)
READ_CODES = ("from luotsi.people.models import Person; "
              "print(sorted(p.hetu for p in Person.objects.all()))")


def test_rotate__subprocess_outside_demo_mode(tmp_path):
    """As docs/operations.md runs it: new key in LUOTSI_PERSONAL_DATA_KEY, the old one in
    LUOTSI_PERSONAL_DATA_KEY_PREVIOUS; the exit status tells a refusal."""
    env = production_env(tmp_path) | {"LUOTSI_PERSONAL_DATA_KEY": OLD}
    assert manage(env, "migrate", "--noinput", "-v", "0").returncode == 0
    created = manage(env, "shell", "-c", CREATE_PERSONS)
    assert created.returncode == 0, created.stderr
    codes = created.stdout.strip().splitlines()[-1]

    wrong = manage(env | {"LUOTSI_PERSONAL_DATA_KEY": NEW,
                          "LUOTSI_PERSONAL_DATA_KEY_PREVIOUS": secrets.token_urlsafe(48)},
                   "rotate_personal_data_key")
    assert wrong.returncode == 1
    assert "does not decrypt the identity code of person" in wrong.stderr

    rotated_env = env | {"LUOTSI_PERSONAL_DATA_KEY": NEW, "LUOTSI_PERSONAL_DATA_KEY_PREVIOUS": OLD}
    done = manage(rotated_env, "rotate_personal_data_key")
    assert done.returncode == 0, done.stderr
    assert "Finished: 3 persons done" in done.stdout
    read = manage(env | {"LUOTSI_PERSONAL_DATA_KEY": NEW}, "shell", "-c", READ_CODES)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip().splitlines()[-1] == codes
    again = manage(rotated_env, "rotate_personal_data_key")
    assert again.returncode == 0 and again.stdout.startswith("Nothing to do")
