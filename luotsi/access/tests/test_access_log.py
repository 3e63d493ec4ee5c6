"""The access log: hash-chained, append-only in the database itself, and verified by
``manage.py verify_access_log``, which names the first broken record.

Runs on SQLite and PostgreSQL. Tampering needs the append-only trigger out of the way; the DDL
is done inside the test's own transaction, which is rolled back, so the trigger comes back.
"""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from luotsi.access import log
from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def entries(alice, bob, client_person, case, client):
    """Several records written through the ordinary paths: pages, a search and direct writes."""
    client.force_login(alice)
    client.get(f"/persons/{client_person.pk}/")
    client.get("/persons/", {"name": "asiakas"})
    client.force_login(bob)
    client.get(f"/persons/{client_person.pk}/")
    log.append(log.Actor.of(alice), [
        log.Event(client_person.pk, Category.FAMILY, LogAction.VIEW, Basis.CASE, Outcome.ALLOWED,
                  "ääkköset ja \"lainausmerkit\""),
        log.Event(client_person.pk, Category.PLAN, LogAction.PRINT, Basis.CASE, Outcome.ALLOWED),
    ])
    rows = list(AccessLogEntry.objects.order_by("seq"))
    assert len(rows) == 5
    return rows


def run_verify() -> str:
    out = io.StringIO()
    call_command("verify_access_log", stdout=out)
    return out.getvalue()


def execute(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def disable_append_only() -> None:
    """Take the append-only trigger off, for this test's transaction only."""
    if connection.vendor == "postgresql":
        execute("ALTER TABLE access_accesslogentry DISABLE TRIGGER USER")
    elif connection.vendor == "sqlite":
        execute("DROP TRIGGER access_log_no_update")
        execute("DROP TRIGGER access_log_no_delete")
    else:  # pragma: no cover
        pytest.skip(f"no tampering recipe for {connection.vendor}")


# --- the chain -----------------------------------------------------------------------------


def test_access_log__chain_valid_after_several_writes(entries):
    assert [row.seq for row in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == log.GENESIS
    for previous, row in zip(entries, entries[1:], strict=False):
        assert row.prev_hash == previous.hash
    assert list(log.verify()) == []
    assert list(log.verify(batch_size=2)) == []


def test_access_log__records_who_what_and_basis(entries, alice, client_person):
    row = next(r for r in entries if r.user_id == alice.pk and r.action == LogAction.VIEW)
    assert (row.username, row.user_name, row.role) == ("alice", "Alice Aalto", "social_worker")
    assert row.team == "east-assessment"
    assert (row.person_id, row.basis, row.outcome) == (client_person.pk, Basis.CASE,
                                                       Outcome.ALLOWED)
    assert row.request_id


def test_access_log__progress_called_for_every_record(entries):
    seen = []
    assert list(log.verify(progress=seen.append)) == []
    assert seen == [row.seq for row in entries]


# --- manage.py verify_access_log -----------------------------------------------------------


def test_verify_access_log__intact_chain_exits_zero(entries):
    output = run_verify()
    assert f"{len(entries)} records checked" in output


def test_verify_access_log__empty_log_is_intact(db):
    assert "0 records checked" in run_verify()


def test_verify_access_log__exit_status_from_the_command_line(entries, monkeypatch, capsys):
    """Run as from a shell: exit status 0 when intact, 1 when broken."""
    from django.core.management import execute_from_command_line

    monkeypatch.setattr(sys, "argv", ["manage.py", "verify_access_log"])
    # A command run from the shell closes the connections when done; keep the test's open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    execute_from_command_line(sys.argv)
    assert "records checked" in capsys.readouterr().out

    victim = entries[2]
    disable_append_only()
    execute("UPDATE access_accesslogentry SET basis = %s WHERE id = %s", [Basis.CASE, victim.pk])
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(sys.argv)
    assert exited.value.code == 1
    assert f"seq {victim.seq}" in capsys.readouterr().err


def test_verify_access_log__no_progress_bar_when_not_a_terminal(entries):
    output = run_verify()
    assert "\x1b[" not in output  # no terminal control sequences in a pipe or file
    assert output.count("\n") == 1


def test_verify_access_log__progress_bar_on_a_terminal(entries):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    call_command("verify_access_log", stdout=out)
    assert f"{len(entries)} records checked" in out.getvalue()


@pytest.mark.parametrize(("column", "value"), [
    ("detail", "nothing to see here"),
    ("username", "mallory"),
    ("person_id", 999999),
    ("outcome", Outcome.ALLOWED),
])
def test_verify_access_log__changed_record_named(entries, column, value):
    victim = entries[3]
    if getattr(victim, column) == value:
        value = Outcome.REFUSED if column == "outcome" else value
    disable_append_only()
    execute(f"UPDATE access_accesslogentry SET {column} = %s WHERE id = %s",  # noqa: S608
            [value, victim.pk])
    with pytest.raises(CommandError) as caught:
        run_verify()
    message = str(caught.value)
    assert f"seq {victim.seq} " in message
    assert f"id {victim.pk})" in message
    assert "changed" in message


def test_verify_access_log__rehashed_record_breaks_the_next_link(entries):
    """A forger who also recomputes the changed record's hash is caught at the next record."""
    victim, following = entries[2], entries[3]
    values = {name: getattr(victim, name) for name in log._FIELDS}
    values["detail"] = "forged"
    forged_hash = log.compute_hash(victim.prev_hash, values)
    disable_append_only()
    execute("UPDATE access_accesslogentry SET detail = %s, hash = %s WHERE id = %s",
            ["forged", forged_hash, victim.pk])
    with pytest.raises(CommandError) as caught:
        run_verify()
    assert f"seq {following.seq} " in str(caught.value)
    assert "prev_hash" in str(caught.value)


def test_verify_access_log__deleted_record_named_as_missing(entries):
    victim, following = entries[2], entries[3]
    disable_append_only()
    execute("DELETE FROM access_accesslogentry WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError) as caught:
        run_verify()
    message = str(caught.value)
    assert f"seq {victim.seq} " in message
    assert "missing" in message
    assert f"id {following.pk})" in message  # the record found in its place


def test_verify_access_log__first_break_named_when_several(entries):
    first, later = entries[1], entries[4]
    disable_append_only()
    execute("UPDATE access_accesslogentry SET detail = 'x' WHERE id IN (%s, %s)",
            [first.pk, later.pk])
    with pytest.raises(CommandError) as caught:
        run_verify()
    message = str(caught.value)
    assert f"seq {first.seq} " in message
    assert f"seq {later.seq} " not in message
    assert "2 break(s)" in message


# --- the database refuses changes ----------------------------------------------------------


def _refused(sql: str, params=()) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        execute(sql, params)
    return str(caught.value)


def test_access_log__database_refuses_update(entries):
    assert connection.vendor in {"sqlite", "postgresql"}
    message = _refused("UPDATE access_accesslogentry SET detail = 'x' WHERE id = %s",
                       [entries[0].pk])
    assert "append-only" in message
    assert AccessLogEntry.objects.get(pk=entries[0].pk).detail == entries[0].detail


def test_access_log__database_refuses_delete(entries):
    message = _refused("DELETE FROM access_accesslogentry WHERE id = %s", [entries[0].pk])
    assert "append-only" in message
    assert AccessLogEntry.objects.count() == len(entries)


def test_access_log__database_refuses_update_through_the_orm(entries):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entries[0].pk).update(basis=Basis.CASE)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.all().delete()
    assert list(log.verify()) == []


def test_access_log__postgresql_refuses_truncate(entries):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    assert "append-only" in _refused("TRUNCATE access_accesslogentry")
