"""Deployment check on PostgreSQL: the server must not run as a role that can undo the access
log's append-only triggers.

The triggers (migration 0002) refuse UPDATE, DELETE and TRUNCATE, but the table's owner (or a
member of the owning role, or a superuser, or a role with the TRIGGER privilege) can drop them.
So Luotsi runs with two roles (README, "PostgreSQL roles"): an owner role that runs the
migrations and owns every table, and a runtime role that owns nothing and has only SELECT and
INSERT on the access log. ``check --deploy`` errors while the connected role can alter the log.
"""

from __future__ import annotations

from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connection, transaction

from luotsi.access.models import AccessLogEntry

_QUERY = """
SELECT pg_has_role(current_user, c.relowner, 'MEMBER'),
       r.rolsuper,
       has_table_privilege(current_user, c.oid, 'TRIGGER'),
       has_table_privilege(current_user, c.oid, 'UPDATE')
           OR has_table_privilege(current_user, c.oid, 'DELETE')
           OR has_table_privilege(current_user, c.oid, 'TRUNCATE'),
       current_user
FROM pg_class c JOIN pg_roles r ON r.rolname = current_user
WHERE c.oid = to_regclass(%s)
"""


def access_log_role_problems() -> tuple[list[str], list[str]]:
    """(errors, warnings) about the connected role's power over the access-log table."""
    if connection.vendor != "postgresql":
        return [], []
    try:
        with transaction.atomic(), connection.cursor() as cursor:  # a failure stays in here
            cursor.execute(_QUERY, [AccessLogEntry._meta.db_table])
            row = cursor.fetchone()
    except DatabaseError:
        return [], []  # no database yet: nothing to check
    if row is None:
        return [], []  # not migrated yet
    owner, superuser, trigger, change, role = row
    errors = []
    if superuser:
        errors.append(f"the database role {role} is a superuser")
    if owner:
        errors.append(f"the database role {role} owns the access-log table (or is a member of "
                      "its owning role)")
    if trigger:
        errors.append(f"the database role {role} has the TRIGGER privilege on the access log")
    warnings = [f"the database role {role} may UPDATE, DELETE or TRUNCATE the access log "
                "(only the triggers stop it)"] if change and not errors else []
    return errors, warnings


@register(Tags.security, deploy=True)
def access_log_runtime_role(app_configs, **kwargs):
    errors, warnings = access_log_role_problems()
    hint = ("Run the server as a runtime role that owns nothing and has only SELECT and INSERT "
            "on access_accesslogentry; run migrations as the owner role (README, PostgreSQL "
            "roles).")
    return ([Error(f"The access log's append-only triggers can be dropped: {problem}.",
                   hint=hint, id="luotsi.E004") for problem in errors]
            + [Warning(f"The access log is less protected than it should be: {problem}.",
                       hint=hint, id="luotsi.W004") for problem in warnings])
