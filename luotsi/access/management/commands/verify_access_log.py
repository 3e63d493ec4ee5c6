"""Check that the access log is whole: every record unchanged and none missing."""

from __future__ import annotations

from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError

from luotsi.access import log
from luotsi.access.models import AccessLogEntry


class Command(BaseCommand):
    help = (
        "Verify the access log's keyed hash chain. Prints the number of records checked; exits "
        "non-zero and names the first broken record (seq, id, reason) when the chain is broken, "
        "or, with --expect SEQ:HASH, when the record at SEQ differs from that anchor or the log "
        "ends before it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000,
                            help="Records read from the database at a time.")
        parser.add_argument("--expect", metavar="SEQ:HASH", default="",
                            help="An anchor printed earlier by access_log_anchor and kept "
                                 "outside the database: the record at SEQ must still have HASH.")

    def handle(self, *args, batch_size: int, expect: str, **options):
        anchor = None
        if expect:
            try:
                anchor = log.Anchor.parse(expect)
            except ValueError as exc:
                raise CommandError(f"--expect {expect!r}: {exc}.") from exc
        checked = 0
        first: log.Break | None = None
        breaks = 0

        with self._progress() as advance:
            def tick(seq: int) -> None:
                nonlocal checked
                checked += 1
                advance()

            for found in log.verify(batch_size=batch_size, progress=tick):
                breaks += 1
                if first is None:
                    first = found

        if first is not None:
            raise CommandError(
                f"The access log is broken at seq {first.seq} (record id {first.entry_id}): "
                f"{first.reason}. {breaks} break(s) found in {checked} records checked."
            )
        if anchor is not None:
            mismatch = log.check_anchor(anchor)
            if mismatch is not None:
                raise CommandError(
                    f"The access log does not match the anchor {anchor}: {mismatch}. "
                    f"{checked} records checked."
                )
            self.stdout.write(f"The access log is intact and holds the anchor {anchor}: "
                              f"{checked} records checked.")
            return
        self.stdout.write(f"The access log is intact: {checked} records checked.")

    def _progress(self):
        """A rich progress bar on a terminal; nothing when the output goes to a file or pipe."""
        if not self.stdout.isatty():
            return nullcontext(lambda: None)
        return _RichProgress(self.stdout._out, total=AccessLogEntry.objects.count())


class _RichProgress:
    def __init__(self, file, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._progress = Progress(
            TextColumn("Verifying the access log"), BarColumn(), MofNCompleteColumn(),
            console=Console(file=file), transient=True,
        )
        self._task = self._progress.add_task("verify", total=total)
        self._pending = 0

    def __enter__(self):
        self._progress.start()
        return self._advance

    def _advance(self) -> None:
        # Redrawing per record would cost more than checking it; update in steps.
        self._pending += 1
        if self._pending >= 1000:
            self._progress.advance(self._task, self._pending)
            self._pending = 0

    def __exit__(self, *exc_info) -> None:
        self._progress.advance(self._task, self._pending)
        self._progress.stop()
