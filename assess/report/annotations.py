"""GitHub Actions workflow commands: one annotation per open finding, on the file and line.

GitHub shows at most 10 annotations of each type (error, warning, notice) per step and drops the rest, so
the most severe come first, at most 10 of a type are printed, and one notice says how many more there are
(a notice slot is kept for it: notices carry the least severe findings).
"""

from __future__ import annotations

from collections import Counter

from assess.models import AssessmentResult, Finding
from assess.redact import redact_text
from assess.visible import visible

COMMAND = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}
ORDER = ("critical", "high", "medium", "low", "info")
PER_TYPE = 10  # GitHub's limit per annotation type per step


def _data(text: str) -> str:
    # the escaping GitHub's runner expects; it also stops a snippet from starting a new command
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(finding: Finding) -> str:
    props = [f"title={_prop(f'assess {finding.check}')}"]
    if finding.path:
        props.insert(0, f"file={_prop(finding.path)}")
    if finding.line:
        props.insert(1, f"line={finding.line}")
    if finding.column:
        props.insert(2, f"col={finding.column}")
    message = visible(redact_text(f"{finding.message} ({finding.severity})"))
    return f"::{COMMAND[finding.severity]} {','.join(props)}::{_data(message)}"


def render_annotations(result: AssessmentResult) -> str:
    """Open new findings as annotations, most severe first, as many as GitHub shows; then how many more."""
    findings = sorted((f for f in result.findings if not f.suppressed and f.new), key=lambda f: ORDER.index(f.severity))
    by_type = Counter(COMMAND[f.severity] for f in findings)
    room = dict.fromkeys(COMMAND.values(), PER_TYPE)
    if any(n > PER_TYPE for n in by_type.values()):
        room["notice"] -= 1  # for the line that says how many more
    lines: list[str] = []
    for finding in findings:
        kind = COMMAND[finding.severity]
        if room[kind] > 0:
            room[kind] -= 1
            lines.append(_annotation(finding))
    hidden = len(findings) - len(lines)
    if hidden:
        more = (
            f"{hidden} more finding(s) than GitHub shows as annotations ({PER_TYPE} per type per step): "
            "see the step summary (--markdown), the SARIF alerts or the JSON"
        )
        lines.append(f"::notice title={_prop('assess: more findings')}::{_data(more)}")
    return "\n".join(lines) + ("\n" if lines else "")
