"""Spread the per-file scan over the cores: worker processes scan batches of files, the parent merges in order.

Each file's result is the engine's own `scan_files` on that one file, so a file is scanned exactly as in a
serial run; results come back in file order and merge into one `ScanOutput` the way the serial loop would
have filled it, so the outcome is byte-identical. Small scans, and scans started from a thread (the TUI
scans in a worker thread, where forking is unsafe), run serially in this process.

`ASSESS_WORKERS=N` sets the number of processes (1: serial).
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import multiprocessing.pool
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from assess.models import Check
from assess.scan.files.discover import Candidate
from assess.scan.files.facts import ProjectFacts
from assess.scan.matching.engine import ScanOutput, scan_files
from assess.scan.plan import ScanPlan
from assess.scan.speed import codec

MIN_FILES = 200  # below this a pool costs more than it saves
BATCH_FILES = 48
BATCH_BYTES = 512 * 1024

# Called in the worker on each file's output before it is sent back: work the parent would otherwise do
# for every file (the cache prepares its entry there). What it returns travels back with the output.
Annotate = Callable[[Candidate, ScanOutput], Any]
Scanned = tuple[ScanOutput, Any]  # one file's output and what `annotate` made of it (None without one)
_state: tuple[ScanPlan, ProjectFacts, int, Annotate | None] | None = None  # set in the parent before the fork


def worker_count() -> int:
    """Processes to scan with: ASSESS_WORKERS, else the cores this process may use."""
    wanted = os.environ.get("ASSESS_WORKERS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _scan_one(
    plan: ScanPlan, facts: ProjectFacts, max_bytes: int, cand: Candidate, annotate: Annotate | None = None
) -> Scanned:
    out = scan_files([cand], plan, facts, max_bytes)
    return out, annotate(cand, out) if annotate is not None else None


_switched: dict[tuple[int, bool], tuple[ScanPlan, ScanPlan]] = {}  # in a worker: (forked plan, that plan switched)


def _with_defer(plan: ScanPlan, defer: bool) -> ScanPlan:
    """`plan` with `defer` as asked (made once per worker: the plan is not hashable)."""
    if plan.defer == defer:
        return plan
    known = _switched.get((id(plan), defer))
    if known is None or known[0] is not plan:
        known = _switched[(id(plan), defer)] = (plan, dataclasses.replace(plan, defer=defer))
    return known[1]


def _scan_batch(job: tuple[bool, list[Candidate]]) -> list[Scanned]:
    """In a worker: one batch, with the plan the pool was forked with, `defer` as the round asks."""
    assert _state is not None, "worker started without a plan"
    defer, batch = job
    forked, facts, max_bytes, annotate = _state
    plan = _with_defer(forked, defer)
    outputs = [_scan_one(plan, facts, max_bytes, cand, annotate) for cand in batch]
    for out, _ in outputs:  # the parent puts its own Check objects back: pickling a check per finding is waste
        out.findings = [dataclasses.replace(f, check=f.check.id) for f in out.findings]  # type: ignore[arg-type]
    return outputs


def _batches(files: Sequence[Candidate]) -> Iterator[list[Candidate]]:
    batch: list[Candidate] = []
    size = 0
    for cand in files:
        batch.append(cand)
        size += cand.size
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _ignore_sigint() -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops the pool); a worker that died of it would print
    a traceback and leave its batch unanswered, and the parent waiting for it would hang."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_pool(workers: int) -> multiprocessing.pool.Pool:
    """A pool whose workers ignore Ctrl-C. While it forks, Ctrl-C is only noted (a worker inherits that, and
    no worker is born able to die of it before its initializer runs); noted, it is raised once all are up.

    The parent's objects are frozen while it forks: a worker's garbage collector then never walks them. A
    walk writes to every object it visits, and each page written is copied into the worker: forked for the
    second round from a parent holding every file's facts, each worker used to copy most of that heap."""
    caught: list[int] = []
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum)) if main else None
    gc.freeze()  # see below
    try:
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_sigint)
    finally:
        gc.unfreeze()
        if main:
            signal.signal(signal.SIGINT, previous)
    if caught:
        pool.terminate()
        raise KeyboardInterrupt
    return pool


def _rehydrate(out: ScanOutput, checks: dict[str, Check]) -> ScanOutput:
    codec.share_facts(out.facts)  # unpickled: each batch's own copies of every string
    out.findings = [
        dataclasses.replace(f, check=checks[f.check]) if isinstance(f.check, str) else f for f in out.findings
    ]
    return out


class Workers:
    """The worker processes of one scan, kept from round to round (`with Workers() as workers:`).

    Forked once, at the first round big enough to use them, while the parent is still small. A pool forked
    for the second round, from a parent then holding every file's facts, cost each worker a copy of much of
    that heap (its allocations land in the parent's freed slots, and each page written is copied): on ten
    copies of the bench corpus, some 100 MB per worker. A later round reuses the pool when it scans with the
    same plan (or that plan with `defer` switched: the second round's), project facts, size limit and
    annotation; anything else gets a pool of its own.
    """

    def __init__(self) -> None:
        self.pool: multiprocessing.pool.Pool | None = None
        self.state: tuple[ScanPlan, ProjectFacts, int, Annotate | None] | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (as leaving a pool's `with` does)."""
        global _state
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None
        if _state is self.state:
            _state = None
        self.state = None

    def fits(self, plan: ScanPlan, facts: ProjectFacts, max_bytes: int, annotate: Annotate | None) -> bool:
        """Whether the running workers can scan with these (a plan differing in `defer` only is sent along)."""
        if self.pool is None or self.state is None:
            return False
        mine, my_facts, my_bytes, my_annotate = self.state
        same_plan = plan is mine or plan == dataclasses.replace(mine, defer=plan.defer)
        return same_plan and facts is my_facts and max_bytes == my_bytes and annotate is my_annotate

    def start(
        self, count: int, plan: ScanPlan, facts: ProjectFacts, max_bytes: int, annotate: Annotate | None
    ) -> multiprocessing.pool.Pool:
        """Fork `count` workers that scan with these (the pool running before, if any, is stopped)."""
        global _state
        self.close()
        self.state = _state = (plan, facts, max_bytes, annotate)  # set before the fork: the workers read it
        self.pool = _start_pool(count)
        return self.pool


def scan_each(
    files: Sequence[Candidate],
    plan: ScanPlan,
    facts: ProjectFacts,
    max_bytes: int,
    progress: Callable[[int, int], None] | None = None,
    annotate: Annotate | None = None,
    workers: Workers | None = None,
) -> Iterator[Scanned]:
    """One (`ScanOutput`, annotation) per file, in file order; in worker processes when the scan is big
    enough. `annotate(candidate, output)` runs where the file was scanned (a worker, or here when serial).
    `workers`: processes kept for the scan's later rounds (else a pool only for this call)."""
    count = min(worker_count(), max(1, len(files) // BATCH_FILES))
    reuse = workers is not None and workers.fits(plan, facts, max_bytes, annotate)
    # forking from a thread is unsafe; a running pool's own threads are no reason not to use it
    can_fork = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
    if count < 2 or len(files) < MIN_FILES or not (reuse or can_fork):
        for index, cand in enumerate(files):
            if progress is not None and index % BATCH_FILES == 0:
                progress(index, len(files))
            # no share_facts here: facts made in this process hold interned strings already (factscan)
            yield _scan_one(plan, facts, max_bytes, cand, annotate)
        return
    own = workers is None
    kept = Workers() if workers is None else workers
    try:
        if not reuse:
            kept.start(count, plan, facts, max_bytes, annotate)
        assert kept.pool is not None
        checks = plan.checks()
        done = 0
        for outputs in kept.pool.imap(_scan_batch, ((plan.defer, batch) for batch in _batches(files))):
            for out, note in outputs:
                yield _rehydrate(out, checks), note
            done += len(outputs)
            if progress is not None:
                progress(done, len(files))
    finally:
        if own:
            kept.close()
