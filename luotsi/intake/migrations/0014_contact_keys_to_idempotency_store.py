"""The retry keys kept on contacts move to the one idempotency store (``api.IdempotencyRecord``).

Keys younger than the store's retention (24 hours) become records of the registrant: the key
(the registration form's ``web-…`` keys as they are), the fingerprint of the contact's entries
and the contact's id, from which a replay reads the contact again through the gateway. Older
keys would no longer be answered by the store and are left behind with the field.
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

RETENTION = timedelta(hours=24)  # luotsi.api.idempotency.RETENTION when this was written
API_PATH = "/api/v1/contacts"
FORM_PATH = "/intake/contacts/new/"


def keys_to_store(apps, schema_editor):
    Contact = apps.get_model("intake", "Contact")
    IdempotencyRecord = apps.get_model("api", "IdempotencyRecord")
    contacts = (Contact.objects
                .filter(idempotency_key__isnull=False,
                        created_at__gte=timezone.now() - RETENTION)
                .exclude(idempotency_key="")
                .order_by("pk"))
    for contact in contacts.iterator():
        if IdempotencyRecord.objects.filter(user_id=contact.registered_by_id,
                                            key=contact.idempotency_key).exists():
            continue  # the store already answers this key
        record = IdempotencyRecord.objects.create(
            user_id=contact.registered_by_id, key=contact.idempotency_key, method="POST",
            path=FORM_PATH if contact.idempotency_key.startswith("web-") else API_PATH,
            fingerprint=contact.request_fingerprint, response_status=201,
            response_body={"id": contact.pk})
        # The record's age is the registration's, so it expires when the key would have.
        IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=contact.created_at)


def keys_back_to_contacts(apps, schema_editor):
    Contact = apps.get_model("intake", "Contact")
    IdempotencyRecord = apps.get_model("api", "IdempotencyRecord")
    records = IdempotencyRecord.objects.filter(path__in=[API_PATH, FORM_PATH],
                                               response_status=201).order_by("pk")
    for record in records.iterator():
        contact_id = (record.response_body or {}).get("id")
        if Contact.objects.filter(idempotency_key=record.key).exists():
            continue  # the contacts' key was unique across professionals
        Contact.objects.filter(pk=contact_id, registered_by_id=record.user_id,
                               idempotency_key__isnull=True).update(
            idempotency_key=record.key, request_fingerprint=record.fingerprint)


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0013_assessment_result_content"),
        ("api", "0003_api_token_expiry_and_prefix"),
    ]

    operations = [
        migrations.RunPython(keys_to_store, keys_back_to_contacts),
    ]
