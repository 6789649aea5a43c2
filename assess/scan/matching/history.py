"""AI keys added in any commit of the git history, even if removed since (`assess scan --history`).

Removing a key from the files does not un-leak it: every clone, fork and CI cache still holds the
commit. Git itself narrows the history to file changes that touch a key keyword (`-G`), `git log -p`
is read as a stream (never whole), and only added lines are checked, with the catalog's key shapes.
Each key is reported once, at the commit that first added it, unless a current file still holds it
(then the file finding says it already).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assess.models import Check
from assess.redact import Redactor, redact, secret_hash
from assess.scan.files.facts import ProjectFacts
from assess.scan.files.gitsafe import stream_git
from assess.scan.matching.engine import RawFinding, fingerprint, line_snippet
from assess.scan.plan import ScanPlan

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_COMMIT = b"\x00"  # our --format line starts with NUL: no diff line can
# Settings a hostile repository could use to run programs while `git log -p` renders diffs.
_LOG_ARGS = (
    "-c", "log.showSignature=false", "-c", "core.quotePath=false",
    "log", "--all", "-p", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames",
    "--relative", "--regexp-ignore-case", "--format=%x00%H %ct",
)  # fmt: skip


@dataclass
class _Hunk:
    """The lines of one diff hunk as the new file has them; `added` marks the lines the commit added."""

    commit: str
    when: int
    path: str
    lines: list[tuple[int, str, bool]] = field(default_factory=list)  # (line number, text, added)


@dataclass(frozen=True)
class _Leak:
    commit: str
    when: int
    path: str
    line: int
    column: int
    text: str
    secret: str
    provider: str


def _keyword_regex(plan: ScanPlan) -> str:
    """A POSIX extended regex of every key keyword, for `git log -G`."""
    words = sorted({k for p in plan.keys.patterns for k in p.keywords})
    return "|".join(re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", w) for w in words)


_C_ESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13, b'"': 34, b"\\": 92}
_C_ESCAPE = re.compile(rb'\\([0-7]{3}|[abtnvfr"\\])')


def _unquote(quoted: bytes) -> bytes:
    """A name git quoted C-style ("...\\t...\\303\\244..."), back to its bytes; anything else as is."""

    def one(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        return bytes([int(code, 8) & 0xFF if len(code) == 3 else _C_ESCAPES[code]])

    return _C_ESCAPE.sub(one, quoted)


def _path(raw: bytes) -> str:
    """The new path from a `+++ b/<path>` line ("" for a deletion); quoted paths are unquoted.

    Git ends the line with a TAB when the name holds a space (as GNU diff does); the name itself is
    bytes, usually UTF-8, and any character git quotes comes back through C escapes."""
    name = raw[4:].rstrip(b"\r\n")
    if name.endswith(b"\t"):
        name = name[:-1]
    if len(name) >= 2 and name.startswith(b'"') and name.endswith(b'"'):
        name = _unquote(name[1:-1])
    return name[2:].decode("utf-8", "replace") if name.startswith(b"b/") else ""


def _hunks(stream: Iterable[bytes]) -> Iterator[_Hunk]:
    """Hunks with at least one added line, in the order `git log` prints them (newest commit first)."""
    commit, when, path = "", 0, ""
    hunk: _Hunk | None = None
    in_header = False  # between "diff --git" and the first "@@": where "+++ b/path" names the file
    number = 0
    for raw in stream:
        if hunk is not None and raw[:1] in (b"+", b" "):
            hunk.lines.append((number, raw[1:].rstrip(b"\r\n").decode("utf-8", "replace"), raw[:1] == b"+"))
            number += 1
            continue
        if hunk is not None and raw[:1] in (b"-", b"\\"):
            continue  # a removed line, or "\ No newline at end of file"
        if hunk is not None and any(added for _, _, added in hunk.lines):
            yield hunk
        hunk = None
        if raw.startswith(_COMMIT):
            head = raw[1:].split()
            commit, when = head[0].decode("ascii", "replace"), int(head[1]) if len(head) > 1 else 0
        elif raw.startswith(b"diff "):
            in_header, path = True, ""
        elif in_header and raw.startswith(b"+++ "):
            path = _path(raw)
        elif raw.startswith(b"@@") and (match := _HUNK.match(raw)) and path:
            in_header = False
            hunk, number = _Hunk(commit, when, path), int(match.group(1))
    if hunk is not None and any(added for _, _, added in hunk.lines):
        yield hunk


def _leaks(hunk: _Hunk, plan: ScanPlan, facts: ProjectFacts) -> Iterator[_Leak]:
    text = "\n".join(line for _, line, _ in hunk.lines)
    starts: list[int] = []
    offset = 0
    for _, line, _ in hunk.lines:
        starts.append(offset)
        offset += len(line) + 1
    for hit in plan.keys.find(text, text.encode("utf-8", "surrogatepass"), facts.providers):
        if not hit.ai:
            continue
        index = bisect.bisect_right(starts, hit.start) - 1  # the line holding the hit: linear in the keys
        number, line, added = hunk.lines[index]
        if added:
            column = hit.start - starts[index] + 1
            yield _Leak(hunk.commit, hunk.when, hunk.path, number, column, line, hit.secret, hit.pattern.provider)


def scan_history(root: Path, plan: ScanPlan, facts: ProjectFacts, current: set[str]) -> list[RawFinding]:
    """Findings for AI keys added in any commit of the repository at `root`.

    `current` holds the key hashes (RawFinding.key_hash) the file scan already reported: those keys
    are not repeated. Returns nothing when no enabled check reports the "history" route.
    """
    check = plan.key_routes.get("history")
    if check is None or not plan.keys.patterns:
        return []
    first: dict[str, _Leak] = {}
    with stream_git(root, *_LOG_ARGS, "-G", _keyword_regex(plan)) as stream:
        if stream is None:
            return []
        for hunk in _hunks(stream):
            for leak in _leaks(hunk, plan, facts):
                first[secret_hash(leak.secret)] = leak  # older commits come later: the last one is the first
    return [_finding(check, leak, plan.keys.redactor) for key, leak in first.items() if key not in current]


def _finding(check: Check, leak: _Leak, redactor: Redactor) -> RawFinding:
    day = dt.datetime.fromtimestamp(leak.when, dt.UTC).date().isoformat()
    place = (
        f"git history: commit {leak.commit[:10]} ({day}) added it to {leak.path} and no file holds it now,"
        " but every clone does: rotate it"
    )
    message = check.message.format_map({"provider": leak.provider, "redacted": redact(leak.secret), "place": place})
    snippet = line_snippet(leak.text, redactor, leak.secret)
    return RawFinding(
        check=check,
        rel=leak.path,
        line=leak.line,
        column=leak.column,
        snippet=snippet,
        message=message,
        fingerprint=fingerprint(check.id, redactor.path(leak.path), snippet, 0),
        role="history",
        provider=leak.provider,
        key_hash=secret_hash(leak.secret),
    )
