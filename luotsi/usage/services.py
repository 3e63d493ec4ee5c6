"""The writes of the identification rules: a draft of a rule's conditions, its stored preview,
and its activation.

A rule's conditions change only here: a draft (``RuleVersion``, status draft) is edited and
previewed (when asked for: ``rule_version_preview`` counts and keeps the figures), then
activated, which numbers it, copies its conditions onto the rule (the next
identification run, daily ones included, evaluates them: the rules' signature changes) and
supersedes the version that was active. Each flag names the version that raised it.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.usage import identification
from luotsi.usage.models import IdentificationRule, ImportBatch, RuleVersion


def rule_draft_start(*, actor, rule: IdentificationRule) -> RuleVersion:
    """The rule's draft: the one being edited, or a new one with the active conditions."""
    with transaction.atomic():
        rule = IdentificationRule.objects.select_for_update().get(pk=rule.pk)
        draft = rule.versions.filter(status=RuleVersion.Status.DRAFT).first()
        if draft is None:
            draft = RuleVersion(rule=rule, status=RuleVersion.Status.DRAFT, created_by=actor,
                                **rule.conditions())
            draft.save()
        return draft


def latest_import() -> dict | None:
    """The latest import batch as a preview records it (what the events were then), or None."""
    batch = ImportBatch.objects.order_by("-pk").values("pk", "source", "started_at").first()
    if batch is None:
        return None
    return {"id": batch["pk"], "source": batch["source"],
            "started_at": batch["started_at"].isoformat()}


def rule_version_preview(*, actor, version: RuleVersion, as_of: date | None = None
                         ) -> RuleVersion:
    """Count how many persons the draft would flag on ``as_of`` (today) beside the rule's active
    version (``identification.preview``: one statement over the events) and keep the figures on
    the draft with when they were computed and what over: the day, the draft's conditions, the
    active version and the latest import. Only a draft is previewed (``ValidationError``)."""
    as_of = as_of or timezone.localdate()
    if version.status != RuleVersion.Status.DRAFT:
        raise ValidationError({"status": _("Only a draft is previewed; this version is "
                                           "%(status)s.") % {
            "status": version.get_status_display()}})
    rule = IdentificationRule.objects.get(pk=version.rule_id)
    imported = latest_import()  # read first: the events counted include at least this import
    result = identification.preview(version, rule, as_of)
    figures = {"as_of": as_of.isoformat(), "would_flag": result.would_flag,
               "active_flags": result.active_flags, "added": result.added,
               "removed": result.removed, "active_version": rule.version,
               "conditions": version.conditions(), "import": imported}
    with transaction.atomic():
        version = RuleVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != RuleVersion.Status.DRAFT:
            raise ValidationError({"status": _("Only a draft is previewed; this version is "
                                               "%(status)s.") % {
                "status": version.get_status_display()}})
        version.preview_figures = figures
        version.preview_computed_at = timezone.now()
        version.save(update_fields=["preview_figures", "preview_computed_at", "updated_at"])
    return version


def rule_version_activate(*, actor, version: RuleVersion) -> RuleVersion:
    """Make the draft the rule's active version. Conditions that cannot match anyone are refused
    (``ValidationError`` naming the field), and nothing changes."""
    with transaction.atomic():
        rule = IdentificationRule.objects.select_for_update().get(pk=version.rule_id)
        version = RuleVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != RuleVersion.Status.DRAFT:
            raise ValidationError({"status": _("Only a draft can be activated; this version is "
                                               "%(status)s.") % {
                "status": version.get_status_display()}})
        version.full_clean()
        now = timezone.now()
        if rule.version > 0 and not rule.versions.filter(number=rule.version).exists():
            # A rule loaded before versions were recorded: its active conditions are kept as
            # the version they were, so the history names what each flag's version meant.
            RuleVersion.objects.create(rule=rule, number=rule.version,
                                       status=RuleVersion.Status.SUPERSEDED, **rule.conditions())
        rule.versions.filter(status=RuleVersion.Status.ACTIVE).update(
            status=RuleVersion.Status.SUPERSEDED)
        highest = rule.versions.aggregate(n=Max("number"))["n"] or 0
        version.number = max(highest, rule.version) + 1
        version.status = RuleVersion.Status.ACTIVE
        version.activated_at = now
        version.activated_by = actor
        version.save()
        for name, value in version.conditions().items():
            setattr(rule, name, value)
        rule.version = version.number
        rule.save()
        return version
