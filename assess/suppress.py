"""What the team has accepted: inline `assess: ignore[id] reason` comments and .assess/ignore.yaml.

A suppression without a reason still applies but is reported; one that matches nothing is listed as
unused; an ignore-file entry past its expiry date stops applying and says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import pathspec
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from assess.errors import InputError
from assess.models import Finding, SuppressionNote
from assess.redact import redact_text
from assess.yamlio import load_model, read_yaml

SUPPRESSION_MARK = b"assess:"
# Any comment syntax: the marker is found anywhere on the line; comment closers are not the reason.
_INLINE = re.compile(r"assess:\s*ignore\[([^\]\n]*)\]([^\n]*)")
_CLOSERS = re.compile(r"\s*(?:\*/|-->|--%>|%>|#\}|\}\}|\*\)|\")\s*$")


@dataclass(frozen=True)
class Suppression:
    rel: str
    line: int
    checks: tuple[str, ...]
    reason: str


def find_suppressions(rel: str, text: str) -> list[Suppression]:
    found: list[Suppression] = []
    for match in _INLINE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        checks = tuple(c.strip() for c in match.group(1).split(",") if c.strip())
        # redacted before it is kept (the scan cache holds it): a key may sit on the rest of the line
        reason = redact_text(_CLOSERS.sub("", match.group(2)).strip(" \t:-—"))
        found.append(Suppression(rel, line, checks, reason))
    return found


def _gitignore_glob(pattern: str) -> str:
    """A gitignore-style pattern as given, or ValueError when it cannot be compiled ("[z-a]", "!")."""
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except Exception as exc:  # re.error, GitIgnorePatternError, ...: every one a bad pattern
        raise ValueError(f"not a valid glob: {exc}") from None
    return pattern


GitignoreGlob = Annotated[str, AfterValidator(_gitignore_glob)]


class IgnoreEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str
    path: GitignoreGlob = "**"
    reason: str = Field(min_length=1)
    expires: dt.date | None = None


class IgnoreFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    ignore: list[IgnoreEntry] = Field(default_factory=list)


def load_ignore_file(path: Path, known_checks: set[str]) -> list[IgnoreEntry]:
    if not path.exists() and not path.is_symlink():  # a dangling or looping link is read, and refused
        return []
    entries = load_model(path, IgnoreFile).ignore
    doc = None
    for index, entry in enumerate(entries):
        if entry.check not in known_checks:
            doc = doc or read_yaml(path)
            raise InputError(f"unknown check id '{entry.check}'", path, doc.line_of(("ignore", index, "check")))
    return entries


def apply_suppressions(
    findings: list[Finding],
    inline: list[Suppression],
    ignore_entries: list[IgnoreEntry],
    ignore_path: str,
    today: dt.date | None = None,
) -> tuple[list[Finding], list[SuppressionNote]]:
    """Findings with `suppressed` set, and notes on suppressions that need attention."""
    today = today or dt.date.today()
    by_place: dict[tuple[str, int], list[Suppression]] = {}
    for sup in inline:
        by_place.setdefault((sup.rel, sup.line), []).append(sup)
    used: set[Suppression] = set()
    live_entries = [e for e in ignore_entries if e.expires is None or e.expires >= today]
    specs = [(e, pathspec.GitIgnoreSpec.from_lines([e.path])) for e in live_entries]
    out: list[Finding] = []
    for finding in findings:
        update: dict[str, object] = {}
        for line in (finding.line, (finding.line or 0) - 1):
            for sup in by_place.get((finding.path or "", line or 0), ()):
                if finding.check in sup.checks:
                    used.add(sup)
                    update = {"suppressed": True, "suppressed_by": "inline", "suppression_reason": sup.reason or None}
                    break
            if update:
                break
        if not update:
            for entry, spec in specs:
                if entry.check == finding.check and spec.match_file(finding.path or ""):
                    update = {"suppressed": True, "suppressed_by": "ignore-file", "suppression_reason": entry.reason}
                    break
        out.append(finding.model_copy(update=update) if update else finding)

    notes: list[SuppressionNote] = []
    for sup in inline:
        if not sup.reason:
            notes.append(
                SuppressionNote(
                    kind="no-reason",
                    path=sup.rel,
                    line=sup.line,
                    check=",".join(sup.checks),
                    message="suppression without a reason: say why the risk is accepted",
                )
            )
        if sup not in used:
            notes.append(
                SuppressionNote(
                    kind="unused",
                    path=sup.rel,
                    line=sup.line,
                    check=",".join(sup.checks),
                    message="unused suppression: nothing is reported here any more",
                )
            )
    for entry in ignore_entries:
        if entry.expires is not None and entry.expires < today:
            notes.append(
                SuppressionNote(
                    kind="expired",
                    path=ignore_path,
                    check=entry.check,
                    message=(
                        f"ignore entry for '{entry.path}' expired on {entry.expires.isoformat()} and no longer applies"
                    ),
                )
            )
    return out, notes
