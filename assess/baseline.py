"""Baseline: compare with an earlier result so CI reports and gates only on what is new.

Findings match by fingerprint (check + path + normalised text, never the line number), so a moved
line is still the same finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assess.models import BaselineInfo, Finding
from assess.result_io import load_result


@dataclass(frozen=True)
class Baseline:
    path: str
    fingerprints: frozenset[str]


def load_baseline(path: Path) -> Baseline:
    result = load_result(path)
    return Baseline(str(path), frozenset(f.id for f in result.findings))


def mark_new(findings: list[Finding], baseline: Baseline) -> tuple[list[Finding], BaselineInfo]:
    marked = [f.model_copy(update={"new": f.id not in baseline.fingerprints}) for f in findings]
    open_findings = [f for f in marked if not f.suppressed]
    info = BaselineInfo(
        path=baseline.path,
        new=sum(1 for f in open_findings if f.new),
        known=sum(1 for f in open_findings if not f.new),
    )
    return marked, info
