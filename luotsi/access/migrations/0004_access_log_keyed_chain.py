"""The access-log chain is keyed (HMAC-SHA256 with ``LUOTSI_ACCESS_LOG_KEY``).

The column ``chain_version`` is added with the database default 1 (plain SHA-256) for the records
already written: ``ALTER TABLE … ADD COLUMN`` on both databases, so no record is rewritten and the
append-only triggers stay in place (Django would rebuild the table on SQLite). When records exist,
one keyed cut-over record is appended: its HMAC covers the last plain hash, so the plain records
before it can no longer be rewritten without the key either. Every record written after it is
keyed (version 2).

Reversing drops the column; the cut-over record stays (the log is append-only) and the old plain
verification then reports it as changed.
"""

from datetime import UTC, datetime

from django.db import migrations, models

CUTOVER_DETAIL = ("access-log chain keyed from this record (HMAC-SHA256, chain version 2); "
                  "records 1-{last} are plain SHA-256 (chain version 1)")


def append_cutover(apps, schema_editor):
    from luotsi.access.log import KEYED_CHAIN, compute_hash

    entries = apps.get_model("access", "AccessLogEntry")
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [7_304_811])
    last = entries.objects.order_by("-seq").values_list("seq", "hash").first()
    if last is None:
        return
    seq, prev_hash = last
    values = {
        "seq": seq + 1, "at": datetime.now(UTC), "user_id": None, "username": "luotsi",
        "user_name": "", "team": "", "role": "", "person_id": None, "category": "access_log",
        "action": "update", "basis": "none", "outcome": "allowed", "request_id": "",
        "detail": CUTOVER_DETAIL.format(last=seq),
    }
    entries.objects.create(prev_hash=prev_hash, hash=compute_hash(prev_hash, values, KEYED_CHAIN),
                           chain_version=KEYED_CHAIN, **values)


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0003_research_basis'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='accesslogentry',
                    name='chain_version',
                    field=models.SmallIntegerField(default=1),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE access_accesslogentry ADD COLUMN chain_version smallint "
                    "NOT NULL DEFAULT 1",
                    "ALTER TABLE access_accesslogentry DROP COLUMN chain_version",
                ),
            ],
        ),
        migrations.RunPython(append_cutover, migrations.RunPython.noop),
    ]
