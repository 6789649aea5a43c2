"""The second round for deferred files: those that lead to a REACH fact are scanned in full, in place.

A plan with `defer` on leaves unparsed the files whose only reasons for a parse are imports, routes or retry
wrappers (factscan.DEFERRABLE; engine.py, importgraph.py); most of a project's files are of that kind.
Once every file's imports are
known, the deferred files that lead to a file holding an LLM call or a rate-limit check are scanned again
with `defer` off, and their facts replace the placeholder they left, at the same place in the order, so
the judges see exactly what one round with `defer` off would have given them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence

from assess.scan.discover import Candidate
from assess.scan.engine import ScanOutput, ScanPlan, scan_files
from assess.scan.facts import ProjectFacts
from assess.scan.importgraph import leading_to
from assess.scan.parallel import add

# scans files with a plan whose `defer` is off, one output per file, in order
Rescan = Callable[[list[Candidate]], Iterable[ScanOutput]]


def full_plan(plan: ScanPlan) -> ScanPlan:
    return dataclasses.replace(plan, defer=False)


class Settler:
    """Merges per-file outputs into one, keeping where each deferred file's facts sit; `settle` then
    rescans those that lead somewhere and puts their facts in that place."""

    def __init__(self, total: ScanOutput) -> None:
        self.total = total
        self.spots: list[tuple[Candidate, int, int]] = []  # deferred file, start and length in total.facts

    def add(self, cand: Candidate, out: ScanOutput) -> None:
        if out.deferred:
            self.spots.append((cand, len(self.total.facts), len(out.facts)))
        add(self.total, out)

    def settle(self, files: Sequence[Candidate], rescan: Rescan) -> None:
        total = self.total
        imports, total.imports = dict(total.imports), []  # read here only: not held while judging
        if not self.spots:
            return
        lead = leading_to(imports, total.targets, (c.rel for c in files if c.kind == "source"))
        spots = [spot for spot in self.spots if spot[0].rel in lead]
        outputs = list(rescan([cand for cand, _, _ in spots])) if spots else []
        for (_cand, start, length), out in sorted(
            zip(spots, outputs, strict=True), key=lambda pair: pair[0][1], reverse=True
        ):  # from the end, so the earlier positions stay true
            total.facts[start : start + length] = out.facts
            total.targets |= out.targets
        done = {cand.rel for cand, _, _ in spots}
        total.deferred = [rel for rel in total.deferred if rel not in done]
        self.spots = []


def scan_settled(files: Sequence[Candidate], plan: ScanPlan, facts: ProjectFacts, max_bytes: int) -> ScanOutput:
    """`engine.scan_files` with deferral and its second round, in this process (tests, small scans)."""
    settler = Settler(ScanOutput())
    for cand in files:
        settler.add(cand, scan_files([cand], plan, facts, max_bytes))
    settler.settle(files, lambda again: (scan_files([c], full_plan(plan), facts, max_bytes) for c in again))
    return settler.total
