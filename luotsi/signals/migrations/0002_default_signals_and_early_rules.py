"""The default signals of intervention points and the default early-warning rules.

Starting points, not a national checklist (domain.md §6.2): seed 003 asks to find where on the
service path support should have come earlier; the signals are the ones named there and in the
county's service model (the family-intake contact closed with advice only, the employment service
period that ended without a plan). The early rules are the identification rules
(usage 0002) with lower thresholds; a county keeps those its backtests support.
"""

from django.db import migrations

SIGNALS = [
    {"code": "two_sectors_month", "kind": "sectors_in_month", "parameters": {"sectors": 2},
     "ordering": 10,
     "name_fi": "Ensimmäinen kuukausi, jolloin palveluja kahdelta sektorilta",
     "name_sv": "Första månaden med tjänster inom två sektorer",
     "name_en": "First month with services in two sectors",
     "explanation_fi": "Ensimmäinen kalenterikuukausi, jona henkilöllä oli tapahtumia kahdella "
                       "eri sektorilla.",
     "explanation_sv": "Den första kalendermånaden med händelser inom två olika sektorer.",
     "explanation_en": "The first calendar month with events in two different sectors."},
    {"code": "repeated_emergency", "kind": "repeated_events",
     "parameters": {"event_kind": "emergency_visit", "count": 2, "window_days": 365},
     "ordering": 20,
     "name_fi": "Toistuvia päivystyskäyntejä (alle tunnistamisen rajan)",
     "name_sv": "Upprepade jourbesök (under identifieringens gräns)",
     "name_en": "Repeated emergency visits (below the identification threshold)",
     "explanation_fi": "Kaksi päivystyskäyntiä 365 päivän sisällä; tunnistamisen sääntö vaatii "
                       "neljä.",
     "explanation_sv": "Två jourbesök inom 365 dagar; identifieringsregeln kräver fyra.",
     "explanation_en": "Two emergency visits within 365 days; the identification rule needs "
                       "four."},
    {"code": "intake_advice_only", "kind": "intake_closed", "parameters": {"outcome": "advice"},
     "ordering": 30,
     "name_fi": "Lapsiperheiden yhteydenotto päättyi pelkkään neuvontaan",
     "name_sv": "Barnfamiljens kontakt avslutades med enbart rådgivning",
     "name_en": "Family-intake contact closed with advice only",
     "explanation_fi": "Alkuarvioinnin tulos oli neuvonta ja ohjaus, ja yhteydenotto suljettiin.",
     "explanation_sv": "Den inledande bedömningen gav råd och handledning och kontakten "
                       "avslutades.",
     "explanation_en": "The initial assessment gave advice and guidance and the contact was "
                       "closed."},
    {"code": "employment_ended_without_plan", "kind": "period_ended_without_plan",
     "parameters": {"sector": "employment", "gap_days": 90}, "ordering": 40,
     "name_fi": "Työllisyyspalvelujen jakso päättyi ilman suunnitelmaa",
     "name_sv": "En period av sysselsättningstjänster slutade utan plan",
     "name_en": "Employment service period ended without a plan",
     "explanation_fi": "Työllisyyspalveluissa ei tapahtumia 90 päivään viimeisen jälkeen, eikä "
                       "henkilöllä ollut asiakassuunnitelmaa.",
     "explanation_sv": "Inga händelser inom sysselsättningstjänsterna på 90 dagar efter den "
                       "sista, och personen hade ingen klientplan.",
     "explanation_en": "No employment-service events for 90 days after the last one, and the "
                       "person had no client plan."},
    {"code": "first_mental_health_substance", "kind": "first_in_sector",
     "parameters": {"sector": "mental_health_substance"}, "ordering": 50,
     "name_fi": "Ensimmäinen mielenterveys- tai päihdepalvelu",
     "name_sv": "Första mental- eller missbrukarvårdstjänsten",
     "name_en": "First mental health or substance service",
     "explanation_fi": "Ensimmäinen tapahtuma mielenterveys- ja päihdepalveluissa.",
     "explanation_sv": "Den första händelsen inom mental- och missbrukarvården.",
     "explanation_en": "The first event in mental health and substance services."},
]

EARLY_RULES = [
    {"code": "early_two_sectors", "measure": "distinct_sectors", "threshold": 2,
     "event_kind": "", "window_days": 365,
     "name_fi": "Varhainen: palveluja kahdelta sektorilta",
     "name_sv": "Tidig: tjänster inom två sektorer",
     "name_en": "Early: services in two sectors",
     "explanation_fi": "Tapahtumia vähintään kahdelta sektorilta 12 kuukauden aikana "
                       "(tunnistaminen: kolme).",
     "explanation_sv": "Händelser inom minst två sektorer under 12 månader (identifiering: tre).",
     "explanation_en": "Events in at least two sectors within 12 months (identification: "
                       "three)."},
    {"code": "early_doctor_visits", "measure": "events_of_kind", "threshold": 5,
     "event_kind": "doctor_visit", "window_days": 365,
     "name_fi": "Varhainen: viisi lääkärikäyntiä", "name_sv": "Tidig: fem läkarbesök",
     "name_en": "Early: five doctor's visits",
     "explanation_fi": "Vähintään viisi lääkärikäyntiä 12 kuukaudessa (tunnistaminen: kahdeksan).",
     "explanation_sv": "Minst fem läkarbesök under 12 månader (identifiering: åtta).",
     "explanation_en": "At least five doctor's visits within 12 months (identification: eight)."},
    {"code": "early_emergency", "measure": "events_of_kind", "threshold": 2,
     "event_kind": "emergency_visit", "window_days": 365,
     "name_fi": "Varhainen: kaksi päivystyskäyntiä", "name_sv": "Tidig: två jourbesök",
     "name_en": "Early: two emergency visits",
     "explanation_fi": "Vähintään kaksi päivystyskäyntiä 12 kuukaudessa (tunnistaminen: neljä).",
     "explanation_sv": "Minst två jourbesök under 12 månader (identifiering: fyra).",
     "explanation_en": "At least two emergency visits within 12 months (identification: "
                       "four)."},
]


def seed(apps, schema_editor):
    SignalDefinition = apps.get_model("signals", "SignalDefinition")
    EarlyWarningRule = apps.get_model("signals", "EarlyWarningRule")
    for row in SIGNALS:
        SignalDefinition.objects.update_or_create(code=row["code"], defaults=row)
    for row in EARLY_RULES:
        EarlyWarningRule.objects.update_or_create(code=row["code"], defaults=row)


def unseed(apps, schema_editor):
    apps.get_model("signals", "SignalDefinition").objects.filter(
        code__in=[row["code"] for row in SIGNALS]).delete()
    apps.get_model("signals", "EarlyWarningRule").objects.filter(
        code__in=[row["code"] for row in EARLY_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_intervention_signals_early_rules")]
    operations = [migrations.RunPython(seed, unseed)]
