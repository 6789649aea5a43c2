"""Time the phases of one assessment in this process: `python bench/phases.py PATH [--warm]` prints JSON.

Runs serially (ASSESS_WORKERS=1) so every parse, match and key scan happens here, where it can be timed:
- discover, manifests: between the progress notes of scan_project;
- parse, match: time inside ast-grep-py (SgRoot(...) and every find_all, checks and fact rules alike);
- key scan: time inside KeyScanner.find;
- prefilter+read: the rest of the per-file loop (reading, decoding, keyword and rule gates, roles, bookkeeping);
- project checks: the judges that read the facts after the walk;
- score+render: combining with answers, scoring, and rendering the result JSON.
`--warm`: the cache is on and filled by a first run; the second run is the one reported.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any


def _instrument(acc: Counter[str]) -> None:
    import ast_grep_py

    from assess.scan import engine, secrets

    real_root = ast_grep_py.SgRoot

    class Node:
        __slots__ = ("_node",)

        def __init__(self, node: Any) -> None:
            self._node = node

        def find_all(self, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return self._node.find_all(*args, **kwargs)
            finally:
                acc["match"] += time.perf_counter() - start
                acc["rules_run"] += 1

        def __getattr__(self, name: str) -> Any:
            return getattr(self._node, name)

    class Root:
        def __init__(self, text: str, lang: str) -> None:
            start = time.perf_counter()
            self._root = real_root(text, lang)
            acc["parse"] += time.perf_counter() - start
            acc["files_parsed"] += 1

        def root(self) -> Node:
            return Node(self._root.root())

    engine.SgRoot = Root  # type: ignore[misc,assignment]
    real_find = secrets.KeyScanner.find

    def find(self: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real_find(self, *args, **kwargs)
        finally:
            acc["key_scan"] += time.perf_counter() - start

    secrets.KeyScanner.find = find  # type: ignore[method-assign]


def _time_judges(acc: Counter[str]) -> None:
    import assess.scan.run as pipeline

    for name in ("judge_project",):
        real = getattr(pipeline, name)

        def timed(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return _real(*args, **kwargs)
            finally:
                acc["project_checks"] += time.perf_counter() - start

        setattr(pipeline, name, timed)


def measure(root: Path, warm: bool) -> dict[str, float]:
    from assess.assessment import ScanOptions, build_result, scan_project
    from assess.catalog import load_catalog
    from assess.report.json_report import render_json

    start = time.perf_counter()
    catalog = load_catalog()
    catalog_s = time.perf_counter() - start
    options = ScanOptions(include_vendored=True)
    if warm:
        scan_project(root, catalog, options)  # fills the cache
    acc: Counter[str] = Counter()
    if not warm:
        _instrument(acc)
    _time_judges(acc)
    marks: dict[str, float] = {}

    def progress(phase: str, _done: int, _total: int) -> None:
        marks.setdefault(phase, time.perf_counter())

    start = time.perf_counter()
    snapshot = scan_project(root, catalog, options, progress)
    end = time.perf_counter()
    result = build_result(snapshot, catalog, {})
    render_json(result)
    rendered = time.perf_counter()
    scan_start = marks.get("scan", marks.get("facts", start))
    scan_loop = marks.get("done", end) - scan_start - acc["project_checks"]
    figures = {
        "catalog_load": catalog_s,
        "discover": marks.get("facts", start) - marks.get("discover", start),
        "manifests": scan_start - marks.get("facts", start),
        "scan_loop": scan_loop,
        "parse": acc["parse"],
        "match": acc["match"],
        "key_scan": acc["key_scan"],
        "prefilter_read": scan_loop - acc["parse"] - acc["match"] - acc["key_scan"],
        "project_checks": acc["project_checks"],
        "scan_project": end - start,
        "score_render": rendered - end,
        "files_parsed": acc["files_parsed"],
        "rules_run": acc["rules_run"],
        "files_scanned": snapshot.files_scanned,
        "findings": len(snapshot.findings),
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--warm", action="store_true", help="report a second run with the cache filled")
    args = parser.parse_args()
    os.environ["ASSESS_WORKERS"] = "1"
    if not args.warm:
        os.environ["ASSESS_NO_CACHE"] = "1"
    json.dump(measure(Path(args.path), args.warm), sys.stdout)


if __name__ == "__main__":
    main()
