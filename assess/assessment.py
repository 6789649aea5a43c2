"""One assessment: scan the project, combine findings with answers, score, build the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assess import __version__
from assess.answers import default_path, load_answers
from assess.catalog import Catalog
from assess.errors import InputError
from assess.models import (
    SEVERITY_ORDER,
    AnswerResult,
    AssessmentResult,
    ChecklistResult,
    Finding,
    FixAdvice,
    ProjectInfo,
    Question,
    RuleDoc,
    StoredAnswer,
    ToolInfo,
)
from assess.scan.discover import discover_files
from assess.scan.engine import RawFinding, ScanPlan, scan_files
from assess.scan.facts import gather_facts
from assess.scan.gitsafe import head_commit
from assess.scan.languages import parsed_language
from assess.scan.redact import register_key_patterns
from assess.scoring import ItemInput, gains, grade_for, overall_score, score_item

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ScanOptions:
    max_bytes: int = 1_000_000
    include_vendored: bool = False
    answers_path: Path | None = None
    display_root: str | None = None  # what the report calls the root (the demo hides its temp folder)


def _finding(raw: RawFinding) -> Finding:
    return Finding(
        id=raw.fingerprint,
        check=raw.check.id,
        checklist=raw.check.checklist,
        severity=raw.check.severity,
        path=raw.rel,
        line=raw.line,
        column=raw.column,
        message=raw.message,
        snippet=raw.snippet,
        suppressed=raw.suppressed,
        title=raw.check.title,
        scope=raw.role,
    )


def _detected_value(question: Question, firing: set[str]) -> str | None:
    return next((rule.value for rule in question.detect if firing & set(rule.checks)), None)


def combine_answers(
    catalog: Catalog, stored: dict[str, StoredAnswer], findings: list[Finding]
) -> list[AnswerResult]:
    """Effective answers: evidence first; a person's contrary answer is kept and marked."""
    firing = {f.check for f in findings if not f.suppressed}
    effective: dict[str, str] = {}
    results: list[AnswerResult] = []
    for question in catalog.questions.values():
        if question.when and effective.get(question.when.question) not in question.when.in_:
            continue
        detected = _detected_value(question, firing)
        given = stored.get(question.id)
        if detected is None and given is None:
            continue
        value = detected if detected is not None else given.value  # type: ignore[union-attr]
        contradiction = detected is not None and given is not None and given.source == "user" and given.value != detected
        choice = question.choice(value)
        effective[question.id] = value
        results.append(
            AnswerResult(
                question=question.id,
                value=value,
                source="detected" if detected is not None else given.source,  # type: ignore[union-attr]
                checklist=question.checklist,
                prompt=question.prompt,
                label=choice.label if choice else value,
                answered_at=given.answered_at if given else None,
                contradicts_evidence=contradiction,
                user_value=given.value if contradiction and given else None,
            )
        )
    return results


def _checks_ran(catalog: Catalog, plan: ScanPlan, parsed_langs: set[str]) -> set[str]:
    """Checklist items with at least one code check that applied to this project's files."""
    items = {c.checklist for c in plan.secret_checks}
    for lang, entries in plan.by_language.items():
        if lang in parsed_langs:
            items.update(c.checklist for c, _ in entries)
    return items


def score_result(
    catalog: Catalog, findings: list[Finding], answers: list[AnswerResult], items_with_checks: set[str]
) -> tuple[list[ChecklistResult], int, str, list[FixAdvice]]:
    results: list[ChecklistResult] = []
    for item in catalog.items.values():
        live = [f for f in findings if f.checklist == item.id and not f.suppressed]
        scores = []
        for answer in answers:
            question = catalog.questions[answer.question]
            choice = question.choice(answer.value)
            if answer.checklist == item.id and choice is not None:
                scores.append(choice.score)
        scored = score_item(ItemInput(item.weight, scores, [f.severity for f in live], item.id in items_with_checks))
        results.append(
            ChecklistResult(
                id=item.id,
                title=item.title,
                status=scored.status,  # type: ignore[arg-type]
                score=scored.score,
                findings=len(live),
                weight=item.weight,
                why=item.why,
                reason=scored.reason,
            )
        )
    table = {r.id: (r.weight, r.score) for r in results}
    overall = overall_score(table)
    item_gain = gains(table)
    ranked = sorted((r for r in results if r.status in ("fail", "partial")), key=lambda r: -item_gain.get(r.id, 0))
    top = [
        FixAdvice(checklist=r.id, title=r.title, gain=item_gain.get(r.id, 0), fix=catalog.items[r.id].fix)
        for r in ranked[:3]
    ]
    return results, overall or 0, grade_for(overall), top


def run_assessment(
    root: Path, catalog: Catalog, options: ScanOptions | None = None, progress: Progress | None = None
) -> AssessmentResult:
    options = options or ScanOptions()
    note = progress or (lambda _msg: None)
    if not root.exists():
        raise InputError("path does not exist", root)
    if not root.is_dir():
        raise InputError("not a folder", root)
    answers_path = options.answers_path or default_path(root)
    stored = load_answers(answers_path, catalog)  # bad answers fail before the scan, not after it

    register_key_patterns(p.regex for c in catalog.checks.values() for p in c.patterns)
    note("discover")
    discovery = discover_files(root, max_bytes=options.max_bytes, include_vendored=options.include_vendored)
    note("facts")
    facts = gather_facts(discovery.files)
    plan = ScanPlan.build(catalog)
    note("scan")
    scanned = scan_files(discovery.files, plan, facts, options.max_bytes)

    findings = sorted(
        (_finding(raw) for raw in scanned.findings),
        key=lambda f: (SEVERITY_ORDER.index(f.severity), f.path or "", f.line or 0),
    )
    answers = combine_answers(catalog, stored, findings)
    parsed_langs = {parsed_language(c.rel) for c in discovery.files}
    checklist, score, grade, top = score_result(catalog, findings, answers, _checks_ran(catalog, plan, parsed_langs))

    skipped = discovery.skipped + scanned.skipped
    fired = sorted({f.check for f in findings})
    return AssessmentResult(
        tool=ToolInfo(version=__version__),
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        project=ProjectInfo(
            root=options.display_root or str(root.resolve()),
            commit=head_commit(discovery.root) if discovery.in_git else None,
            files_scanned=scanned.files_scanned,
            files_skipped=sum(skipped.values()),
            skipped_by_reason=dict(sorted(skipped.items())),
            folders_excluded=discovery.folders_excluded,
            languages=sorted(scanned.languages, key=lambda lang: -scanned.languages[lang]),
            frameworks=sorted(facts.frameworks),
            providers=sorted(facts.providers | scanned.providers),
        ),
        score=score,
        grade=grade,
        checklist=checklist,
        findings=findings,
        answers=answers,
        top_fixes=top,
        checks_run=sorted({c.id for entries in plan.by_language.values() for c, _ in entries}
        | {c.id for c in plan.secret_checks}),
        rules=[_rule_doc(catalog, cid) for cid in fired],
    )


def _rule_doc(catalog: Catalog, check_id: str) -> RuleDoc:
    check = catalog.checks[check_id]
    return RuleDoc(
        id=check.id,
        title=check.title,
        checklist=check.checklist,
        severity=check.severity,
        why=check.why,
        fix=check.fix.default,
        references=check.references,
    )
