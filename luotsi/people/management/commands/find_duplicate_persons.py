"""Find persons registered twice: stored identity codes that are the same code when written in
ASCII (e.g. one written with Arabic-Indic or full-width digits before such codes were refused)."""

from __future__ import annotations

import json
from collections import defaultdict

from django.core.management.base import BaseCommand

from luotsi.access import log
from luotsi.access.models import Basis, Category, LogAction, Outcome
from luotsi.people import crypto, hetu
from luotsi.people.models import Person

ACTOR = log.Actor(None, "find_duplicate_persons", "", "", "")


class Command(BaseCommand):
    help = (
        "Decrypt every stored identity code, fold each to its ASCII form and list the groups of "
        "persons whose codes are the same, and the persons whose stored code is not a valid "
        "ASCII code. Prints person ids (never the codes); --json prints one JSON document. "
        "The run is written to the access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument("--batch-size", type=int, default=2000,
                            help="Persons read from the database at a time.")

    def handle(self, *args, json: bool = False, batch_size: int = 2000, **options):
        groups: dict[str, list[dict]] = defaultdict(list)
        invalid: list[int] = []
        checked = 0
        rows = (Person.objects.exclude(hetu_encrypted="").order_by("pk")
                .values_list("pk", "created_at", "hetu_encrypted"))
        for pk, created_at, encrypted in rows.iterator(chunk_size=batch_size):
            checked += 1
            stored = crypto.decrypt(encrypted)
            try:
                hetu.clean(stored)
                valid = True
            except hetu.HetuError:
                valid = False
                invalid.append(pk)
            folded = hetu.canonical(stored)
            key = (crypto.lookup_hash(folded) if folded.isascii()
                   else crypto.search_term_hash("hetu", folded))
            groups[key].append({"id": pk, "created_at": created_at.isoformat(),
                                "code_valid": valid})
        duplicates = [{"persons": members} for members in groups.values() if len(members) > 1]
        log.append(ACTOR, [log.Event(
            None, Category.BASIC_DATA, LogAction.SEARCH, Basis.REGISTRATION, Outcome.ALLOWED,
            f"find_duplicate_persons: {checked} codes checked, {len(duplicates)} groups of "
            f"duplicates, {len(invalid)} invalid codes")])
        result = {"checked": checked, "duplicate_groups": duplicates, "invalid_codes": invalid}
        if json:
            self.stdout.write(_json_dumps(result))
            return
        for number, group in enumerate(duplicates, start=1):
            members = ", ".join(
                f"{m['id']} (registered {m['created_at'][:10]}"
                f"{'' if m['code_valid'] else ', code not valid ASCII'})"
                for m in group["persons"])
            self.stdout.write(f"Duplicate group {number}: persons {members}")
        if invalid:
            self.stdout.write("Persons whose stored code is not a valid ASCII code: "
                              + ", ".join(str(pk) for pk in invalid))
        self.stdout.write(f"{checked} codes checked, {len(duplicates)} groups of duplicates, "
                          f"{len(invalid)} invalid codes.")


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
