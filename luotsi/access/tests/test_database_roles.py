"""PostgreSQL: the server runs as a runtime role that owns nothing, so it cannot drop the access
log's append-only triggers; the deployment check errors while the connected role can."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import DatabaseError, connection, transaction

from luotsi.access.checks import access_log_role_problems

pytestmark = pytest.mark.django_db

RUNTIME = "luotsi_runtime_test"


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")


def _deploy_check() -> str:
    try:
        call_command("check", deploy=True, fail_level="ERROR", verbosity=0)
    except SystemCheckError as exc:
        return str(exc)
    return ""


@pytest.fixture
def runtime_role(postgresql):
    """The documented runtime role (README), created inside the test's transaction (rolled back
    with it): SELECT and INSERT on the access log, nothing owned."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {RUNTIME} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {RUNTIME}")
        cursor.execute(f"GRANT SELECT, INSERT ON access_accesslogentry TO {RUNTIME}")
        cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {RUNTIME}")
        # What the other deployment checks read.
        cursor.execute(f"GRANT SELECT ON organisation_user, access_clientrelationship TO {RUNTIME}")
    return RUNTIME


def _as(role: str):
    """Act as ``role`` on this connection until the returned function is called."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")

    def back() -> None:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    return back


def test_database_roles__owner_fails_the_deploy_check(postgresql):
    errors, _warnings = access_log_role_problems()
    assert errors  # the test database's role owns the table (and is a superuser)
    assert "luotsi.E004" in _deploy_check()


def test_database_roles__runtime_role_cannot_drop_the_triggers(runtime_role):
    back = _as(runtime_role)
    try:
        with pytest.raises(DatabaseError, match="must be owner"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DROP TRIGGER access_log_no_update ON access_accesslogentry")
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM access_accesslogentry")
        assert access_log_role_problems() == ([], [])
        checked = _deploy_check()
        assert "luotsi.E004" not in checked and "luotsi.W004" not in checked
        with connection.cursor() as cursor:  # the connection is still usable, as the runtime role
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (runtime_role,)
    finally:
        back()


def test_database_roles__trigger_privilege_fails_the_check(runtime_role):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRIGGER ON access_accesslogentry TO {runtime_role}")
    back = _as(runtime_role)
    try:
        errors, _warnings = access_log_role_problems()
        assert any("TRIGGER" in error for error in errors)
    finally:
        back()


def test_database_roles__update_privilege_warns(runtime_role):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE, DELETE ON access_accesslogentry TO {runtime_role}")
    back = _as(runtime_role)
    try:
        errors, warnings = access_log_role_problems()
        assert errors == [] and len(warnings) == 1
    finally:
        back()
