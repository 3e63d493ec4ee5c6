"""The months of events and their generations, kept by the database, for the analytical copy.

Every insert, update or delete of events raises the generation of each month it touched, in the
same transaction (``usage_eventmonth``): on PostgreSQL one statement per statement on the events
(statement-level triggers reading the transition table, like the person checks of migration
0005), on SQLite one per row. A statement that stores nothing (an import's batch of duplicates)
changes nothing. The analytical copy (``luotsi.usage.analytics``) records the generation of each
month it wrote, so a month whose events changed since is known to be behind and is rewritten (or
not used) before any reading. ``EventStore`` holds the events table's identity, which the copy
records too.
"""

import uuid

from django.db import migrations, models

POSTGRESQL = """
CREATE FUNCTION usage_event_months_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO usage_eventmonth (month, generation)
            SELECT DISTINCT to_char(event_date, 'YYYY-MM'), 1 FROM new_events
            ON CONFLICT (month) DO UPDATE SET generation = usage_eventmonth.generation + 1;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO usage_eventmonth (month, generation)
            SELECT DISTINCT to_char(event_date, 'YYYY-MM'), 1 FROM old_events
            ON CONFLICT (month) DO UPDATE SET generation = usage_eventmonth.generation + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER usage_event_months_insert AFTER INSERT ON usage_serviceevent
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT
    EXECUTE FUNCTION usage_event_months_changed();
CREATE TRIGGER usage_event_months_update AFTER UPDATE ON usage_serviceevent
    REFERENCING NEW TABLE AS new_events OLD TABLE AS old_events FOR EACH STATEMENT
    EXECUTE FUNCTION usage_event_months_changed();
CREATE TRIGGER usage_event_months_delete AFTER DELETE ON usage_serviceevent
    REFERENCING OLD TABLE AS old_events FOR EACH STATEMENT
    EXECUTE FUNCTION usage_event_months_changed();
INSERT INTO usage_eventmonth (month, generation)
    SELECT DISTINCT to_char(event_date, 'YYYY-MM'), 1 FROM usage_serviceevent;
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS usage_event_months_insert ON usage_serviceevent;
DROP TRIGGER IF EXISTS usage_event_months_update ON usage_serviceevent;
DROP TRIGGER IF EXISTS usage_event_months_delete ON usage_serviceevent;
DROP FUNCTION IF EXISTS usage_event_months_changed();
"""

_SQLITE_UPSERT = ("INSERT INTO usage_eventmonth (month, generation) VALUES "
                  "(substr({row}.event_date, 1, 7), 1) ON CONFLICT (month) DO UPDATE SET "
                  "generation = generation + 1;")

SQLITE = [
    "CREATE TRIGGER usage_event_months_insert AFTER INSERT ON usage_serviceevent BEGIN "
    + _SQLITE_UPSERT.format(row="NEW") + " END",
    "CREATE TRIGGER usage_event_months_update AFTER UPDATE ON usage_serviceevent BEGIN "
    + _SQLITE_UPSERT.format(row="NEW") + " " + _SQLITE_UPSERT.format(row="OLD") + " END",
    "CREATE TRIGGER usage_event_months_delete AFTER DELETE ON usage_serviceevent BEGIN "
    + _SQLITE_UPSERT.format(row="OLD") + " END",
    "INSERT INTO usage_eventmonth (month, generation) SELECT DISTINCT substr(event_date, 1, 7), 1 "
    "FROM usage_serviceevent",
]

SQLITE_DROP = [f"DROP TRIGGER IF EXISTS usage_event_months_{operation}"
               for operation in ("insert", "update", "delete")]


def create_store(apps, schema_editor):
    apps.get_model("usage", "EventStore").objects.create()


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("usage", "0008_rule_versions_and_conditions"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventMonth",
            fields=[
                ("month", models.CharField(max_length=7, primary_key=True, serialize=False,
                                           verbose_name="month")),
                ("generation", models.PositiveBigIntegerField(default=1,
                                                              verbose_name="generation")),
            ],
            options={
                "verbose_name": "month of events",
                "verbose_name_plural": "months of events",
            },
        ),
        migrations.CreateModel(
            name="EventStore",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("token", models.UUIDField(default=uuid.uuid4, editable=False,
                                           verbose_name="identity")),
            ],
            options={
                "verbose_name": "event store",
                "verbose_name_plural": "event stores",
            },
        ),
        migrations.RunPython(create_store, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
