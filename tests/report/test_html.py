"""The HTML report: self-contained, inert with hostile input, and stable (a golden snapshot)."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assess import paths
from assess.models import AssessmentResult
from assess.report.history import HistoryPoint, history_points, load_history
from assess.report.html import ReportOptions, money, render_html
from assess.report.json_report import render_json
from tests.report.conftest import FIXED_AT, HOSTILE_PATH, fixed_result, hostile_result

GOLDEN = Path(__file__).parent / "golden" / "fixed_report.html"
UPDATE_ENV = "ASSESS_UPDATE_GOLDEN"  # ASSESS_UPDATE_GOLDEN=1 pytest tests/report rewrites the snapshot


class _Collector(HTMLParser):
    """Every tag, every URL-bearing attribute (with the tag's class), and the style text."""

    URL_ATTRS = frozenset(
        {"src", "href", "srcset", "action", "formaction", "data", "poster", "xlink:href", "background"}
    )

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []  # (tag, class, value)
        self.styles: list[str] = []
        self.metas: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self._in_style = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "meta":
            self.metas.append(values)
        for name, value in attrs:
            if name in self.URL_ATTRS and value is not None:
                self.urls.append((tag, values.get("class") or "", value))
            if name == "style" and value:
                self.styles.append(value)
        self._in_style = tag == "style"
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_style = self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        if self._in_script:
            self.scripts[-1] += data


def collect(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    return parser


def assert_self_contained(html: str, result: AssessmentResult) -> None:
    """Nothing is loaded: no src, no stylesheet link, no url() or @import; the only external hrefs are the
    checks' own "learn more" references (http/https, class="ref"), which a browser opens only on a click."""
    page = collect(html)
    assert "link" not in page.tags and "img" not in page.tags
    # one script: the bundled filter, inline, allowed by its hash (never 'unsafe-inline'), loading nothing
    bundled = (paths.templates_dir() / "report.js").read_text(encoding="utf-8").strip()
    assert page.scripts == [bundled]
    assert "fetch(" not in bundled and "XMLHttpRequest" not in bundled and "localStorage" not in bundled
    digest = base64.b64encode(hashlib.sha256(bundled.encode()).digest()).decode()
    assert "iframe" not in page.tags and "object" not in page.tags and "embed" not in page.tags
    references = {ref.split(" ", 1)[0] for rule in result.rules for ref in rule.references}
    for tag, css_class, value in page.urls:
        if value.startswith("#"):
            continue
        assert (tag, css_class) == ("a", "ref"), f"external URL outside the references: <{tag} {value!r}>"
        assert value in references and re.match(r"https?://", value)
    for style in page.styles:
        assert "url(" not in style and "@import" not in style
    csp = next(m for m in page.metas if (m.get("http-equiv") or "").lower() == "content-security-policy")
    assert "default-src 'none'" in (csp.get("content") or "")
    assert f"script-src 'sha256-{digest}'" in (csp.get("content") or "")
    assert "'unsafe-inline'" not in (csp.get("content") or "").split("script-src", 1)[1]


def test_report_loads_nothing_external(demo_result: AssessmentResult) -> None:
    assert_self_contained(render_html(demo_result), demo_result)


def test_hostile_project_strings_stay_text() -> None:
    result = hostile_result()
    html = render_html(result)
    assert_self_contained(html, result)
    page = collect(html)
    assert "b" not in page.tags, "a <b> from the project root or endpoint was not escaped"
    assert "&lt;img src=&#34;http://example.com/x.png&#34;&gt;" in html  # shown, as text
    assert "&lt;script&gt;" in html and "<script>fetch" not in html and len(page.scripts) == 1
    assert "onerror=alert(1)" not in [v for _, _, v in page.urls]
    assert HOSTILE_PATH not in html  # only its escaped form
    assert "javascript:" not in "".join(v for _, _, v in page.urls)


def test_first_page_content_and_marks() -> None:
    html = render_html(fixed_result())
    for glyph, word in (("✓", "pass"), ("◐", "partial"), ("✗", "fail"), ("?", "unknown")):
        assert re.search(rf'<span class="glyph" aria-hidden="true">{re.escape(glyph)}</span> {word}', html)
    assert 'aria-label="Score 38 out of 100, grade F: High risk"' in html
    assert money(7875) == "$7,875" and "$7,875" in html and "Your hard spend limit stops it after $5,000" in html
    assert "0123456789ab" in html and "20 Nov 2026, 09:30 UTC" in html and "9.9.9" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<html lang="en">' in html


def test_items_show_evidence_answers_and_framework_fix() -> None:
    html = render_html(fixed_result())
    assert "app/chat/client.tsx:12" in html
    assert '<span class="line hit"><span class="ln">12</span>dangerouslyAllowBrowser: true,</span>' in html
    assert "For Next.js (detected in this project)" in html and "app/api/chat/route.ts" in html
    assert "Contradiction: the answer given was “capped”" in html
    assert "suppressed in code" in html
    assert "detected in code" in html and "a person" in html
    assert "<code>dangerouslyAllowBrowser</code>" in html  # catalog backticks become code, escaped first


def test_golden_snapshot() -> None:
    html = render_html(fixed_result())
    if os.environ.get(UPDATE_ENV) == "1" or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(html, encoding="utf-8")
        if os.environ.get(UPDATE_ENV) != "1":
            pytest.fail(f"golden file created at {GOLDEN}; check it in and re-run")
    expected = GOLDEN.read_text(encoding="utf-8")
    assert html == expected, f"the HTML changed; if intended, re-run with {UPDATE_ENV}=1 and review the diff"


def test_history_section_and_trend(tmp_path: Path) -> None:
    older = fixed_result(generated_at="2026-10-01T08:00:00+00:00", score=12, grade="F")
    old = fixed_result(generated_at="2026-11-01T08:00:00+00:00", score=25, grade="F")
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "a.json").write_text(render_json(older))
    (tmp_path / "runs" / "b.json").write_text(render_json(old))
    (tmp_path / "current.json").write_text(render_json(fixed_result()))
    points = load_history([tmp_path / "runs", tmp_path / "current.json"])
    assert [p.score for p in history_points(fixed_result(), points)] == [12, 25, 38]
    html = render_html(fixed_result(), options=ReportOptions(history=tuple(points)))
    assert 'id="history"' in html and "Score history" in html
    assert "(+13)" in html and "this report" in html and "<polyline" in html
    assert 'id="history"' not in render_html(fixed_result())


def test_history_rejects_a_file_that_is_not_a_result(tmp_path: Path) -> None:
    from assess.errors import InputError

    (tmp_path / "x.json").write_text('{"not": "a result"}')
    with pytest.raises(InputError, match="not an assess result"):
        load_history([tmp_path])


def test_history_counts_this_result_once() -> None:
    same = HistoryPoint(FIXED_AT, 38, "F", None, 2)
    assert history_points(fixed_result(), [same]) == []


def test_fix_example_for_a_framework_listed_with_others() -> None:
    # 'Vite / React' is written for Vite: shown as Vite's example, never "none for ... Vite"
    base = fixed_result()
    rule = base.rules[0].model_copy(update={"fix_frameworks": {"Vite / React": "// call /api/chat instead"}})
    finding = base.findings[0].model_copy(update={"framework": None})
    project = base.project.model_copy(update={"frameworks": ["Express", "Vite"]})
    html = render_html(
        base.model_copy(update={"rules": [rule, *base.rules[1:]], "findings": [finding], "project": project})
    )
    assert "For Vite (detected in this project)" in html and "// call /api/chat instead" in html
    assert "none for" not in html


def test_checks_run_are_listed_by_title() -> None:
    html = render_html(fixed_result())
    # hardcoded-ai-key ran and found nothing: its title comes from the catalog
    assert re.search(r"An AI provider key is written into a file\s*<span class=\"check-id\">hardcoded-ai-key", html)
    assert "nothing found" in html


def test_findings_snippets_and_passed_items_are_folded() -> None:
    html = render_html(fixed_result())
    assert '<details class="finding finding-critical" data-severity="critical">' in html
    assert re.search(r'<details class="evidence">.*?<pre class="excerpt', html, re.S)
    assert '<details class="check-why">' in html
    passed = html[html.index('<details class="passed-items">') :]
    assert 'id="item-billing-alerts"' in passed and 'id="item-key-hygiene"' in passed
    assert 'id="item-backend-proxy"' not in passed
    assert '<form class="filter" id="filter" hidden' in html  # shown by the script, so no dead form without it
