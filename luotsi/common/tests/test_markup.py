"""HTML stays under autoescaping: no code marks text as safe markup except the one place that
hands a Jinja2 partial's output to a Django template (docs/decisions/0002-html-in-templates.md).

The check reads the production code's syntax (``luotsi/``, without tests and migrations) and
every template: a call of ``mark_safe``, ``SafeString``, ``Markup`` or ``html_safe``, a
``__html__`` method, ``format_html``/``format_html_join`` whose format is not a literal, or a
template's ``|safe``, ``|safeseq`` or ``autoescape off`` fails it unless the allowlist below names
the place with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# (path, name) → why it is safe. Keep this short: a new entry needs a reason a reviewer accepts.
ALLOWED = {
    ("luotsi/common/partials.py", "Markup"):
        "the output of the Jinja2 engine with autoescaping always on: every value in it was "
        "escaped by the engine, only the partial's own markup is not",
}

# Names whose only purpose is to declare text safe markup.
_MARKING = {"mark_safe", "SafeString", "SafeText", "Markup", "html_safe"}
# Formatting helpers that are safe only with a literal format (the arguments are escaped).
_FORMAT_ARG = {"format_html": 0, "format_html_join": 1}
_TEMPLATE_MARKING = re.compile(r"\|\s*safe(seq)?\b|autoescape\s+(off|false)\b|\bMarkup\b")


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def python_violations(source: str) -> list[tuple[int, str]]:
    """(line, name) of each way ``source`` marks text as safe markup."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in _MARKING:
                found.append((node.lineno, name))
            elif name in _FORMAT_ARG:
                index = _FORMAT_ARG[name]
                fmt = node.args[index] if len(node.args) > index else None
                if not (isinstance(fmt, ast.Constant) and isinstance(fmt.value, str)):
                    found.append((node.lineno, f"{name} with a format built from data"))
        elif isinstance(node, ast.Name | ast.Attribute) and isinstance(node.ctx, ast.Load):
            # passed on as a function (map(mark_safe, …)) or used as a decorator
            name = _name(node)
            if name in _MARKING - {"Markup"}:
                found.append((node.lineno, name))
        elif isinstance(node, ast.FunctionDef) and node.name == "__html__":
            found.append((node.lineno, "__html__"))
    return sorted(set(found))


def template_violations(text: str) -> list[tuple[int, str]]:
    return [(text.count("\n", 0, match.start()) + 1, match.group(0).strip())
            for match in _TEMPLATE_MARKING.finditer(text)]


def _python_files():
    for path in sorted((ROOT / "luotsi").rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _template_files():
    for base in [ROOT / "templates", *(ROOT / "luotsi").glob("*/templates"),
                 *(ROOT / "luotsi").glob("*/jinja2")]:
        for path in sorted(base.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".svg", ".txt", ".xml"}:
                yield path


def test_no_text_is_marked_safe_outside_the_allowlist():
    unexpected, used = [], set()
    for path in _python_files():
        relative = path.relative_to(ROOT).as_posix()
        for line, name in python_violations(path.read_text(encoding="utf-8")):
            if (relative, name) in ALLOWED:
                used.add((relative, name))
            else:
                unexpected.append(f"{relative}:{line}: {name}")
    assert not unexpected, (
        "HTML marked safe outside the template engines; write it in a template (a Jinja2 "
        "partial where a page repeats it, luotsi.common.partials) or a chart in "
        "luotsi.common.charts:\n" + "\n".join(unexpected))
    assert used == set(ALLOWED), f"allowlist entries no longer needed: {set(ALLOWED) - used}"


def test_no_template_turns_autoescaping_off():
    unexpected = [f"{path.relative_to(ROOT)}:{line}: {what}"
                  for path in _template_files()
                  for line, what in template_violations(path.read_text(encoding="utf-8"))]
    assert not unexpected, "\n".join(unexpected)


def test_the_check_finds_each_way_of_marking_text_safe():
    source = '''
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe, SafeString
from markupsafe import Markup
import django.utils.safestring as safestring

def row(name):
    a = mark_safe(f"<td>{name}</td>")
    b = SafeString("<td>" + name + "</td>")
    c = Markup(f"<b>{name}</b>")
    d = safestring.mark_safe(name)
    e = list(map(mark_safe, [name]))
    f = format_html(f"<i>{name}</i>")
    g = format_html("<i>{}</i>", name)
    h = format_html_join("", "<li>{}</li>", [(name,)])
    i = format_html_join("", name, [])
    return a, b, c, d, e, f, g, h, i

class Cell:
    def __html__(self):
        return self.text
'''
    found = python_violations(source)
    lines = {line for line, _name in found}
    # every unsafe line is found; the literal formats (g, h) are not
    assert lines == {8, 9, 10, 11, 12, 13, 16, 20}, found
    assert template_violations("{{ a|safe }} {{ b | safeseq }}\n{% autoescape off %}") == [
        (1, "|safe"), (1, "| safeseq"), (2, "autoescape off")]
    assert template_violations("{{ a }} {{ b|striptags }} {% autoescape on %}") == []
