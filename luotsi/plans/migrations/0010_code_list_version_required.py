"""Every code belongs to a version of its list: the version is required and a code is unique
within its version."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0009_code_lists_and_sectors_shipped"),
    ]

    operations = [
        migrations.AlterField(
            model_name='codelistitem',
            name='version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='items', to='plans.codelistversion', verbose_name='version'),
        ),
        migrations.AddConstraint(
            model_name='codelistitem',
            constraint=models.UniqueConstraint(fields=('version', 'code'), name='codelist_item_unique_in_version'),
        ),
    ]
