"""The bases of a consultation become data with their legal source.

Earlier a consultation recorded ``basis`` (``consent`` or ``statutory``) and, for a statutory one,
``statutory_basis``. Each is mapped to one row of ``ConsultationBasis``: ``consent`` to the
client's consent, a statutory one to the statute it named. The child-welfare duty to notify
(LSL 25 §) is not a consultation basis: its row is kept with ``offered`` false so that an older
consultation recorded on it still reads with the basis it was disclosed on (and the page says it
is not a consultation basis), while no new consultation can choose it.
"""

import django.db.models.deletion
from django.db import migrations, models

from luotsi.common.legal_bases import load_rows

BASES = [
    # code, fi, sv, en, source, requires consent, offered, order
    ("consent", "Asiakkaan suostumus", "Klientens samtycke", "The client's consent",
     "Laki sosiaalihuollon asiakkaan asemasta ja oikeuksista 812/2000, 16 §", True, True, 1),
    ("shl_41", "Yhteydenotto toiseen viranomaiseen asiakkaan suostumuksella (SHL 41 §)",
     "Kontakt med en annan myndighet med klientens samtycke (SVL 41 §)",
     "Contact with another authority with the client's consent (Social Welfare Act, section 41)",
     "Sosiaalihuoltolaki 1301/2014, 41 §", True, True, 2),
    ("patient_act_13", "Potilaslain 13 §:n mukainen tietojen luovutus",
     "Utlämnande enligt 13 § i patientlagen",
     "Disclosure under section 13 of the Act on the Status and Rights of Patients",
     "Laki potilaan asemasta ja oikeuksista 785/1992, 13 §", False, True, 3),
    ("client_data_act", "Asiakastietolain mukainen tietojen luovutus",
     "Utlämnande enligt klientuppgiftslagen",
     "Disclosure under the Act on the Processing of Client Data in Healthcare and Social "
     "Welfare",
     "Laki sosiaali- ja terveydenhuollon asiakastietojen käsittelystä 703/2023", False, True, 4),
    ("child_welfare_25", "Lastensuojeluilmoitus (LSL 25 §) – ei konsultaation peruste",
     "Barnskyddsanmälan (BarnskyddsL 25 §) – ingen grund för konsultation",
     "Child-welfare notification (Child Welfare Act, section 25) – not a consultation basis",
     "Lastensuojelulaki 417/2007, 25 §", False, False, 9),
]


def load_bases(apps, schema_editor):
    load_rows(apps.get_model("sharedcare", "ConsultationBasis"), BASES)


def map_old_values(apps, schema_editor):
    Consultation = apps.get_model("sharedcare", "Consultation")
    Consultation.objects.filter(basis="consent").update(basis_new_id="consent")
    for code, *_ in BASES:
        Consultation.objects.filter(basis="statutory", statutory_basis=code) \
            .update(basis_new_id=code)
    # A statutory consultation that named no statute (not possible through the services) reads
    # as the client-data act, the general statute of disclosure between services.
    Consultation.objects.filter(basis_new__isnull=True).update(basis_new_id="client_data_act")


def unmap(apps, schema_editor):
    Consultation = apps.get_model("sharedcare", "Consultation")
    Consultation.objects.filter(basis_new_id="consent").update(basis="consent")
    for code, *_ in BASES[1:]:
        Consultation.objects.filter(basis_new_id=code).update(basis="statutory",
                                                              statutory_basis=code)


class Migration(migrations.Migration):

    dependencies = [
        ("sharedcare", "0002_default_checklist"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConsultationBasis",
            fields=[
                ("code", models.SlugField(max_length=30, primary_key=True, serialize=False,
                                          verbose_name="code")),
                ("name_fi", models.CharField(max_length=200, verbose_name="name in Finnish")),
                ("name_sv", models.CharField(max_length=200, verbose_name="name in Swedish")),
                ("name_en", models.CharField(max_length=200, verbose_name="name in English")),
                ("source", models.CharField(max_length=200, verbose_name="legal source")),
                ("requires_consent", models.BooleanField(
                    verbose_name="requires the client's recorded consent")),
                ("offered", models.BooleanField(default=True,
                                                verbose_name="offered for new consultations")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "consultation basis",
                "verbose_name_plural": "consultation bases",
                "ordering": ["order", "code"],
            },
        ),
        migrations.RunPython(load_bases, migrations.RunPython.noop),
        migrations.AddField(
            model_name="consultation",
            name="basis_new",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="sharedcare.consultationbasis"),
        ),
        migrations.RunPython(map_old_values, unmap),
        migrations.RemoveField(model_name="consultation", name="basis"),
        migrations.RemoveField(model_name="consultation", name="statutory_basis"),
        migrations.RenameField(model_name="consultation", old_name="basis_new", new_name="basis"),
        migrations.AlterField(
            model_name="consultation",
            name="basis",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="sharedcare.consultationbasis",
                                    verbose_name="basis for disclosure"),
        ),
    ]
