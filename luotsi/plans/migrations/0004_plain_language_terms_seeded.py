"""A fuller office-jargon list for the clear-language check, in Finnish, Swedish and English.

The terms and their plain alternatives follow these public guides (the lists are the county's
data from here on: an administrator edits, adds and removes terms in the admin under "Office-jargon
terms"):

- Finnish: Kotimaisten kielten keskus (Kotus), *Selkeää virkakieltä* and the virkakieli
  guidance of Kielitoimiston ohjepankki (e.g. "suorittaa", "ko.",
  "resurssien puitteissa", foreign words such as "interventio", "implementoida", "prosessi"
  and social-services officialese such as "moniammatillinen", "palveluohjaus", "asiakasprosessi");
  Selkokeskus, *Selkokielen mittari* and its word advice.
- Swedish: Institutet för språk och folkminnen (Isof), *Myndigheternas skrivregler* and the
  Klarspråk guidance ("Klarspråkstestet", the list of officialese with everyday alternatives:
  "erhålla" → "få", "tillhandahålla" → "ge", "i enlighet med" → "enligt", "ävenledes" → "också");
  Institutet för de inhemska språken's Swedish guidance "Klarspråk i Finland".
- English: plainlanguage.gov, *Federal Plain Language Guidelines*, "Use simple words and phrases"
  (e.g. "commence" → "start", "in order to" → "to", "prior to" → "before", "utilize" → "use").

The 0002 migration's short list stays; this adds to it. Reversing removes only these rows.
Abbreviations in general and nominal style ("X:n toimesta", "-misen osalta", "suorittaa
tarkistaminen", "genomföra en bedömning", "make a decision") are patterns in
``luotsi.plans.plain_language``, not rows here.
"""

from django.db import migrations

TERMS = {
    "fi": [
        ("interventio", "tuki, apu tai se, mitä teemme"),
        ("moniammatillinen", "eri alojen työntekijöiden yhteinen"),
        ("resurssien puitteissa", "jos meillä on aikaa ja rahaa"),
        ("resurssi", "aika, raha tai työntekijät"),
        ("ko.", "kyseinen, tämä"),
        ("kyseinen", "tämä"),
        ("ns.", "niin sanottu (tai jätä pois)"),
        ("mm.", "muun muassa, esimerkiksi"),
        ("yms.", "ja muuta sellaista"),
        ("tms.", "tai muuta sellaista"),
        ("jne.", "ja niin edelleen"),
        ("em.", "edellä mainittu, tämä"),
        ("suorittaa", "tehdä, maksaa tai käydä"),
        ("implementoida", "ottaa käyttöön"),
        ("implementointi", "käyttöönotto"),
        ("prosessi", "vaiheet, käsittely"),
        ("asiakasprosessi", "se, miten asiasi etenee"),
        ("palveluohjaus", "neuvonta ja apu palvelujen löytämisessä"),
        ("palvelukokonaisuus", "palvelut, joita saat"),
        ("tukitoimi", "tuki, apu"),
        ("tukitoimenpide", "tuki, apu"),
        ("jalkauttaa", "ottaa käyttöön"),
        ("kartoittaa", "selvittää"),
        ("kartoitus", "selvitys"),
        ("arvioida tarve", "selvittää, mitä tarvitset"),
        ("ohjata palveluun", "auttaa pääsemään palveluun"),
        ("voimavara", "vahvuus, mikä auttaa"),
        ("voimaannuttaa", "vahvistaa"),
        ("aktivointi", "tuki työhön tai opiskeluun"),
        ("aktivointisuunnitelma", "suunnitelma työhön tai opiskeluun"),
        ("elämänhallinta", "arjen sujuminen"),
        ("psykososiaalinen", "mieleen ja ihmissuhteisiin liittyvä"),
        ("kuntoutus", "tuki toimintakyvyn parantamiseen"),
        ("toimintakyky", "miten jaksat ja pärjäät arjessa"),
        ("hakemuksen vireilletulo", "kun hakemus on saapunut"),
        ("vireillä", "käsiteltävänä"),
        ("päätöksenteko", "päättäminen"),
        ("tiedoksianto", "tieto, ilmoitus"),
        ("lausunto", "kirjallinen arvio"),
        ("asiakasmaksu", "maksu palvelusta"),
        ("etuuskäsittely", "tukihakemuksen käsittely"),
        ("verkostopalaveri", "tapaaminen, jossa ovat mukana sinulle tärkeät ihmiset"),
        ("sektori", "ala, esimerkiksi terveydenhuolto"),
        ("koordinoida", "sovittaa yhteen, huolehtia"),
        ("koordinaattori", "yhteyshenkilö"),
        ("konsultaatio", "toisen asiantuntijan neuvo"),
        ("informoida", "kertoa"),
        ("tarkoituksenmukainen", "sopiva"),
        ("edellyttää", "vaatia"),
        ("ensisijaisesti", "ensin"),
        ("toissijainen", "vasta toisena vaihtoehtona"),
        ("huomioida", "ottaa huomioon"),
        ("taholta", "keneltä: nimeä tekijä"),
        ("mikäli", "jos"),
        ("täten", "näin"),
        ("ao.", "asianomainen, kyseinen"),
    ],
    "sv": [
        ("intervention", "stöd eller hjälp"),
        ("multiprofessionell", "med personal från olika yrken"),
        ("inom ramen för resurserna", "om vi har tid och pengar"),
        ("resurs", "tid, pengar eller personal"),
        ("erhålla", "få"),
        ("tillhandahålla", "ge, erbjuda"),
        ("i enlighet med", "enligt"),
        ("ävenledes", "också"),
        ("därest", "om"),
        ("emedan", "eftersom"),
        ("beträffande", "om"),
        ("avseende", "om"),
        ("vederbörande", "den som det gäller"),
        ("ifrågavarande", "den här"),
        ("tillse", "se till"),
        ("handläggning", "behandling av ärendet"),
        ("handläggare", "den som behandlar ditt ärende"),
        ("insats", "stöd, hjälp"),
        ("stödåtgärd", "stöd, hjälp"),
        ("kartlägga", "ta reda på"),
        ("kartläggning", "genomgång"),
        ("verkställa", "genomföra, göra"),
        ("verkställighet", "när beslutet genomförs"),
        ("genomföra", "göra"),
        ("i samband med", "när, vid"),
        ("med anledning av", "på grund av, efter"),
        ("till följd av", "på grund av"),
        ("i syfte att", "för att"),
        ("bl.a.", "bland annat, till exempel"),
        ("t.ex.", "till exempel"),
        ("ang.", "angående, om"),
        ("p.g.a.", "på grund av"),
        ("s.k.", "så kallad (eller stryk)"),
        ("resp.", "respektive, eller"),
        ("samordnare", "kontaktperson"),
        ("konsultation", "råd från en annan expert"),
        ("sektor", "område, till exempel hälsovård"),
        ("funktionsförmåga", "hur du orkar och klarar vardagen"),
        ("psykosocial", "som gäller sinnet och relationerna"),
        ("rehabilitering", "stöd för att må och fungera bättre"),
        ("nätverksmöte", "möte med personer som är viktiga för dig"),
    ],
    "en": [
        ("multi-professional", "with staff from different fields"),
        ("multidisciplinary", "with staff from different fields"),
        ("within the limits of resources", "if we have the time and money"),
        ("resources", "time, money or staff"),
        ("commence", "start"),
        ("terminate", "end"),
        ("in order to", "to"),
        ("prior to", "before"),
        ("subsequent to", "after"),
        ("in the event that", "if"),
        ("with regard to", "about"),
        ("in respect of", "about"),
        ("pursuant to", "under"),
        ("utilize", "use"),
        ("utilization", "use"),
        ("implement", "carry out, start"),
        ("endeavour", "try"),
        ("endeavor", "try"),
        ("ascertain", "find out"),
        ("obtain", "get"),
        ("require", "need"),
        ("sufficient", "enough"),
        ("additional", "more"),
        ("assistance", "help"),
        ("in lieu of", "instead of"),
        ("notwithstanding", "despite, even if"),
        ("aforementioned", "this, these"),
        ("the said", "this"),
        ("e.g.", "for example"),
        ("i.e.", "that is"),
        ("etc.", "and so on (or list them)"),
        ("stakeholder", "people involved"),
        ("coordinator", "contact person"),
        ("consultation", "advice from another expert"),
        ("functional capacity", "how you cope with daily life"),
        ("psychosocial", "about your mind and relationships"),
    ],
}


def load(apps, schema_editor):
    term = apps.get_model("plans", "PlainLanguageTerm")
    for language, rows in TERMS.items():
        for word, alternative in rows:
            term.objects.get_or_create(language=language, term=word,
                                       defaults={"alternative": alternative})


def unload(apps, schema_editor):
    term = apps.get_model("plans", "PlainLanguageTerm")
    for language, rows in TERMS.items():
        term.objects.filter(language=language, term__in=[word for word, _alt in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_attestations_not_pre_ticked")]
    operations = [migrations.RunPython(load, unload)]
