"""Code lists become versioned data and the plan's sectors become data (docs/code-lists.md).

Each code list Luotsi had gets its first version, ``luotsi-provisional-1``, holding the codes it
had (plans keep pointing at them). Two lists the law names are then shipped as data and loaded
through the same reader as ``manage.py load_code_list``: the services (SHL 14 § with the
services of the special acts and of the plan's other sectors; it becomes the services list's
current version) and the support needs of SHL 11 §. The AVAIN goal areas, situation factors and
methods stay provisional until a national list is loaded. The sectors of the plan, the five
there were and older-people and disability services, become rows of ``PlanSector``.
"""

from django.db import migrations
from django.utils import timezone

PROVISIONAL_VERSION = "luotsi-provisional-1"
PROVISIONAL_SOURCE = ("Luotsi, provisional: SHL 11 § support needs, AVAIN 2014 goal items, "
                      "SHL 14 § services")
SHIPPED = [
    ("service.csv", "service", "luotsi-shl-2023.1",
     "Sosiaalihuoltolaki 1301/2014 14 § (Finlex, SDK 940/2023) and the special acts; the plan's "
     "other sectors"),
    ("support_need.csv", "support_need", "shl-11-2015.1", "Sosiaalihuoltolaki 1301/2014 11 §"),
]
SECTORS = [
    ("working_age_social", "Työikäisten sosiaalipalvelut",
     "Socialservice för personer i arbetsför ålder", "Working-age social services",
     ["working_age"]),
    ("employment", "Työllisyyspalvelut", "Sysselsättningstjänster", "Employment services",
     ["employment"]),
    ("health", "Terveydenhuolto", "Hälso- och sjukvård", "Health care", ["health"]),
    ("mental_health_substance", "Mielenterveys- ja päihdepalvelut",
     "Mentalvårds- och missbrukstjänster", "Mental-health and substance services",
     ["mental_health_substance"]),
    ("family_services", "Perhepalvelut", "Familjetjänster", "Family services",
     ["family_services", "child_welfare"]),
    ("older_people", "Ikääntyneiden palvelut", "Tjänster för äldre", "Services for older people",
     ["older_people"]),
    ("disability", "Vammaispalvelut", "Funktionshinderservice", "Disability services",
     ["disability"]),
]


def forwards(apps, schema_editor, *, provisional_versions: bool = True):
    from luotsi.plans import code_lists

    version_model = apps.get_model("plans", "CodeListVersion")
    item_model = apps.get_model("plans", "CodeListItem")
    now = timezone.now()
    existing = item_model.objects.values_list("code_list", flat=True)
    for code_list in sorted(set(existing)) if provisional_versions else ():
        version = version_model.objects.create(
            code_list=code_list, version=PROVISIONAL_VERSION, source=PROVISIONAL_SOURCE,
            provisional=True, current=True, loaded_at=now)
        item_model.objects.filter(code_list=code_list).update(version=version)
    for file_name, code_list, version, source in SHIPPED:
        parsed = code_lists.read_file(code_lists.SHIPPED / file_name, code_list=code_list,
                                      version=version, source=source, provisional=False)
        code_lists.store(parsed, version_model=version_model, item_model=item_model, now=now)
    sector_model = apps.get_model("plans", "PlanSector")
    for order, (code, fi, sv, en, tasks) in enumerate(SECTORS, start=1):
        sector_model.objects.update_or_create(code=code, defaults={
            "name_fi": fi, "name_sv": sv, "name_en": en, "sort_order": order, "active": True,
            "service_tasks": tasks})


def restore(apps) -> None:
    """The code lists as a migrated database has them (0002's provisional lists as version
    ``luotsi-provisional-1``, then the shipped lists) and the sectors: put back after a browser
    test's flush has emptied the tables."""
    from importlib import import_module

    version_model = apps.get_model("plans", "CodeListVersion")
    item_model = apps.get_model("plans", "CodeListItem")
    now = timezone.now()
    for code_list, rows in import_module("luotsi.plans.migrations.0002_avain_code_lists").LISTS:
        version = version_model.objects.create(
            code_list=code_list, version=PROVISIONAL_VERSION, source=PROVISIONAL_SOURCE,
            provisional=True, current=True, loaded_at=now)
        item_model.objects.bulk_create([
            item_model(code_list=code_list, version=version, code=code, name_fi=fi, name_sv=sv,
                       name_en=en, sort_order=order, provisional=True, active=True)
            for order, (code, fi, sv, en) in enumerate(rows, start=1)])
    forwards(apps, None, provisional_versions=False)


def backwards(apps, schema_editor):
    version_model = apps.get_model("plans", "CodeListVersion")
    item_model = apps.get_model("plans", "CodeListItem")
    shipped = version_model.objects.exclude(version=PROVISIONAL_VERSION)
    item_model.objects.filter(version__in=shipped).delete()
    shipped.delete()
    version_model.objects.update(current=True)
    apps.get_model("plans", "PlanSector").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0008_code_list_versions_and_plan_sectors"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
