"""Rule regexes are spelled in ASCII before ast-grep compiles them (a Unicode \\w costs ~30x to compile)."""

from __future__ import annotations

import re

import pytest

from assess.catalog import load_catalog
from assess.scan.matching.asciiregex import ascii_regex, ascii_rules

CASES = [
    (r"^\w+$", "^[0-9A-Za-z_]+$"),
    (r"[\w.]+", "[0-9A-Za-z_.]+"),
    (r"[^\s]", r"[^\t\n\x0B\f\r ]"),
    (r"\d{2,}\s*", r"[0-9]{2,}[\t\n\x0B\f\r ]*"),
    (r"[]\w]", "[]0-9A-Za-z_]"),  # a ] right after [ is a literal, the class goes on
    (r"\\w", r"\\w"),  # an escaped backslash then a literal w
    (r"\.(?:limit|consume)$", r"\.(?:limit|consume)$"),
    (r"\bfoo\W", r"\bfoo\W"),
]


@pytest.mark.parametrize(("regex", "expected"), CASES)
def test_ascii_spelling(regex: str, expected: str) -> None:
    assert ascii_regex(regex) == expected


@pytest.mark.parametrize(("regex", "_expected"), CASES)
def test_same_matches_on_ascii_text(regex: str, _expected: str) -> None:
    samples = ["foo", "foo_bar9", " ", "a.b", "]", "\\w", "12 ", "\t", ".limit", "foo!", "x]y"]
    before = re.compile(regex, re.ASCII)
    after = re.compile(ascii_regex(regex))
    for text in samples:
        assert bool(before.search(text)) == bool(after.search(text)), (regex, text)


def test_nested_configs_are_rewritten_and_only_regex_keys() -> None:
    config = {"rule": {"pattern": r"f(\w)", "has": {"regex": r"\w+", "any": [{"regex": r"\d"}]}}}
    assert ascii_rules(config) == {
        "rule": {"pattern": r"f(\w)", "has": {"regex": "[0-9A-Za-z_]+", "any": [{"regex": "[0-9]"}]}}
    }


def _regexes(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "regex" and isinstance(v, str)] + [
            r for v in node.values() for r in _regexes(v)
        ]
    if isinstance(node, list):
        return [r for v in node for r in _regexes(v)]
    return []


def test_the_loaded_catalog_holds_no_unicode_classes() -> None:
    catalog = load_catalog()
    configs = [rule for check in catalog.checks.values() for rule in check.rules.values()]
    configs += [v.rule for fact in catalog.facts.values() for v in (*fact.python, *fact.javascript)]
    found = [r for c in configs for r in _regexes(c)]
    assert len(found) > 50  # the catalog's rules do use regexes: this test sees them
    unicode_classes = re.compile(r"(?<!\\)(?:\\\\)*\\[wds]")
    assert [r for r in found if unicode_classes.search(r)] == []
