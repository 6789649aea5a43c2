"""Every check against its own fixtures: marked lines must be reported, nothing else may be.

A fixture line that must be reported ends with a comment `assess-expect: <check-id>`. The fixtures
folder is scanned as a project root (so project-shaped fixtures with a package.json work), with only
the check under test enabled. Failures say *Missing* (not reported where it should be) or *Noisy*
(reported where it should not be), as ast-grep's own rule tests do.

Project-level checks may add `fixtures/expected.yaml`: `projects` lists sub-folders each scanned as its
own project root (absence checks need several projects), and `findings` lists `{path, line}` marks for
files that cannot hold a comment (JSON); paths are relative to fixtures/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from assess import paths
from assess.catalog import Catalog
from assess.scan.discover import discover_files
from assess.scan.engine import scan_files
from assess.scan.facts import gather_facts
from assess.scan.plan import ScanPlan
from assess.scan.run import run_scan
from tests.conftest import copy_materialized

CHECK_DIRS = sorted(p for p in paths.checks_dir().iterdir() if (p / "check.yaml").is_file())
_MARK = re.compile(r"assess-expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)")


def expected_lines(root: Path, check_id: str) -> set[tuple[str, int]]:
    marked: set[tuple[str, int]] = set()
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            match = _MARK.search(line)
            if match and check_id in {c.strip() for c in match.group(1).split(",")}:
                marked.add((path.relative_to(root).as_posix(), number))
    return marked


def fixture_projects(root: Path) -> tuple[list[Path], set[tuple[str, int]]]:
    """Project roots to scan and extra expected (path, line) marks, from fixtures/expected.yaml if any."""
    spec_file = root / "expected.yaml"
    if not spec_file.is_file():
        return [root], set()
    spec = yaml.safe_load(spec_file.read_text(encoding="utf-8")) or {}
    projects = [root / p for p in spec.get("projects", [])] or [root]
    return projects, {(f["path"], int(f["line"])) for f in spec.get("findings", [])}


def _line(root: Path, rel: str, number: int) -> str:
    lines = (root / rel).read_text(encoding="utf-8", errors="replace").splitlines()
    return lines[number - 1].strip()[:100] if 0 < number <= len(lines) else ""


def test_every_check_has_fixtures() -> None:
    assert CHECK_DIRS, "no checks found"
    for check_dir in CHECK_DIRS:
        fixtures = check_dir / "fixtures"
        assert fixtures.is_dir() and any(fixtures.rglob("*")), f"{check_dir.name} has no fixtures/"


@pytest.mark.parametrize("check_dir", CHECK_DIRS, ids=lambda p: p.name)
def test_check_fixtures(check_dir: Path, catalog: Catalog, tmp_path: Path) -> None:
    check = catalog.checks[check_dir.name]
    root = copy_materialized(check_dir / "fixtures", tmp_path / "project")
    projects, extra = fixture_projects(root)
    expected = expected_lines(root, check.id) | extra
    assert expected, f"{check.id}: no fixture line is marked 'assess-expect: {check.id}' (a check that cannot fail)"

    # a fixture set must also hold near misses: unmarked lines that carry the check's keywords
    near_misses = [
        (rel, n)
        for rel, n in {
            (p.relative_to(root).as_posix(), n)
            for p in root.rglob("*")
            if p.is_file()
            for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
            if any(k in line for k in check.keywords)
        }
        if (rel, n) not in expected
    ]
    assert near_misses, f"{check.id}: no quiet fixture line mentions its keywords; add cases that must stay quiet"

    reported: set[tuple[str, int]] = set()
    for project in projects:
        discovery = discover_files(project, include_vendored=True)
        plan = ScanPlan.build(catalog, enabled=[check.id], defer=True)  # as scan_project: deferred files too
        facts = gather_facts(discovery.files)
        run = run_scan(discovery.files, plan, facts, 1_000_000)  # the pipeline scan_project runs, uncached
        out = run.output
        out.findings += run.outcome.findings
        prefix = project.relative_to(root)
        reported |= {((prefix / f.rel).as_posix(), f.line) for f in out.findings if f.check.id == check.id}

    problems = [f"Missing {rel}:{n}  {_line(root, rel, n)}" for rel, n in sorted(expected - reported)]
    problems += [f"Noisy   {rel}:{n}  {_line(root, rel, n)}" for rel, n in sorted(reported - expected)]
    assert not problems, f"{check.id}:\n" + "\n".join(problems)


def test_no_committed_file_holds_a_key_shaped_string(catalog: Catalog) -> None:
    """Fixture and demo keys exist only as tokens; the repository itself must scan clean."""
    plan = ScanPlan.build(catalog, enabled=[c.id for c in catalog.checks.values() if c.engine == "secrets"])
    for folder in (paths.checks_dir(), paths.demo_project_dir(), paths.questions_dir()):
        discovery = discover_files(folder, include_vendored=True)
        out = scan_files(discovery.files, plan, gather_facts(discovery.files), 5_000_000)
        assert not out.findings, [f"{folder.name}/{f.rel}:{f.line}" for f in out.findings]
