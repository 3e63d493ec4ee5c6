"""The basis ``research``: secondary use of client data (Act 552/2019), for the anonymised research
file. Choices only: no SQL runs, so the hash-chained access log's old records stay as they are."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0002_access_log_append_only'),
    ]

    operations = [
        migrations.AlterField(
            model_name='accesslogentry',
            name='basis',
            field=models.CharField(choices=[('intake', 'Intake task of the team'), ('case', 'Open case (responsible worker or team)'), ('care_team', 'Member of the care team'), ('registration', 'Registered the person'), ('emergency', 'Emergency access'), ('dpo_task', "Data-protection officer's statutory task"), ('research', 'Secondary use: statistics and research (Act 552/2019)'), ('none', 'No basis')], max_length=20),
        ),
        migrations.AlterField(
            model_name='clientrelationship',
            name='basis',
            field=models.CharField(choices=[('intake', 'Intake task of the team'), ('case', 'Open case (responsible worker or team)'), ('care_team', 'Member of the care team'), ('registration', 'Registered the person'), ('emergency', 'Emergency access'), ('dpo_task', "Data-protection officer's statutory task"), ('research', 'Secondary use: statistics and research (Act 552/2019)'), ('none', 'No basis')], max_length=20, verbose_name='basis'),
        ),
    ]
