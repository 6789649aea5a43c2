"""The rule gate skips only rules that cannot match: literals derived from a rule, and the same findings with it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.catalog import Catalog
from assess.scan import rulegate
from assess.scan.discover import discover_files
from assess.scan.engine import scan_files
from assess.scan.facts import gather_facts
from assess.scan.lexicon import Lexicon
from assess.scan.plan import ScanPlan
from assess.scan.rulegate import holds, literals, pattern_formula, regex_formula, rule_formula
from tests.conftest import REPO, copy_materialized


@pytest.mark.parametrize(
    ("regex", "formula"),
    [
        (
            r"\.(?:chat\.completions|completions)\.create$",
            ("&", (("|", (b".chat.completions", b".completions")), b".create")),
        ),
        (r"^max_tokens$", b"max_tokens"),
        (r"(?i:authorization|x-api-key)", None),  # case-insensitive: Unicode folding, no literal to rely on
        (r"(?i)openai", None),
        (r"retry(?:_if)?", b"retry"),  # an optional group requires nothing
        (r"a{0,3}bcd", b"bcd"),
        (r"foo bar", ("&", (b"foo", b"bar"))),  # split at whitespace: script blocks are parsed with markup blanked
        (r"ab", None),  # shorter than 3 characters: in nearly every file
        (r"import\s+tenacity", ("&", (b"import", b"tenacity"))),
        (r"(?<name>x)", None),  # Rust-only syntax: unparsed, so no requirement
        (r"[", None),
    ],
)
def test_regex_formula(regex: str, formula: object) -> None:
    assert regex_formula(regex) == formula


def test_pattern_formula_skips_metavariables_and_comments() -> None:
    assert pattern_formula("$CLIENT.chat.completions.create($$$ARGS)") == ("&", (b"chat", b"completions", b"create"))
    assert pattern_formula("foo($A) // note") is None


def test_rule_formula_combines_fields_relations_and_utils() -> None:
    config = {
        "rule": {
            "kind": "call",
            "has": {"field": "function", "regex": r"\.create$"},
            "any": [{"matches": "openai"}, {"pattern": "anthropic.messages.create($$$)"}],
            "not": {"regex": "max_tokens"},
        },
        "utils": {"openai": {"inside": {"stopBy": "end", "regex": "OpenAI"}}},
    }
    formula = rule_formula(config)
    lexicon = Lexicon.of(literals(formula))

    def gate(data: bytes) -> bool:
        return holds(formula, lexicon.find(data))

    assert gate(b"x = OpenAI(); x.create()")
    assert not gate(b"x.create()")  # neither OpenAI nor anthropic
    assert not gate(b"OpenAI anthropic")  # no create
    # `not` never requires anything
    assert gate(b"OpenAI x.create max_tokens")


def _scan(root: Path, catalog: Catalog) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    discovery = discover_files(root, include_vendored=True)
    out = scan_files(discovery.files, ScanPlan.build(catalog), gather_facts(discovery.files), 5_000_000)
    findings = [(f.check.id, f.rel, f.line, f.column, f.snippet, f.fingerprint) for f in out.findings]
    return findings, [dataclasses.astuple(f) for f in out.all_facts()]


def test_the_gate_changes_nothing_on_every_fixture(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_materialized(REPO / "checks", tmp_path / "checks")
    copy_materialized(REPO / "assess" / "demo" / "project", root / "_demo")
    gated = _scan(root, catalog)
    skipped = 0
    real = rulegate.RuleGate.may_match

    def count(self: rulegate.RuleGate, config: object, found: frozenset[bytes]) -> bool:
        nonlocal skipped
        skipped += not real(self, config, found)  # type: ignore[arg-type]
        return True

    monkeypatch.setattr(rulegate.RuleGate, "may_match", count)
    assert _scan(root, catalog) == gated
    assert gated[0] and gated[1], "fixtures produce findings and facts"
    assert skipped > 0, "the gate had rules to skip"


_WORDS = [b"openai", b"create", b"retry", b"limit", b"anthropic"]
_formulas = st.recursive(
    st.none() | st.sampled_from(_WORDS),
    lambda inner: st.tuples(st.sampled_from(["&", "|"]), st.lists(inner, min_size=1, max_size=4).map(tuple)),
    max_leaves=12,
)


def _by_definition(formula: object, found: frozenset[bytes]) -> bool:
    """The formula read as written: None holds, a literal must be found, then AND / OR of the parts."""
    if formula is None:
        return True
    if isinstance(formula, bytes):
        return formula in found
    op, parts = formula  # type: ignore[misc]
    answers = [_by_definition(p, found) for p in parts]
    return all(answers) if op == "&" else any(answers)


@settings(max_examples=300, deadline=None)
@given(formula=_formulas, found=st.frozensets(st.sampled_from(_WORDS)))
def test_the_hot_loop_form_of_a_formula_answers_as_the_formula(formula: object, found: frozenset[bytes]) -> None:
    assert holds(formula, found) == _by_definition(formula, found)  # type: ignore[arg-type]
