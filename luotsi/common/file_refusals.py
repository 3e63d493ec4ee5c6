"""The refusal of a data file that a loader reads (the organisation file, a code-list file): where
(file, line, column, field) and why, for the command's message and its JSON answer."""

from __future__ import annotations

from pathlib import Path


class FileRefusal(Exception):
    """A refusal of the file: where (file, line, column, field) and why."""

    def __init__(self, path: str, line: int, column: int, field: str, message: str):
        self.path, self.line, self.column = path, line, column
        self.field, self.message = field, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}, line {self.line}, column {self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.path, "line": self.line, "column": self.column,
                "field": self.field, "message": self.message}

    @classmethod
    def read_text(cls, path: str | Path, *, encoding: str, unreadable: str,
                  not_text: str) -> str:
        """The text of the file at ``path``; a file that cannot be read is refused with
        ``unreadable`` (``{reason}`` in it names why), one that is not ``encoding`` text with
        ``not_text`` at the line and column of the first bad byte."""
        name = str(path)
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise cls(name, 0, 0, "", unreadable.format(reason=exc.strerror)) from exc
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise cls(name, line, column, "", not_text) from exc
