"""Self-contained HTML from Jinja2 templates: autoescape on, strict undefined, CSS inlined, no URLs."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from assess import paths
from assess.models import AssessmentResult, Finding
from assess.scan.redact import redact_text

MARKS = {
    "pass": ("✓", "pass"),
    "partial": ("◐", "partial"),
    "fail": ("✗", "fail"),
    "unknown": ("?", "unknown"),
}


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(paths.templates_dir())),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # defence in depth: snippets are redacted at scan time, and again on the way out
    env.filters["redact"] = redact_text
    return env


def report_context(result: AssessmentResult, media: str) -> dict[str, Any]:
    by_item: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_item[finding.checklist].append(finding)
    answers_by_item = defaultdict(list)
    for answer in result.answers:
        answers_by_item[answer.checklist].append(answer)
    css = (paths.templates_dir() / "report.css").read_text(encoding="utf-8")
    return {
        "r": result,
        "media": media,
        "css": css,
        "marks": MARKS,
        "findings_by_item": by_item,
        "answers_by_item": answers_by_item,
        "rules": {rule.id: rule for rule in result.rules},
    }


def render_html(result: AssessmentResult, media: str = "screen") -> str:
    """The report as one HTML document. `media` is 'screen' or 'print' (the PDF's source)."""
    return _environment().get_template("report.html.j2").render(report_context(result, media))
