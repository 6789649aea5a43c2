"""Self-contained HTML from Jinja2 templates: autoescape on, strict undefined, CSS inlined, nothing fetched.

The same template renders the screen report and the PDF's source (`media="print"`, which adds the
bundled fonts and the page size). Everything that came from the scanned project is escaped by Jinja2;
the few helpers below that return markup escape their input first.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from assess import paths
from assess.grades import GRADE_FLOORS, GRADES, PARTIAL_AT, PASS_AT, SEVERITY_CAP, band
from assess.models import SEVERITY_ORDER, AnswerResult, AssessmentResult, Finding, RuleDoc
from assess.redact import redact_text
from assess.report.history import HistoryPoint, history_points

MARKS = {
    "pass": ("✓", "pass"),
    "partial": ("◐", "partial"),
    "fail": ("✗", "fail"),
    "unknown": ("?", "unknown"),
}
SOURCES = {"user": "a person", "detected": "detected in code", "default": "default"}
PAGE_SIZES = ("A4", "Letter")
# SVG takes colours as attributes (WeasyPrint's SVG renderer does not read the page's CSS); same as report.css.
COLOURS = {
    "ink": "#1b2230",
    "muted": "#5b6475",
    "line": "#d9dde5",
    "accent": "#1f3a5f",
    "pass": "#1f7a4d",
    "partial": "#d99a2b",
    "fail": "#b3261e",
    "unknown": "#5b6475",
}
_BACKTICKS = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class ReportOptions:
    """What a rendering needs besides the result: earlier scores and the paper size."""

    history: Sequence[HistoryPoint] = field(default_factory=tuple)
    page_size: str = "A4"
    sarif_category: str | None = None  # --sarif-category (formats.py): the SARIF run's automationDetails.id


# --- filters: plain values in, plain text (or escaped markup) out ----------------------------------


def money(value: float | None) -> str:
    """$7,875 / $118 / $19.40: cents only where they matter."""
    if value is None:
        return "–"
    if value >= 100:
        return f"${value:,.0f}"
    return f"${value:,.2f}"


def duration(hours: float | None) -> str:
    if hours is None:
        return "no cap"
    if hours < 1:
        return f"{max(1, round(hours * 60))} minutes"
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"


def when(iso: str | None) -> str:
    """An ISO timestamp as `27 Nov 2026, 23:11 UTC`; anything unparsable is shown as given."""
    if not iso:
        return "–"
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
        return moment.strftime("%-d %b %Y, %H:%M UTC")
    return moment.strftime("%-d %b %Y, %H:%M")


def day(iso: str | None) -> str:
    return when(iso).split(",")[0]


def count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def code_spans(text: str) -> Markup:
    """Catalog prose with `backtick` spans shown as code; the text is escaped before any markup is added."""
    escaped = str(escape(text))
    return Markup(_BACKTICKS.sub(lambda m: f"<code>{m.group(1)}</code>", escaped))


def split_reference(ref: str) -> tuple[str | None, str]:
    """`https://x/y (note)` -> (`https://x/y`, `(note)`); only http(s) becomes a link."""
    url, _, rest = ref.strip().partition(" ")
    if re.fullmatch(r"https?://[^\s<>\"']+", url):
        return url, rest
    return None, ref


# --- derived views of the result ---------------------------------------------------------------------


@dataclass(frozen=True)
class ExcerptLine:
    number: int | None
    text: str
    hit: bool


def excerpt(finding: Finding) -> list[ExcerptLine]:
    """The redacted snippet as numbered lines; the finding's own line (the first) is the hit."""
    lines = redact_text(finding.snippet).splitlines() or [""]
    start = finding.line
    return [ExcerptLine(start + i if start is not None else None, text, hit=i == 0) for i, text in enumerate(lines)]


@dataclass(frozen=True)
class CheckGroup:
    """The findings of one check within a checklist item, with the check's documentation."""

    check: str
    rule: RuleDoc | None
    findings: list[Finding]
    framework_fixes: list[tuple[str, str]]  # (framework detected in the project, its example)


# A file's runtime, for fix examples keyed by it (checks/*/check.yaml `fix.frameworks`).
_RUNTIMES = {
    ".py": "Python",
    ".ipynb": "Jupyter",
    ".js": "Node.js",
    ".mjs": "Node.js",
    ".cjs": "Node.js",
    ".ts": "Node.js",
}


def _runtime(finding: Finding) -> str | None:
    path = (finding.path or "").lower()
    runtime = _RUNTIMES.get(path[path.rfind(".") :]) if "." in path else None
    if runtime == "Node.js" and finding.scope in ("frontend", "client", "mobile"):
        return None  # browser code: the framework's example, not the server runtime's
    return runtime


def check_groups(result: AssessmentResult, item_id: str) -> list[CheckGroup]:
    rules = {rule.id: rule for rule in result.rules}
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.checklist == item_id:
            grouped[finding.check].append(finding)
    groups = []
    for check, findings in grouped.items():
        rule = rules.get(check)
        examples = rule.fix_frameworks if rule else {}
        # the frameworks these findings sit in first, then their files' runtimes, then the project's frameworks
        detected = dict.fromkeys(
            [
                *(f.framework for f in findings if f.framework),
                *(runtime for f in findings if (runtime := _runtime(f))),
                *result.project.frameworks,
            ]
        )
        fixes = [(fw, examples[fw]) for fw in detected if fw in examples]
        groups.append(CheckGroup(check, rule, findings, fixes))
    return groups


def _point(score: float, radius: float, cx: float = 100, cy: float = 100) -> tuple[float, float]:
    angle = math.pi * (1 - score / 100)
    return round(cx + radius * math.cos(angle), 2), round(cy - radius * math.sin(angle), 2)


def _arc(start: float, end: float, radius: float) -> str:
    (x1, y1), (x2, y2) = _point(start, radius), _point(end, radius)
    return f"M {x1} {y1} A {radius} {radius} 0 0 1 {x2} {y2}"


@dataclass(frozen=True)
class Gauge:
    bands: list[tuple[str, str, str]]  # (svg path, status class, grade letter)
    track: str
    value_path: str | None
    needle: tuple[float, float, float, float]


def gauge(score: int) -> Gauge:
    """A half-circle gauge: the grade bands as an outer ring, the score as a filled arc and a needle."""
    floors = [*GRADE_FLOORS, ("", 100)]
    bands = [(_arc(lo, hi, 88), band(g)[1], g) for (g, lo), (_, hi) in itertools.pairwise(floors)]
    value = _arc(0, max(score, 0.5), 70) if score > 0 else None
    inner, outer = _point(score, 60), _point(score, 92)
    return Gauge(bands, _arc(0, 100, 70), value, (*inner, *outer))


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    line: str
    points: list[tuple[float, float, HistoryPoint, bool]]  # x, y, point, is the current result
    grid: list[tuple[float, int]]


def history_chart(points: Sequence[HistoryPoint], current: str, width: int = 560, height: int = 150) -> Chart | None:
    if len(points) < 2:
        return None
    left, right, top, bottom = 36, 16, 12, 28
    step = (width - left - right) / (len(points) - 1)
    placed = []
    for i, p in enumerate(points):
        x = round(left + i * step, 1)
        y = round(top + (100 - p.score) / 100 * (height - top - bottom), 1)
        placed.append((x, y, p, p.generated_at == current))
    grid = [(round(top + (100 - s) / 100 * (height - top - bottom), 1), s) for s in (0, 50, 100)]
    return Chart(width, height, " ".join(f"{x},{y}" for x, y, _, _ in placed), placed, grid)


def most_serious(findings: Sequence[Finding], limit: int = 3) -> list[Finding]:
    """The worst open findings, one per check, so three lines name three different problems."""
    rank = {sev: i for i, sev in enumerate(SEVERITY_ORDER)}
    chosen: dict[str, Finding] = {}
    for finding in sorted(findings, key=lambda f: rank.get(f.severity, len(rank))):
        chosen.setdefault(finding.check, finding)
    return list(chosen.values())[:limit]


def answers_by_item(answers: Sequence[AnswerResult]) -> dict[str | None, list[AnswerResult]]:
    grouped: dict[str | None, list[AnswerResult]] = defaultdict(list)
    for answer in answers:
        grouped[answer.checklist].append(answer)
    return grouped


# --- rendering ---------------------------------------------------------------------------------------


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
    env.filters.update(money=money, duration=duration, when=when, day=day, code_spans=code_spans)
    env.globals.update(count=count, split_reference=split_reference, excerpt=excerpt, band=band)
    return env


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@cache
def _css(*names: str) -> str:
    """The stylesheets to inline, without their comments (they are for whoever edits templates/)."""
    text = "\n".join((paths.templates_dir() / name).read_text(encoding="utf-8") for name in names)
    return "\n".join(line for line in _CSS_COMMENT.sub("", text).splitlines() if line.strip())


def report_context(result: AssessmentResult, media: str, options: ReportOptions | None = None) -> dict[str, Any]:
    options = options or ReportOptions()
    if options.page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}")
    open_findings = [f for f in result.findings if not f.suppressed]
    history = history_points(result, options.history)
    return {
        "r": result,
        "media": media,
        "css": _css("report.css", "screen.css") if media == "screen" else _css("report.css", "pdf.css"),
        "page_size": options.page_size,
        "marks": MARKS,
        "colours": COLOURS,
        "svg_font": "Assess Sans, DejaVu Sans, Arial, sans-serif",
        "sources": SOURCES,
        "open_findings": open_findings,
        "critical": sum(1 for f in open_findings if f.severity == "critical"),
        "serious": most_serious(open_findings),
        "groups": {item.id: check_groups(result, item.id) for item in result.checklist},
        "answers_by_item": answers_by_item(result.answers),
        "gauge": gauge(result.score),
        "band": band(result.grade),
        "history": history,
        "chart": history_chart(history, result.generated_at),
        "rule_titles": {rule.id: rule.title for rule in result.rules},
        "scoring": {"grades": GRADES, "caps": SEVERITY_CAP, "pass_at": PASS_AT, "partial_at": PARTIAL_AT},
        "spend_limit": next((a.value for a in result.answers if a.question == "spend-limit"), None),
    }


def render_html(result: AssessmentResult, media: str = "screen", options: ReportOptions | None = None) -> str:
    """The report as one HTML document. `media` is 'screen' or 'print' (the PDF's source)."""
    return _environment().get_template("report.html.j2").render(report_context(result, media, options))
