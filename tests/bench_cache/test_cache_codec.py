"""The scan cache's JSON codec: every field of what a scan found comes back equal, as the same types."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from assess.catalog import Catalog
from assess.scan.files.discover import discover_files
from assess.scan.files.facts import gather_facts
from assess.scan.matching.engine import RawFinding, ScanOutput
from assess.scan.matching.factscan import Fact
from assess.scan.plan import ScanPlan
from assess.scan.project.project_checks import ProjectOutcome
from assess.scan.run import ScanRun, run_scan
from assess.scan.speed import codec
from assess.suppress import Suppression
from tests.conftest import REPO, copy_materialized

# a RawFinding or Fact row keeps each field as JSON gives it back: these types (and `Check`, by id; a
# Fact's two dicts, converted by the codec)
_SCALARS = {"str", "int", "bool", "str | None", "int | None", "bool | None"}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> ScanRun:
    root = copy_materialized(REPO / "assess" / "demo" / "project", tmp_path_factory.mktemp("codec") / "p")
    files = discover_files(root).files
    return run_scan(files, ScanPlan.build(catalog), gather_facts(files, catalog.providers), 1_000_000)


def _same(a: object, b: object) -> None:
    """Equal, and of the same types all the way down (a tuple must not come back as a list)."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b)
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        for spec in dataclasses.fields(a):
            _same(getattr(a, spec.name), getattr(b, spec.name))
    else:
        assert a == b


def test_a_scan_output_comes_back_the_same(demo_run: ScanRun, catalog: Catalog) -> None:
    out = demo_run.output
    assert out.findings and out.facts and out.suppressions is not None and out.languages
    back = codec.output_from(codec.loads(codec.dumps(codec.output_row(out))), catalog.checks)
    _same(out, back)
    assert all(f.check is catalog.checks[f.check.id] for f in back.findings), "checks are the catalog's own"


def test_a_project_outcome_comes_back_the_same(demo_run: ScanRun, catalog: Catalog) -> None:
    outcome = demo_run.outcome
    assert outcome.findings and outcome.applied_items
    _same(outcome, codec.outcome_from(codec.loads(codec.dumps(codec.outcome_row(outcome))), catalog.checks))


def test_every_field_of_a_rich_output_survives(catalog: Catalog) -> None:
    check = next(iter(catalog.checks.values()))
    fact = Fact(
        "llm-call", "openai", "a/\udcff.py", "backend", 3, 4, 5, "x = 1", {"model": "m"}, {"args": ("a", "b")}, "t"
    )
    finding = RawFinding(check, "a.py", 1, 2, "snip", "msg", "fp", "backend", True, "openai", "h", "m", "/e", "f", 3)
    out = ScanOutput(
        findings=[finding],
        files_scanned=2,
        files_keys_only=1,
        skipped=Counter({"binary": 2}),
        languages=Counter({"Python": 1}),
        providers={"openai", "anthropic"},
        suppressions=[Suppression("a.py", 1, ("x", "y"), "because")],
        facts={"a/\udcff.py": [fact]},
        imports=[("a.py", ("./b", "c"))],
        targets={"a.py"},
        deferred=["b.py"],
        errors=[("c", None, "boom"), ("d", "a.py", "bang")],
    )
    _same(out, codec.output_from(codec.loads(codec.dumps(codec.output_row(out))), catalog.checks))
    outcome = ProjectOutcome([finding], ["m"], ["openai"], {"rate-limits"}, [("c", None, "x")], {"openai": 2}, 3)
    _same(outcome, codec.outcome_from(codec.loads(codec.dumps(codec.outcome_row(outcome))), catalog.checks))


def test_an_unknown_check_makes_the_row_unreadable(demo_run: ScanRun, catalog: Catalog) -> None:
    row = codec.output_row(demo_run.output)
    fewer = {k: v for k, v in catalog.checks.items() if k != demo_run.output.findings[0].check.id}
    with pytest.raises(KeyError):
        codec.output_from(row, fewer)


def test_the_codec_covers_every_field() -> None:
    """A field added to ScanOutput or ProjectOutcome needs its codec entry (until then the cache is off);
    a field added to RawFinding or Fact must be one JSON keeps as it is."""
    assert codec.CODEC_COMPLETE
    finding = {f.name: str(f.type) for f in dataclasses.fields(RawFinding)}
    assert finding.pop("check") == "Check"
    assert set(finding.values()) <= _SCALARS, finding
    fact = {f.name: str(f.type) for f in dataclasses.fields(Fact)}
    assert fact.pop("values") == "dict[str, str]" and fact.pop("lists") == "dict[str, tuple[str, ...]]"
    assert set(fact.values()) <= _SCALARS, fact
