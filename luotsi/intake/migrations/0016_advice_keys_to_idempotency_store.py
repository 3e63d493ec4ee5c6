"""The retry keys kept on advice records (the advice form's double-submit guard) move to the one
idempotency store (``api.IdempotencyRecord``), as the contacts' keys did in 0014.

Keys younger than the store's retention (24 hours) become records of the professional who
recorded the advice: the key as it is (the form's ``web-…`` keys), the fingerprint of the
record's entries (``advice.AdviceInput.fingerprint``, computed here from the saved fields) and
the record's id, from which a replay reads the record again through its access function. Older
keys would no longer be answered by the store and are left behind with the field.
"""

import hashlib
import json
from datetime import UTC, timedelta

from django.db import migrations
from django.utils import timezone

RETENTION = timedelta(hours=24)  # luotsi.api.idempotency.RETENTION when this was written
FORM_PATH = "/intake/advice/new/"
API_PATH = "/api/v1/contacts"


def _fingerprint(record) -> str:
    """``luotsi.intake.advice.entries_fingerprint`` when this was written, of the saved fields."""
    entries = {"kind": record.kind, "topic": record.topic, "channel": record.channel,
               "asker_group": record.asker_group,
               "received_at": record.received_at.astimezone(UTC).isoformat(),
               "duration_minutes": record.duration_minutes, "outcome": record.outcome,
               "summary": record.summary.strip()}
    return hashlib.sha256(json.dumps(entries, sort_keys=True).encode("utf-8")).hexdigest()


def keys_to_store(apps, schema_editor):
    AdviceRecord = apps.get_model("intake", "AdviceRecord")
    IdempotencyRecord = apps.get_model("api", "IdempotencyRecord")
    records = (AdviceRecord.objects
               .filter(idempotency_key__isnull=False,
                       created_at__gte=timezone.now() - RETENTION)
               .exclude(idempotency_key="")
               .order_by("pk"))
    for advice in records.iterator():
        if IdempotencyRecord.objects.filter(user_id=advice.recorded_by_id,
                                            key=advice.idempotency_key).exists():
            continue  # the store already answers this key
        stored = IdempotencyRecord.objects.create(
            user_id=advice.recorded_by_id, key=advice.idempotency_key, method="POST",
            path=FORM_PATH if advice.idempotency_key.startswith("web-") else API_PATH,
            fingerprint=_fingerprint(advice), response_status=201,
            response_body={"id": advice.pk})
        # The record's age is the advice record's, so it expires when the key would have.
        IdempotencyRecord.objects.filter(pk=stored.pk).update(created_at=advice.created_at)


def keys_back_to_records(apps, schema_editor):
    AdviceRecord = apps.get_model("intake", "AdviceRecord")
    IdempotencyRecord = apps.get_model("api", "IdempotencyRecord")
    stored = IdempotencyRecord.objects.filter(path=FORM_PATH, response_status=201).order_by("pk")
    for record in stored.iterator():
        advice_id = (record.response_body or {}).get("id")
        if AdviceRecord.objects.filter(idempotency_key=record.key).exists():
            continue  # the records' key was unique across professionals
        AdviceRecord.objects.filter(pk=advice_id, recorded_by_id=record.user_id,
                                    idempotency_key__isnull=True).update(
            idempotency_key=record.key)


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0015_contact_idempotency_key_removed"),
        ("api", "0003_api_token_expiry_and_prefix"),
    ]

    operations = [
        migrations.RunPython(keys_to_store, keys_back_to_records),
    ]
