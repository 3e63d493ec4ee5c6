"""The person's index of the service events covers the service path.

The service path and the why of a shared client count a person's events by sector, month and
kind over a range of dates. With an index on the person alone the database fetched every one of
a heavy user's rows from the table (46,200 rows lying wherever the imports put them); the index
on (person, date, sector, kind) answers those counts from the index alone. It replaces the index
on the person, whose every use it serves (the person's events, the check of a person's removal).
The new index is built before the old one is dropped, so the person's events are indexed
throughout.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0001_initial'),
        ('usage', '0006_no_event_date_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='serviceevent',
            index=models.Index(fields=['person', 'event_date', 'sector', 'kind'],
                               name='service_event_path'),
        ),
        migrations.RemoveIndex(
            model_name='serviceevent',
            name='service_event_person',
        ),
    ]
