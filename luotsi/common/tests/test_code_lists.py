"""Every code list carries its names in Finnish, Swedish and English: each model with a
Finnish text field (``name_fi``, ``text_fi``, ...) has the Swedish and English ones beside it,
every row the migrations seed has all three filled, and a page shows the reader's language."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation

from luotsi.common.models import LocalisedNameModel

pytestmark = pytest.mark.django_db

LANGUAGES = ("fi", "sv", "en")


def _localised_fields() -> dict[type, list[str]]:
    found: dict[type, list[str]] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("luotsi."):
            continue
        names = {field.name for field in model._meta.get_fields()}
        stems = sorted(name[:-3] for name in names if name.endswith("_fi"))
        if stems:
            found[model] = stems
    return found


def test_every_finnish_text_field_has_swedish_and_english_beside_it():
    found = _localised_fields()
    # The code lists of the organisation, intake, plans, shared clients and service usage.
    assert {m.__name__ for m in found} >= {
        "County", "Region", "Municipality", "Team", "ServiceCatalogueItem", "CodeListItem",
        "RatingLevel", "IdentificationRule", "ChecklistItem"}
    missing = [f"{model.__name__}.{stem}_{language}" for model, stems in found.items()
               for stem in stems for language in ("sv", "en")
               if not any(f.name == f"{stem}_{language}" for f in model._meta.get_fields())]
    assert missing == []


def test_every_seeded_code_list_row_is_named_in_all_three_languages():
    untranslated = []
    seeded = 0
    for model, stems in _localised_fields().items():
        for row in model._default_manager.all():
            seeded += 1
            for stem in stems:
                values = {lang: getattr(row, f"{stem}_{lang}") for lang in LANGUAGES}
                if values["fi"] and not all(values.values()):
                    untranslated.append(f"{model.__name__} {row.pk} {stem}: {values}")
    assert seeded >= 60  # AVAIN goal areas, factors, services, methods, levels, rules, checklist
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_code_list_name_follows_the_readers_language(language):
    models = [m for m in _localised_fields() if issubclass(m, LocalisedNameModel)]
    rows = [row for model in models for row in model._default_manager.all()[:3]]
    assert rows
    with translation.override(language):
        assert all(row.name == getattr(row, f"name_{language}") for row in rows)
