"""The clear-language check for what professionals write into a client plan.

``check(text, language)`` returns findings in the order they appear in the text:

- long sentences: more than 20 words in Finnish and Swedish, more than 25 in English;
- long words: more than 20 letters (Finnish and Swedish compounds, mostly);
- passive constructions: Finnish ``-taan/-tään/-daan/-dään/-llään…``, ``-ttiin``/``-tiin`` and
  "on tehty"; Swedish s-passive ("görs", "skrivs", "behandlas") and "blir/blev + participle";
  English "is/was/were/been … + -ed/-en";
- office jargon from the ``PlainLanguageTerm`` table (editable by an administrator, seeded from
  Kotus, Isof and plainlanguage.gov guidance) with the plain alternative;
- abbreviations in the middle of a sentence: "ko.", "ns.", "mm.", "bl.a.", "t.ex.", "e.g.";
- nominal style: Finnish "X:n toimesta", "-misen osalta" and "-minen" with "suorittaa"; Swedish
  "-ning/-ande" with "ske", "genomföra", "verkställa"; English "make a decision", "carry out an
  assessment".

The rules are heuristics: they flag text for a second look, they never refuse it. Words that end
like a passive but are not one ("mitään", "finns", "often") are listed as exceptions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

LONG_SENTENCE = {"fi": 20, "sv": 20, "en": 25}
LONG_WORD = 20

LONG_SENTENCE_KIND = "long_sentence"
LONG_WORD_KIND = "long_word"
PASSIVE_KIND = "passive"
JARGON_KIND = "jargon"
ABBREVIATION_KIND = "abbreviation"
NOMINAL_KIND = "nominal"

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_COUNTED_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
# A sentence ends at . ! ? … followed by space or the end, or at a blank line / line break.
_SENTENCE = re.compile(r"[^.!?…\n]+(?:[.!?…]+(?=\s|$)|(?=\n)|$)", re.UNICODE)

# --- Finnish ---------------------------------------------------------------------------------
_FI_PASSIVE_WORD = re.compile(
    r"^(?:\w+(?:[aeiouyäö]|s)(?:taan|tään)"   # sovitaan, haetaan, pestään
    r"|\w+(?:daan|dään)"                        # tehdään, käydään
    r"|\w+(?:ll|nn|rr)(?:aan|ään)"              # käsitellään, tullaan, mennään
    r"|\w+ttiin"                                # sovittiin, haettiin
    r"|\w*(?:h|[aeiouyäö]{2})tiin)$",           # tehtiin, saatiin, käytiin
    re.IGNORECASE,
)
_FI_NOT_PASSIVE = {
    "mitään", "ketään", "yhtään", "itään", "vastaan", "sataan", "pöytään", "työtään",
    "rantaan", "kantaan", "nettiin", "kotiin", "puuhaan", "maahan", "päähän", "suuhun",
    "muutaan", "tuotaan", "vuotaan", "kaikkiaan", "alkuaan", "lainkaan", "ainakaan",
    "kumpaakaan", "mistään", "missään", "kenestäkään", "jostain", "hiukkaakaan", "selvään",
    "villaan", "annaan",
}
_FI_PERFECT_PASSIVE = re.compile(
    r"(?<!\w)((?:on|ei\s+ole|oli|ei\s+ollut|ole|ollut)\s+\w+(?:ttu|tty|tu|ty|du|dy|lu|ly|nu|ny|ru|ry))(?!\w)",
    re.IGNORECASE,
)
_FI_NOT_PARTICIPLE = {"apu", "tapu", "satu", "kotu", "tytty", "hätä", "katu", "kätty"}

# --- Swedish ---------------------------------------------------------------------------------
_SV_PASSIVE_WORD = re.compile(r"^\w{3,}(?:as|ades|des|tes)$", re.IGNORECASE)
_SV_SHORT_PASSIVES = {
    "görs", "gjordes", "skrivs", "skrevs", "ges", "gavs", "tas", "togs", "fås", "läggs",
    "lades", "bedöms", "söks", "sökts", "ses", "sågs", "sägs", "sades", "hålls", "hölls",
    "sänds", "erbjuds", "erbjöds", "beviljas", "behövs", "krävs", "krävdes", "ordnas",
    "betalas", "betalts", "skickas", "följs", "följdes", "stöds", "stöddes", "nås", "bjuds",
    "bestäms", "bestämdes", "beslutas",
}
_SV_NOT_PASSIVE = {
    "finns", "fanns", "hoppas", "hoppades", "lyckas", "lyckades", "trivs", "trivdes", "andas",
    "andades", "minnas", "mindes", "synas", "syntes", "märkas", "märktes", "umgås", "träffas",
    "träffades", "låtsas", "låtsades", "åldras", "kräkas", "svettas", "skämmas", "brottas",
    "vistas", "vistades", "tycks", "tycktes", "kanadas", "lukas", "thomas", "andes", "jonas",
    "elias", "matias", "tobias", "extras", "ideas", "villkoras", "hemmas",
}
_SV_BLI_PARTICIPLE = re.compile(
    r"(?<!\w)((?:blir|blev|blivit|bli)\s+(\w+(?:ad|at|ade|d|t|en|et|na)))(?!\w)",
    re.IGNORECASE,
)
_SV_NOT_PARTICIPLE = {
    "glad", "trött", "rädd", "ledsen", "mätt", "nöjd", "arg", "bättre", "sämre", "klart",
    "lugnt", "sjuk", "frisk", "färdigt", "bra", "gift", "kallt", "varmt", "dyrt", "billigt",
    "stort", "litet", "svårt", "lätt", "fort", "sent", "tidigt", "mycket", "tryggt",
    "hemlös", "arbetslös", "gravid", "osäker", "orolig", "nykter", "helt", "mindre", "vuxen",
}

# --- English ---------------------------------------------------------------------------------
_EN_PASSIVE = re.compile(
    r"(?<!\w)((?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+|not\s+)?(\w+))(?!\w)",
    re.IGNORECASE,
)
_EN_IRREGULAR = {
    "made", "done", "sent", "paid", "held", "told", "found", "kept", "set", "put", "built",
    "brought", "bought", "sold", "shown", "known", "met", "left", "led", "understood",
    "taught", "cut", "seen", "given", "taken", "written", "chosen", "spent", "heard", "lost",
}
_EN_NOT_PARTICIPLE = {
    "often", "open", "even", "seven", "eleven", "ten", "when", "then", "than", "green",
    "children", "women", "men", "kitchen", "garden", "red", "bed", "need", "indeed", "speed",
    "seed", "feed", "been", "between", "screen", "golden", "sudden", "happen", "listen",
    "heaven", "oxygen", "token", "citizen", "dozen", "frozen", "eden", "proud", "unemployed",
    "interested", "tired", "worried", "married", "concerned", "pleased", "scared", "excited",
    "ashamed", "bored", "confused", "divorced", "retired", "engaged", "disabled", "hundred",
    "aged",
}


# --- Abbreviations: one to three short parts (the first of one to three letters, or "esim.",
# "resp.", "ang."), each ending in a full stop, inside a sentence (a lower-case word or a number
# follows), e.g. "ko. asia", "bl.a. boende", "e.g. rent".
_ABBREVIATION = re.compile(
    r"(?<![\w.])((?:[a-zåäöA-ZÅÄÖ][a-zåäö]{0,2}\.|(?:[Ee]sim|[Rr]esp|[Aa]ng)\.)"
    r"(?:[a-zåäö]{1,4}\.){0,2})"
    r"(?=\s+[a-zåäö0-9(\"'“]|,)", re.UNICODE)

# --- Nominal style -----------------------------------------------------------------------------
_FI_MINEN = r"\w+(?:minen|misen|mista|mistä|miseen|misessa|misessä|misella|misellä|misena|misenä)"
_NOMINAL = {
    "fi": [
        re.compile(r"(?<!\w)\w+n\s+toimesta(?!\w)", re.IGNORECASE),        # työntekijän toimesta
        re.compile(r"(?<!\w)\w+n\s+osalta(?!\w)", re.IGNORECASE),          # asumisen osalta
        re.compile(r"(?<!\w)" + _FI_MINEN + r"\s+(?:\w+\s+)?suorit\w*", re.IGNORECASE),
        re.compile(r"(?<!\w)suorit\w*\s+(?:\w+\s+)?" + _FI_MINEN + r"(?!\w)", re.IGNORECASE),
    ],
    "sv": [
        re.compile(r"(?<!\w)\w+(?:ning|ningen|ande|andet)\s+(?:sker|ske|skedde|skett|kommer att "
                   r"ske)(?!\w)", re.IGNORECASE),
        re.compile(r"(?<!\w)(?:genomför\w*|verkställ\w*|företa\w*|vidta\w*)\s+(?:en\s+|ett\s+)?"
                   r"\w+(?:ning|ande|else)(?:en|et|ar|er)?(?!\w)", re.IGNORECASE),
    ],
    "en": [
        re.compile(r"(?<!\w)(?:make|makes|made|making|conduct\w*|perform\w*|undertake\w*|"
                   r"carry\s+out|carries\s+out|carried\s+out|give|gives|gave|provide\w*)\s+"
                   r"(?:a|an|the)\s+\w+(?:tion|sion|ment|ance|ence|al)(?!\w)", re.IGNORECASE),
    ],
}


@dataclass(frozen=True)
class Finding:
    """One thing to look at again: ``kind``, the ``text`` it concerns, where it starts, and for a
    long sentence its word count, for office jargon the plain ``alternative``."""

    kind: str
    text: str
    start: int
    count: int = 0
    alternative: str = ""

    @property
    def message(self) -> str:
        if self.kind == LONG_SENTENCE_KIND:
            return _("A long sentence (%(count)s words). Split it into shorter ones.") % {
                "count": self.count}
        if self.kind == LONG_WORD_KIND:
            return _("A long word (%(count)s letters). Use a shorter word or explain it.") % {
                "count": self.count}
        if self.kind == PASSIVE_KIND:
            return _("A passive form. Say who does it.")
        if self.kind == ABBREVIATION_KIND:
            return _("An abbreviation. Write the words out.")
        if self.kind == NOMINAL_KIND:
            return _("Nominal style. Use a verb and say who does what.")
        return _("Office jargon. Write instead: %(alternative)s") % {
            "alternative": self.alternative}


def _language(language: str | None) -> str:
    code = (language or "fi")[:2].lower()
    return code if code in LONG_SENTENCE else "fi"


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    for match in _SENTENCE.finditer(text):
        sentence = match.group(0).strip()
        if sentence:
            yield match.start() + (len(match.group(0)) - len(match.group(0).lstrip())), sentence


def _long_sentences(text: str, language: str) -> list[Finding]:
    limit = LONG_SENTENCE[language]
    out = []
    for start, sentence in _sentences(text):
        count = len(_COUNTED_WORD.findall(sentence))
        if count > limit:
            out.append(Finding(LONG_SENTENCE_KIND, sentence, start, count=count))
    return out


def _long_words(text: str) -> list[Finding]:
    return [Finding(LONG_WORD_KIND, m.group(0), m.start(), count=len(m.group(0)))
            for m in _WORD.finditer(text) if len(m.group(0)) > LONG_WORD]


def _passives(text: str, language: str) -> list[Finding]:
    out: list[Finding] = []
    if language == "fi":
        for m in _WORD.finditer(text):
            word = m.group(0)
            if len(word) >= 6 and word.lower() not in _FI_NOT_PASSIVE \
                    and _FI_PASSIVE_WORD.match(word):
                out.append(Finding(PASSIVE_KIND, word, m.start()))
        for m in _FI_PERFECT_PASSIVE.finditer(text):
            participle = m.group(1).split()[-1].lower()
            if participle not in _FI_NOT_PARTICIPLE:
                out.append(Finding(PASSIVE_KIND, m.group(1), m.start()))
    elif language == "sv":
        covered: list[tuple[int, int]] = []
        for m in _SV_BLI_PARTICIPLE.finditer(text):
            if m.group(2).lower() not in _SV_NOT_PARTICIPLE:
                out.append(Finding(PASSIVE_KIND, m.group(1), m.start()))
                covered.append((m.start(), m.end()))
        for m in _WORD.finditer(text):
            word, lower = m.group(0), m.group(0).lower()
            if lower in _SV_NOT_PASSIVE or any(a <= m.start() < b for a, b in covered):
                continue
            if lower in _SV_SHORT_PASSIVES or (
                    len(word) >= 6 and not lower.endswith("ss") and _SV_PASSIVE_WORD.match(word)):
                out.append(Finding(PASSIVE_KIND, word, m.start()))
    else:
        for m in _EN_PASSIVE.finditer(text):
            participle = m.group(2).lower()
            if participle in _EN_NOT_PARTICIPLE:
                continue
            if participle in _EN_IRREGULAR or (
                    len(participle) > 3 and participle.endswith(("ed", "en"))):
                out.append(Finding(PASSIVE_KIND, m.group(1), m.start()))
    return out


def _stem(term: str, language: str) -> str:
    """Finnish inflection changes the end of the word ("asiakkuus" → "asiakkuuden",
    "toimenpide" → "toimenpiteet"): match the last word without its last letters."""
    if language != "fi":
        return term
    head, _sep, last = term.rpartition(" ")
    if last.endswith("nen") and len(last) >= 7:  # moniammatillinen → moniammatillisen
        last = last[:-3]
    elif len(last) >= 7:
        last = last[:-2]
    elif len(last) >= 5:
        last = last[:-1]
    return f"{head} {last}" if head else last


def _jargon(text: str, terms: Iterable[tuple[str, str]], language: str) -> list[Finding]:
    out = []
    for term, alternative in terms:
        term = " ".join(term.split())
        if not term:
            continue
        # The term at the start of a word; inflected endings ("asiakkuuden", "benefits") count.
        pattern = re.compile(
            r"(?<!\w)" + re.escape(_stem(term, language)).replace(r"\ ", r"\s+") + r"\w*",
            re.IGNORECASE)
        out.extend(Finding(JARGON_KIND, m.group(0), m.start(), alternative=alternative)
                   for m in pattern.finditer(text))
    return out


def _abbreviations(text: str) -> list[Finding]:
    return [Finding(ABBREVIATION_KIND, m.group(1), m.start(1))
            for m in _ABBREVIATION.finditer(text)]


def _nominal(text: str, language: str) -> list[Finding]:
    return [Finding(NOMINAL_KIND, m.group(0), m.start())
            for pattern in _NOMINAL[language] for m in pattern.finditer(text)]


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """Jargon, abbreviations and nominal style may find the same words ("ko." is a listed term
    and an abbreviation; "resurssien puitteissa" and "resurssi" are both listed): keep one
    finding per stretch of text, the listed term (it has an alternative) and the longest first."""
    word_kinds = (JARGON_KIND, ABBREVIATION_KIND, NOMINAL_KIND)
    rank = {JARGON_KIND: 0, NOMINAL_KIND: 1, ABBREVIATION_KIND: 2}
    kept: list[Finding] = []
    spans: list[tuple[int, int]] = []
    for f in sorted((f for f in findings if f.kind in word_kinds),
                    key=lambda f: (rank[f.kind], -len(f.text), f.start)):
        end = f.start + len(f.text)
        if any(a < end and f.start < b for a, b in spans):
            continue
        kept.append(f)
        spans.append((f.start, end))
    return [f for f in findings if f.kind not in word_kinds] + kept


def jargon_terms(language: str) -> list[tuple[str, str]]:
    from luotsi.plans.models import PlainLanguageTerm

    return list(PlainLanguageTerm.objects.filter(language=_language(language))
                .values_list("term", "alternative"))


def check(text: str, language: str | None,
          terms: Iterable[tuple[str, str]] | None = None) -> list[Finding]:
    """The clear-language findings of ``text`` written in ``language`` (fi, sv or en).

    ``terms`` are (jargon, plain alternative) pairs; by default the administrator's list for the
    language is read from the database."""
    text = text or ""
    if not text.strip():
        return []
    code = _language(language)
    if terms is None:
        terms = jargon_terms(code)
    findings = _without_overlaps(
        _long_sentences(text, code) + _long_words(text) + _passives(text, code)
        + _jargon(text, terms, code) + _abbreviations(text) + _nominal(text, code))
    order = {LONG_SENTENCE_KIND: 0, LONG_WORD_KIND: 1, PASSIVE_KIND: 2, JARGON_KIND: 3,
             NOMINAL_KIND: 4, ABBREVIATION_KIND: 5}
    return sorted(findings, key=lambda f: (f.start, order[f.kind]))
