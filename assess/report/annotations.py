"""GitHub Actions workflow commands: one annotation per open finding, on the file and line."""

from __future__ import annotations

from assess.models import AssessmentResult
from assess.redact import redact_text

COMMAND = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}


def _data(text: str) -> str:
    # the escaping GitHub's runner expects; it also stops a snippet from starting a new command
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_annotations(result: AssessmentResult) -> str:
    lines = []
    for finding in result.findings:
        if finding.suppressed or not finding.new:
            continue
        props = [f"title={_prop(f'assess {finding.check}')}"]
        if finding.path:
            props.insert(0, f"file={_prop(finding.path)}")
        if finding.line:
            props.insert(1, f"line={finding.line}")
        if finding.column:
            props.insert(2, f"col={finding.column}")
        message = redact_text(f"{finding.message} ({finding.severity})")
        lines.append(f"::{COMMAND[finding.severity]} {','.join(props)}::{_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
