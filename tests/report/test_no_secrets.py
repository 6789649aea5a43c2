"""No full key in any rendering of the demo (whose files hold generated fake keys), and old or sparse
results still render."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assess.models import AssessmentResult
from assess.report.html import render_html
from assess.report.markdown import render_markdown
from tests.report.conftest import RenderedPdf, fixed_result

KEY = re.compile(r"\b(?:sk-(?:proj-|ant-api03-)?)[A-Za-z0-9_\-]{20,}")


def _demo_keys(root: Path) -> set[str]:
    keys: set[str] = set()
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_size < 200_000:
            keys.update(KEY.findall(path.read_text(encoding="utf-8", errors="replace")))
    return keys


def test_no_full_key_in_html_pdf_or_markdown(
    demo_root: Path, demo_result: AssessmentResult, demo_pdf: RenderedPdf
) -> None:
    keys = _demo_keys(demo_root)
    assert len(keys) >= 2, "the demo should hold generated keys to hide"
    outputs = {
        "html": render_html(demo_result),
        "markdown": render_markdown(demo_result),
        "pdf": demo_pdf.text,
    }
    for name, text in outputs.items():
        for key in keys:
            assert key not in text, f"a full key is in the {name} report"
            assert key[8:-8] not in text, f"the secret middle of a key is in the {name} report"


@pytest.mark.parametrize("render", [render_html, render_markdown])
def test_a_result_without_exposure_findings_or_fixes_renders(render: object) -> None:
    sparse = fixed_result(exposure=None, findings=[], top_fixes=[], answers=[], rules=[])
    text = render(sparse)  # type: ignore[operator]
    assert "acme-chat" in text
    if render is render_html:
        assert "no estimate was made" in text and "No question of this item was answered." in text
        assert "Nothing fails or is partial" in text
    else:
        assert "No open findings in the code." in text


def test_unknown_tier_range_on_the_first_page() -> None:
    import datetime as dt

    from assess.cost import estimate

    exposure = estimate(["OpenAI"], ["gpt-4o"], {}, dt.date(2026, 11, 27))
    html = render_html(fixed_result(exposure=exposure))
    assert "$7.88 – $7,875" in html and "Usage tier not given: Tier 1 to Tier 5" in html
    md = render_markdown(fixed_result(exposure=exposure))
    assert "| Tier 1 | $7.88 |" in md and "| Tier 5 | $7,875 |" in md
