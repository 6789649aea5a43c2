"""Self-contained HTML from Jinja2 templates: autoescape on, strict undefined, CSS inlined, nothing fetched.

The same template renders the screen report and the PDF's source (`media="print"`, which adds the
bundled fonts and the page size). Everything that came from the scanned project is escaped by Jinja2;
the few helpers below that return markup escape their input first.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from assess import paths
from assess.grades import GRADE_FLOORS, GRADES, PARTIAL_AT, PASS_AT, SEVERITY_CAP, band, score_line
from assess.models import SEVERITY_ORDER, AnswerResult, AssessmentResult, ChecklistResult, Finding, RuleDoc
from assess.redact import redact_text
from assess.report.history import HistoryPoint, history_points
from assess.verify import LABELS as VERIFY_LABELS
from assess.verify import headline
from assess.visible import visible

MARKS = {
    "pass": ("✓", "pass"),
    "partial": ("◐", "partial"),
    "fail": ("✗", "fail"),
    "unknown": ("?", "unknown"),
    "not-applicable": ("–", "not applicable"),
}
SOURCES = {
    "user": "a person",
    "detected": "detected in code",
    "default": "default",
    **{f"verified:{name}": f"verified at {label}" for name, label in VERIFY_LABELS.items()},
}
PAGE_SIZES = ("A4", "Letter")
# the PDF's length: one compact block per checklist item (quick), or every finding with its code (full)
PDF_DETAILS = ("quick", "full")
TOP_FINDINGS = 3  # findings shown in an item's compact block; the rest are counted
EXAMPLE_LINES = 6  # lines of a fix example in an item's compact block
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
    "not-applicable": "#5b6475",
}
_BACKTICKS = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class ReportOptions:
    """What a rendering needs besides the result: earlier scores, the paper size and the PDF's length."""

    history: Sequence[HistoryPoint] = field(default_factory=tuple)
    page_size: str = "A4"
    pdf_detail: str = "quick"  # one of PDF_DETAILS; the HTML always holds everything, folded
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


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`\"“(])")


def first_sentence(text: str) -> str:
    """The text up to its first full stop that ends a sentence: an item's 'why' in one line."""
    return _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]


def one_line(text: str, limit: int = 120) -> str:
    """A finding's message as one short line: its first sentence, cut at a word with '…' past `limit`."""
    sentence = first_sentence(text)
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut).rstrip(",;:( ") + "…"


def short_path(path: str | None, limit: int = 56) -> str:
    """A long path as its first folder, '…' and as many trailing parts as fit: for the printed summaries."""
    if path is None:
        return "(project)"
    if len(path) <= limit:
        return path
    parts = path.split("/")
    tail: list[str] = []
    for part in reversed(parts[1:]):
        if len(parts[0]) + 3 + len("/".join([part, *tail])) > limit and tail:
            break
        tail.insert(0, part)
    return f"{parts[0]}/…/{'/'.join(tail)}"


def finding_line(finding: Finding) -> str:
    """A finding's message cut to what fits one printed line beside its severity and (short) location."""
    location = f"{short_path(finding.path)}:{finding.line or ''}"
    return one_line(redact_text(finding.message), max(36, 90 - len(location)))


def _names(key: str) -> set[str]:
    """The frameworks a fix example is written for: 'Vite / React' is for Vite and for React."""
    return {part.strip().lower() for part in key.split("/") if part.strip()}


def framework_examples(examples: dict[str, str], detected: Sequence[str]) -> list[tuple[str, str]]:
    """(framework detected, its example) for every detected framework an example is written for, each
    example once, in the order of `detected`."""
    chosen: dict[str, tuple[str, str]] = {}
    for name in detected:
        key = next((k for k in examples if name.lower() in _names(k)), None)
        if key is not None and key not in chosen:
            chosen[key] = (name, examples[key])
    return list(chosen.values())


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
        groups.append(CheckGroup(check, rule, findings, framework_examples(examples, list(detected))))
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


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


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
    points = [p for p in points if p.score is not None]  # runs that were not assessed have no place on it
    if len(points) < 2:
        return None
    left, right, top, bottom = 36, 16, 12, 28
    step = (width - left - right) / (len(points) - 1)
    placed = []
    for i, p in enumerate(points):
        x = round(left + i * step, 1)
        y = round(top + (100 - (p.score or 0)) / 100 * (height - top - bottom), 1)
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


def top_findings(findings: Sequence[Finding], limit: int = TOP_FINDINGS) -> list[Finding]:
    """The worst open findings, different checks first, then the next worst of any check."""
    rank = {sev: i for i, sev in enumerate(SEVERITY_ORDER)}
    ordered = sorted((f for f in findings if not f.suppressed), key=lambda f: rank.get(f.severity, len(rank)))
    distinct: list[Finding] = []
    rest: list[Finding] = []
    for finding in ordered:
        (rest if any(f.check == finding.check for f in distinct) else distinct).append(finding)
    return sorted((distinct + rest)[:limit], key=ordered.index)


@dataclass(frozen=True)
class Example:
    """One fix example for a framework detected in the project, cut to a few lines for the compact block."""

    framework: str
    check_title: str
    code: str
    cut: int  # lines left out


@dataclass(frozen=True)
class ItemView:
    """A checklist item as its compact block: why in one sentence, its worst findings, the fix and the answers."""

    item: ChecklistResult
    why: str
    top: list[Finding]
    more: int  # open findings not in `top`
    suppressed: int
    groups: list[CheckGroup]
    example: Example | None
    answers: list[AnswerResult]
    severities: list[str]  # of its open findings, worst first (the HTML's filter)

    @property
    def folded(self) -> bool:
        """Passed and not-applicable items go last, folded (as Lighthouse folds its passed audits)."""
        return self.item.status in ("pass", "not-applicable") and not self.top


def _first_example(groups: Sequence[CheckGroup], top: Sequence[Finding]) -> Example | None:
    order = {f.check: i for i, f in enumerate(top)}
    for group in sorted(groups, key=lambda g: order.get(g.check, len(order))):
        if group.rule and group.framework_fixes:
            framework, code = group.framework_fixes[0]
            lines = code.rstrip().splitlines()
            shown = "\n".join(lines[:EXAMPLE_LINES])
            return Example(framework, group.rule.title, shown, max(0, len(lines) - EXAMPLE_LINES))
    return None


def item_views(result: AssessmentResult, groups: dict[str, list[CheckGroup]]) -> list[ItemView]:
    """Every checklist item as a compact block: items that need work in checklist order, then the passed ones."""
    answers = answers_by_item(result.answers)
    views = []
    for item in result.checklist:
        findings = [f for f in result.findings if f.checklist == item.id]
        open_findings = [f for f in findings if not f.suppressed]
        top = top_findings(open_findings)
        severities = [s for s in SEVERITY_ORDER if any(f.severity == s for f in open_findings)]
        views.append(
            ItemView(
                item=item,
                why=first_sentence(item.why),
                top=top,
                more=len(open_findings) - len(top),
                suppressed=len(findings) - len(open_findings),
                groups=groups[item.id],
                example=_first_example(groups[item.id], top),
                answers=answers.get(item.id, []),
                severities=severities,
            )
        )
    return [v for v in views if not v.folded] + [v for v in views if v.folded]


@dataclass(frozen=True)
class CheckRun:
    id: str
    title: str
    findings: int  # open findings of this check in the result


_CHECK_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,80}")


@cache
def _catalog_title(check: str) -> str | None:
    """A check's title from its check.yaml; the id comes from a result file, so it is checked first."""
    if not _CHECK_ID.fullmatch(check):
        return None
    try:
        text = (paths.checks_dir() / check / "check.yaml").read_text(encoding="utf-8")
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError):
        return None
    title = data.get("title") if isinstance(data, dict) else None
    return title if isinstance(title, str) else None


def checks_run(result: AssessmentResult) -> list[CheckRun]:
    """Each check that ran, with its title: from the result when it reported, else from the catalog."""
    titles = {rule.id: rule.title for rule in result.rules}
    counts: dict[str, int] = defaultdict(int)
    for finding in result.findings:
        if not finding.suppressed:
            counts[finding.check] += 1
    runs = [CheckRun(c, titles.get(c) or _catalog_title(c) or c, counts.get(c, 0)) for c in result.checks_run]
    return sorted(runs, key=lambda run: (run.findings == 0, run.title.lower()))


def answers_by_item(answers: Sequence[AnswerResult]) -> dict[str | None, list[AnswerResult]]:
    grouped: dict[str | None, list[AnswerResult]] = defaultdict(list)
    for answer in answers:
        grouped[answer.checklist].append(answer)
    return grouped


# --- rendering ---------------------------------------------------------------------------------------


def _shown(value: object) -> object:
    """Every value a template prints: control and format characters (bidi overrides) shown as escapes."""
    if isinstance(value, Markup):
        return Markup(visible(str(value), keep="\n\r\t"))
    if isinstance(value, str):
        return visible(value, keep="\n\r\t")
    return value


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(paths.templates_dir())),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_shown,
    )
    # defence in depth: snippets are redacted at scan time, and again on the way out
    env.filters["redact"] = redact_text
    env.filters.update(short_path=short_path, money=money, duration=duration, when=when, day=day, code_spans=code_spans)
    env.globals.update(count=count, split_reference=split_reference, excerpt=excerpt, band=band)
    env.globals.update(one_line=one_line, finding_line=finding_line)
    return env


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@cache
def _css(*names: str) -> str:
    """The stylesheets to inline, without their comments (they are for whoever edits templates/)."""
    text = "\n".join((paths.templates_dir() / name).read_text(encoding="utf-8") for name in names)
    return "\n".join(line for line in _CSS_COMMENT.sub("", text).splitlines() if line.strip())


@cache
def _script() -> str:
    """The HTML's one inline script (the filter and folding), allowed by its hash in the page's CSP."""
    return (paths.templates_dir() / "report.js").read_text(encoding="utf-8").strip()


def inline_css(media: str) -> str:
    """The CSS the page of this media carries in its <style> (the PDF renderer reuses it parsed)."""
    return _css("report.css", "screen.css") if media == "screen" else _css("report.css", "pdf.css")


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def report_context(result: AssessmentResult, media: str, options: ReportOptions | None = None) -> dict[str, Any]:
    options = options or ReportOptions()
    if options.page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}")
    if options.pdf_detail not in PDF_DETAILS:
        raise ValueError(f"PDF detail must be one of {', '.join(PDF_DETAILS)}")
    open_findings = [f for f in result.findings if not f.suppressed]
    history = history_points(result, options.history)
    groups: dict[str, list[CheckGroup]] = {item.id: check_groups(result, item.id) for item in result.checklist}
    script = _script() if media == "screen" else ""
    return {
        "r": result,
        "media": media,
        "css": inline_css(media),
        "page_size": options.page_size,
        "marks": MARKS,
        "colours": COLOURS,
        "svg_font": "Assess Sans, DejaVu Sans, Arial, sans-serif",
        "sources": SOURCES,
        "verified": [headline(v) for v in result.verifications],
        "open_findings": open_findings,
        "critical": sum(1 for f in open_findings if f.severity == "critical"),
        "serious": most_serious(open_findings),
        "groups": groups,
        "items": item_views(result, groups),
        "checks_run": checks_run(result),
        # print: the PDF, quick (compact blocks) or full; screen: the HTML, everything there and folded
        "detail": options.pdf_detail if media == "print" else "screen",
        "script": script,
        "script_hash": _sha256(script),
        "severities": SEVERITY_ORDER,
        "answers_by_item": answers_by_item(result.answers),
        "gauge": gauge(result.score) if result.score is not None else None,
        "score_text": _sentence(score_line(result.score, result.grade, result.coverage.note)),
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
