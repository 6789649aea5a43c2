"""--baseline: which findings are known. Appended comments, edits elsewhere on the line and moved lines
keep a finding known; a second finding, or a different key on the same line, is new."""

from __future__ import annotations

import pytest

from assess.baseline import Baseline, mark_new, strip_trailing_comment
from assess.models import Finding
from assess.scan.matching.engine import fingerprint


def finding(snippet: str, line: int = 3, check: str = "sdk-in-browser", path: str = "web/src/a.ts") -> Finding:
    return Finding(
        id=fingerprint(check, path, snippet, 0),  # as the engine makes it
        check=check,
        checklist="backend-proxy",
        severity="high",
        path=path,
        line=line,
        message="m",
        snippet=snippet,
    )


def new_flags(before: list[Finding], after: list[Finding]) -> list[bool]:
    marked, _ = mark_new(after, Baseline("b.json", tuple(before)))
    return [f.new for f in marked]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("dangerouslyAllowBrowser: true, // TODO move to the server", "dangerouslyAllowBrowser: true,"),
        ("client = OpenAI()  # assess: ignore[sdk-in-browser]", "client = OpenAI()"),
        ("x = 1 /* later */", "x = 1"),
        ('url = "https://api.openai.com/v1"  # the host', 'url = "https://api.openai.com/v1"'),
        ("const k = 'a # b'; // c", "const k = 'a # b';"),
        ("this.#client = new OpenAI()", "this.#client = new OpenAI()"),
        ("base: https://api.example.com", "base: https://api.example.com"),
        ('s = "unclosed # quote', 's = "unclosed # quote'),
        ("<script> <!-- old -->", "<script>"),
    ],
)
def test_trailing_comments_are_stripped_and_nothing_else(line: str, code: str) -> None:
    assert strip_trailing_comment(line) == code


def test_appending_a_comment_keeps_the_finding_known() -> None:
    before = [finding("dangerouslyAllowBrowser: true,")]
    after = [finding("dangerouslyAllowBrowser: true, // we proxy soon", line=9)]
    assert before[0].id != after[0].id, "the fingerprint changes: only the baseline's second key can match"
    assert new_flags(before, after) == [False]


def test_an_edit_elsewhere_on_the_line_keeps_the_finding_known() -> None:
    before = [finding("export const client = new OpenAI({ apiKey, dangerouslyAllowBrowser: true });")]
    after = [finding("export const openai = new OpenAI({ apiKey, dangerouslyAllowBrowser: true });", line=12)]
    assert new_flags(before, after) == [False]


def test_a_second_finding_on_a_copied_line_is_new() -> None:
    line = "dangerouslyAllowBrowser: true,"
    before = [finding(line)]
    after = [finding(line), finding(line + " // copy", line=20)]
    assert sorted(new_flags(before, after)) == [False, True]


def test_a_different_key_on_the_same_line_is_new() -> None:
    before = [finding('const KEY = "sk-proj…1a2b3c4d";', check="hardcoded-ai-key")]
    after = [finding('const KEY = "sk-proj…9f8e7d6c";', check="hardcoded-ai-key")]
    assert new_flags(before, after) == [True]


def test_an_unrelated_line_in_the_same_file_is_new() -> None:
    before = [finding("dangerouslyAllowBrowser: true,")]
    after = [finding("const c = new OpenAI({ dangerouslyAllowBrowser: flag })", line=30)]
    assert new_flags(before, after) == [True]


def test_counts_only_open_findings() -> None:
    before = [finding("a = OpenAI()")]
    after = [finding("a = OpenAI()"), finding("b = OpenAI()", line=8).model_copy(update={"suppressed": True})]
    _, info = mark_new(after, Baseline("b.json", tuple(before)))
    assert (info.new, info.known) == (0, 1)
