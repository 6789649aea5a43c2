"""Markdown for pull-request comments and wikis: the report's first page and its findings.

Everything that came from the scanned project is inert here: paths and snippets go into code spans or
fenced code blocks whose fence is longer than any backtick run inside, and prose is escaped (HTML
special characters as entities, Markdown punctuation with backslashes, bare URLs broken with a
zero-width space so they are not auto-linked). A file named `[x](https://evil)` stays text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assess.grades import band
from assess.models import AssessmentResult, Exposure, ExposureScenario, Finding
from assess.redact import redact_text
from assess.report.html import MARKS, count, day, duration, money
from assess.verify import headline

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# format characters (bidi overrides and isolates, zero-width ones) are shown, not obeyed: `\u202e`
_FORMAT = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def _shown(value: str) -> str:
    return _FORMAT.sub(lambda m: f"\\u{ord(m.group(0)):04x}", value)


# Inline Markdown needs only these escaped mid-line: with [ and ] escaped no link or image can form,
# and with < & escaped as entities no HTML can. A line-start marker (# - + > 1.) is escaped separately.
_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
_ORDERED = re.compile(r"^(\d+)([.)])")
_SPANS = re.compile(r"`([^`\n]+)`")
_LANGUAGES = {
    "py": "python", "js": "javascript", "mjs": "javascript", "cjs": "javascript", "jsx": "jsx",
    "ts": "typescript", "tsx": "tsx", "vue": "vue", "svelte": "svelte", "html": "html", "tf": "hcl",
    "json": "json", "yaml": "yaml", "yml": "yaml", "toml": "toml", "env": "dotenv",
}  # fmt: skip
MAX_FINDINGS = 50  # a PR comment has a size limit; the HTML report has them all


def _flat(value: str) -> str:
    """Control characters and line breaks as single spaces: a value can never start a new block."""
    return re.sub(r"\s+", " ", _CONTROL.sub(" ", _shown(value)))


def _one_line(value: str) -> str:
    return _flat(value).strip()


def text(value: str) -> str:
    """Untrusted prose as inert Markdown: no HTML, no links, no emphasis, one line."""
    value = _flat(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    value = _PUNCTUATION.sub(r"\\\1", value)
    value = _ORDERED.sub(r"\1\\\2", value)
    value = re.sub(r"^([#+\-])", r"\\\1", value)
    value = re.sub(r"(?i)(\w)(:)(//)", "\\1\\2\u200b\\3", value)  # https://x -> not an autolink
    return re.sub(r"(?i)\bwww\.", "www\u200b.", value)


def code(value: str, *, in_table: bool = False) -> str:
    """A code span that nothing inside can end early: the fence is longer than any backtick run."""
    value = _one_line(value)
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    if value.startswith("`") or value.endswith("`") or not value.strip():
        value = f" {value} "
    if in_table:
        value = value.replace("|", "\\|")
    return f"{fence}{value}{fence}"


def prose(value: str) -> str:
    """Catalog or message prose: `backtick` spans stay code, everything else is escaped text."""
    parts = _SPANS.split(_one_line(value))
    return "".join(code(part) if i % 2 else text(part) for i, part in enumerate(parts))


def fenced(body: str, path: str | None, indent: str = "") -> list[str]:
    longest = max((len(run) for run in re.findall(r"`{3,}", body)), default=2)
    fence = "`" * max(3, longest + 1)
    extension = (path or "").rsplit(".", 1)[-1].lower() if path and "." in path else ""
    language = _LANGUAGES.get(extension, "")
    lines = [_CONTROL.sub(" ", _shown(line)) for line in body.splitlines()] or [""]
    return [f"{indent}{fence}{language}", *(f"{indent}{line}" for line in lines), f"{indent}{fence}"]


def _location(finding: Finding) -> str:
    where = finding.path or "(project)"
    return code(f"{where}:{finding.line}" if finding.line else where) + more_places(finding)


def more_places(finding: Finding) -> str:
    """ " and N more places" for a finding that stands for the same flaw in sibling files."""
    n = len(finding.also)
    return f" and {n} more place{'s' if n != 1 else ''}" if n else ""


def _stop(exposure: Exposure, scenario: ExposureScenario) -> str:
    if scenario.usd_per_hour <= 0:
        return "no spending is possible at this tier with the models counted"
    if scenario.cap_source == "yours":
        spent, hours = money(scenario.spent_at_cap_usd), duration(scenario.hours_to_cap)
        return f"your hard spend limit stops it after {spent}, in {hours}"
    if scenario.cap_source == "provider":
        own = "no limit of your own; " if exposure.spend_cap_usd is None else ""
        return (
            f"{own}the providers' monthly usage limits stop it after {money(scenario.spent_at_cap_usd)}, "
            f"in {duration(scenario.hours_to_cap)}"
        )
    return "nothing stops it this month: no cap"


def exposure_sentence(exposure: Exposure) -> str:
    """One plain sentence: what the first scenario spends per hour and what stops it."""
    first = exposure.scenarios[0]
    spread = ""
    if len(exposure.scenarios) > 1:
        last = exposure.scenarios[-1]
        spread = f" (up to {money(last.usd_per_hour)} at {_tier(last.tier)}; usage tier not given)"
    return f"{money(first.usd_per_hour)} per hour at {_tier(first.tier)}{spread}; {_stop(exposure, first)}."


def _tier(answer: str) -> str:
    return "Free tier" if answer == "free" else answer.replace("tier-", "Tier ")


def _exposure(exposure: Exposure) -> list[str]:
    first = exposure.scenarios[0]
    pools = [p for provider in first.providers for p in provider.pools]
    models = ", ".join(
        f"{text(', '.join(p.models))} ({text(p.provider)}{'' if p.from_code else ', default'})" for p in pools
    )
    lines = ["**What a leaked key could cost**", ""]
    if len(exposure.scenarios) == 1:
        lines.append(f"{money(first.usd_per_hour)} per hour at {_tier(first.tier)}; {_stop(exposure, first)}.")
    else:
        lines.append("| Usage tier | Per hour | Until stopped |")
        lines.append("|---|--:|---|")
        for s in exposure.scenarios:
            until = f"{money(s.spent_at_cap_usd)} in {duration(s.hours_to_cap)}" if s.hours_to_cap else "no cap"
            lines.append(f"| {_tier(s.tier)} | {money(s.usd_per_hour)} | {until} |")
        lines += ["", "Usage tier not given: the range runs from the lowest to the highest tier."]
    lines += ["", f"Models: {models}; {round(exposure.output_share * 100)}% output tokens."]
    if exposure.warnings:
        lines += ["", "> ⚠ Price or rate-limit data is more than 90 days old; the figures may be out of date."]
    return lines


def _checklist(result: AssessmentResult) -> list[str]:
    lines = ["| Status | Item | Score | Findings |", "|---|---|--:|--:|"]
    for item in result.checklist:
        glyph, word = MARKS[item.status]
        score = str(item.score) if item.score is not None else "–"
        lines.append(f"| {glyph} {word} | {text(item.title)} | {score} | {item.findings or '–'} |")
    return lines


def _findings(result: AssessmentResult) -> list[str]:
    live = [f for f in result.findings if not f.suppressed]
    if not live:
        return ["No open findings in the code."]
    if result.baseline is not None:
        return _findings_against_baseline(live)
    titles: dict[str, str] = {item.id: item.title for item in result.checklist}
    lines: list[str] = []
    shown = 0
    for item_id, findings in _by_item(live, [i.id for i in result.checklist]):
        status = next(i.status for i in result.checklist if i.id == item_id)
        lines += [f"#### {MARKS[status][0]} {text(titles.get(item_id, item_id))}", ""]
        for finding in findings:
            if shown == MAX_FINDINGS:
                break
            shown += 1
            lines += _finding_lines(finding)
        lines.append("")
    if len(live) > shown:
        lines.append(f"… and {len(live) - shown} more: see the HTML or PDF report.")
    return lines


def _findings_against_baseline(live: list[Finding]) -> list[str]:
    """In a pull request what matters is what this change adds: new findings first."""
    new = [f for f in live if f.new]
    known = [f for f in live if not f.new]
    lines = [f"**{count(len(new), 'new finding')}** since the baseline; {len(known)} already known.", ""]
    if new:
        lines += ["#### New", ""]
        lines += [line for f in new[:MAX_FINDINGS] for line in _finding_lines(f)]
        lines.append("")
    if known:
        lines += ["<details><summary>Already in the baseline</summary>", ""]
        lines += [line for f in known[:MAX_FINDINGS] for line in _finding_lines(f)]
        lines += ["", "</details>"]
    return lines


def _finding_lines(finding: Finding) -> list[str]:
    title = finding.title or finding.message
    lines = [f"- **{finding.severity}** {_location(finding)}: {prose(title)}"]
    if finding.also:
        places = ", ".join(code(f"{p.path}:{p.line}" if p.line else p.path) for p in finding.also)
        lines.append(f"  the same in {places}")
    if finding.snippet:
        lines += fenced(redact_text(finding.snippet), finding.path, indent="  ")
    return lines


def _suppression_notes(result: AssessmentResult) -> list[str]:
    if not result.suppressions:
        return []
    lines = ["### Suppressions to review", ""]
    for note in result.suppressions:
        where = code(f"{note.path}:{note.line}" if note.line else (note.path or ""))
        lines.append(f"- {where} ({text(note.check or '')}): {prose(note.message)}")
    return [*lines, ""]


def _check_errors(result: AssessmentResult) -> list[str]:
    if not result.errors:
        return []
    lines = ["### Checks that failed to run", "", "Their checklist items are shown as unknown.", ""]
    for error in result.errors:
        where = f" on {code(error.path)}" if error.path else ""
        where += f" and {error.files - 1} more files" if error.files > 1 else ""
        message = code(redact_text(error.message))
        lines.append(f"- {code(error.check)} ({text(error.checklist)}){where}: {message}")
    return [*lines, ""]


def _by_item(findings: list[Finding], order: Iterable[str]) -> list[tuple[str, list[Finding]]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.checklist, []).append(finding)
    return [(item, grouped[item]) for item in order if item in grouped]


def project_name(root: str) -> str:
    """What a summary calls the project: its folder's name, not the runner's absolute path to it."""
    return re.split(r"[\\/]", root.rstrip("\\/"))[-1] or root


def render_markdown(result: AssessmentResult) -> str:
    """The report for a PR comment: score, exposure, checklist, top fixes, findings with path:line."""
    live = [f for f in result.findings if not f.suppressed]
    critical = sum(1 for f in live if f.severity == "critical")
    suppressed = len(result.findings) - len(live)
    head = [
        f"## AI cost-risk assessment: {text(project_name(result.project.root))}",
        "",
        (
            f"**Score {result.score}/100 · grade {text(result.grade or '')} ({band(result.grade)[0]})** · "
            if result.score is not None
            else f"**Not assessed: {text(result.coverage.note)}** · "
        )
        + f"{count(len(live), 'open finding')}{f' ({critical} critical)' if critical else ''} · "
        + (f"commit {code(result.project.commit[:12])} · " if result.project.commit else "")
        + f"assessed {day(result.generated_at)} · {text(result.tool.name)} {text(result.tool.version)}",
        "",
        f"Rests on: {text(result.coverage.note)}."
        + (f" Capped: {text(result.score_cap)}." if result.score_cap else ""),
        *(f"\n{text(headline(v))}." for v in result.verifications),
        "",
    ]
    if result.exposure:
        head += [*_exposure(result.exposure), ""]
    head += ["### Checklist", "", *_checklist(result), ""]
    if result.top_fixes:
        head += ["### Fix first", ""]
        for i, fix in enumerate(result.top_fixes, 1):
            head.append(f"{i}. **{text(fix.title)}** (+{fix.gain} points): {prose(fix.fix)}")
        head.append("")
    head += ["### Findings", "", *_findings(result)]
    if suppressed:
        head += ["", f"{count(suppressed, 'finding')} suppressed in code or by the ignore file."]
    for notes in (_suppression_notes(result), _check_errors(result)):
        if notes:
            head += ["", *notes]
    return "\n".join(head).rstrip() + "\n"
