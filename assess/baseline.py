"""Baseline: compare with an earlier result so CI reports and gates only on what is new.

A finding is known when the baseline holds the same finding, matched in three passes, each only among
the findings the passes before left unmatched:

1. the fingerprint (`id`: check + path + the line's normalised text + ordinal, never the line number),
   so a moved line is still the same finding;
2. the code key: check + path + the line's text without its trailing comment, whitespace collapsed,
   as a multiset, so appending a comment (`# TODO`, `// assess: ignore[...]`) changes nothing;
3. the same check in the same file with a near-identical line (similarity >= SIMILAR) carrying the same
   redacted secrets, so an edit elsewhere on the line (a renamed variable, an extra argument) is still
   the same finding, while a different key on the same line never is.

The fingerprint itself is left as it is: SARIF's `partialFingerprints` and saved baselines depend on it.
Only the result's own fields are read (the snippet is stored in every result), so baselines written
by earlier versions match the same way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from assess.models import BaselineInfo, Finding
from assess.result_io import load_result

SIMILAR = 0.8  # pass 3: difflib ratio of the two lines' code, comments stripped
_REDACTED = re.compile(r"…[0-9a-f]{6,}")  # redact(): the kept prefix, an ellipsis and the secret's hash
_QUOTES = "'\"`"


@dataclass(frozen=True)
class Baseline:
    path: str
    findings: tuple[Finding, ...]

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(f.id for f in self.findings)


def load_baseline(path: Path) -> Baseline:
    result = load_result(path)
    return Baseline(str(path), tuple(result.findings))


def strip_trailing_comment(line: str) -> str:
    """The line without a trailing comment in any of the usual syntaxes, whitespace collapsed.

    Quoted text is kept whole (`"https://x"`, `'# not a comment'`); `#` starts a comment only at the
    start or after whitespace (not `this.#field`), `//` not right after `:` (an unquoted URL).
    An unclosed quote keeps the rest of the line: better a missed match than a wrong one.
    """
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in _QUOTES:
            quote = ch
        elif (
            (ch == "#" and (i == 0 or line[i - 1].isspace()))
            or (line.startswith("//", i) and (i == 0 or line[i - 1] != ":"))
            or line.startswith(("/*", "<!--"), i)
        ):
            line = line[:i]
            break
        i += 1
    return " ".join(line.split())


def _code_key(finding: Finding) -> tuple[str, str, str]:
    return finding.check, finding.path or "", strip_trailing_comment(finding.snippet)


def _similar(a: Finding, b: Finding) -> float:
    code_a, code_b = _code_key(a)[2], _code_key(b)[2]
    if sorted(_REDACTED.findall(code_a)) != sorted(_REDACTED.findall(code_b)):
        return 0.0  # a different key on the same line is a new leak
    return SequenceMatcher(None, code_a, code_b, autojunk=False).ratio()


def known_findings(findings: list[Finding], baseline: Baseline) -> set[int]:
    """Indexes of `findings` that the baseline already holds (the passes in the module docstring)."""
    known: set[int] = set()
    left = list(baseline.findings)

    by_id: dict[str, list[int]] = defaultdict(list)
    for j, old in enumerate(left):
        by_id[old.id].append(j)
    used: set[int] = set()
    for i, finding in enumerate(findings):
        if by_id.get(finding.id):
            used.add(by_id[finding.id].pop(0))
            known.add(i)

    by_code: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for j, old in enumerate(left):
        if j not in used:
            by_code[_code_key(old)].append(j)
    for i, finding in enumerate(findings):
        if i in known:
            continue
        slots = by_code.get(_code_key(finding))
        if slots:
            used.add(slots.pop(0))
            known.add(i)

    unmatched: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for j, old in enumerate(left):
        if j not in used:
            unmatched[(old.check, old.path)].append(j)
    pairs: list[tuple[float, int, int]] = []
    for i, finding in enumerate(findings):
        if i in known:
            continue
        for j in unmatched.get((finding.check, finding.path), ()):
            ratio = _similar(finding, left[j])
            if ratio >= SIMILAR:
                pairs.append((ratio, i, j))
    for _ratio, i, j in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if i not in known and j not in used:
            used.add(j)
            known.add(i)
    return known


def mark_new(findings: list[Finding], baseline: Baseline) -> tuple[list[Finding], BaselineInfo]:
    known = known_findings(findings, baseline)
    marked = [f.model_copy(update={"new": i not in known}) for i, f in enumerate(findings)]
    open_findings = [f for f in marked if not f.suppressed]
    info = BaselineInfo(
        path=baseline.path,
        new=sum(1 for f in open_findings if f.new),
        known=sum(1 for f in open_findings if not f.new),
    )
    return marked, info
