"""The access log: hash-chained, append-only in the database itself, and verified by
``manage.py verify_access_log``, which names the first broken record.

Runs on SQLite and PostgreSQL. Tampering needs the append-only trigger out of the way; the DDL
is done inside the test's own transaction, which is rolled back, so the trigger comes back.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from luotsi.access import log
from luotsi.access.models import AccessLogEntry, Basis, Category, LogAction, Outcome
from luotsi.common.tests.production import manage, production_env

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(alice, bob, client_person, case, client):
    """Several records written through the ordinary paths: pages, a search and direct writes."""
    client.force_login(alice)
    client.get(f"/persons/{client_person.pk}/")
    client.post("/persons/", {"name": "asiakas"})
    client.force_login(bob)
    client.get(f"/persons/{client_person.pk}/")
    log.append(log.Actor.of(alice), [
        log.Event(client_person.pk, Category.FAMILY, LogAction.VIEW, Basis.CASE, Outcome.ALLOWED,
                  "ääkköset ja \"lainausmerkit\""),
        log.Event(client_person.pk, Category.PLAN, LogAction.PRINT, Basis.CASE, Outcome.ALLOWED),
    ])
    rows = list(AccessLogEntry.objects.order_by("seq"))
    assert len(rows) == 6  # the search writes its own record and the listed person's
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

    victim = next(row for row in entries[2:] if row.basis != Basis.CASE)
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


# --- the keyed chain: a rewrite without the key is found ------------------------------------


def drop_append_only() -> None:
    """The attack of the finding: the append-only triggers dropped (rolled back with the test)."""
    if connection.vendor == "postgresql":
        execute("DROP TRIGGER access_log_no_update ON access_accesslogentry")
        execute("DROP TRIGGER access_log_no_truncate ON access_accesslogentry")
    else:
        disable_append_only()


def _plain(prev_hash: str, values: dict, version: int) -> str:
    """Luotsi's former chain function: SHA-256 with no key."""
    return hashlib.sha256(f"{prev_hash}|{log._body(values, 1)}".encode()).hexdigest()


def _wrong_key(prev_hash: str, values: dict, version: int) -> str:
    message = f"{prev_hash}|{log._body(values, version)}".encode()
    return hmac.new(b"a guessed key of the attacker's own", message,
                    hashlib.sha256).hexdigest()


def rewrite_from(victim_seq: int, detail: str, digest, version: int | None = None,
                 upto: int | None = None) -> None:
    """Change one record's detail and recompute its hash and every following one with
    ``digest`` (and, when given, relabel them with chain ``version``), as an attacker would."""
    prev_hash = None
    for row in AccessLogEntry.objects.order_by("seq").values(
            "id", "prev_hash", "hash", "chain_version", *log._FIELDS):
        if row["seq"] < victim_seq:
            prev_hash = row["hash"]
            continue
        if upto is not None and row["seq"] > upto:
            break
        if row["seq"] == victim_seq:
            row["detail"] = detail
            prev_hash = row["prev_hash"]
        row_version = version or row["chain_version"]
        new_hash = digest(prev_hash, row, row_version)
        execute("UPDATE access_accesslogentry SET detail = %s, prev_hash = %s, hash = %s, "
                "chain_version = %s WHERE id = %s",
                [row["detail"], prev_hash, new_hash, row_version, row["id"]])
        prev_hash = new_hash


def test_access_log__records_are_keyed(entries):
    assert {row.chain_version for row in entries} == {log.KEYED_CHAIN}
    first = entries[0]
    values = {name: getattr(first, name) for name in log._FIELDS}
    assert first.hash != _plain(first.prev_hash, values, 1)
    assert first.hash == log.compute_hash(first.prev_hash, values)


def test_access_log__chain_depends_on_the_key(entries, settings):
    settings.ACCESS_LOG_KEY = "another county's key, 32 characters or more"
    assert [b.seq for b in log.verify()][:1] == [1]


@pytest.mark.parametrize(("digest", "version"), [
    (_plain, None),  # plain SHA-256, records left marked keyed
    (_plain, 1),  # plain SHA-256 and the records relabelled as written before the keying
    (_wrong_key, None),  # HMAC with a key that is not the county's
])
def test_verify_access_log__rewritten_chain_without_the_key_found(entries, digest, version):
    victim = entries[2]
    drop_append_only()
    rewrite_from(victim.seq, "forged", digest, version)
    with pytest.raises(CommandError) as caught:
        run_verify()
    message = str(caught.value)
    assert f"seq {victim.seq} " in message
    assert "changed" in message or "downgraded" in message


def test_verify_access_log__whole_log_relabelled_plain_found(entries):
    """Relabelling every record as written before the keying leaves no keyed record, and a log
    that ends in plain records is a break."""
    drop_append_only()
    rewrite_from(1, entries[0].detail, _plain, 1)
    message = str(pytest.raises(CommandError, run_verify).value)
    assert f"seq {entries[-1].seq} " in message
    assert "ends in unkeyed records" in message


# --- the upgrade: plain records before the keyed cut-over ---------------------------------


def _cutover():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("luotsi.access.migrations.0004_access_log_keyed_chain")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.append_cutover(apps, editor)


def _plain_records(count: int) -> list[AccessLogEntry]:
    """Records as written before the chain was keyed (chain version 1)."""
    from django.utils import timezone

    prev_hash, rows = log.GENESIS, []
    for seq in range(1, count + 1):
        values = {"seq": seq, "at": timezone.now(), "user_id": None, "username": "old",
                  "user_name": "", "team": "", "role": "", "person_id": seq,
                  "category": Category.BASIC_DATA, "action": LogAction.VIEW,
                  "basis": Basis.CASE, "outcome": Outcome.ALLOWED, "request_id": "",
                  "detail": f"old record {seq}"}
        digest = _plain(prev_hash, values, 1)
        rows.append(AccessLogEntry.objects.create(prev_hash=prev_hash, hash=digest,
                                                  chain_version=1, **values))
        prev_hash = digest
    return rows


def test_access_log__plain_records_before_the_cutover_verify(db, alice):
    old = _plain_records(3)
    _cutover()
    log.record(alice, person_id=1, category=Category.BASIC_DATA, action=LogAction.VIEW,
               basis=Basis.CASE, outcome=Outcome.ALLOWED)
    rows = list(AccessLogEntry.objects.order_by("seq"))
    assert [r.chain_version for r in rows] == [1, 1, 1, 2, 2]
    cutover = rows[3]
    assert cutover.prev_hash == old[-1].hash
    assert "chain keyed" in cutover.detail and cutover.person_id is None
    assert "5 records checked" in run_verify()


def test_access_log__plain_records_cannot_be_rewritten_after_the_cutover(db, alice):
    """The cut-over record's keyed hash covers the last plain hash: rewriting the plain records
    and recomputing their plain chain is found at the cut-over."""
    _plain_records(3)
    _cutover()
    drop_append_only()
    rewrite_from(2, "forged", _plain, 1, upto=3)  # the plain part recomputed …
    message = str(pytest.raises(CommandError, run_verify).value)
    assert "broken at seq 4 " in message  # … the keyed cut-over no longer links
    assert "prev_hash" in message


def test_access_log__cutover_relabelled_plain_found(db, alice):
    _plain_records(3)
    _cutover()
    drop_append_only()
    rewrite_from(2, "forged", _plain, 1)  # the cut-over recomputed as a plain record too
    message = str(pytest.raises(CommandError, run_verify).value)
    assert "ends in unkeyed records" in message


def test_access_log__no_cutover_on_an_empty_log(db):
    _cutover()
    assert AccessLogEntry.objects.count() == 0


# --- the anchor: access_log_anchor and verify_access_log --expect ------------------------


def anchor_now() -> str:
    out = io.StringIO()
    call_command("access_log_anchor", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def run_verify_expect(anchor: str) -> str:
    out = io.StringIO()
    call_command("verify_access_log", "--expect", anchor, stdout=out)
    return out.getvalue()


def test_access_log_anchor__prints_seq_and_hash_last(entries):
    newest = entries[-1]
    assert anchor_now() == f"{newest.seq}:{newest.hash}"


def test_access_log_anchor__empty_log(db):
    assert anchor_now() == f"0:{log.GENESIS}"
    assert "holds the anchor" in run_verify_expect(anchor_now())


def test_verify_access_log__expect_intact_log_passes(entries, alice, client_person):
    anchor = anchor_now()
    log.record(alice, person_id=client_person.pk, category=Category.PLAN,
               action=LogAction.VIEW, basis=Basis.CASE, outcome=Outcome.ALLOWED)
    output = run_verify_expect(anchor)
    assert f"holds the anchor {anchor}" in output
    assert f"{len(entries) + 1} records checked" in output


def test_verify_access_log__expect_finds_a_cut_tail(entries):
    anchor = anchor_now()
    drop_append_only()
    execute("DELETE FROM access_accesslogentry WHERE seq > %s", [entries[2].seq])
    assert "intact" in run_verify()  # a shorter chain is valid in itself …
    message = str(pytest.raises(CommandError, run_verify_expect, anchor).value)
    assert "cut" in message  # … but not what was anchored
    assert f"ends at seq {entries[2].seq}" in message


def test_verify_access_log__expect_finds_a_rewritten_record(entries):
    """Even someone holding the key, who rewrites and recomputes the whole chain, is caught by
    an anchor kept outside the database."""
    anchor = anchor_now()
    drop_append_only()
    rewrite_from(entries[1].seq, "rewritten by an insider", log.compute_hash)
    assert "intact" in run_verify()
    message = str(pytest.raises(CommandError, run_verify_expect, anchor).value)
    assert f"record seq {entries[-1].seq} differs from the anchor" in message


@pytest.mark.parametrize("bad", ["12", "x:abc", f"1:{'z' * 64}", ":"])
def test_verify_access_log__expect_needs_seq_and_hash(entries, bad):
    message = str(pytest.raises(CommandError, run_verify_expect, bad).value)
    assert "SEQ:HASH" in message


def test_verify_access_log__expect_from_the_command_line(entries, monkeypatch, capsys):
    from django.core.management import execute_from_command_line

    monkeypatch.setattr(connections, "close_all", lambda: None)
    anchor = anchor_now()
    drop_append_only()
    execute("DELETE FROM access_accesslogentry WHERE seq = %s", [entries[-1].seq])
    monkeypatch.setattr(sys, "argv", ["manage.py", "verify_access_log", "--expect", anchor])
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(sys.argv)
    assert exited.value.code == 1
    assert "cut" in capsys.readouterr().err


# --- the key is configuration, required outside demo mode ----------------------------------


def test_access_log_key__required_outside_demo_mode(tmp_path):
    env = production_env(tmp_path)
    del env["LUOTSI_ACCESS_LOG_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "LUOTSI_ACCESS_LOG_KEY" in result.stderr


@pytest.mark.parametrize("key", ["short", "demo-only-access-log-key-never-use-with-real-data-"
                                          "0123456789abcdef"])
def test_access_log_key__short_or_published_key_refused(tmp_path, key):
    result = manage(production_env(tmp_path) | {"LUOTSI_ACCESS_LOG_KEY": key}, "check")
    assert result.returncode != 0
    assert "LUOTSI_ACCESS_LOG_KEY must be a secret" in result.stderr
