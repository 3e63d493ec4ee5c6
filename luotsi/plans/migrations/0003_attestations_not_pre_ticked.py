"""The client's taking part in a version or a rating is an attestation: it is recorded only when
someone says so, never assumed (no default of true)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0002_avain_code_lists'),
    ]

    operations = [
        migrations.AlterField(
            model_name='planversion',
            name='client_took_part',
            field=models.BooleanField(default=False, verbose_name='the client took part'),
        ),
        migrations.AlterField(
            model_name='rating',
            name='client_took_part',
            field=models.BooleanField(default=False, verbose_name='the client took part'),
        ),
    ]
