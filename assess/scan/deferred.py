"""The second round for deferred files: those that lead to a `reach` fact are scanned in full, in place.

A plan with `defer` on leaves unparsed the files whose only reasons for a parse are `deferrable` facts
(imports, routes, retry wrappers: declared in checks/_facts; engine.py, importgraph.py); most of a
project's files are of that kind. Once every file's imports are known, the deferred files that lead to a
file holding a `reach` fact (an LLM call, a rate-limit check) are scanned again with `defer` off, and their
facts replace the placeholder they left, in that file's place, so the judges see exactly what one round
with `defer` off would have given them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from assess.scan.discover import Candidate
from assess.scan.engine import ScanOutput
from assess.scan.importgraph import leading_to

# scans files with a plan whose `defer` is off, one output per file, in order
Rescan = Callable[[list[Candidate]], Iterable[ScanOutput]]


class Settler:
    """Adds up per-file outputs, noting the deferred files; `settle` then rescans those that lead somewhere
    and puts their facts in their place."""

    def __init__(self) -> None:
        self.total = ScanOutput()
        self.waiting: list[Candidate] = []

    def add(self, cand: Candidate, out: ScanOutput) -> None:
        """One file's output, in file order."""
        if out.deferred:
            self.waiting.append(cand)
        self.total.add(out)

    def settle(self, files: Sequence[Candidate], rescan: Rescan) -> ScanOutput:
        """The total once the deferred files that lead to a `reach` fact are scanned in full (`rescan`)."""
        total = self.total
        imports, total.imports = dict(total.imports), []  # read here only: not held while judging
        if not self.waiting:
            return total
        lead = leading_to(imports, total.targets, (c.rel for c in files if c.kind == "source"))
        again = [cand for cand in self.waiting if cand.rel in lead]
        for cand, out in zip(again, rescan(again) if again else (), strict=True):
            total.facts[cand.rel] = out.facts.get(cand.rel, [])  # an existing key keeps its place in the order
            total.targets |= out.targets
        done = {cand.rel for cand in again}
        total.deferred = [rel for rel in total.deferred if rel not in done]
        self.waiting = []
        return total
