"""The database cache's table (``LUOTSI_CACHE=database``, the default): the API's rate-limit
windows, shared by every web process. Created by Django's own ``createcachetable`` (which does
nothing when no database cache is configured) so ``migrate`` is the only set-up step."""

from django.core.management import call_command
from django.db import migrations

TABLE = "luotsi_cache"


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    if TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):

    dependencies = []

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
