"""Load the county's regions, municipalities, teams and professionals from an organisation file."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from luotsi.organisation.loading import (
    LoadResult,
    OpenWorkRefusal,
    OrganisationFileError,
    load,
    read_file,
)


class Command(BaseCommand):
    help = (
        "Make the county's regions, municipalities (with their routing), teams and professionals "
        "match the organisation file PATH (YAML; see docs/organisation-example.yaml). Running it "
        "again with the same file changes nothing. Professionals missing from the file are "
        "deactivated (administrators and demo logins excepted). A faulty file, or a load that "
        "would leave open work without its worker, is refused and nothing is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The organisation file (UTF-8 YAML).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the file and report the changes without saving them.")
        parser.add_argument("--json", action="store_true",
                            help="Print the report (or the refusal) as one JSON document.")

    def handle(self, *args, path: str, dry_run: bool = False, json: bool = False, **options):
        try:
            result = load(read_file(path), dry_run=dry_run)
        except (OrganisationFileError, OpenWorkRefusal) as refusal:
            if json:
                self.stdout.write(_dumps({"error": refusal.as_dict()}))
            raise CommandError(str(refusal)) from refusal
        if json:
            self.stdout.write(_dumps(result.as_dict()))
        else:
            self.stdout.write(_report(result))


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _report(result: LoadResult) -> str:
    if not result.changes:
        return f"No changes: the database already matches {result.path}."
    verb = "Would make" if result.dry_run else "Made"
    counts = result.counts()
    lines = [f"{verb} these changes from {result.path}: {counts['created']} created, "
             f"{counts['changed']} changed, {counts['deactivated']} deactivated."]
    for change in result.changes:
        detail = f": {'; '.join(change.fields)}" if change.fields else ""
        lines.append(f"  {change.action} {change.kind} {change.key}{detail}")
    if result.dry_run:
        lines.append("Dry run: nothing was saved.")
    return "\n".join(lines)
