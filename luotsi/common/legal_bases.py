"""A legal basis for disclosing a client's data, as data with its source in law: the bases of a
consultation (``sharedcare.ConsultationBasis``) and of showing another sector's section of a plan
(``plans.DisclosureBasis``) are two tables of this one shape, with one row loader here and one admin
(``luotsi.common.admin.LegalBasisAdmin``).

A basis that ``requires_consent`` is accepted only with the client's consent in force covering
the recipient's sector; ``offered`` is false for a code kept only so that older records still read
with the basis they were recorded on.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from luotsi.common.models import LocalisedNameModel


class LegalBasis(LocalisedNameModel):
    code = models.SlugField(_("code"), max_length=30, primary_key=True)
    # Every language's name is required of a basis.
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    source = models.CharField(_("legal source"), max_length=200)
    requires_consent = models.BooleanField(_("requires the client's recorded consent"))
    # Each table names what a basis is offered for (``offered = offered_field(...)``).
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]


def offered_field(verbose_name) -> models.BooleanField:
    """The ``offered`` flag of a table of bases, named for what the basis is offered for."""
    return models.BooleanField(verbose_name, default=True)


def load_rows(model, rows) -> None:
    """Create or update the bases ``rows`` (code, name in Finnish, Swedish and English, legal
    source, requires consent, offered, order) in ``model``, the historical model of a data
    migration."""
    for code, fi, sv, en, source, consent, offered, order in rows:
        model.objects.update_or_create(code=code, defaults={
            "name_fi": fi, "name_sv": sv, "name_en": en, "source": source,
            "requires_consent": consent, "offered": offered, "order": order})
