"""Facts hold one copy of each string, whichever way they were made: in this process (interned as they are
made), in a worker (interned when they come back) or read from the scan cache (interned as they are read)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assess.catalog import Catalog
from assess.scan.files.discover import discover_files
from assess.scan.files.facts import ProjectFacts
from assess.scan.matching.factscan import NO_VALUES, Fact
from assess.scan.plan import ScanPlan
from assess.scan.run import run_scan
from assess.scan.speed import parallel
from tests.server_checks.conftest import write_tree

TREE = {
    "app/llm.py": (
        "from openai import OpenAI\n"
        "client = OpenAI()\n"
        "def ask(q):\n"
        '    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])\n'
    ),
    "app/views.py": "from app.llm import ask\n\ndef one(q):\n    return ask(q)\n\ndef two(q):\n    return ask(q)\n",
    "web/api.ts": 'import { ask } from "./llm";\nexport const a = () => ask("x");\nexport const b = () => ask("y");\n',
    "web/llm.ts": "export function ask(q: string) { return q; }\n",
}


def _facts(root: Path, catalog: Catalog) -> list[Fact]:
    files = discover_files(root).files
    return run_scan(files, ScanPlan.build(catalog), ProjectFacts(), 10**6).output.all_facts()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_facts_share_their_strings(
    tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    monkeypatch.setenv("ASSESS_WORKERS", workers)
    monkeypatch.setenv("ASSESS_NO_CACHE", "1")
    # a pool even for these few files, one file a batch: the facts come back from worker processes
    monkeypatch.setattr("assess.scan.speed.parallel.MIN_FILES", 1)
    monkeypatch.setattr("assess.scan.speed.parallel.BATCH_FILES", 1)
    seen: list[int] = []
    real = parallel._rehydrate
    monkeypatch.setattr(parallel, "_rehydrate", lambda out, checks: seen.append(1) or real(out, checks))
    facts = _facts(write_tree(tmp_path, TREE), catalog)
    calls = [f for f in facts if f.kind == "call" and f.values.get("NAME") == "ask"]
    assert len(calls) >= 4  # two calls in each language
    assert bool(seen) == (workers == "2")  # each way was taken
    first = calls[0].values["NAME"]
    assert all(c.values["NAME"] is first for c in calls)
    for fact in facts:
        assert fact.snippet is sys.intern(fact.snippet)
        assert all(value is sys.intern(value) for value in fact.values.values())
        if not fact.values:
            assert fact.values is NO_VALUES or fact.kind == "file"
