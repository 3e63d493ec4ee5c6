"""One date and time format per language, through one helper: fi ``5.12.2026 klo 14.00``, sv
``5.12.2026 kl. 14.00``, en ``5 Dec 2026 14:00``, on the pages, in Django's own formats and in
form parsing; no template or module formats a date to people any other way."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

from luotsi.common.formatting import format_date, format_datetime, format_month, format_time
from luotsi.intake import services
from luotsi.organisation.models import Role, TeamKind
from luotsi.organisation.tests.factories import TeamFactory, UserFactory

HELSINKI = ZoneInfo("Europe/Helsinki")
# 12:00 UTC on 5 December 2026 is 14:00 in Helsinki.
AT = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
EXPECTED = {
    "fi": ("5.12.2026", "5.12.2026 klo 14.00"),
    "sv": ("5.12.2026", "5.12.2026 kl. 14.00"),
    "en": ("5 Dec 2026", "5 Dec 2026 14:00"),
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_format_functions__one_format_per_language(language):
    day, moment = EXPECTED[language]
    with translation.override(language):
        assert format_date(dt.date(2026, 12, 5)) == day
        assert format_date(AT) == day
        assert format_datetime(AT) == moment
        assert format_datetime(None) == "" and format_date(None) == ""
    # An explicit language wins over the active one (the client's memo in the client's language).
    with translation.override("fi"):
        assert format_datetime(AT, language) == moment


def test_format_details__morning_seconds_months_and_local_time():
    morning = dt.datetime(2026, 2, 16, 7, 5, 9, tzinfo=HELSINKI)
    assert format_datetime(morning, "fi") == "16.2.2026 klo 7.05"
    assert format_datetime(morning, "sv") == "16.2.2026 kl. 7.05"
    assert format_datetime(morning, "en") == "16 Feb 2026 07:05"
    assert format_datetime(morning, "fi", seconds=True) == "16.2.2026 klo 7.05.09"
    assert format_time(morning, "en") == "07:05" and format_time(morning, "fi") == "7.05"
    assert format_month(dt.date(2026, 12, 1), "fi") == "joulukuu 2026"
    assert format_month(dt.date(2026, 12, 1), "en") == "December 2026"
    # 23:30 UTC on New Year's Eve is already the first of January in Helsinki.
    assert format_date(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC), "fi") == "1.1.2027"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_django_formats_and_template_filters_agree_with_the_helper(language):
    day, moment = EXPECTED[language]
    with translation.override(language):
        assert formats.date_format(dt.date(2026, 12, 5), "SHORT_DATE_FORMAT") == day
        assert formats.date_format(dt.date(2026, 12, 5)) == day
        rendered = Template("{{ d }}|{{ d|luotsi_date }}|{{ t|luotsi_datetime }}|"
                            "{{ none|luotsi_date|default:'—' }}").render(
            Context({"d": dt.date(2026, 12, 5), "t": AT, "none": None}))
        assert rendered == f"{day}|{day}|{moment}|—"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_typed_dates__iso_and_day_first_never_us_month_first(language):
    class Form(forms.Form):
        on = forms.DateField()
        at = forms.TimeField()

    with translation.override(language):
        assert Form({"on": "2026-12-05", "at": "14:00"}).is_valid()
        assert Form({"on": "5.12.2026", "at": "14.00"}).is_valid()
        assert not Form({"on": "12/05/2026", "at": "14:00"}).is_valid()
        # A date input is given its value in ISO, the only form a browser's date picker reads.
        shown = str(Form(initial={"on": dt.date(2026, 12, 5), "at": dt.time(14, 0)})["on"])
        assert 'value="2026-12-05"' in shown


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_contact_page__received_time_in_the_format_of_the_language(
        client, language, municipality, team, client_person):
    team.region = municipality.region
    team.save()
    intake = TeamFactory(code="family-intake", kind=TeamKind.INTAKE, region=None)
    worker = UserFactory(username="iw", role=Role.INTAKE_WORKER, teams=[intake])
    contact = services.contact_register(actor=worker, data=services.ContactInput(
        kind="child_welfare_notification", channel="phone", received_at=AT,
        reporter_kind="education", reporter_name="Opettaja Olli", description="Huoli.",
        persons=[services.PersonRef(role="child", first_name="Eino", last_name="Esimerkki",
                                   temporary=True)],
        municipality_code=municipality.code))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(worker)
    text = client.get(f"/intake/contacts/{contact.pk}/").content.decode()
    day, moment = EXPECTED[language]
    assert moment in text
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b2026-12-0\d\b|05\.12\.2026", text)


ROOT = Path(settings.BASE_DIR)
# Formatting a date for people anywhere but the helper: Django's date filter (with or without a
# format), its locale format names, date_format()/dateformat and strftime-style day-first text.
_TEMPLATE_DATE = re.compile(r"\|\s*(date|time)\b")
_PYTHON_DATE = re.compile(r"date_format\(|dateformat\.|SHORT_DATE|SHORT_DATETIME|%d\.%m\.|"
                          r"%m/%d|strftime\([\"']%d[./ ]")


def _files(pattern: str):
    for path in ROOT.glob(pattern):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        yield path


def test_no_template_formats_dates_outside_the_helper():
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for path in [*_files("templates/**/*.html"), *_files("luotsi/**/*.html")]
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if _TEMPLATE_DATE.search(line)]
    assert offenders == []


def test_no_module_formats_dates_outside_the_helper():
    # The helper itself, and Django's locale formats set from it.
    allowed = {ROOT / "luotsi/common/formatting.py", ROOT / "config/formats/base.py",
               *ROOT.glob("config/formats/*/formats.py")}
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for path in [*_files("luotsi/**/*.py"), *_files("config/**/*.py")]
                 if path not in allowed
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if _PYTHON_DATE.search(line)]
    assert offenders == []
