"""The schema of versioned code lists (a code's version, validity and parent code) and of the
plan's sectors as data; 0009 fills them, 0010 makes the version required (docs/code-lists.md)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('plans', '0007_withholding_grounds'),
    ]

    operations = [
        migrations.CreateModel(
            name='CodeListVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code_list', models.CharField(choices=[('goal_area', 'AVAIN goal areas'), ('situation_factor', 'AVAIN situation factors'), ('service', 'Services'), ('method', 'AVAIN methods'), ('support_need', 'Support needs (SHL 11 §)')], max_length=30, verbose_name='code list')),
                ('version', models.CharField(max_length=40, verbose_name='version')),
                ('source', models.CharField(blank=True, max_length=300, verbose_name='source')),
                ('provisional', models.BooleanField(default=False, help_text='Built for Luotsi until the national list is loaded.', verbose_name='provisional')),
                ('current', models.BooleanField(default=False, verbose_name='in use')),
                ('loaded_at', models.DateTimeField(verbose_name='loaded')),
            ],
            options={
                'verbose_name': 'code-list version',
                'verbose_name_plural': 'code-list versions',
                'ordering': ['code_list', '-loaded_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='PlanSector',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name_fi', models.CharField(max_length=200, verbose_name='name in Finnish')),
                ('name_sv', models.CharField(blank=True, max_length=200, verbose_name='name in Swedish')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name in English')),
                ('code', models.SlugField(max_length=30, unique=True, verbose_name='code')),
                ('sort_order', models.PositiveIntegerField(default=0, verbose_name='order')),
                ('active', models.BooleanField(default=True, help_text='An inactive sector is no longer offered; the sections it has keep it.', verbose_name='active')),
                ('service_tasks', models.JSONField(blank=True, default=list, help_text='The service tasks of the teams whose professionals work in this sector, as a list of codes.', verbose_name='service tasks')),
            ],
            options={
                'verbose_name': 'plan sector',
                'verbose_name_plural': 'plan sectors',
                'ordering': ['sort_order', 'code'],
            },
        ),
        migrations.AlterModelOptions(
            name='codelistitem',
            options={'ordering': ['code_list', '-version__current', 'sort_order', 'code', 'pk'], 'verbose_name': 'code', 'verbose_name_plural': 'codes'},
        ),
        migrations.RemoveConstraint(
            model_name='codelistitem',
            name='codelist_item_unique',
        ),
        migrations.AddField(
            model_name='codelistitem',
            name='parent_code',
            field=models.CharField(blank=True, max_length=40, verbose_name='parent code'),
        ),
        migrations.AddField(
            model_name='codelistitem',
            name='valid_from',
            field=models.DateField(blank=True, null=True, verbose_name='valid from'),
        ),
        migrations.AddField(
            model_name='codelistitem',
            name='valid_until',
            field=models.DateField(blank=True, null=True, verbose_name='valid until'),
        ),
        migrations.AlterField(
            model_name='codelistitem',
            name='code_list',
            field=models.CharField(choices=[('goal_area', 'AVAIN goal areas'), ('situation_factor', 'AVAIN situation factors'), ('service', 'Services'), ('method', 'AVAIN methods'), ('support_need', 'Support needs (SHL 11 §)')], max_length=30, verbose_name='code list'),
        ),
        migrations.AlterField(
            model_name='consent',
            name='sector',
            field=models.CharField(max_length=30, verbose_name='shared with'),
        ),
        migrations.AlterField(
            model_name='plansection',
            name='sector',
            field=models.CharField(max_length=30, verbose_name='sector'),
        ),
        migrations.AlterField(
            model_name='planservice',
            name='sector',
            field=models.CharField(max_length=30, verbose_name='sector'),
        ),
        migrations.AddConstraint(
            model_name='codelistversion',
            constraint=models.UniqueConstraint(fields=('code_list', 'version'), name='codelist_version_unique'),
        ),
        migrations.AddConstraint(
            model_name='codelistversion',
            constraint=models.UniqueConstraint(condition=models.Q(('current', True)), fields=('code_list',), name='codelist_one_current_version'),
        ),
        migrations.AddField(
            model_name='codelistitem',
            name='version',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='items', to='plans.codelistversion', verbose_name='version'),
        ),
    ]
