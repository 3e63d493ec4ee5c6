"""The clear-language check: exact findings for long sentences, long words, passives and office
jargon in Finnish, Swedish and English."""

import pytest
from django.utils import translation

from luotsi.plans.models import PlainLanguageTerm
from luotsi.plans.plain_language import check


@pytest.fixture(autouse=True)
def _english():
    """The messages are checked in the English source language."""
    with translation.override("en"):
        yield


FI_TERMS = [("asiakkuus", "se, että olet asiakkaana"), ("toimenpide", "asia, joka tehdään")]
SV_TERMS = [("åtgärd", "sak som görs")]
EN_TERMS = [("utilise", "use"), ("in accordance with", "under")]


def found(text, language, terms=()):
    return [(f.kind, f.text) for f in check(text, language, terms=terms)]


# --- long sentences -----------------------------------------------------------------------------


def sentence(words: int, language_word: str = "sana") -> str:
    return " ".join([language_word] * words) + "."


def test_long_sentence__finnish_limit_is_20_words():
    assert found(sentence(20), "fi") == []
    assert found(sentence(21), "fi") == [("long_sentence", sentence(21))]


def test_long_sentence__swedish_limit_is_20_words():
    assert found(sentence(20, "ord"), "sv") == []
    assert found(sentence(21, "ord"), "sv") == [("long_sentence", sentence(21, "ord"))]


def test_long_sentence__english_limit_is_25_words():
    assert found(sentence(25, "word"), "en") == []
    assert found(sentence(26, "word"), "en") == [("long_sentence", sentence(26, "word"))]


def test_long_sentence__counted_per_sentence_and_line():
    text = sentence(12) + " " + sentence(12) + "\n" + " ".join(["rivi"] * 21)
    findings = check(text, "fi", terms=[])
    assert [(f.kind, f.count) for f in findings] == [("long_sentence", 21)]
    assert findings[0].text == " ".join(["rivi"] * 21)
    assert findings[0].message == "A long sentence (21 words). Split it into shorter ones."


# --- long words ---------------------------------------------------------------------------------


def test_long_word__more_than_20_letters():
    text = "Palvelutarpeenarviointi alkaa. Sosiaalipalvelut ovat auki."
    findings = check(text, "fi", terms=[])
    assert [(f.kind, f.text, f.count) for f in findings] == [
        ("long_word", "Palvelutarpeenarviointi", 23)]
    # 20 letters exactly is fine: "sosiaalipalveluohjaa" has 20.
    assert found("sosiaalipalveluohjaa", "fi") == []


def test_long_word__swedish_compound():
    assert found("Arbetsverksamhetsplanering börjar.", "sv") == [
        ("long_word", "Arbetsverksamhetsplanering")]


# --- passives -----------------------------------------------------------------------------------


def test_passive__finnish_present_and_past():
    text = "Tapaaminen sovitaan. Hakemus käsitellään. Päätös tehtiin ja asia haettiin."
    assert found(text, "fi") == [("passive", "sovitaan"), ("passive", "käsitellään"),
                                 ("passive", "tehtiin"), ("passive", "haettiin")]


def test_passive__finnish_perfect_on_tehty():
    assert found("Hakemus on tehty. Päätöstä ei ole annettu.", "fi") == [
        ("passive", "on tehty"), ("passive", "ei ole annettu")]


def test_passive__finnish_words_that_only_look_passive():
    assert found("En tiedä mitään. Menen kotiin itään vastaan ketään.", "fi") == []


def test_passive__swedish_s_passive():
    text = "Ansökan behandlas i dag. Beslutet görs snart och skrivs ut."
    assert found(text, "sv") == [("passive", "behandlas"), ("passive", "görs"),
                                 ("passive", "skrivs")]


def test_passive__swedish_bli_with_participle():
    assert found("Ansökan blev beviljad. Du blir kallad till möte.", "sv") == [
        ("passive", "blev beviljad"), ("passive", "blir kallad")]


def test_passive__swedish_deponents_and_adjectives_are_not_passive():
    assert found("Det finns hjälp. Jag hoppas att vi träffas. Hon blev glad.", "sv") == []


def test_passive__english_be_with_participle():
    text = "The form was sent. The plan is reviewed. Decisions were taken and have been made."
    assert found(text, "en") == [("passive", "was sent"), ("passive", "is reviewed"),
                                 ("passive", "were taken"), ("passive", "been made")]


def test_passive__english_adjectives_and_adverbs_are_not_passive():
    assert found("The client is interested. The door is open. It is often good.", "en") == []


def test_passive__message():
    [finding] = check("Hakemus on tehty.", "fi", terms=[])
    assert finding.message == "A passive form. Say who does it."


# --- office jargon ------------------------------------------------------------------------------


def test_jargon__finnish_inflected_forms_match():
    text = "Asiakkuuden alussa sovimme toimenpiteet."
    findings = check(text, "fi", terms=FI_TERMS)
    assert [(f.kind, f.text, f.alternative) for f in findings] == [
        ("jargon", "Asiakkuuden", "se, että olet asiakkaana"),
        ("jargon", "toimenpiteet", "asia, joka tehdään")]
    assert findings[0].message == "Office jargon. Write instead: se, että olet asiakkaana"


def test_jargon__swedish_and_english():
    assert found("Nästa åtgärder planeras.", "sv", SV_TERMS) == [
        ("jargon", "åtgärder"), ("passive", "planeras")]
    assert found("We utilise it in accordance with the law.", "en", EN_TERMS) == [
        ("jargon", "utilise"), ("jargon", "in accordance with")]


def test_jargon__only_the_texts_language():
    assert found("Asiakkuus alkoi.", "sv", SV_TERMS) == []


@pytest.mark.django_db
def test_jargon__read_from_the_administrators_list():
    PlainLanguageTerm.objects.update_or_create(language="fi", term="etuus",
                                               defaults={"alternative": "tuki"})
    findings = check("Haet etuuksia.", "fi")
    assert [(f.kind, f.text, f.alternative) for f in findings] == [
        ("jargon", "etuuksia", "tuki")]


@pytest.mark.django_db
def test_jargon__the_loaded_lists_cover_all_three_languages():
    assert {"fi", "sv", "en"} <= set(PlainLanguageTerm.objects.values_list("language", flat=True))


# --- everything together ------------------------------------------------------------------------


def test_findings_in_the_order_of_the_text():
    text = ("Toimenpide tehdään. Palvelutarpeenarviointi on tehty "
            + " ".join(["ja"] * 20) + ".")
    assert found(text, "fi", FI_TERMS) == [
        ("jargon", "Toimenpide"),
        ("passive", "tehdään"),
        ("long_sentence", "Palvelutarpeenarviointi on tehty " + " ".join(["ja"] * 20) + "."),
        ("long_word", "Palvelutarpeenarviointi"),
        ("passive", "on tehty"),
    ]


def test_empty_text_has_no_findings():
    assert check("", "fi", terms=FI_TERMS) == []
    assert check("   \n", "en", terms=EN_TERMS) == []


def test_clear_text_has_no_findings():
    assert found("Sinä haet asuntoa. Minä soitan sinulle maanantaina.", "fi", FI_TERMS) == []
    assert found("Du söker bostad. Jag ringer dig på måndag.", "sv", SV_TERMS) == []
    assert found("You look for a flat. I will call you on Monday.", "en", EN_TERMS) == []


# --- the seeded lists, abbreviations and nominal style ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("text, language, term", [
    ("Interventio aloitetaan pian.", "fi", "Interventio"),
    ("Moniammatillisen tiimin tapaaminen.", "fi", "Moniammatillisen"),
    ("Apua annetaan resurssien puitteissa.", "fi", "resurssien puitteissa"),
    ("Ko. asiasta sovitaan.", "fi", "Ko."),
    ("Klienten ska erhålla stöd i enlighet med planen.", "sv", "erhålla"),
    ("We will commence the work prior to May.", "en", "commence"),
])
def test_seeded_lists__common_officialese_found_with_an_alternative(text, language, term):
    findings = [f for f in check(text, language) if f.kind == "jargon"]
    assert term in [f.text for f in findings]
    assert all(f.alternative for f in findings)


@pytest.mark.django_db
def test_seeded_lists__substantial_in_every_language_and_extendable():
    counts = {lang: PlainLanguageTerm.objects.filter(language=lang).count()
              for lang in ("fi", "sv", "en")}
    assert counts["fi"] >= 50 and counts["sv"] >= 40 and counts["en"] >= 40
    PlainLanguageTerm.objects.create(language="fi", term="asiakasohjaus",
                                     alternative="neuvonta")
    assert [f.alternative for f in check("Asiakasohjausta jatketaan.", "fi")
            if f.kind == "jargon"] == ["neuvonta"]


@pytest.mark.parametrize("text, language, expected", [
    ("Asia on mm. tärkeä ja ns. ongelma.", "fi", ["mm.", "ns."]),
    ("Du kan bl.a. söka stöd, t.ex. bostadsbidrag.", "sv", ["bl.a.", "t.ex."]),
    ("Bring papers, e.g. your rent contract.", "en", ["e.g."]),
    ("Tavataan klo 14.00. Hän tuli kotiin. Sitten mentiin.", "fi", []),
])
def test_abbreviations__inside_a_sentence(text, language, expected):
    assert [t for kind, t in found(text, language) if kind == "abbreviation"] == expected


def test_abbreviation__message():
    (finding,) = [f for f in check("Asia on mm. tärkeä.", "fi", terms=[])
                  if f.kind == "abbreviation"]
    assert finding.message == "An abbreviation. Write the words out."


@pytest.mark.parametrize("text, language, expected", [
    ("Asia hoidetaan työntekijän toimesta.", "fi", ["työntekijän toimesta"]),
    ("Asumisen osalta tilanne on hyvä.", "fi", ["Asumisen osalta"]),
    ("Tarkistamisen suorittaa työntekijä.", "fi", ["Tarkistamisen suorittaa"]),
    ("Bedömningen sker i maj och vi genomför en utredning.", "sv",
     ["Bedömningen sker", "genomför en utredning"]),
    ("We will make a decision and carry out an assessment.", "en",
     ["make a decision", "carry out an assessment"]),
    ("Haen asuntoa ja soitan työkkäriin.", "fi", []),
])
def test_nominal_style(text, language, expected):
    findings = [f for f in check(text, language, terms=[]) if f.kind == "nominal"]
    assert [f.text for f in findings] == expected
    assert all(f.message == "Nominal style. Use a verb and say who does what."
               for f in findings)


def test_listed_term_and_abbreviation_are_one_finding():
    findings = check("Asia on mm. tärkeä.", "fi", terms=[("mm.", "esimerkiksi")])
    assert [(f.kind, f.text) for f in findings] == [("jargon", "mm.")]
