"""JUnit XML: one test suite per checklist item, one failing test case per open finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from assess.models import AssessmentResult
from assess.redact import redact_text
from assess.report.text import safe


def _clean(text: str) -> str:
    # XML 1.0 cannot carry most control characters; show them as escapes instead
    return safe(redact_text(text))


def render_junit(result: AssessmentResult) -> str:
    suites = ET.Element("testsuites", name="assess", tests="0", failures="0")
    total = failures = 0
    for item in result.checklist:
        open_findings = [f for f in result.findings if f.checklist == item.id and not f.suppressed]
        suite = ET.SubElement(suites, "testsuite", name=f"assess.{item.id}")
        cases = 0
        verdict = ET.SubElement(suite, "testcase", classname=f"assess.{item.id}", name=_clean(item.title))
        cases += 1
        if item.status == "fail":
            failure = ET.SubElement(verdict, "failure", message=f"{item.title}: {item.status}", type="checklist")
            failure.text = _clean(item.reason)
        elif item.status in ("unknown", "not-applicable"):
            ET.SubElement(verdict, "skipped", message=_clean(item.reason))
        for finding in open_findings:
            where = f"{finding.path}:{finding.line}" if finding.line else (finding.path or "")
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"assess.{item.id}.{finding.check}",
                name=_clean(where),
                file=_clean(finding.path or ""),
            )
            if finding.line:
                case.set("line", str(finding.line))
            failure = ET.SubElement(case, "failure", message=_clean(finding.message), type=finding.severity)
            failure.text = _clean(f"{finding.severity} {finding.check} at {where}\n{finding.snippet}")
            cases += 1
        suite_failures = len(open_findings) + (1 if item.status == "fail" else 0)
        suite.set("tests", str(cases))
        suite.set("failures", str(suite_failures))
        suite.set("skipped", "1" if item.status in ("unknown", "not-applicable") else "0")
        total += cases
        failures += suite_failures
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
