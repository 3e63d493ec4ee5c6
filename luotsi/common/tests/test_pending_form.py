"""A form posted after the idle timeout is kept: the worker signs in again and finds the entries
waiting on the form, and nothing was saved meanwhile."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from luotsi.access.models import AccessLogEntry
from luotsi.common.middleware import PENDING_FORM_KEY
from luotsi.people.models import Person

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
ENTRIES = {"last_name": "Odottaja", "first_name": "Outi", "temporary": "on", "language": "sv",
           "street_address": "Jonotie 5", "password": "never kept"}


def sign_in(browser, next_url: str = ""):
    """Sign in as alice the way a browser does: load the login page, post it with its token."""
    token = browser.get("/login/").context["csrf_token"]
    return browser.post("/login/", {"username": "alice", "password": PASSWORD, "next": next_url,
                                    "csrfmiddlewaretoken": token}, REMOTE_ADDR="10.0.0.7")


def test_pending_form__kept_over_an_expired_session(alice):
    browser = Client(enforce_csrf_checks=True)
    assert sign_in(browser, "/persons/new/").status_code == 302
    form_page = browser.get("/persons/new/")
    token = form_page.context["csrf_token"]
    persons, log_rows = Person.objects.count(), AccessLogEntry.objects.count()

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        posted = browser.post("/persons/new/", {**ENTRIES, "csrfmiddlewaretoken": token})
        assert posted.status_code == 302
        location = urlsplit(posted["Location"])
        assert location.path == "/login/"
        assert parse_qs(location.query) == {"next": ["/persons/new/"], "expired": ["1"]}
        assert Person.objects.count() == persons

        login_page = browser.get(posted["Location"])
        assert login_page.context["session_expired"] is True
        login_token = login_page.context["csrf_token"]
        signed_in = browser.post("/login/", {"username": "alice", "password": PASSWORD,
                                             "next": "/persons/new/",
                                             "csrfmiddlewaretoken": login_token},
                                 REMOTE_ADDR="10.0.0.7")
        assert signed_in.status_code == 302
        assert signed_in["Location"] == "/persons/new/"

        offered = browser.get("/persons/new/")
        assert offered.status_code == 200
        form = offered.context["form"]
        assert form["last_name"].value() == "Odottaja"
        assert form["first_name"].value() == "Outi"
        assert form["street_address"].value() == "Jonotie 5"
        assert form["language"].value() == "sv"
        assert form["temporary"].value() is True
        html = offered.content.decode()
        assert 'value="Odottaja"' in html
        assert "never kept" not in html
        assert [m.level_tag for m in offered.context["messages"]] == ["info"]

        # Nothing was saved; the kept entries are offered once.
        assert Person.objects.count() == persons
        assert not Person.objects.filter(last_name="Odottaja").exists()
        assert AccessLogEntry.objects.filter(action="create").count() == 0
        assert PENDING_FORM_KEY not in browser.session
        assert browser.get("/persons/new/").context["form"]["last_name"].value() is None

        # Saving the offered form registers the person.
        token = offered.context["csrf_token"]
        saved = browser.post("/persons/new/", {**{k: v for k, v in ENTRIES.items()
                                                  if k != "password"},
                                               "csrfmiddlewaretoken": token})
        assert saved.status_code == 302
        assert Person.objects.filter(last_name="Odottaja").count() == 1
    assert AccessLogEntry.objects.count() > log_rows


def test_pending_form__flushed_session_kept_too(client, alice):
    """A session that ended some other way (signed out elsewhere, cleared) is treated alike."""
    client.force_login(alice)
    session = client.session
    session.flush()
    response = client.post("/persons/new/", {"last_name": "Tyhjennetty", "temporary": "on",
                                             "language": "fi"})
    assert response.status_code == 302
    assert "expired=1" in response["Location"]
    assert not Person.objects.filter(last_name="Tyhjennetty").exists()
    assert sign_in(client, "/persons/new/")["Location"] == "/persons/new/"
    assert client.get("/persons/new/").context["form"]["last_name"].value() == "Tyhjennetty"


def test_pending_form__not_offered_on_another_page(alice):
    browser = Client()
    browser.post("/persons/new/", {"last_name": "Väärä", "language": "fi"})
    sign_in(browser)
    assert browser.get("/persons/emergency/").context["form"]["hetu"].value() is None
    assert browser.get("/persons/new/").context["form"]["last_name"].value() == "Väärä"


def test_pending_form__forged_post_without_csrf_not_kept():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/persons/new/", {"last_name": "Väärennetty", "language": "fi"})
    assert response.status_code == 403
    assert PENDING_FORM_KEY not in browser.session
