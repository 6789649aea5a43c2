"""The Markdown report: the first page's content for a PR comment, with everything from the project inert."""

from __future__ import annotations

import re

from assess.models import AssessmentResult
from assess.report.markdown import code, fenced, prose, render_markdown, text
from tests.report.conftest import fixed_result, hostile_result


def test_summary_checklist_fixes_and_findings() -> None:
    md = render_markdown(fixed_result())
    assert md.startswith("## AI cost-risk assessment: acme-chat\n")
    assert "**Score 38/100 · grade F (High risk)**" in md and "commit `0123456789ab`" in md
    assert "$7,875 per hour at Tier 5; your hard spend limit stops it after $5,000" in md
    assert "| ✗ fail | Move AI API calls to a backend proxy | 0 | 1 |" in md
    assert "| ? unknown | Monitor token usage by feature | – | – |" in md
    assert "1. **Move AI API calls to a backend proxy** (+20 points): Proxy it." in md
    assert "- **critical** `app/chat/client.tsx:12`: An AI SDK is allowed to run in the browser" in md
    assert "  ```tsx\n  dangerouslyAllowBrowser: true,\n  ```" in md
    assert "worker/legacy.py" not in md and "1 finding suppressed" in md


def test_demo_markdown_names_every_open_finding(demo_result: AssessmentResult) -> None:
    md = render_markdown(demo_result)
    for finding in demo_result.findings:
        if not finding.suppressed:
            assert f"`{finding.path}:{finding.line}`" in md
    assert "What a leaked key could cost" in md


def test_project_strings_cannot_inject() -> None:
    hostile = hostile_result()
    # the heading names the project by its folder: the hostile text is the last part of the path
    project = hostile.project.model_copy(update={"root": '/srv/ci/<b onmouseover="x">acme<b> ](http:evil.example)'})
    md = render_markdown(hostile.model_copy(update={"project": project}))
    lines = md.splitlines()
    heading = lines[0]
    assert "<b" not in heading and "&lt;b onmouseover=&quot;x&quot;&gt;acme&lt;b&gt;" in heading
    assert "/srv/ci" not in heading
    assert "\\](http" in heading and "](http" not in heading.replace("\\](http", "")
    location = next(line for line in lines if line.startswith("- **critical**"))
    # the hostile path is one code span: its fence is longer than any backtick run inside
    match = re.match(r"- \*\*critical\*\* (`+)(.*?)\1:", location)
    assert match and "<img" in match.group(2) and len(match.group(1)) == 1
    fence_line = lines[lines.index(location) + 1].strip()
    assert fence_line.startswith("````"), "a ``` inside the snippet needs a longer fence"
    outside_code = re.sub(r"(`+).*?\1", "", "\n".join(lines[:3]))
    assert "<img" not in outside_code and "<script" not in outside_code


def test_escaping_helpers() -> None:
    assert text("[x](https://evil.example)") == "\\[x\\](https:\u200b//evil.example)"
    assert text("<img src=x>") == "&lt;img src=x&gt;"
    assert text("1. not a list") == "1\\. not a list" and text("# no heading") == "\\# no heading"
    assert text("a\nb\r\nc\x1b[31m") == "a b c \\[31m"
    assert text("www.example.com") == "www\u200b.example.com"
    assert code("a`b") == "``a`b``" and code("`x`") == "`` `x` ``"
    assert code("a|b", in_table=True) == "`a\\|b`"
    assert prose("Use `max_tokens=` <b>now</b>") == "Use `max_tokens=` &lt;b&gt;now&lt;/b&gt;"
    assert fenced("x = 1\n```\n", "a.py") == ["````python", "x = 1", "```", "````"]
    assert fenced("x", "weird.<script>")[0] == "```"
