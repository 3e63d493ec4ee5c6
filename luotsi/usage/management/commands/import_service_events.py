"""Import service-usage events: ``manage.py import_service_events PATH [--format] --json``."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luotsi.usage.importing import FORMATS, ImportFileError, import_events


def progress_reporter(command: BaseCommand, name: str):
    """A rich progress bar on a terminal, plain lines (every fifth) otherwise."""
    stream = command.stdout._out if not command.json_output else command.stderr._out
    tty = hasattr(stream, "isatty") and stream.isatty()
    state: dict = {}

    def start(total: int, unit: str):
        if tty:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            bar = Progress(TextColumn("{task.description:<14}"), BarColumn(),
                           TaskProgressColumn(), TimeElapsedColumn(),
                           console=Console(file=stream))
            bar.start()
            state["bar"] = bar
            task = bar.add_task(name, total=max(total, 1))
            return lambda n: bar.advance(task, n)
        marks = {"done": 0, "next": total // 5 if total else 0}

        def advance(n: int) -> None:
            marks["done"] += n
            if marks["next"] and marks["done"] >= marks["next"] and marks["done"] < total:
                stream.write(f"{name}: {100 * marks['done'] // total} %\n")
                marks["next"] += total // 5

        return advance

    def stop() -> None:
        if "bar" in state:
            state["bar"].stop()

    return start, stop


class Command(BaseCommand):
    help = ("Import service-usage events from a CSV, Parquet or FHIR R4 (Bundle JSON or NDJSON) "
            "file. Each batch is committed on its own; re-running a file adds only what is "
            "missing.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--format", choices=FORMATS, default=None,
                            help="File format (default: from the file name; .parquet, "
                                 ".json/.ndjson as FHIR, otherwise CSV).")
        parser.add_argument("--batch-size", type=int, default=10_000)
        parser.add_argument("--json", action="store_true", dest="json_output",
                            help="Print the result as JSON.")

    def handle(self, *args, path: str, format: str | None, batch_size: int,
               json_output: bool, **options) -> None:
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        self.json_output = json_output
        start, stop = progress_reporter(self, _("Importing"))
        try:
            result = import_events(path, file_format=format, batch_size=batch_size,
                                   progress=start)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            raise CommandError(_("Interrupted. The batches already committed are stored; run "
                                 "the same command again to import the rest.")) from None
        finally:
            stop()
        if json_output:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(_("%(rows)s rows: %(imported)s imported, %(duplicates)s duplicates, "
                            "%(rejected)s rejected.") % {
            "rows": result.rows, "imported": result.imported,
            "duplicates": result.duplicates, "rejected": len(result.rejected)})
        for item in result.rejected[:50]:
            self.stdout.write(_("Row %(row)s: %(reason)s") % item)
