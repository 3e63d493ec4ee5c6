"""The database itself refuses UPDATE and DELETE on the access log (PostgreSQL and SQLite)."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION luotsi_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'access log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON access_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION luotsi_access_log_append_only();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_accesslogentry
    FOR EACH STATEMENT EXECUTE FUNCTION luotsi_access_log_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS access_log_no_truncate ON access_accesslogentry;
DROP TRIGGER IF EXISTS access_log_no_update ON access_accesslogentry;
DROP FUNCTION IF EXISTS luotsi_access_log_append_only();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_accesslogentry
    BEGIN SELECT RAISE(ABORT, 'access log is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_accesslogentry
    BEGIN SELECT RAISE(ABORT, 'access log is append-only: DELETE refused'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS access_log_no_update;",
    "DROP TRIGGER IF EXISTS access_log_no_delete;",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # params=None: run as is; the PL/pgSQL "%" is not a query placeholder.
        schema_editor.execute(PG_FORWARD, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(forward, reverse)]
