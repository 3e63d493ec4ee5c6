"""Finnish and Swedish must be complete: a missing or fuzzy translation fails the suite, and the
compiled catalogues must match their sources."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def _entries(path: Path):
    """Yield (msgid, [msgstr...], flags) for every entry of a .po file (tiny parser)."""
    entry: dict = {"flags": "", "msgid": None, "msgstr": {}, "ctx": None, "plural": False}
    field = None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry["msgid"] is not None:
                yield entry
            entry = {"flags": "", "msgid": None, "msgstr": {}, "ctx": None, "plural": False}
            field = None
            continue
        if line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            entry["ctx"], field = ast.literal_eval(line[8:]), "ctx"
        elif line.startswith("msgid "):
            entry["msgid"], field = ast.literal_eval(line[6:]), "msgid"
        elif line.startswith("msgid_plural "):
            entry["plural"], field = True, "plural"
        elif line.startswith("msgstr"):
            match = re.match(r'msgstr(?:\[(\d+)\])?\s+(".*")$', line)
            index = match.group(1) or "0"
            entry["msgstr"][index] = ast.literal_eval(match.group(2))
            field = ("msgstr", index)
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field == "msgid":
                entry["msgid"] += value
            elif field == "ctx":
                entry["ctx"] += value
            elif isinstance(field, tuple):
                entry["msgstr"][field[1]] += value


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_translations__complete(language):
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing"
    missing, fuzzy = [], []
    for entry in _entries(path):
        if entry["msgid"] == "":
            continue  # the header
        if "fuzzy" in entry["flags"]:
            fuzzy.append(entry["msgid"])
        if not entry["msgstr"] or any(value == "" for value in entry["msgstr"].values()):
            missing.append(entry["msgid"])
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_translations__compiled_catalogue_is_current(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run make messages"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in _entries(po):
        if entry["msgid"] == "" or entry["plural"] or "fuzzy" in entry["flags"]:
            continue
        key = f"{entry['ctx']}\x04{entry['msgid']}" if entry["ctx"] else entry["msgid"]
        if catalog.get(key) != entry["msgstr"].get("0"):
            stale.append(entry["msgid"])
    assert not stale, f"{mo} does not match {po} (run make messages), e.g. {stale[:5]}"
