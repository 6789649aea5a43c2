"""GitHub annotations: GitHub shows 10 of each type per step, so the most severe come first, no type
goes past 10, and one line says how many more there are."""

from __future__ import annotations

from assess.models import Finding
from assess.report.annotations import render_annotations
from tests.report.conftest import fixed_result


def _findings(severity: str, n: int, check: str) -> list[Finding]:
    return [
        Finding.model_validate(
            {
                "id": f"{check}-{i}",
                "check": check,
                "checklist": "efficiency",
                "severity": severity,
                "path": f"src/{check}.py",
                "line": i + 1,
                "message": f"{severity} {i}",
            }
        )
        for i in range(n)
    ]


def _kinds(out: str) -> list[str]:
    return [line.split(" ", 1)[0].lstrip(":") for line in out.splitlines()]


def test_most_severe_first_at_most_ten_per_type_then_how_many_more() -> None:
    # listed least severe first, as a scan ordered by path could give them
    findings = [
        *_findings("low", 12, "low-check"),
        *_findings("medium", 3, "medium-check"),
        *_findings("high", 9, "high-check"),
        *_findings("critical", 4, "critical-check"),
    ]
    out = render_annotations(fixed_result(findings=findings))
    lines = out.splitlines()
    assert _kinds(out).count("error") == 10 and _kinds(out).count("warning") == 3
    errors = [line for line in lines if line.startswith("::error")]
    assert all("critical-check" in line for line in errors[:4]), "critical before high"
    assert lines[0].startswith("::error") and lines[13].startswith("::notice")
    assert _kinds(out).count("notice") == 10, "9 low findings and the line saying how many more"
    # shown: 10 errors (4 critical + 6 high), 3 warnings, 9 notices; hidden: 3 high + 3 low
    assert lines[-1].startswith("::notice title=assess%3A more findings::6 more finding(s)")


def test_everything_shown_when_within_the_limits() -> None:
    findings = [*_findings("low", 10, "low-check"), *_findings("critical", 2, "critical-check")]
    out = render_annotations(fixed_result(findings=findings))
    assert len(out.splitlines()) == 12 and "more finding" not in out
    assert out.splitlines()[0].startswith("::error file=src/critical-check.py,line=1")
