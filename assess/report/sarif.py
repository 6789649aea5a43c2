"""SARIF 2.1.0 for code scanning: the rules the result documents, relative paths, fingerprints without lines.

Rendered from the result alone (its `rules` carry each reported check's documentation), so a saved result
re-renders as SARIF without the catalog.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from assess.models import AssessmentResult, Finding, RuleDoc
from assess.redact import redact_text
from assess.visible import visible

if TYPE_CHECKING:
    from assess.report.html import ReportOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DEFAULT_CATEGORY = "assess"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning orders alerts by this 0-10 score
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}


def artifact_uri(path: str | None) -> str:
    """A relative path as a URI reference: spaces, `%`, `:` (which would read as a scheme) and every other
    character outside RFC 3986's unreserved set percent-encoded, UTF-8 first; `/` kept."""
    return quote(path, safe="/") if path else "."


def automation_id(category: str | None) -> str:
    """automationDetails.id: the category, then `/` (code scanning reads what precedes the last `/` as it)."""
    return f"{(category or DEFAULT_CATEGORY).strip().rstrip('/') or DEFAULT_CATEGORY}/"


def _rule(check: RuleDoc) -> dict[str, Any]:
    fix = check.fix
    examples = "".join(f"\n\n**{fw}**\n\n```\n{code.strip()}\n```" for fw, code in check.fix_frameworks.items())
    rule: dict[str, Any] = {
        "id": check.id,
        "name": "".join(part.capitalize() for part in check.id.split("-")),
        "shortDescription": {"text": check.title},
        "fullDescription": {"text": check.why},
        "help": {
            "text": f"{check.why}\n\nWhat to do instead: {fix}",
            "markdown": f"**Why it costs money.** {check.why}\n\n**What to do instead.** {fix}{examples}",
        },
        "defaultConfiguration": {"level": LEVEL[check.severity]},
        "properties": {
            "tags": ["security", "cost", check.checklist],
            "precision": "high",
            "security-severity": SECURITY_SEVERITY[check.severity],
            "checklist": check.checklist,
        },
    }
    if check.references:
        rule["helpUri"] = check.references[0]
    return rule


def _result(finding: Finding, rule_index: dict[str, int], baseline: bool) -> dict[str, Any]:
    region: dict[str, Any] = {}
    if finding.line:
        region["startLine"] = finding.line
        if finding.column:
            region["startColumn"] = finding.column
        if finding.snippet:
            region["snippet"] = {"text": visible(redact_text(finding.snippet))}
    location: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": {"uri": artifact_uri(finding.path), "uriBaseId": "%SRCROOT%"}}
    }
    if region:
        location["physicalLocation"]["region"] = region
    out: dict[str, Any] = {
        "ruleId": finding.check,
        "level": LEVEL[finding.severity],
        "message": {"text": visible(redact_text(finding.message))},
        "locations": [location],
        "partialFingerprints": {"assessFingerprint/v1": finding.id},
        "properties": {"severity": finding.severity, "checklist": finding.checklist},
    }
    if finding.also:  # the same flaw in sibling files: one result, its other places related
        out["relatedLocations"] = [
            {
                "id": n,
                "physicalLocation": {
                    "artifactLocation": {"uri": place.path, "uriBaseId": "%SRCROOT%"},
                    **({"region": {"startLine": place.line}} if place.line else {}),
                },
                "message": {"text": "the same flaw"},
            }
            for n, place in enumerate(finding.also, 1)
        ]
    if finding.check in rule_index:
        out["ruleIndex"] = rule_index[finding.check]
    if finding.suppressed:
        kind = "inSource" if finding.suppressed_by == "inline" else "external"
        suppression: dict[str, Any] = {"kind": kind, "status": "accepted"}
        if finding.suppression_reason:
            suppression["justification"] = visible(redact_text(finding.suppression_reason))
        out["suppressions"] = [suppression]
    if baseline:
        out["baselineState"] = "new" if finding.new else "unchanged"
    return out


def render_sarif(result: AssessmentResult, options: ReportOptions | None = None) -> str:
    checks = sorted(result.rules, key=lambda c: c.id)
    rule_index = {check.id: i for i, check in enumerate(checks)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "assess",
                "version": result.tool.version,
                "semanticVersion": result.tool.version,
                "rules": [_rule(check) for check in checks],
            }
        },
        "automationDetails": {"id": automation_id(options.sarif_category if options else None)},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, rule_index, result.baseline is not None) for f in result.findings],
        "properties": {"score": result.score, "grade": result.grade},
    }
    if result.errors:  # checks that raised: code scanning shows them as tool notifications
        notes = [
            {"level": "error", "message": {"text": redact_text(e.message)}, "associatedRule": {"id": e.check}}
            for e in result.errors
        ]
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": notes}]
    if result.project.commit:
        run["versionControlProvenance"] = [{"repositoryUri": "urn:assess:local", "revisionId": result.project.commit}]
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
