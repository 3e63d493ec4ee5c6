"""Indexes for the login limits that count django-axes' failure log (``AccessFailureLog``):
failures of one account, and of all accounts, in the last pause window."""

from django.db import migrations

INDEXES = {
    "luotsi_axes_failure_time": "attempt_time",
    "luotsi_axes_failure_user_time": "username, attempt_time",
}


class Migration(migrations.Migration):

    dependencies = [
        ("organisation", "0001_initial"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON axes_accessfailurelog ({columns})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, columns in INDEXES.items()
    ]
