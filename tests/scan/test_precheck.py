"""Check.precheck: a util every match of a check needs; where it finds nothing, the check's rule is not run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from ast_grep_py import SgRoot

from assess.catalog import Catalog
from assess.scan.files.discover import discover_files
from assess.scan.files.facts import gather_facts
from assess.scan.matching.rulebook import precheck_config, requires_util
from assess.scan.plan import ScanPlan
from assess.scan.run import run_scan
from tests.conftest import REPO

UTILS = {"net": {"kind": "call"}, "try-net": {"kind": "try_statement", "has": {"stopBy": "end", "matches": "net"}}}


@pytest.mark.parametrize(
    ("rule", "needed"),
    [
        ({"matches": "net"}, True),
        ({"kind": "while_statement", "has": {"stopBy": "end", "matches": "try-net"}}, True),  # through a util
        ({"all": [{"kind": "x"}, {"inside": {"matches": "net"}}]}, True),
        ({"any": [{"matches": "net"}, {"follows": {"matches": "try-net"}}]}, True),  # every branch needs it
        ({"any": [{"matches": "net"}, {"kind": "call"}]}, False),  # one branch does not
        ({"kind": "call", "not": {"has": {"matches": "net"}}}, False),  # under not: its absence matches
        ({"kind": "call", "regex": "net"}, False),
    ],
)
def test_requires_util(rule: dict[str, object], needed: bool) -> None:
    assert requires_util(rule, UTILS, "net") is needed


def test_precheck_config_keeps_the_utils_the_util_reaches() -> None:
    config = {"rule": {"matches": "try-net"}, "utils": {**UTILS, "other": {"kind": "if_statement"}}}
    assert precheck_config(config, "try-net") == {"rule": {"matches": "try-net"}, "utils": UTILS}


def _findings(plan: ScanPlan, root: Path) -> list[tuple[str, str, int]]:
    files = discover_files(root, include_vendored=True).files
    out = run_scan(files, plan, gather_facts(files), 1_000_000).output
    return sorted((f.check.id, f.rel, f.line) for f in out.findings)


def test_a_precheck_changes_no_finding_and_skips_files(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """On every check's fixtures, the checks with a precheck report the same lines with and without it, and the
    precheck does leave some files out."""
    monkeypatch.setattr("assess.scan.matching.engine.is_test_path", lambda rel: False)
    with_pre = [c.id for c in catalog.checks.values() if c.precheck]
    assert with_pre, "the catalog uses prechecks"
    plan = ScanPlan.build(catalog, enabled=with_pre)
    assert plan.prechecks
    without = dataclasses.replace(plan, prechecks={})
    root = REPO / "checks"
    found = _findings(plan, root)
    assert found, "the fixtures hold findings of these checks"
    assert found == _findings(without, root)
    # the precheck finds nothing somewhere: files the whole rule is never run on
    misses = 0
    for path in root.rglob("*.py"):
        tree = SgRoot(path.read_text(encoding="utf-8", errors="replace"), "python").root()
        misses += tree.find(plan.prechecks[(with_pre[0], "python")]) is None
    assert misses > 0
