"""The writes of the identification rules: a draft of a rule's conditions, and its activation.

A rule's conditions change only here: a draft (``RuleVersion``, status draft) is edited and
previewed, then activated, which numbers it, copies its conditions onto the rule (the next
identification run, daily ones included, evaluates them: the rules' signature changes) and
supersedes the version that was active. Each flag names the version that raised it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from luotsi.usage.models import IdentificationRule, RuleVersion


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
