"""Plain-text renderings for the terminal: the run summary, the catalog, one check explained.

Everything that came from a scanned project passes through `safe` first, so a path or snippet
carrying terminal escape sequences cannot repaint or retitle the user's terminal.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from assess.grades import score_line
from assess.models import AssessmentResult, Check, Question
from assess.visible import visible

if TYPE_CHECKING:
    from assess.catalog import Catalog  # the catalog is passed in: rendering it never loads it

MARKS = {
    "pass": "✓ pass   ",
    "partial": "◐ partial",
    "fail": "✗ fail   ",
    "unknown": "? unknown",
    "not-applicable": "– n/a    ",
}


def safe(text: str) -> str:
    """Control and format characters (ESC, CR, newline, bidi overrides...) shown as visible escapes, never
    sent to the terminal: a name cannot start a line of its own (a GitHub workflow command) or reorder one."""
    return visible(text)


def render_summary(result: AssessmentResult) -> str:
    head = f"assess {safe(result.project.root)}: {score_line(result.score, result.grade, safe(result.coverage.note))}"
    lines = [head]
    if result.score is not None:
        lines.append(f"  rests on: {safe(result.coverage.note)}")
    if result.score_cap:
        lines.append(f"  capped: {safe(result.score_cap)}")
    if result.verifications:
        from assess.verify import headline

        lines.extend(f"  {safe(headline(v))}" for v in result.verifications)
    lines.append("")
    if result.exposure and result.exposure.scenarios:
        from assess.report.markdown import exposure_sentence

        lines[-1:] = [f"If a key leaks: {exposure_sentence(result.exposure)}", ""]
    for item in result.checklist:
        score = f"{item.score:>3}" if item.score is not None else "  –"
        found = f"  {item.findings} finding(s)" if item.findings else ""
        lines.append(f"  {MARKS[item.status]}  {score}  {item.title}{found}")
    open_findings = [f for f in result.findings if not f.suppressed]
    if open_findings:
        lines += ["", f"{len(open_findings)} open finding(s):"]
        if result.baseline is not None:  # what this change adds first, each marked; the known ones after
            open_findings.sort(key=lambda f: not f.new)
        for f in open_findings[:20]:
            mark = ("new   " if f.new else "known ") if result.baseline is not None else ""
            more = f" (and {len(f.also)} more)" if f.also else ""
            where = f"{safe(f.path or '')}:{f.line or ''}{more}"
            lines.append(f"  {mark}{f.severity:<8} {where}  {safe(f.title or f.message)}")
        if len(open_findings) > 20:
            lines.append(f"  … and {len(open_findings) - 20} more (see --html or --json)")
    if result.baseline is not None:
        lines += [
            "",
            f"Baseline {safe(result.baseline.path)}: {result.baseline.new} new, {result.baseline.known} known.",
        ]
    for note in result.suppressions:
        where = f"{note.path}:{note.line}" if note.line else (note.path or "")
        lines.append(f"  suppression {safe(where)}: {safe(note.message)}")
    for error in result.errors:
        where = f" on {safe(error.path)}" if error.path else ""
        lines.append(
            f"  check {error.check} failed to run{where} ({error.checklist} is unknown): {safe(error.message)}"
        )
    if result.top_fixes:
        lines += ["", "Fix first:"]
        lines += [f"  {i}. {fix.title} (+{fix.gain} points)" for i, fix in enumerate(result.top_fixes, 1)]
    project = result.project
    excluded = (
        f", {project.folders_excluded} vendored/generated folders not entered" if project.folders_excluded else ""
    )
    lines += ["", f"{project.files_scanned} files scanned, {project.files_skipped} skipped{excluded}."]
    return "\n".join(lines) + "\n"


def render_catalog(catalog: Catalog) -> str:
    lines = ["Checks:"]
    for check in sorted(catalog.checks.values(), key=lambda c: (c.checklist, c.id)):
        lines.append(f"  {check.id:<34} {check.checklist:<17} {check.severity:<9} {check.title}")
    lines += ["", "Questions (keys of the answers file):"]
    for question in catalog.questions.values():
        choices = "|".join(c.value for c in question.choices)
        lines.append(f"  {question.id:<34} {question.checklist:<17} {choices}")
    lines += ["", "Run 'assess explain ID' for a check's or a question's full documentation."]
    return "\n".join(lines) + "\n"


def _section(title: str, body: str) -> list[str]:
    return ["", f"## {title}", "", body.strip()]


def render_explain(check: Check) -> str:
    """A check documented in ruff's sections: what it finds, why, what to do instead, references."""
    lines = [f"# {check.id}: {check.title}", ""]
    lines.append(f"Checklist item: {check.checklist}   Severity: {check.severity}   Scope: {check.scope}")
    lines.append(f"Languages: {', '.join(check.languages)}")
    lines += _section("What it finds", check.message if "{" not in check.message else check.title)
    lines += _section("Why it costs money", check.why)
    lines += _section("What to do instead", check.fix.default)
    for framework, example in check.fix.frameworks.items():
        lines += ["", f"### {framework}", "", textwrap.indent(example.strip(), "    ")]
    lines += _section("When it passes", check.pass_title)
    if check.references:
        lines += _section("References", "\n".join(f"- {ref}" for ref in check.references))
    return "\n".join(lines) + "\n"


def render_question(question: Question, catalog: Catalog) -> str:
    """A question as the answers file needs it: what it asks, why, and the values its key takes."""
    item = catalog.items.get(question.checklist)
    lines = [f"# {question.id}: {question.prompt}", ""]
    lines.append(f"Checklist item: {question.checklist}{f' ({item.title})' if item else ''}")
    if not question.scored:
        lines.append("Informs the report (the spend estimate); not scored.")
    if question.providers:
        lines.append(f"Asked when the project uses: {', '.join(question.providers)}")
    if question.when is not None:
        lines.append(f"Asked when '{question.when.question}' is one of: {', '.join(question.when.in_)}")
    lines += _section("Why it is asked", question.help)
    width = max(len(c.value) for c in question.choices)
    choices = [
        f"  {c.value:<{width}}  {c.label}" + (f"  (score {c.score:g})" if question.scored else "")
        for c in question.choices
    ]
    lines += ["", "## Values (answers file)", "", *choices]
    for rule in question.detect:
        lines.append(f"\nRead from code: '{rule.value}' when any of {', '.join(rule.checks)} reports a finding.")
    example = question.choices[0].value
    lines += _section(
        "In .assess/answers.yaml",
        f"version: 1\nanswers:\n  {question.id}:\n    value: {example}",
    )
    return "\n".join(lines) + "\n"
