"""The scan pipeline in one place: what `scan_project`, the tests and the benchmark all run.

    files ── cache lookup ── scan the misses (over the cores) ── add up in file order
          ── second round: deferred files that lead to an LLM call, scanned in full ── judge the project checks

Each stage is its own module: the per-file engine (engine.py), the workers (parallel.py), the stored
results (cache.py), deferral (deferred.py, importgraph.py) and the judges (project_checks.py); this one
only puts them in order. Nothing here changes what a scan finds: a run with the cache, the workers and
deferral gives what one serial, uncached, undeferred run over the same files gives.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from assess.scan.files.discover import Candidate
from assess.scan.files.facts import ProjectFacts
from assess.scan.matching.engine import ScanOutput
from assess.scan.plan import ScanPlan
from assess.scan.project.project_checks import ProjectOutcome, judge_project
from assess.scan.speed.cache import ScanCache, open_cache, prepare_entry, tree_key
from assess.scan.speed.deferred import Settler
from assess.scan.speed.parallel import Annotate, Workers, scan_each

Progress = Callable[[int, int], None]
FULL = "\0full"  # the cache key suffix of a deferred file's second, full scan


@dataclass
class ScanRun:
    """A scan's per-file output (deferral settled) and its project checks' judged outcome."""

    output: ScanOutput
    outcome: ProjectOutcome


def run_scan(
    files: Sequence[Candidate],
    plan: ScanPlan,
    facts: ProjectFacts,
    max_bytes: int,
    *,
    root: Path | None = None,
    partial: bool = False,
    judge: bool = True,
    progress: Progress | None = None,
    follow: Progress | None = None,
) -> ScanRun:
    """Scan `files` with `plan` and judge its project checks.

    `root`: the project folder whose `.assess/cache` holds earlier results (None: no cache). `partial`:
    only some of the project's files are listed (pre-commit, --changed-since), so the cache keeps the
    entries of the others. `judge`: run the project checks. `progress` and `follow` report the first round
    and the second (deferred files that lead to an LLM call).
    """
    checks = plan.project_checks if judge else []
    cache = open_cache(root, plan, facts, max_bytes)
    if cache is None:
        with Workers() as workers:  # both rounds in the same processes, forked while this one is small
            scan = functools.partial(_scanned, plan=plan, facts=facts, max_bytes=max_bytes, workers=workers)
            output = _settled(files, scan, progress, follow)
        return ScanRun(output, judge_project(checks, output, facts, plan))
    cache.load_hashes()
    digests = [cache.digest(cand, max_bytes) for cand in files]
    cache.save_hashes(keep_unvisited=partial)
    whole = tree_key(files, digests, partial)
    ids = tuple(c.id for c in checks)
    stored = cache.tree(whole) if whole is not None else None
    if stored is not None and stored[1][0] == ids:  # nothing changed since the run that stored it
        return ScanRun(stored[0], stored[1][1])
    cache.load_entries()
    known = dict(zip((c.rel for c in files), digests, strict=True))
    annotate = functools.partial(prepare_entry, plan.keys, max_bytes)  # the same in both rounds
    with Workers() as workers:
        scan = functools.partial(
            _through_cache, cache=cache, known=known, plan=plan, facts=facts, max_bytes=max_bytes, annotate=annotate
        )
        scan = functools.partial(scan, workers=workers)
        output = _settled(files, scan, progress, follow)
    cache.save(keep_unvisited=partial)
    outcome = judge_project(checks, output, facts, plan)  # also enriches output.findings: stored after
    if whole is not None:
        cache.save_tree(whole, output, (ids, outcome))
    return ScanRun(output, outcome)


# scans files in order, one output each: (files, progress, second round?) -> outputs
Scan = Callable[[Sequence[Candidate], Progress | None, bool], Iterator[ScanOutput]]


def _settled(files: Sequence[Candidate], scan: Scan, progress: Progress | None, follow: Progress | None) -> ScanOutput:
    """Every file scanned and added up in order, then the deferral round."""
    settler = Settler()
    for cand, out in zip(files, scan(files, progress, False), strict=True):
        settler.add(cand, out)
    return settler.settle(files, lambda again: scan(again, follow, True))


def _scanned(
    files: Sequence[Candidate],
    progress: Progress | None,
    second: bool,
    *,
    plan: ScanPlan,
    facts: ProjectFacts,
    max_bytes: int,
    workers: Workers,
) -> Iterator[ScanOutput]:
    """One output per file, in order, with no cache."""
    used = plan.without_deferral() if second else plan
    return (out for out, _ in scan_each(files, used, facts, max_bytes, progress, workers=workers))


def _through_cache(
    files: Sequence[Candidate],
    progress: Progress | None,
    second: bool,
    *,
    cache: ScanCache,
    known: dict[str, str | None],
    plan: ScanPlan,
    facts: ProjectFacts,
    max_bytes: int,
    annotate: Annotate,
    workers: Workers,
) -> Iterator[ScanOutput]:
    """One output per file, in order: from the cache when its entry holds, else scanned (and kept)."""
    used, suffix = (plan.without_deferral(), FULL) if second else (plan, "")
    digests = [known[c.rel] for c in files]
    hits = [cache.get(c.rel + suffix, d, c) if d is not None else None for c, d in zip(files, digests, strict=True)]
    misses = [cand for cand, hit in zip(files, hits, strict=True) if hit is None]
    computed = scan_each(misses, used, facts, max_bytes, progress, annotate, workers)
    for cand, digest, hit in zip(files, digests, hits, strict=True):
        if hit is not None:
            yield hit
            continue
        out, prepared = next(computed)
        if digest is not None:
            cache.put(cand.rel + suffix, digest, cand, prepared)
        yield out
