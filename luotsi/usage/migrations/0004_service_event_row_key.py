"""The unique index over the six business fields replaced by one on a 16-byte key of them.

The key of the stored events is computed in one UPDATE on PostgreSQL (the same encoding as
``luotsi.usage.models.event_key``), and in batches in Python elsewhere. An index on the event
date takes over the identification's date ranges from the old unique index.
"""

from django.db import migrations, models

from luotsi.usage.models import event_key

# Keep in step with luotsi.usage.models.event_key.
POSTGRESQL_KEY = (
    "(lpad(to_hex(event_date - DATE '1900-01-01'), 6, '0') || substr(encode(sha256(convert_to("
    "person_id::text || '|' || to_char(event_date, 'YYYY-MM-DD') || '|' || sector || '|' || "
    "char_length(kind)::text || ':' || kind || '|' || char_length(service_code)::text || ':' || "
    "service_code || '|' || organisation, 'UTF8')), 'hex'), 1, 26))::uuid"
)


def fill_keys(apps, schema_editor):
    connection = schema_editor.connection
    table = "usage_serviceevent"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"UPDATE {table} SET row_key = {POSTGRESQL_KEY}")  # noqa: S608
            return
        last = 0
        while True:
            cursor.execute(
                f"SELECT id, person_id, sector, service_code, organisation, event_date, kind "  # noqa: S608
                f"FROM {table} WHERE id > %s ORDER BY id LIMIT 10000", [last])
            rows = cursor.fetchall()
            if not rows:
                return
            ServiceEvent = apps.get_model("usage", "ServiceEvent")
            field = ServiceEvent._meta.get_field("event_date")
            updates = []
            for pk, person_id, sector, service_code, organisation, event_date, kind in rows:
                event_date = field.to_python(event_date)
                key = event_key(person_id, sector, service_code, organisation, event_date, kind)
                updates.append((key, pk))
            cursor.executemany(f"UPDATE {table} SET row_key = %s WHERE id = %s", updates)  # noqa: S608
            last = rows[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ('usage', '0003_event_indexes_for_bulk_import'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='serviceevent',
            name='service_event_unique',
        ),
        migrations.AddField(
            model_name='serviceevent',
            name='row_key',
            field=models.UUIDField(editable=False, null=True, verbose_name='event key'),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name='serviceevent',
            name='row_key',
            field=models.UUIDField(editable=False, unique=True, verbose_name='event key'),
        ),
        migrations.AddIndex(
            model_name='serviceevent',
            index=models.Index(fields=['event_date'], name='service_event_date'),
        ),
    ]
