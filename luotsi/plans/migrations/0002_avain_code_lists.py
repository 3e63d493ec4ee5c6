"""Provisional AVAIN code lists, the default 1–5 rating scale and the office-jargon lists.

The national AVAIN lists (THL, Sosmeta) were not available: these are built from SHL 11 § support
needs, the 2014 AVAIN goal items and SHL 14 § services, and marked provisional. Administrators
edit them; the national lists replace them by a later data migration.
"""

from django.db import migrations

GOAL_AREAS = [
    ("everyday_life", "Arjen sujuminen ja elämänhallinta", "Vardagen och livskontroll", "Everyday life and life management"),
    ("housing", "Asuminen", "Boende", "Housing"),
    ("finances", "Toimeentulo ja talous", "Försörjning och ekonomi", "Income and finances"),
    ("debts", "Velkojen järjestäminen", "Skuldsanering", "Sorting out debts"),
    ("employment", "Työllistyminen ja työnhaku", "Sysselsättning och arbetssökande", "Employment and job seeking"),
    ("education", "Opiskelu ja koulutus", "Studier och utbildning", "Studies and education"),
    ("work_ability", "Työ- ja toimintakyky", "Arbets- och funktionsförmåga", "Work ability and functioning"),
    ("inclusion", "Osallisuus ja harrastukset", "Delaktighet och fritid", "Inclusion and participation"),
    ("relationships", "Ihmissuhteet ja sosiaaliset taidot", "Relationer och sociala färdigheter", "Relationships and social skills"),
    ("mental_health", "Mielenterveys", "Psykisk hälsa", "Mental health"),
    ("substance_use", "Päihteiden käyttö ja riippuvuudet", "Missbruk och beroenden", "Substance use and addictions"),
    ("physical_health", "Fyysinen terveys", "Fysisk hälsa", "Physical health"),
    ("violence", "Väkivallan ja kaltoinkohtelun ehkäisy", "Förebyggande av våld och övergrepp", "Safety from violence and abuse"),
    ("crisis", "Äkillinen kriisi", "Akut kris", "Sudden crisis"),
    ("children", "Lasten tarpeisiin vastaaminen", "Att möta barnens behov", "Meeting the children's needs"),
    ("services", "Palvelujen järjestyminen", "Ordnande av tjänster", "Arranging services"),
]
SITUATION_FACTORS = [
    ("motivation", "Oma motivaatio", "Egen motivation", "Own motivation"),
    ("family_support", "Läheisten tuki", "Stöd från närstående", "Support from close persons"),
    ("health", "Terveydentila", "Hälsotillstånd", "State of health"),
    ("housing_situation", "Asumistilanne", "Bostadssituation", "Housing situation"),
    ("financial_situation", "Taloudellinen tilanne", "Ekonomisk situation", "Financial situation"),
    ("substance_use", "Päihteiden käyttö", "Missbruk", "Substance use"),
    ("language_skills", "Kielitaito", "Språkkunskaper", "Language skills"),
    ("skills", "Osaaminen ja koulutus", "Kunnande och utbildning", "Skills and education"),
    ("services_access", "Palvelujen saatavuus", "Tillgång till tjänster", "Access to services"),
    ("loneliness", "Yksinäisyys", "Ensamhet", "Loneliness"),
]
SERVICES = [
    ("social_work", "Sosiaalityö", "Socialt arbete", "Social work"),
    ("social_guidance", "Sosiaaliohjaus", "Socialhandledning", "Social guidance"),
    ("social_rehabilitation", "Sosiaalinen kuntoutus", "Social rehabilitering", "Social rehabilitation"),
    ("family_work", "Perhetyö", "Familjearbete", "Family work"),
    ("home_services", "Kotipalvelu", "Hemservice", "Home services"),
    ("housing_services", "Asumispalvelut", "Boendetjänster", "Housing services"),
    ("substance_work", "Päihdetyö", "Missbrukarvård", "Substance-abuse work"),
    ("mental_health_work", "Mielenterveystyö", "Mentalvårdsarbete", "Mental-health work"),
    ("income_support", "Toimeentulotuki", "Utkomststöd", "Social assistance"),
    ("debt_counselling", "Talous- ja velkaneuvonta", "Ekonomi- och skuldrådgivning", "Debt counselling"),
    ("rehabilitative_work", "Kuntouttava työtoiminta", "Arbetsverksamhet i rehabiliteringssyfte", "Rehabilitative work"),
    ("employment_service", "Työllisyyspalvelut", "Sysselsättningstjänster", "Employment services"),
    ("health_centre", "Terveysaseman vastaanotto", "Hälsostationens mottagning", "Health centre appointments"),
    ("peer_support", "Vertaistuki", "Kamratstöd", "Peer support"),
]
METHODS = [
    ("counselling", "Ohjaus ja neuvonta", "Handledning och rådgivning", "Guidance and counselling"),
    ("motivational_interviewing", "Motivoiva haastattelu", "Motiverande samtal", "Motivational interviewing"),
    ("network_work", "Verkostotyö", "Nätverksarbete", "Network work"),
    ("solution_focused", "Ratkaisukeskeinen työ", "Lösningsfokuserat arbete", "Solution-focused work"),
    ("service_coordination", "Palvelujen yhteensovittaminen", "Samordning av tjänster", "Service coordination"),
    ("financial_support", "Taloudellinen tuki", "Ekonomiskt stöd", "Financial support"),
    ("home_visits", "Kotikäynnit", "Hembesök", "Home visits"),
    ("group_work", "Ryhmätoiminta", "Gruppverksamhet", "Group work"),
    ("assistance_in_transactions", "Asioinnissa avustaminen", "Hjälp med ärenden", "Help with errands"),
]
LEVELS = [
    (1, "Tilanne on huono", "Situationen är dålig", "The situation is poor"),
    (2, "Tilanne on melko huono", "Situationen är ganska dålig", "The situation is rather poor"),
    (3, "Tilanne on kohtalainen", "Situationen är hyfsad", "The situation is fair"),
    (4, "Tilanne on melko hyvä", "Situationen är ganska bra", "The situation is rather good"),
    (5, "Tilanne on hyvä", "Situationen är bra", "The situation is good"),
]
JARGON = {
    "fi": [("asiakkuus", "se, että olet asiakkaana"), ("palvelutarpeen arviointi", "keskustelu siitä, mitä apua tarvitset"),
           ("toimenpide", "asia, joka tehdään"), ("etuus", "tuki tai raha, jota voit saada"),
           ("vireillepano", "hakemuksen jättäminen"), ("kuntouttava työtoiminta", "työtoiminta, joka tukee jaksamista"),
           ("omatyöntekijä", "yhteyshenkilösi"), ("toimeentulotuki", "rahallinen tuki arjen menoihin")],
    "sv": [("klientrelation", "att du är klient"), ("bedömning av servicebehov", "samtal om vilken hjälp du behöver"),
           ("åtgärd", "sak som görs"), ("förmån", "stöd eller pengar du kan få"), ("anhängiggöra", "lämna in en ansökan"),
           ("egen kontaktperson", "din kontaktperson")],
    "en": [("client relationship", "you being our client"), ("service-need assessment", "a talk about what help you need"),
           ("intervention", "something we do"), ("benefit", "support or money you can get"),
           ("in accordance with", "under"), ("facilitate", "help"), ("utilise", "use")],
}


LISTS = (("goal_area", GOAL_AREAS), ("situation_factor", SITUATION_FACTORS),
         ("service", SERVICES), ("method", METHODS))


def load(apps, schema_editor):
    item = apps.get_model("plans", "CodeListItem")
    if any(f.name == "version" for f in item._meta.get_fields()):
        # Called with today's models (a browser test's flush emptied the tables): put the code
        # lists back as 0009 leaves them, versions and shipped lists included.
        from importlib import import_module

        if not apps.get_model("plans", "CodeListVersion").objects.exists():
            import_module("luotsi.plans.migrations.0009_code_lists_and_sectors_shipped").restore(
                apps)
        load_scale_and_terms(apps)
        return
    for code_list, rows in LISTS:
        for order, (code, fi, sv, en) in enumerate(rows, start=1):
            item.objects.update_or_create(
                code_list=code_list, code=code,
                defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "sort_order": order,
                          "provisional": True, "active": True})
    load_scale_and_terms(apps)


def load_scale_and_terms(apps):
    """The rating scale and the office-jargon terms (also put back after a browser test's flush,
    with the code lists of 0009)."""
    scale_model = apps.get_model("plans", "RatingScale")
    level_model = apps.get_model("plans", "RatingLevel")
    scale, _ = scale_model.objects.update_or_create(
        code="avain-1-5", defaults={"name": "AVAIN 1–5", "minimum": 1, "maximum": 5,
                                    "is_default": True})
    for value, fi, sv, en in LEVELS:
        level_model.objects.update_or_create(scale=scale, value=value,
                                             defaults={"name_fi": fi, "name_sv": sv, "name_en": en})
    term = apps.get_model("plans", "PlainLanguageTerm")
    for language, rows in JARGON.items():
        for word, alternative in rows:
            term.objects.update_or_create(language=language, term=word,
                                          defaults={"alternative": alternative})


def unload(apps, schema_editor):
    apps.get_model("plans", "CodeListItem").objects.filter(provisional=True).delete()
    apps.get_model("plans", "RatingScale").objects.filter(code="avain-1-5").delete()
    apps.get_model("plans", "PlainLanguageTerm").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
