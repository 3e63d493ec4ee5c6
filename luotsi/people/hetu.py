"""The Finnish personal identity code (henkilötunnus): parsing and validation.

Format ``DDMMYYCZZZQ``: birth date, century sign, individual number, check character.
Century signs: ``+`` 1800s; ``-`` and (from 2023) ``Y X W V U`` 1900s; ``A`` and (from 2023)
``B C D E F`` 2000s. Individual numbers 002–899 are given to people; 900–999 are reserved for
temporary and test identities. The check character is the remainder of the nine-digit number
DDMMYYZZZ divided by 31, looked up in ``0123456789ABCDEFHJKLMNPRSTUVWXY``.

Every identity code entering Luotsi (forms, API, searches, imports, FHIR, commands) passes
``parse`` (or ``clean``, its value): a code is ASCII only. Other scripts' digits (e.g.
Arabic-Indic ``١٣٠٩٠٦A934A``, full-width ``１３０９０６``) and look-alike dashes are refused with a
message naming the character, never transliterated: only the exact ASCII code reaches the
lookup hash, so one person has one hash. ``canonical`` is the lenient form used only to find
duplicates registered before this rule (``manage.py find_duplicate_persons``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURIES = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900,
             "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}
# ASCII digits only: ``\d`` would also match other scripts' digits.
_SHAPE = re.compile(r"^([0-9]{2})([0-9]{2})([0-9]{2})(.)([0-9]{3})(.)$", re.ASCII)


class HetuError(ValueError):
    """An invalid personal identity code; ``code`` names what is wrong, ``message`` says it."""

    def __init__(self, code: str, message) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Hetu:
    value: str
    birth_date: date
    sex: str  # "female" or "male"
    is_test_range: bool


def normalise(value: str) -> str:
    """Surrounding white space removed and ASCII letters upper-cased; nothing else changed
    (a non-ASCII character stays, for ``parse`` to refuse)."""
    text = (value or "").strip()
    return "".join(char.upper() if char.isascii() else char for char in text)


def parse(value: str) -> Hetu:
    """Validate ``value`` in full and return what it tells; raise HetuError naming the fault."""
    text = normalise(value)
    if not text:
        raise HetuError("required", _("Enter a personal identity code."))
    foreign = next((char for char in text if not char.isascii()), None)
    if foreign is not None:
        raise HetuError(
            "non_ascii",
            _("The personal identity code may contain only the digits 0–9, the century sign "
              "and the check character written in Latin letters; “%(char)s” (%(code)s) is not "
              "allowed: type the code again.")
            % {"char": foreign, "code": f"U+{ord(foreign):04X}"},
        )
    if len(text) != 11:
        raise HetuError(
            "length",
            _("A personal identity code has 11 characters; this one has %(count)s.")
            % {"count": len(text)},
        )
    match = _SHAPE.match(text)
    if not match:
        raise HetuError(
            "format",
            _("A personal identity code is six digits of birth date, a century sign, three "
              "digits and a check character (e.g. 131052-308T)."),
        )
    dd, mm, yy, sign, individual, check = match.groups()
    if sign not in CENTURIES:
        raise HetuError(
            "century_sign",
            _("The century sign “%(sign)s” is not valid; use + (1800s), - Y X W V U (1900s) or "
              "A B C D E F (2000s).") % {"sign": sign},
        )
    year = CENTURIES[sign] + int(yy)
    try:
        birth_date = date(year, int(mm), int(dd))
    except ValueError:
        raise HetuError(
            "date",
            _("The birth date %(day)s.%(month)s.%(year)s in the personal identity code does not "
              "exist.") % {"day": dd, "month": mm, "year": year},
        ) from None
    number = int(individual)
    if number < 2:
        raise HetuError(
            "individual_number",
            _("The individual number %(number)s is not in use; it must be 002–999.")
            % {"number": individual},
        )
    expected = CHECK_CHARACTERS[int(dd + mm + yy + individual) % 31]
    if check != expected:
        raise HetuError(
            "checksum",
            _("The check character “%(given)s” does not match the rest of the code; check the "
              "digits.") % {"given": check},
        )
    return Hetu(
        value=text,
        birth_date=birth_date,
        sex="female" if number % 2 == 0 else "male",
        is_test_range=number >= 900,
    )


def clean(value: str) -> str:
    """The validated, normalised code (ASCII); raises HetuError as ``parse``."""
    return parse(value).value


def clean_field(value: str, *, required: bool = False) -> str:
    """A form's identity-code field through the one check: the normalised ASCII code, "" for an
    empty optional field, or ``ValidationError`` with the reason it is refused."""
    if not (value or "").strip() and not required:
        return ""
    try:
        return clean(value)
    except HetuError as exc:
        raise ValidationError(exc.message) from None


_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"), "-")


def canonical(value: str) -> str:
    """A lenient form of a stored code for finding duplicates: compatibility forms folded
    (full-width), any script's decimal digits as ASCII digits, dashes as ``-``, upper case.
    Never used to accept a code."""
    text = unicodedata.normalize("NFKC", value or "").strip().translate(_DASHES)
    text = "".join(str(unicodedata.decimal(char)) if unicodedata.decimal(char, None) is not None
                   else char for char in text)
    return text.upper()


def build(birth_date: date, individual: int, *, sign: str | None = None) -> str:
    """A valid code for a birth date and individual number (used by the demo and tests)."""
    if sign is None:
        sign = {1800: "+", 1900: "-", 2000: "A"}[birth_date.year // 100 * 100]
    head = birth_date.strftime("%d%m%y")
    body = f"{individual:03d}"
    return f"{head}{sign}{body}{CHECK_CHARACTERS[int(head + body) % 31]}"


# Anything shaped like an identity code inside free text: six digits, a century sign, three
# digits and a check character, not part of a longer word or number. The check character is
# not verified: a mistyped code is as much person data as a valid one.
_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y](?![0-9A-Za-z])",
                      re.ASCII | re.IGNORECASE)


def appears_in_text(text: str) -> bool:
    """Whether ``text`` holds something shaped like a personal identity code (also in other
    scripts' digits or with a look-alike dash, as ``canonical`` folds them)."""
    return bool(_IN_TEXT.search(canonical(text or "")))
