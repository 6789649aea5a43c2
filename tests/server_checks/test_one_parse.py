"""Speed contract: a file is parsed at most once, whatever number of checks and fact rules run on it,
and a file none of them can match is not parsed at all."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assess.catalog import Catalog
from assess.scan import engine
from assess.scan.discover import discover_files
from assess.scan.engine import scan_files
from assess.scan.facts import gather_facts
from assess.scan.plan import ScanPlan
from tests.server_checks.conftest import write_tree


def test_each_file_is_parsed_once_for_every_check_and_fact(
    catalog: Catalog, demo_root: Path, parsed: Counter[str]
) -> None:
    discovery = discover_files(demo_root)
    out = scan_files(discovery.files, ScanPlan.build(catalog), gather_facts(discovery.files), 1_000_000)
    assert out.facts, "the demo gave no facts"
    assert parsed and max(parsed.values()) == 1, [t[:60] for t, n in parsed.items() if n > 1]


def test_a_file_without_any_keyword_is_not_parsed(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path, {"util.js": "const add = (a, b) => a + b;\n", "x.py": "X = 1\n"})
    calls: list[str] = []
    real = engine.SgRoot
    monkeypatch.setattr(engine, "SgRoot", lambda text, lang: calls.append(lang) or real(text, lang))
    discovery = discover_files(root)
    out = scan_files(discovery.files, ScanPlan.build(catalog), gather_facts(discovery.files), 1_000_000)
    assert calls == [] and out.facts == {}
