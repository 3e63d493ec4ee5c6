"""Identity codes and name searches never enter a URL: every form that takes one posts it."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

SENSITIVE = re.compile(
    r"^(hetu|identity_code|ssn|name|last_name|first_name|query|q|birth_date)$", re.IGNORECASE)
_FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.DOTALL | re.IGNORECASE)
_METHOD = re.compile(r"""\bmethod\s*=\s*["']?(\w+)""", re.IGNORECASE)
# <input name="x">, <select name='x'>, and Django fields: field=form.x, {{ form.x }}
_FIELD_NAMES = [
    re.compile(r"""\bname\s*=\s*["']([\w-]+)["']""", re.IGNORECASE),
    re.compile(r"""\bfield\s*=\s*\w+\.(\w+)"""),
    re.compile(r"""\{\{\s*\w+\.(\w+)\s*[|}]"""),
]


# A GET form that renders a whole form object names no field the scan could read: refused too.
_WHOLE_FORM = re.compile(
    r"""\{\{\s*\w*form\w*\s*[|}]|\.as_(p|div|table|ul)\b|for\s+\w+\s+in\s+\w*form\b(?!\|fields:)""")
# {% for field in form|fields:"a b" %} (luotsi_forms) names its fields a and b.
_FIELDS_FILTER = re.compile(r"""\|fields:["']([\w ]+)["']""")


def _templates() -> list[Path]:
    # every template backend's directories: Django's and Jinja2's
    roots = [Path(d) for backend in settings.TEMPLATES for d in backend["DIRS"]]
    roots += list(Path(settings.BASE_DIR, "luotsi").glob("*/templates"))
    return sorted({p for root in roots for p in root.rglob("*.html")})


def get_forms_with_identity_fields(text: str) -> list[str]:
    """The sensitive field names of each form in ``text`` that is sent with GET."""
    found = []
    for form in _FORM.finditer(text):
        method = _METHOD.search(form.group("attrs"))
        if method and method.group(1).lower() == "post":
            continue
        names = {name for pattern in _FIELD_NAMES for name in pattern.findall(form.group("body"))}
        names |= {name for listed in _FIELDS_FILTER.findall(form.group("body"))
                  for name in listed.split()}
        found += sorted(name for name in names if SENSITIVE.match(name.rsplit("-", 1)[-1]))
        if _WHOLE_FORM.search(form.group("body")):
            found.append("(a whole form rendered)")
    return found


def test_scanner__finds_get_forms_with_identity_fields():
    assert get_forms_with_identity_fields(
        '<form method="get"><input name="hetu"></form>') == ["hetu"]
    assert get_forms_with_identity_fields(
        '<form action="/x"><input type="text" name="q"></form>') == ["q"]
    assert get_forms_with_identity_fields(
        "<form method='GET'>{% include 'f.html' with field=form.last_name %}</form>") == [
        "last_name"]
    assert get_forms_with_identity_fields(
        '<form method="post">{% csrf_token %}<input name="hetu"></form>') == []
    assert get_forms_with_identity_fields(
        '<form method="get"><select name="team"></select></form>') == []
    assert get_forms_with_identity_fields(
        '<form method="get">{{ form }}</form>') == ["(a whole form rendered)"]
    assert get_forms_with_identity_fields(
        '<form method="get">{% for field in form %}{{ field }}{% endfor %}</form>') == [
        "(a whole form rendered)"]
    assert get_forms_with_identity_fields('<form method="post">{{ form.as_div }}</form>') == []
    assert get_forms_with_identity_fields(
        '<form method="get">{% for field in form|fields:"team name" %}{{ field }}{% endfor %}'
        '</form>') == ["name"]
    assert get_forms_with_identity_fields(
        '<form method="get">{% for field in form|fields:"team region" %}{{ field }}{% endfor %}'
        '</form>') == []


def _report_filter_fields() -> set[str]:
    """The fields of every report's filter form (``luotsi.reports.base.Report``)."""
    from luotsi.reports import effectiveness_views, indicator_views, views  # noqa: F401
    from luotsi.reports.base import Report

    reports = Report.__subclasses__()
    assert len(reports) >= 3
    return {name for report in reports for name in report.form_class.base_fields}


def test_templates__no_get_form_takes_an_identity_code_or_a_name():
    templates = _templates()
    assert len(templates) > 20
    jinja2_dir = Path(settings.BASE_DIR, "templates", "jinja2")
    assert any(jinja2_dir in path.parents for path in templates)  # Jinja2's templates scanned
    offending = {}
    for path in templates:
        names = get_forms_with_identity_fields(path.read_text(encoding="utf-8"))
        if names:
            offending[str(path.relative_to(settings.BASE_DIR))] = names
    # The reports' page renders the whole filter form of each report: its fields are read from
    # the reports' form classes instead.
    if offending.get("templates/reports/_page.html") == ["(a whole form rendered)"]:
        assert not [name for name in _report_filter_fields() if SENSITIVE.match(name)]
        del offending["templates/reports/_page.html"]
    assert offending == {}, (
        f"Forms sent with GET put these fields into the URL: {offending}. Use method=\"post\".")
