"""The default identification rules (domain.md §6.2): configurable, not a national checklist."""

from django.db import migrations

OULU = "Oulu, NHG 2013 (Lääkärilehti 48/2013); Kela 2018"
COHORT = "Pohjois-Suomen syntymäkohortti 1966 / Northern Finland Birth Cohort 1966"

RULES = [
    {
        "code": "multi_sector",
        "measure": "distinct_sectors",
        "threshold": 3,
        "event_kind": "",
        "name_fi": "Palveluja usealta sektorilta",
        "name_sv": "Tjänster inom flera sektorer",
        "name_en": "Services in several sectors",
        "explanation_fi": (
            "Tapahtumia vähintään kolmelta eri sektorilta (sosiaalipalvelut, terveydenhuolto, "
            "mielenterveys- ja päihdepalvelut, työllisyyspalvelut) 12 kuukauden aikana. Lähde: "
            "Oulun profiloinnissa paljon palveluja käyttävät käyttivät keskimäärin neljää "
            "palvelukokonaisuutta, muut yhtä; Kelan klusteritutkimuksessa 3 % työikäisistä "
            f"käytti monia sosiaali-, terveys- ja työllisyyspalveluja ({OULU})."),
        "explanation_sv": (
            "Händelser inom minst tre olika sektorer (socialvård, hälso- och sjukvård, mental- "
            "och missbrukarvård, sysselsättningstjänster) under 12 månader. Källa: i Uleåborgs "
            "profilering använde de som använder många tjänster i genomsnitt fyra "
            "serviceområden, andra ett; i FPA:s klusterstudie använde 3 % av personerna i "
            f"arbetsför ålder många social-, hälso- och sysselsättningstjänster ({OULU})."),
        "explanation_en": (
            "Events in at least three different sectors (social services, health care, mental "
            "health and substance services, employment services) within 12 months. Source: in "
            "the Oulu profiling high users used on average four service entities, others one; "
            "in Kela's cluster study 3 % of working-age residents used many social, health and "
            f"employment services ({OULU})."),
    },
    {
        "code": "frequent_doctor_visits",
        "measure": "events_of_kind",
        "threshold": 8,
        "event_kind": "doctor_visit",
        "name_fi": "Toistuvat lääkärikäynnit",
        "name_sv": "Upprepade läkarbesök",
        "name_en": "Frequent doctor's visits",
        "explanation_fi": (
            "Vähintään kahdeksan lääkärikäyntiä 12 kuukauden aikana. Lähde: perusterveydenhuollon "
            f"suurkäyttäjän määritelmä (≥ 8 lääkärikäyntiä vuodessa), {COHORT}."),
        "explanation_sv": (
            "Minst åtta läkarbesök under 12 månader. Källa: definitionen av storanvändare inom "
            f"primärvården (≥ 8 läkarbesök per år), {COHORT}."),
        "explanation_en": (
            "At least eight doctor's visits within 12 months. Source: the definition of a "
            f"frequent user of primary care (≥ 8 doctor's visits a year), {COHORT}."),
    },
    {
        "code": "frequent_emergency",
        "measure": "events_of_kind",
        "threshold": 4,
        "event_kind": "emergency_visit",
        "name_fi": "Toistuvat päivystyskäynnit",
        "name_sv": "Upprepade jourbesök",
        "name_en": "Frequent emergency visits",
        "explanation_fi": (
            "Vähintään neljä päivystyskäyntiä 12 kuukauden aikana. Kansallista rajaa ei ole; "
            "raja on paikallinen valinta, joka perustuu paljon palveluja käyttävien "
            "päivystyskäyttäjäprofilointiin (KASTE-hanke \"Paljon tukea tarvitsevat – paljon "
            "palveluita käyttävät\")."),
        "explanation_sv": (
            "Minst fyra jourbesök under 12 månader. Någon nationell gräns finns inte; gränsen är "
            "ett lokalt val som bygger på profileringen av jouranvändare i KASTE-projektet "
            "\"Paljon tukea tarvitsevat – paljon palveluita käyttävät\"."),
        "explanation_en": (
            "At least four emergency visits within 12 months. No national threshold exists; "
            "this is a local choice based on the emergency-department user profiling of the "
            "KASTE project \"Paljon tukea tarvitsevat – paljon palveluita käyttävät\"."),
    },
]


def load(apps, schema_editor):
    Rule = apps.get_model("usage", "IdentificationRule")
    for rule in RULES:
        Rule.objects.update_or_create(code=rule["code"], defaults={
            **{key: value for key, value in rule.items() if key != "code"},
            "window_days": 365, "active": True,
        })


def unload(apps, schema_editor):
    Rule = apps.get_model("usage", "IdentificationRule")
    Rule.objects.filter(code__in=[rule["code"] for rule in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("usage", "0001_service_events_rules_flags")]
    operations = [migrations.RunPython(load, unload)]
