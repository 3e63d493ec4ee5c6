"""Fixed data of the synthetic demo county: organisation, demo logins, names and addresses.

Everything here is made up except the county, region and municipality names and the official
municipality codes. Personal identity codes are generated elsewhere, in the test range only.
"""

from __future__ import annotations

from dataclasses import dataclass

from luotsi.organisation.backends import DEMO_PASSWORD as DEMO_PASSWORD  # re-exported

COUNTY = {
    "code": "itu",
    "name_fi": "Itä-Uudenmaan hyvinvointialue",
    "name_sv": "Östra Nylands välfärdsområde",
    "name_en": "Eastern Uusimaa wellbeing services county",
}

# code: (fi, sv, en)
REGIONS = {
    "east": ("Itäinen alue", "Östra området", "Eastern area"),
    "central": ("Keskinen alue", "Mellersta området", "Central area"),
    "west": ("Läntinen alue", "Västra området", "Western area"),
}


@dataclass(frozen=True)
class MunicipalityData:
    code: str
    name_fi: str
    name_sv: str
    region: str
    population: int  # rough resident count, used as a weight only
    swedish_share: float  # share of Swedish-speaking households in the demo data
    # (postal code, post office in Finnish, post office in Swedish)
    postal_areas: tuple[tuple[str, str, str], ...]


MUNICIPALITIES = (
    MunicipalityData("638", "Porvoo", "Borgå", "central", 51_000, 0.09, (
        ("06100", "Porvoo", "Borgå"), ("06150", "Porvoo", "Borgå"),
        ("06400", "Porvoo", "Borgå"), ("06500", "Porvoo", "Borgå"),
        ("06750", "Tolkkinen", "Tolkis"),
    )),
    MunicipalityData("018", "Askola", "Askola", "central", 4_800, 0.02, (
        ("07500", "Askola", "Askola"), ("07510", "Vakkola", "Vakkola"),
    )),
    MunicipalityData("753", "Sipoo", "Sibbo", "west", 22_000, 0.08, (
        ("04130", "Sipoo", "Sibbo"), ("01150", "Söderkulla", "Söderkulla"),
    )),
    MunicipalityData("505", "Pornainen", "Borgnäs", "west", 5_000, 0.02, (
        ("07170", "Pornainen", "Borgnäs"),
    )),
    MunicipalityData("434", "Loviisa", "Lovisa", "east", 14_600, 0.12, (
        ("07900", "Loviisa", "Lovisa"), ("07910", "Valko", "Valkom"),
    )),
    MunicipalityData("407", "Lapinjärvi", "Lappträsk", "east", 2_600, 0.08, (
        ("07800", "Lapinjärvi", "Lappträsk"),
    )),
    MunicipalityData("504", "Myrskylä", "Mörskom", "east", 1_800, 0.02, (
        ("07600", "Myrskylä", "Mörskom"),
    )),
)


@dataclass(frozen=True)
class TeamData:
    code: str
    name_fi: str
    name_sv: str
    name_en: str
    kind: str
    service_task: str
    region: str | None = None


TEAMS = (
    TeamData("family-intake", "Perhepalvelujen keskitetty vastaanotto",
             "Familjetjänsternas centraliserade mottagning", "Family services central intake",
             "intake", "family_services"),
    TeamData("assessment-east", "Itäinen palvelutarpeen arviointitiimi",
             "Östra teamet för bedömning av servicebehov", "Service-need assessment team, east",
             "assessment", "family_services", "east"),
    TeamData("assessment-central", "Keskinen palvelutarpeen arviointitiimi",
             "Mellersta teamet för bedömning av servicebehov",
             "Service-need assessment team, central", "assessment", "family_services", "central"),
    TeamData("assessment-west", "Läntinen palvelutarpeen arviointitiimi",
             "Västra teamet för bedömning av servicebehov", "Service-need assessment team, west",
             "assessment", "family_services", "west"),
    TeamData("child-welfare-east", "Lastensuojelu, itäinen alue", "Barnskyddet, östra området",
             "Child welfare, east", "unit", "child_welfare", "east"),
    TeamData("child-welfare-central", "Lastensuojelu, keskinen alue",
             "Barnskyddet, mellersta området", "Child welfare, central", "unit", "child_welfare",
             "central"),
    TeamData("child-welfare-west", "Lastensuojelu, läntinen alue", "Barnskyddet, västra området",
             "Child welfare, west", "unit", "child_welfare", "west"),
    TeamData("working-age", "Työikäisten sosiaalityö", "Socialt arbete för personer i arbetsför ålder",
             "Social work for working-age people", "unit", "working_age"),
    TeamData("employment", "Työllisyyspalvelujen yhteistyötiimi",
             "Sysselsättningstjänsternas samarbetsteam", "Employment services joint team", "unit",
             "employment"),
    TeamData("health", "Terveysasemapalvelut", "Hälsostationstjänster", "Health centre services",
             "unit", "health"),
    TeamData("mhs", "Mielenterveys- ja päihdepalvelut", "Mentalvårds- och missbrukartjänster",
             "Mental-health and substance services", "unit", "mental_health_substance"),
    # The administration team holds no clients; a team needs a service task all the same.
    TeamData("administration", "Hallinto", "Förvaltning", "Administration", "administration",
             "family_services"),
)


@dataclass(frozen=True)
class LoginData:
    username: str
    first_name: str
    last_name: str
    role: str
    title: str
    teams: tuple[str, ...]
    language: str = "fi"
    is_staff: bool = False
    is_superuser: bool = False
    # Qualification (817/2015) and Valvira's registration number (invented, 11 digits).
    qualification: str = ""
    registration_number: str = ""


_SW = "licensed_social_worker"
LOGINS = (
    LoginData("admin", "Mikko", "Järvinen", "admin", "järjestelmäpääkäyttäjä", ("administration",),
              is_staff=True, is_superuser=True),
    LoginData("dpo", "Helena", "Lindqvist", "dpo", "tietosuojavastaava", ("administration",),
              language="sv"),
    LoginData("lead", "Leena", "Lahtinen", "team_lead", "johtava sosiaalityöntekijä",
              ("family-intake", "assessment-east", "assessment-central", "assessment-west"),
              qualification=_SW, registration_number="10099000101"),
    LoginData("intake", "Sari", "Koskinen", "intake_worker", "sosiaaliohjaaja", ("family-intake",),
              qualification="social_counsellor", registration_number="10099000102"),
    LoginData("sw-east", "Anna", "Nieminen", "social_worker", "sosiaalityöntekijä",
              ("assessment-east",), qualification=_SW, registration_number="10099000103"),
    LoginData("sw-central", "Johanna", "Mäkelä", "social_worker", "sosiaalityöntekijä",
              ("assessment-central",), qualification=_SW, registration_number="10099000104"),
    LoginData("sw-west", "Katja", "Heikkinen", "social_worker", "sosiaalityöntekijä",
              ("assessment-west",), qualification=_SW, registration_number="10099000105"),
    LoginData("adult-sw", "Tuomas", "Laine", "social_worker", "sosiaalityöntekijä",
              ("working-age",), qualification=_SW, registration_number="10099000106"),
    LoginData("employment", "Pekka", "Hämäläinen", "employment_coordinator",
              "työllisyyskoordinaattori", ("employment",), qualification="other"),
    LoginData("nurse", "Maria", "Korhonen", "nurse", "sairaanhoitaja", ("health",),
              qualification="other"),
    LoginData("mhs", "Jussi", "Salonen", "mhs_worker", "psykiatrinen sairaanhoitaja", ("mhs",),
              qualification="other"),
)

# --- Names -------------------------------------------------------------------------------------

FI_FEMALE = (
    "Aada", "Aino", "Anna", "Anneli", "Eeva", "Elina", "Ella", "Elli", "Emilia", "Emma",
    "Hanna", "Heidi", "Helena", "Helmi", "Iida", "Inkeri", "Johanna", "Julia", "Kaarina",
    "Kaisa", "Katariina", "Kerttu", "Kristiina", "Laura", "Leena", "Liisa", "Lotta", "Maria",
    "Marja", "Marjatta", "Minna", "Mirja", "Noora", "Oona", "Pihla", "Pirjo", "Päivi", "Riikka",
    "Ritva", "Saara", "Sanna", "Satu", "Seija", "Siiri", "Sofia", "Suvi", "Tarja", "Tiina",
    "Tuula", "Venla", "Vilma",
)
FI_MALE = (
    "Aapo", "Akseli", "Aleksi", "Antti", "Ari", "Eemeli", "Eero", "Eino", "Elias", "Heikki",
    "Ilkka", "Ilmari", "Jani", "Janne", "Jari", "Johannes", "Juhani", "Juho", "Jukka", "Jussi",
    "Kalevi", "Kalle", "Kari", "Lauri", "Leevi", "Markku", "Matti", "Mikael", "Mikko", "Niilo",
    "Olavi", "Onni", "Oskari", "Otto", "Paavo", "Pekka", "Pentti", "Petri", "Risto", "Sami",
    "Seppo", "Tapani", "Tapio", "Teemu", "Timo", "Toni", "Tuomas", "Veikko", "Ville", "Väinö",
)
FI_LAST = (
    "Aalto", "Aaltonen", "Ahonen", "Anttila", "Hakala", "Hakkarainen", "Halonen", "Harju",
    "Heikkilä", "Heikkinen", "Heinonen", "Heiskanen", "Hiltunen", "Hirvonen", "Honkanen",
    "Huttunen", "Hyvönen", "Hämäläinen", "Ikonen", "Jokela", "Jokinen", "Jääskeläinen",
    "Järvinen", "Kallio", "Karjalainen", "Kauppinen", "Kemppainen", "Keränen", "Ketola",
    "Kettunen", "Kinnunen", "Kivelä", "Kivinen", "Koivisto", "Koivula", "Kokkonen", "Koponen",
    "Korhonen", "Koskinen", "Kärkkäinen", "Laakso", "Laaksonen", "Lahtinen", "Laine",
    "Laitinen", "Lampinen", "Lappalainen", "Lassila", "Lehtinen", "Lehto", "Lehtonen",
    "Leinonen", "Manninen", "Mattila", "Miettinen", "Moilanen", "Mustonen", "Mäenpää",
    "Mäkelä", "Mäkinen", "Niemi", "Nieminen", "Niskanen", "Nurmi", "Nykänen", "Ojala",
    "Oksanen", "Parviainen", "Partanen", "Pelkonen", "Peltonen", "Pitkänen", "Pulkkinen",
    "Rantala", "Rantanen", "Rissanen", "Ruotsalainen", "Räsänen", "Salminen", "Salo",
    "Salonen", "Savolainen", "Seppälä", "Sirola", "Suhonen", "Suominen", "Tikkanen",
    "Toivonen", "Tuominen", "Turunen", "Vainio", "Valtonen", "Vesterinen", "Virtanen",
    "Väisänen", "Väänänen", "Saarinen", "Lindfors", "Nyholm", "Hyttinen",
)
SV_FEMALE = (
    "Agnes", "Alice", "Alva", "Anna", "Annika", "Astrid", "Beata", "Britt", "Camilla", "Carita",
    "Cecilia", "Christina", "Ebba", "Elin", "Ellen", "Elsa", "Emilia", "Emma", "Freja",
    "Gunilla", "Hanna", "Helena", "Ida", "Ingrid", "Isabella", "Jenny", "Johanna", "Karin",
    "Linnea", "Lisa", "Louise", "Maja", "Malin", "Maria", "Marianne", "Matilda", "Monica",
    "Nora", "Olivia", "Pia", "Sara", "Selma", "Sofia", "Stella", "Susanne", "Tove", "Ulla",
    "Vera", "Viveka", "Wilma",
)
SV_MALE = (
    "Anders", "Axel", "Bengt", "Björn", "Carl", "Christer", "Daniel", "Edvin", "Elias", "Emil",
    "Erik", "Filip", "Fredrik", "Gustav", "Göran", "Hampus", "Henrik", "Hugo", "Isak", "Jan",
    "Joakim", "Johan", "Jonas", "Kaj", "Karl", "Lars", "Leo", "Linus", "Lucas", "Magnus",
    "Mats", "Max", "Mikael", "Nils", "Olof", "Oscar", "Patrik", "Peter", "Ragnar", "Rasmus",
    "Robert", "Sebastian", "Simon", "Stefan", "Sven", "Theo", "Tom", "Ulf", "Viktor", "Wilhelm",
)
SV_LAST = (
    "Ahlberg", "Ahlström", "Andersson", "Backman", "Berg", "Bergman", "Bergström", "Björklund",
    "Blomberg", "Blomqvist", "Borg", "Dahl", "Ekholm", "Ekström", "Engström", "Enqvist",
    "Eriksson", "Fagerholm", "Fagerström", "Forsman", "Forsström", "Friman", "Granholm",
    "Granqvist", "Grönqvist", "Grönroos", "Gustafsson", "Hagström", "Hellström", "Henriksson",
    "Holm", "Holmberg", "Holmqvist", "Holmström", "Häggblom", "Håkansson", "Jansson",
    "Johansson", "Karlsson", "Karlström", "Kronqvist", "Kullberg", "Lindberg", "Lindell",
    "Lindholm", "Lindqvist", "Lindroos", "Lindström", "Lundberg", "Lundqvist", "Lundström",
    "Löfgren", "Lönnqvist", "Malmberg", "Mattsson", "Mellberg", "Nordling", "Nordqvist",
    "Nordström", "Nylund", "Nyberg", "Nyman", "Nyström", "Palmgren", "Pettersson", "Qvist",
    "Rosenberg", "Rönnholm", "Sandberg", "Sandström", "Schauman", "Sjöberg", "Sjöblom",
    "Sjöholm", "Sjöstrand", "Stenroos", "Storbacka", "Strömberg", "Sundell", "Sundqvist",
    "Sundström", "Söderholm", "Söderström", "Tallqvist", "Tötterman", "Vikström", "Wahlroos",
    "Wallin", "Westerlund", "Wickström", "Widén", "Wikström", "Åberg", "Åkerman", "Öhman",
    "Östman", "Ekman", "Lindén",
)

# Smaller lists for the other languages in the demo population: (female, male, last).
OTHER_NAMES = {
    "en": (
        ("Emily", "Olivia", "Sophie", "Grace", "Chloe", "Hannah", "Amelia", "Charlotte"),
        ("James", "Oliver", "Thomas", "William", "Jack", "Daniel", "George", "Samuel"),
        ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Roberts", "Clarke",
         "Wright"),
    ),
    "ru": (
        ("Olga", "Tatjana", "Natalia", "Irina", "Svetlana", "Anastasia", "Jelena", "Marina"),
        ("Ivan", "Sergei", "Dmitri", "Aleksei", "Nikolai", "Andrei", "Mihail", "Pavel"),
        ("Ivanov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Morozov", "Volkov",
         "Pavlov", "Fjodorov"),
    ),
    "et": (
        ("Kadri", "Triin", "Liis", "Kristiina", "Mari", "Kersti", "Maarja", "Helen"),
        ("Jaan", "Tõnu", "Andres", "Margus", "Toomas", "Rein", "Priit", "Urmas"),
        ("Tamm", "Saar", "Sepp", "Mägi", "Kask", "Kukk", "Rebane", "Ilves", "Pärn", "Koppel"),
    ),
    "ar": (
        ("Fatima", "Aisha", "Mariam", "Noor", "Layla", "Zainab", "Huda", "Amira"),
        ("Ahmed", "Mohammed", "Ali", "Hassan", "Omar", "Yusuf", "Khalid", "Ibrahim"),
        ("Al-Sayed", "Hassan", "Ahmed", "Mahmoud", "Khalil", "Haddad", "Abdullah", "Saleh",
         "Nasser", "Karim"),
    ),
    "uk": (
        ("Olena", "Iryna", "Oksana", "Kateryna", "Natalia", "Yulia", "Tetiana", "Svitlana"),
        ("Andrii", "Oleksandr", "Dmytro", "Serhii", "Mykola", "Taras", "Yurii", "Bohdan"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko",
         "Oliinyk", "Lysenko", "Marchenko", "Savchenko"),
    ),
}
# Share of households by language other than Finnish and Swedish (the rest is Finnish).
OTHER_LANGUAGE_SHARES = (("ru", 0.012), ("et", 0.012), ("en", 0.008), ("uk", 0.008),
                         ("ar", 0.006))

# Street names in Finnish and Swedish (bilingual municipalities have both).
STREETS = (
    ("Koulukatu", "Skolgatan"), ("Kirkkotie", "Kyrkvägen"), ("Rantatie", "Strandvägen"),
    ("Mäkitie", "Backvägen"), ("Puistotie", "Parkvägen"), ("Myllytie", "Kvarnvägen"),
    ("Koivutie", "Björkvägen"), ("Kuusitie", "Granvägen"), ("Mäntytie", "Tallvägen"),
    ("Asematie", "Stationsvägen"), ("Metsätie", "Skogsvägen"), ("Peltotie", "Åkervägen"),
    ("Jokitie", "Åvägen"), ("Kartanontie", "Gårdsvägen"), ("Kauppakatu", "Handelsgatan"),
    ("Satamatie", "Hamnvägen"), ("Meritie", "Havsvägen"), ("Niittytie", "Ängsvägen"),
    ("Pihlajatie", "Rönnvägen"), ("Vaahteratie", "Lönnvägen"), ("Tammitie", "Ekvägen"),
    ("Lehtotie", "Lundvägen"), ("Kivitie", "Stenvägen"), ("Kalliotie", "Bergvägen"),
    ("Harjutie", "Åsvägen"), ("Kaivotie", "Brunnsvägen"), ("Siltatie", "Brovägen"),
    ("Pajatie", "Smedjevägen"), ("Tehtaantie", "Fabriksvägen"), ("Linnankatu", "Slottsgatan"),
)
BILINGUAL = {"638", "753", "434", "407"}  # Porvoo, Sipoo, Loviisa, Lapinjärvi
