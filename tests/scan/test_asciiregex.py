"""Rule regexes are spelled in ASCII before ast-grep compiles them (a Unicode \\w costs ~30x to compile)."""

from __future__ import annotations

import re

import pytest

from assess.catalog import load_catalog
from assess.scan.matching.asciiregex import ascii_regex, ascii_rules, without_prefilter

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
    spelled = [r.removeprefix(PREFIX) for r in found]  # the prefix's class is every character: Unicode on purpose
    assert [r for r in spelled if unicode_classes.search(r)] == []
    assert sum(r.startswith(PREFIX) for r in found) > 20  # many-literal searches go without a prefilter


PREFIX = "^[\\s\\S]*?(?:"

WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"  # 13 literals

# unanchored searches that start with many literals (25 or more): 5[0-9][0-9] is ten, (?i) doubles each letter
ALTERNATIONS = [
    r"429|5[0-9][0-9]|\.ok|[Rr]ate.?[Ll]imit|[Tt]oo.?[Mm]any",
    r"(?i)count|\bused\b|usage|limit",
    r"(?i)throttl|rate.?limit",
    r"^(?:fetch|axios)$|(?:^|\.)(?:" + WORDS + ")$",  # only its first alternative is anchored
    r"(?:Async)?(?:" + WORDS + ")x",
    WORDS + "|" + WORDS.upper() + "$",
    r"x\||y|z|w|[0-9][0-9]",
]


@pytest.mark.parametrize("regex", ALTERNATIONS)
def test_a_long_alternation_is_anchored_after_anything_and_matches_the_same_texts(regex: str) -> None:
    after = without_prefilter(regex)
    assert after == PREFIX + regex + ")"
    samples = [
        "",
        "429",
        "HTTP 503",
        "x.ok",
        "rate-limit",
        "RateLimit",
        "TOO MANY",
        "too many",
        "used",
        "reused",
        "USAGE",
        "d",
        "d\n",
        "ad",
        "x|",
        "|",
        "z",
        "nothing",
        "Count\nusage",
        "a\nb",
        "fetch",
        "a.fetch",
        "x.three",
        "three",
        "Asynctwox",
        "twox",
        "ELEVEN",
        "seven\n",
        "throttled",
        "12",
    ]
    modelled = after.replace("(?:(?i)", "(?i:")  # Rust scopes a flag to its group; Python wants it spelled so
    for text in samples:
        assert bool(re.search(regex, text)) == bool(re.search(modelled, text)), (regex, text)


# anchored in every alternative, or a prefilter of a few literals: it costs less to build than the prefix
KEPT = [
    r"^(?:get|post|put|patch)$",
    r"(?i)^(?:" + WORDS + ")",
    r"^a|^b|(?:^x|^y)",
    r"(?i)^a|b|c|d",
    r"a|b|c|d$",
    r"[Mm]odel|[Ee]ngine|[Pp]rovider|[Ff]allback",
    r"\.(?:shift|pop|dequeue|get|put|push|unshift|add)$",
    r".*(?:" + WORDS + ")",  # no literal starts it
    "abc",
]


@pytest.mark.parametrize("regex", KEPT)
def test_anchored_or_few_literal_regexes_keep_their_prefilter(regex: str) -> None:
    assert without_prefilter(regex) == regex


def test_a_regex_python_cannot_read_is_judged_by_its_alternatives() -> None:
    # Python never turns the Unicode flag off: Rust's (?-u:...) is the estimate's way out on every version
    assert without_prefilter(r"(?-u:a)|b|c|d") == PREFIX + r"(?-u:a)|b|c|d" + ")"
    assert without_prefilter(r"(?-u:a)|b") == r"(?-u:a)|b"
