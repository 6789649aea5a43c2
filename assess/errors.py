"""Errors a user can fix. The CLI prints them as one line and exits 2; nothing else is fatal."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad usage or bad input: names the file (and line where known)."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        # One line, always: a multi-line message from a parser would break log scrapers.
        return (where + self.message).replace("\n", " ").strip()


class OutputUnavailable(Exception):
    """One output cannot be made on this machine (the PDF without Pango); every other output still is."""
