"""The index on the events' date removed: the key's index serves the date ranges.

The key (``row_key``) starts with the event's day number, so the events of a range of days are a
range of the key's unique index (``luotsi.usage.models.day_key``); the daily identification reads
its day ranges there. The rules' windows of months are read with a scan of the table in any case.
Each imported event then updates one index less.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('usage', '0005_event_person_index_and_statement_checks'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='serviceevent',
            name='service_event_date',
        ),
    ]
