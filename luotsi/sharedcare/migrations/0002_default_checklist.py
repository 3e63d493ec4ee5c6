"""The default help list gone through with a possible shared client. Admins may edit it."""

from django.db import migrations

ITEMS = [
    ("several_sectors",
     "Käyttääkö asiakas useiden sektoreiden palveluja (sosiaalihuolto, terveydenhuolto, "
     "mielenterveys- ja päihdepalvelut, työllisyyspalvelut)?",
     "Använder klienten tjänster inom flera sektorer (socialvård, hälso- och sjukvård, "
     "mentalvårds- och missbrukartjänster, sysselsättningstjänster)?",
     "Does the client use services of several sectors (social services, health care, mental "
     "health and substance services, employment services)?"),
    ("one_worker_not_enough",
     "Onko asiakkaan tilanne niin monisyinen, ettei yksi työntekijä pysty ratkaisemaan sitä "
     "yksin?",
     "Är klientens situation så komplex att en enskild arbetstagare inte kan lösa den ensam?",
     "Is the client's situation so complex that one worker cannot resolve it alone?"),
    ("repeated_contacts",
     "Hakeutuuko asiakas toistuvasti päivystykseen tai uusille vastaanotoille ilman, että "
     "tilanne ratkeaa?",
     "Söker sig klienten upprepade gånger till jouren eller till nya mottagningar utan att "
     "situationen löser sig?",
     "Does the client repeatedly turn to emergency services or new appointments without the "
     "situation being resolved?"),
    ("root_cause_unclear",
     "Onko asiakkaan tilanteen perimmäinen syy vielä tunnistamatta?",
     "Är grundorsaken till klientens situation ännu oidentifierad?",
     "Is the root cause of the client's situation still unidentified?"),
    ("client_wants_coordination",
     "Haluaako asiakas, että hänen palvelunsa sovitetaan yhteen ja hänellä on yksi nimetty "
     "yhteyshenkilö?",
     "Vill klienten att hens tjänster samordnas och att hen har en namngiven kontaktperson?",
     "Does the client want their services coordinated, with one named contact person?"),
    ("close_persons",
     "Onko asiakkaalla läheisiä, jotka hän haluaa mukaan yhteistyöhön?",
     "Har klienten närstående som hen vill ha med i samarbetet?",
     "Does the client have close persons they want to involve in the cooperation?"),
]


def add_items(apps, schema_editor):
    ChecklistItem = apps.get_model("sharedcare", "ChecklistItem")
    for position, (code, fi, sv, en) in enumerate(ITEMS, start=1):
        ChecklistItem.objects.update_or_create(
            code=code, defaults={"text_fi": fi, "text_sv": sv, "text_en": en,
                                 "ordering": position * 10, "active": True})


def remove_items(apps, schema_editor):
    apps.get_model("sharedcare", "ChecklistItem").objects.filter(
        code__in=[item[0] for item in ITEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("sharedcare", "0001_shared_clients_meetings_consultations")]
    operations = [migrations.RunPython(add_items, remove_items)]
