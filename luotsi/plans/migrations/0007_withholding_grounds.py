"""The statutory grounds on which a part of the plan (a step) or a network meeting's minutes is
not shown to the client in their own area, as data with their legal source; a step records the
ground it is withheld on."""

import django.db.models.deletion
from django.db import migrations, models

GROUNDS = [
    # code, fi, sv, en, source, order
    ("danger_to_client",
     "Tiedon antaminen vaarantaisi vakavasti asiakkaan terveyden, kehityksen tai turvallisuuden",
     "Att lämna ut uppgiften skulle allvarligt äventyra klientens hälsa, utveckling eller "
     "säkerhet",
     "Showing it would seriously endanger the client's health, development or safety",
     "Laki sosiaalihuollon asiakkaan asemasta ja oikeuksista 812/2000, 11 §; "
     "laki viranomaisten toiminnan julkisuudesta 621/1999, 11 § 2 mom.", 1),
    ("rights_of_others",
     "Tieto koskee toista henkilöä, ja sen antaminen vaarantaisi hänen oikeutensa tai "
     "turvallisuutensa",
     "Uppgiften gäller en annan person, och att lämna ut den skulle äventyra dennes rättigheter "
     "eller säkerhet",
     "It concerns another person, and showing it would endanger their rights or safety",
     "Laki sosiaalihuollon asiakkaan asemasta ja oikeuksista 812/2000, 11 §; "
     "laki viranomaisten toiminnan julkisuudesta 621/1999, 11 § 2 mom.", 2),
    ("access_right_restricted",
     "Tarkastusoikeutta on rajoitettu: tiedosta voisi aiheutua vakavaa vaaraa asiakkaan "
     "terveydelle tai hoidolle tai jonkun oikeuksille",
     "Rätten till insyn är begränsad: uppgiften kunde orsaka allvarlig fara för klientens hälsa "
     "eller vård eller för någons rättigheter",
     "The right of access is restricted: it could seriously endanger the client's health or care "
     "or someone's rights",
     "Tietosuojalaki 1050/2018, 34 § 1 mom. 2 kohta; laki sosiaali- ja terveydenhuollon "
     "asiakastietojen käsittelystä 703/2023", 3),
]


def load_grounds(apps, schema_editor):
    WithholdingGround = apps.get_model("plans", "WithholdingGround")
    for code, fi, sv, en, source, order in GROUNDS:
        WithholdingGround.objects.update_or_create(code=code, defaults={
            "name_fi": fi, "name_sv": sv, "name_en": en, "source": source, "order": order})


def drop_grounds(apps, schema_editor):
    apps.get_model("plans", "WithholdingGround").objects.filter(
        code__in=[row[0] for row in GROUNDS]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0006_avain_meter_evaluations'),
    ]

    operations = [
        migrations.CreateModel(
            name='WithholdingGround',
            fields=[
                ('name_fi', models.CharField(max_length=200, verbose_name='name in Finnish')),
                ('name_sv', models.CharField(blank=True, max_length=200, verbose_name='name in Swedish')),
                ('name_en', models.CharField(blank=True, max_length=200, verbose_name='name in English')),
                ('code', models.SlugField(max_length=40, primary_key=True, serialize=False, verbose_name='code')),
                ('source', models.CharField(max_length=300, verbose_name='legal source')),
                ('offered', models.BooleanField(default=True, verbose_name='offered for new markings')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'ground for not showing to the client',
                'verbose_name_plural': 'grounds for not showing to the client',
                'ordering': ['order', 'code'],
            },
        ),
        migrations.AddField(
            model_name='step',
            name='withheld_ground',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='plans.withholdingground', verbose_name='not shown to the client, on the ground'),
        ),
        migrations.RunPython(load_grounds, drop_grounds),
    ]
