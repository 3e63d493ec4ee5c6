"""Load a version of a code list from a file (docs/code-lists.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from luotsi.plans.code_lists import CODE_LISTS, CodeListFileError, VersionExists, read_file, store
from luotsi.plans.models import CodeListItem, CodeListVersion


class Command(BaseCommand):
    help = (
        "Load the code list in PATH (CSV or JSON in the shape of a national code-server export: "
        "code, names in Finnish, Swedish and English, validity start and end, parent code) as a "
        "new version and make it the list's current one. Plans keep the codes they recorded; "
        "codes the new version does not have are no longer offered. A faulty file is refused "
        "naming its line and column, and nothing is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The code-list file (UTF-8; .csv or .json).")
        parser.add_argument("--code-list", choices=CODE_LISTS,
                            help="Which list the file is (required for CSV; JSON says it).")
        parser.add_argument("--list-version", dest="list_version",
                            help="The version's name (required for CSV; JSON says it).")
        parser.add_argument("--source", help="Where the list comes from (its OID or address).")
        parser.add_argument("--provisional", action="store_true", default=None,
                            help="Mark the codes provisional (a list built locally).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Check the file and report what would be loaded.")

    def handle(self, *args, path: str, code_list=None, list_version=None, source=None,
               provisional=None, dry_run=False, **options):
        try:
            parsed = read_file(path, code_list=code_list, version=list_version, source=source,
                               provisional=provisional)
        except CodeListFileError as refusal:
            raise CommandError(str(refusal)) from refusal
        previous = CodeListVersion.objects.filter(code_list=parsed.code_list,
                                                  current=True).first()
        if dry_run:
            self.stdout.write(f"{path}: {len(parsed.codes)} codes would be loaded as version "
                              f"{parsed.version} of {parsed.code_list}.")
            return
        try:
            version = store(parsed, version_model=CodeListVersion, item_model=CodeListItem)
        except VersionExists as refusal:
            raise CommandError(f"{path}: version {parsed.version} of {parsed.code_list} is "
                               "already loaded: give the new version a name of its own.") \
                from refusal
        retired = ""
        if previous is not None:
            kept = {row.code for row in parsed.codes}
            gone = previous.items.exclude(code__in=kept).count()
            retired = (f" Version {previous.version} is no longer current; {gone} of its codes "
                       "are not in the new version and are no longer offered.")
        self.stdout.write(f"Loaded {len(parsed.codes)} codes as version {version.version} of "
                          f"{parsed.code_list}.{retired}")
