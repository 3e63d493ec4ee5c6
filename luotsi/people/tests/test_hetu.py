"""The personal identity code (henkilötunnus): which codes Luotsi accepts and how it says why not.

Check characters here are computed by this file's own ``_check`` (the DDMMYYZZZ mod 31 rule), not
taken from ``luotsi.people.hetu``, so that the module is checked against the rule, not itself.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.utils import translation

from luotsi.people import hetu

_TABLE = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def _check(ddmmyy: str, individual: str) -> str:
    return _TABLE[int(ddmmyy + individual) % 31]


def _code(ddmmyy: str, sign: str, individual: str) -> str:
    """A code with a correct check character (the date may still be impossible)."""
    return f"{ddmmyy}{sign}{individual}{_check(ddmmyy, individual)}"


# (code, birth date, sex, test range)
VALID = [
    # Published examples in the real format; each is checked against _check below.
    ("131052-308T", date(1952, 10, 13), "female", False),
    ("010594Y9032", date(1994, 5, 1), "male", True),
    ("010594Y9021", date(1994, 5, 1), "female", True),
    ("020502E902X", date(2002, 5, 2), "female", True),
    ("020502A902X", date(2002, 5, 2), "female", True),
    # Every century sign.
    (_code("311295", "+", "123"), date(1895, 12, 31), "male", False),
    (_code("010594", "-", "002"), date(1994, 5, 1), "female", False),
    *[(_code("150780", sign, "457"), date(1980, 7, 15), "male", False) for sign in "YXWVU"],
    *[(_code("290200", sign, "998"), date(2000, 2, 29), "female", True) for sign in "ABCDEF"],
    # Leap day of a leap year; the last day of a 31-day month.
    (_code("290296", "-", "145"), date(1996, 2, 29), "male", False),
    (_code("310124", "A", "900"), date(2024, 1, 31), "female", True),
]


@pytest.mark.parametrize(("code", "birth_date", "sex", "test_range"), VALID,
                         ids=[row[0] for row in VALID])
def test_hetu__valid_code_accepted(code, birth_date, sex, test_range):
    assert code[-1] == _check(code[:6], code[7:10]), "the table itself must be right"
    parsed = hetu.parse(code)
    assert parsed.value == code
    assert parsed.birth_date == birth_date
    assert parsed.sex == sex
    assert parsed.is_test_range is test_range


def test_hetu__lower_case_and_spaces_normalised():
    assert hetu.parse("  131052-308t ").value == "131052-308T"


@pytest.mark.parametrize(
    ("birth_date", "individual", "sign"),
    [
        (date(1899, 12, 31), 2, None),
        (date(1900, 1, 1), 899, None),
        (date(1999, 12, 31), 999, "Y"),
        (date(2000, 1, 1), 900, None),
        (date(2023, 2, 28), 456, "F"),
    ],
)
def test_hetu__build_gives_a_code_that_parses(birth_date, individual, sign):
    code = hetu.build(birth_date, individual, sign=sign)
    assert code[-1] == _check(code[:6], code[7:10])
    parsed = hetu.parse(code)
    assert parsed.birth_date == birth_date
    assert parsed.value[7:10] == f"{individual:03d}"


# (code, error code, text the message must contain to name the problem)
INVALID = [
    ("131052-308U", "checksum", "U"),
    ("010594Y9033", "checksum", "3"),
    (_code("310294", "-", "123"), "date", "31.02."),
    (_code("290223", "A", "123"), "date", "29.02.2023"),
    (_code("290200", "-", "123"), "date", "29.02.1900"),  # 1900 was not a leap year
    (_code("011394", "-", "123"), "date", "01.13."),
    (_code("000194", "-", "123"), "date", "00.01."),
    (_code("131052", "Z", "308"), "century_sign", "Z"),
    (_code("131052", "/", "308"), "century_sign", "/"),
    (_code("131052", "-", "000"), "individual_number", "000"),
    (_code("131052", "-", "001"), "individual_number", "001"),
    ("131052-308", "length", "10"),
    ("131052-308TT", "length", "12"),
    ("1310521308T", "century_sign", "1"),
    ("13105A-308T", "format", "131052-308T"),
    ("131052-3O8T", "format", "131052-308T"),
    ("", "required", ""),
    ("   ", "required", ""),
]


@pytest.mark.parametrize(("code", "error_code", "named"), INVALID,
                         ids=[f"{row[1]}:{row[0]!r}" for row in INVALID])
def test_hetu__invalid_code_refused_with_reason(code, error_code, named):
    with translation.override("en"), pytest.raises(hetu.HetuError) as caught:
        hetu.parse(code)
    assert caught.value.code == error_code
    message = str(caught.value.message)
    assert message
    assert named in message


def test_hetu__finnish_is_the_default_language():
    assert settings.LANGUAGE_CODE == "fi"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize(("code", "error_code"), [
    ("131052-308U", "checksum"),
    (_code("310294", "-", "123"), "date"),
    (_code("131052", "Z", "308"), "century_sign"),
    (_code("131052", "-", "000"), "individual_number"),
    ("131052-308", "length"),
    ("13105A-308T", "format"),
    ("", "required"),
])
def test_hetu__message_given_in_the_active_language(language, code, error_code):
    """Finnish by default, Swedish or English when chosen. Whether every message is translated
    is checked by the translation-completeness test; here: the code and a message in each."""
    with translation.override(language):
        with pytest.raises(hetu.HetuError) as caught:
            hetu.parse(code)
        assert caught.value.code == error_code
        assert str(caught.value.message).strip()
        assert str(caught.value) == str(caught.value.message)
