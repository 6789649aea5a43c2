"""Text fact regexes run behind a lookahead of their first characters: the same matches, found faster."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.catalog import load_catalog
from assess.scan.matching.regexstart import first_chars, with_start
from tests.conftest import REPO


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"@(?:functools\.)?(?:lru_cache|cache)\b|\bset_llm_cache\b", {"@", "s"}),
        (r"^(?P<TYPE>functions):\s*$", {"f"}),
        (r"[\"']use cache[\"']|\bcached\(", {'"', "'", "c"}),
        (r"(?m)^foo", {"f"}),
        (r"\w+", None),  # a category: too wide
        (r"(?i)abc", None),  # case folding reaches beyond ASCII
        (r"a?b", None),  # optional first item
        (r"\b", None),  # only an anchor: a zero-width match
    ],
)
def test_first_chars(regex: str, expected: set[str] | None) -> None:
    assert first_chars(regex) == expected


def _text_regexes() -> list[str]:
    return [v.regex for fact in load_catalog().facts.values() for v in fact.text]


def test_every_text_regex_of_the_catalog_finds_the_same_in_every_fixture() -> None:
    texts = [
        p.read_text(encoding="utf-8", errors="replace")
        for folder in (REPO / "checks", REPO / "assess" / "demo" / "project")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.stat().st_size < 200_000
    ]
    regexes = _text_regexes()
    assert sum(first_chars(r, re.M) is not None for r in regexes) >= 3  # the lookahead is used at all
    for regex in regexes:
        plain, fast = re.compile(regex, re.M), with_start(regex, re.M)
        for text in texts:
            assert [m.group(0) for m in fast.finditer(text)] == [m.group(0) for m in plain.finditer(text)], regex


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="@s'\"cfunto._ (\n:lrdeKk", max_size=80))
def test_same_matches_on_any_text(text: str) -> None:
    for regex in (
        r"@(?:functools\.)?(?:lru_cache|cache)\b|\bset_llm_cache\b|[\"']use cache[\"']|\bcached\(",
        r"^(?P<TYPE>functions):\s*$",
    ):
        plain, fast = re.compile(regex, re.M), with_start(regex, re.M)
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
