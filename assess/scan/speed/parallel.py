"""Spread the per-file scan over the cores: worker processes scan batches of files, the parent merges in order.

Each file's result is the engine's own `scan_files` on that one file, so a file is scanned exactly as in a
serial run; results come back in file order and merge into one `ScanOutput` the way the serial loop would
have filled it, so the outcome is byte-identical. Small scans, and scans started from a thread (the TUI
scans in a worker thread, where forking is unsafe), run serially in this process.

`ASSESS_WORKERS=N` sets the number of processes (1: serial).
"""

from __future__ import annotations

import dataclasses
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


def _scan_batch(batch: list[Candidate]) -> list[Scanned]:
    assert _state is not None, "worker started without a plan"
    plan, facts, max_bytes, annotate = _state
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
    no worker is born able to die of it before its initializer runs); noted, it is raised once all are up."""
    caught: list[int] = []
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum)) if main else None
    try:
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_sigint)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    if caught:
        pool.terminate()
        raise KeyboardInterrupt
    return pool


def _rehydrate(out: ScanOutput, checks: dict[str, Check]) -> ScanOutput:
    out.findings = [
        dataclasses.replace(f, check=checks[f.check]) if isinstance(f.check, str) else f for f in out.findings
    ]
    return out


def scan_each(
    files: Sequence[Candidate],
    plan: ScanPlan,
    facts: ProjectFacts,
    max_bytes: int,
    progress: Callable[[int, int], None] | None = None,
    annotate: Annotate | None = None,
) -> Iterator[Scanned]:
    """One (`ScanOutput`, annotation) per file, in file order; in worker processes when the scan is big
    enough. `annotate(candidate, output)` runs where the file was scanned (a worker, or here when serial)."""
    global _state
    workers = min(worker_count(), max(1, len(files) // BATCH_FILES))
    serial = workers < 2 or len(files) < MIN_FILES or threading.active_count() > 1
    if serial or "fork" not in multiprocessing.get_all_start_methods():
        for index, cand in enumerate(files):
            if progress is not None and index % BATCH_FILES == 0:
                progress(index, len(files))
            yield _scan_one(plan, facts, max_bytes, cand, annotate)
        return
    checks = plan.checks()
    _state = (plan, facts, max_bytes, annotate)
    try:
        with _start_pool(workers) as pool:
            done = 0
            for outputs in pool.imap(_scan_batch, _batches(files)):
                for out, note in outputs:
                    yield _rehydrate(out, checks), note
                done += len(outputs)
                if progress is not None:
                    progress(done, len(files))
    finally:
        _state = None
