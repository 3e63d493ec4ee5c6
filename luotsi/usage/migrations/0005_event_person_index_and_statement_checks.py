"""The events' person index on the person alone, and on PostgreSQL the person reference checked
once per statement.

``(person, event_date)`` becomes ``(person)``: on PostgreSQL a B-tree stores each person id once
with the list of its rows (deduplication), about a third of the size, so an import writes (and
logs) far fewer index pages; a person's service path reads the person's events and filters the
dates.

On PostgreSQL the foreign key to the person, which checks every inserted row on its own (one
lookup and one row lock per event at commit), is replaced by statement-level triggers with the
same guarantee:

- after an INSERT or UPDATE of events, one statement locks the persons the new rows refer to
  (``FOR KEY SHARE``, as the foreign key does) and refuses the statement if one of them does not
  exist;
- after a DELETE of persons, one statement refuses it if any of them still has events.

The lock makes a concurrent deletion of a person wait until the events are committed, and its
check then sees them. SQLite keeps the ordinary foreign key.
"""

from django.db import migrations, models

CREATE = """
CREATE FUNCTION usage_event_person_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM people_person p WHERE p.id IN (SELECT DISTINCT person_id FROM new_events)
        FOR KEY SHARE OF p;
    IF EXISTS (SELECT 1 FROM new_events n WHERE NOT EXISTS (
            SELECT 1 FROM people_person p WHERE p.id = n.person_id)) THEN
        RAISE foreign_key_violation USING
            MESSAGE = 'a service event refers to a person that does not exist',
            TABLE = 'usage_serviceevent', COLUMN = 'person_id';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER usage_event_person_insert AFTER INSERT ON usage_serviceevent
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT
    EXECUTE FUNCTION usage_event_person_check();
CREATE TRIGGER usage_event_person_update AFTER UPDATE ON usage_serviceevent
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT
    EXECUTE FUNCTION usage_event_person_check();
CREATE FUNCTION usage_person_events_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM old_persons o WHERE EXISTS (
            SELECT 1 FROM usage_serviceevent e WHERE e.person_id = o.id)) THEN
        RAISE foreign_key_violation USING
            MESSAGE = 'the person has service events and cannot be deleted',
            TABLE = 'people_person';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER usage_person_events_delete AFTER DELETE ON people_person
    REFERENCING OLD TABLE AS old_persons FOR EACH STATEMENT
    EXECUTE FUNCTION usage_person_events_check();
"""

DROP = """
DROP TRIGGER IF EXISTS usage_person_events_delete ON people_person;
DROP FUNCTION IF EXISTS usage_person_events_check();
DROP TRIGGER IF EXISTS usage_event_person_insert ON usage_serviceevent;
DROP TRIGGER IF EXISTS usage_event_person_update ON usage_serviceevent;
DROP FUNCTION IF EXISTS usage_event_person_check();
"""


def _person_field(apps):
    model = apps.get_model("usage", "ServiceEvent")
    return model, model._meta.get_field("person")


def statement_checks(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model, field = _person_field(apps)
    for name in schema_editor._constraint_names(model, [field.column], foreign_key=True):
        schema_editor.execute(schema_editor._delete_fk_sql(model, name))
    schema_editor.execute(CREATE)


def row_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)
    model, field = _person_field(apps)
    if not schema_editor._constraint_names(model, [field.column], foreign_key=True):
        schema_editor.execute(schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s"))


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0001_initial'),
        ('usage', '0004_service_event_row_key'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='serviceevent',
            index=models.Index(fields=['person'], name='service_event_person'),
        ),
        migrations.RemoveIndex(
            model_name='serviceevent',
            name='service_event_person_date',
        ),
        migrations.RunPython(statement_checks, row_foreign_key, elidable=False),
    ]
