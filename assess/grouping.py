"""One finding per root cause: the same flaw, written the same way, in sibling files of one folder (a
missing cap in each of six provider adapters) is one finding that lists its other places in `also`.

Conservative on purpose: only findings of the same check, with the same message, the same snippet once
whitespace is normalised and the same suppression state, in at least two files directly inside one folder
below the project root, and never findings about an endpoint.
The first place (by path, then line) keeps its fingerprint, so baselines and SARIF alerts stay stable.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Iterable

from assess.models import Finding, Place

GroupKey = tuple[str, str, str, str, bool]


def _key(finding: Finding) -> GroupKey | None:
    # an endpoint is its own door (each needs its own limit); top-level files are separate scripts or entry points
    if not finding.path or not finding.snippet.strip() or finding.endpoint:
        return None
    folder = posixpath.dirname(finding.path)
    if not folder:
        return None
    text = " ".join(finding.snippet.split())
    return finding.check, folder, text, finding.message, finding.suppressed


def group_root_causes(findings: Iterable[Finding], apart: Collection[str] = ()) -> list[Finding]:
    """`findings` with sibling repeats folded into their first place; checks in `apart` (keys: one finding
    per key and place) are never folded. Order is kept: a group sits where its first member sat."""
    findings = list(findings)
    groups: dict[GroupKey, list[Finding]] = {}
    for finding in findings:
        key = _key(finding) if finding.check not in apart else None
        if key is not None:
            groups.setdefault(key, []).append(finding)
    folded: dict[int, Finding] = {}  # id() of a group's first member -> the grouped finding
    dropped: set[int] = set()
    for members in groups.values():
        if len({m.path for m in members}) < 2:
            continue
        members.sort(key=lambda m: (m.path or "", m.line or 0))
        first, rest = members[0], members[1:]
        folded[id(first)] = first.model_copy(update={"also": [Place(path=m.path or "", line=m.line) for m in rest]})
        dropped.update(id(m) for m in rest)
    return [folded.get(id(f), f) for f in findings if id(f) not in dropped]
