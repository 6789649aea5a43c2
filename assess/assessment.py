"""One assessment: scan the project, combine findings with answers, score, build the result."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assess import __version__
from assess.answers import default_path, load_answers
from assess.baseline import Baseline, load_baseline, mark_new
from assess.catalog import Catalog
from assess.errors import InputError
from assess.grades import grade_for, overall_cap
from assess.grouping import group_root_causes
from assess.models import (
    SEVERITY_ORDER,
    AnswerResult,
    AssessmentResult,
    CheckError,
    ChecklistResult,
    Coverage,
    Finding,
    FixAdvice,
    ProjectInfo,
    RuleDoc,
    StoredAnswer,
    SuppressionNote,
    ToolInfo,
    Verification,
)
from assess.questionnaire import question_flow
from assess.redact import Redactor
from assess.scan.files.discover import Candidate, discover_files
from assess.scan.files.facts import gather_facts
from assess.scan.files.gitsafe import head_commit
from assess.scan.files.languages import ANALYSED_LANGUAGES, CALLS_ONLY_LANGUAGES, parsed_language
from assess.scan.files.select import apply_globs, changed_since, explicit_files
from assess.scan.matching.engine import RawFinding
from assess.scan.matching.history import scan_history
from assess.scan.plan import ScanPlan
from assess.scan.project.project_checks import ProjectOutcome
from assess.scan.run import run_scan
from assess.scoring import ItemInput, gains, overall_score, score_item
from assess.suppress import apply_suppressions, load_ignore_file

IGNORE_FILE = Path(".assess") / "ignore.yaml"
# Files parsed only for their imports wait until they are known to lead to an LLM call or a rate-limit
# check (assess/scan/deferred.py); off only in the test that proves the outcome is the same.
DEFER_IMPORT_ONLY = True

# progress(phase, done, total): phases are discover, facts, scan, history (with --git-history), done
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ScanOptions:
    max_bytes: int = 1_000_000
    include_vendored: bool = False
    answers_path: Path | None = None
    display_root: str | None = None  # what the report calls the root (the demo hides its temp folder)
    exclude: tuple[str, ...] = ()  # gitignore-style globs from config
    include: tuple[str, ...] = ()
    disabled: frozenset[str] = frozenset()  # check ids
    only_items: frozenset[str] = frozenset()  # run only checks of these checklist items (pre-commit)
    severity: tuple[tuple[str, str], ...] = ()  # (check id, severity) overrides
    files: tuple[str, ...] | None = None  # check just these files (pre-commit's fast path)
    changed_since: str | None = None  # check just files changed since this git ref
    ignore_path: Path | None = None  # default PATH/.assess/ignore.yaml
    baseline_path: Path | None = None  # an earlier result JSON: findings in it are not new
    stale_answer_days: int = 180  # answers older than this are flagged in the report
    git_history: bool = False  # also search git history for AI keys added in any commit (--git-history)


def _finding(raw: RawFinding, severity: dict[str, str]) -> Finding:
    return Finding(
        id=raw.fingerprint,
        check=raw.check.id,
        checklist=raw.check.checklist,
        severity=severity.get(raw.check.id, raw.check.severity),  # type: ignore[arg-type]
        path=raw.rel,
        line=raw.line,
        column=raw.column,
        message=raw.message,
        snippet=raw.snippet,
        suppressed=raw.suppressed,
        title=raw.check.title,
        scope=raw.role,
        provider=raw.provider,
        model=raw.model,
        endpoint=raw.endpoint,
        framework=raw.framework,
        attempts=raw.attempts,
    )


def _seal(finding: Finding, redactor: Redactor) -> Finding:
    """The boundary every finding crosses on its way out of the engine: each string that came from the
    project (path and the places of the same flaw, snippet, message, suppression reason, model, endpoint,
    framework) with its keys redacted, whatever carried them there."""

    def text(value: str | None) -> str | None:
        return redactor(value) if value else value

    return finding.model_copy(
        update={
            "path": redactor.path(finding.path) if finding.path else finding.path,
            "message": redactor(finding.message),
            "snippet": redactor(finding.snippet),
            "suppression_reason": text(finding.suppression_reason),
            "model": text(finding.model),
            "endpoint": text(finding.endpoint),
            "framework": text(finding.framework),
            "also": [p.model_copy(update={"path": redactor.path(p.path)}) for p in finding.also],
        }
    )


def _seal_note(note: SuppressionNote, redactor: Redactor) -> SuppressionNote:
    path = redactor.path(note.path) if note.path else note.path
    return note.model_copy(update={"path": path, "message": redactor(note.message)})


def _seal_error(error: CheckError, redactor: Redactor) -> CheckError:
    path = redactor.path(error.path) if error.path else error.path
    return error.model_copy(update={"path": path, "message": redactor(error.message)})


def combine_answers(
    catalog: Catalog,
    stored: dict[str, StoredAnswer],
    findings: list[Finding],
    providers: list[str],
    verifications: Sequence[Verification] = (),
) -> list[AnswerResult]:
    """Effective answers of the questions that apply: evidence first (code, then the providers' settings read
    by `assess verify`); a person's contrary answer is kept and marked."""
    person = stored
    stored = {**stored, **_verified(catalog, verifications, stored, providers)}
    results: list[AnswerResult] = []
    for state in question_flow(catalog, findings, stored, providers):
        value = state.effective
        if value is None:
            continue  # unanswered: the item stays unknown rather than scoring zero
        question, given = state.question, state.stored
        choice = question.choice(value)
        contradicts, user_value = state.contradicts, given.value if state.contradicts and given else None
        mine = person.get(question.id)
        if given is not mine and state.detected is None and mine and mine.source == "user" and mine.value != value:
            contradicts, user_value = True, mine.value  # the provider's settings say otherwise
        results.append(
            AnswerResult(
                question=question.id,
                value=value,
                source="detected" if state.detected is not None else given.source if given else "default",
                checklist=question.checklist,
                prompt=question.prompt,
                label=choice.label if choice else value,
                answered_at=given.answered_at if given else None,
                contradicts_evidence=contradicts,
                user_value=user_value,
            )
        )
    return results


def _billed(catalog: Catalog, name: str) -> bool:
    provider = catalog.providers.get(name)
    return provider is not None and provider.kind != "library"


def _verified(
    catalog: Catalog, verifications: Sequence[Verification], stored: dict[str, StoredAnswer], providers: list[str]
) -> dict[str, StoredAnswer]:
    """The answers the providers' settings give, as stored answers with source `verified:<provider>`."""
    if not verifications:
        return {}
    from assess.verify import keep_proven, merge_answers, raise_to_floors, relevant, unverified

    verifications = relevant(verifications, providers)
    read_at = {v.provider: v.read_at for v in verifications}
    gaps = unverified(providers, lambda name: _billed(catalog, name), verifications)
    merged = keep_proven(merge_answers(verifications, catalog.questions), catalog.questions, stored, gaps)
    merged.update(raise_to_floors(verifications, catalog.questions, stored, merged))
    return {
        qid: StoredAnswer(value=value, source=f"verified:{provider}", answered_at=read_at[provider])  # type: ignore[arg-type]
        for qid, (value, provider) in merged.items()
    }


def _checks_ran(catalog: Catalog, plan: ScanPlan, parsed_langs: set[str]) -> set[str]:
    """Checklist items with at least one code check that applied to this project's files."""
    items: set[str] = {c.checklist for c in plan.secret_checks}
    for lang, entries in plan.by_language.items():
        if lang in parsed_langs:
            items.update(c.checklist for c, _ in entries)
    return items


NO_AI_USAGE = "no paid AI usage found in the analysed code"
# Why an item's checks had nothing to judge, by what they judge (ChecklistItem.judges).
NOTHING_TO_JUDGE = {
    "files": "no file was read",
    "llm-calls": "no paid LLM call was found in the analysed code",
    "llm-endpoints": "no endpoint that reaches a paid LLM call was found",
    "llm-iac": "no infrastructure code deploys an LLM workload",
}


@dataclass(frozen=True)
class Scored:
    """The checklist scored, the overall score (None when not assessed) and what it rests on."""

    checklist: list[ChecklistResult]
    score: int | None
    grade: str | None
    cap: str  # what capped the overall score, or ""
    top: list[FixAdvice]
    coverage: Coverage


CALLS_ONLY = " (LLM calls and usage only)"  # how coverage lists a language read by text rules, not parsed
# What code in those languages is judged on: a call's usage is read there; its retries, its endpoint, its
# model and limits are not. Their other items are not scored from that silence.
CALLS_ONLY_JUDGES = frozenset({"usage-monitoring"})


def calls_only_languages(coverage: Coverage) -> list[str]:
    """Languages analysed for LLM calls and usage only, when nothing else was analysed; else []."""
    partly = [lang.removesuffix(CALLS_ONLY) for lang in coverage.languages_analysed if lang.endswith(CALLS_ONLY)]
    return partly if len(partly) == len(coverage.languages_analysed) else []


def _judged(judges: str, coverage: Coverage, applied: set[str], item: str) -> bool:
    """Whether an item's code checks had something to judge in this project."""
    if judges != "files" and item not in CALLS_ONLY_JUDGES and calls_only_languages(coverage):
        return False
    if judges == "files":
        return coverage.files_analysed + coverage.files_not_analysed > 0
    if judges == "llm-endpoints":
        return bool(coverage.endpoints) or (coverage.endpoints is None and item in applied)
    if judges == "llm-iac":
        return item in applied
    return bool(coverage.llm_call_sites)


def score_result(
    catalog: Catalog,
    findings: list[Finding],
    answers: list[AnswerResult],
    items_with_checks: set[str],
    failed_items: Collection[str] = (),
    coverage: Coverage | None = None,
    applied_items: Collection[str] = (),
) -> Scored:
    """Each checklist item scored from its answers and open findings, then the overall score.

    An item whose checks had nothing to judge is not scored from their silence. There is no overall score
    when no paid LLM call was found (the answers still score their items) or when only some files were
    checked; an open critical or high finding caps it (grades.OVERALL_CAP).
    """
    coverage = coverage or Coverage()
    applied = set(applied_items)
    results: list[ChecklistResult] = []
    judged: list[str] = []
    for item in catalog.items.values():
        live = [f for f in findings if f.checklist == item.id and not f.suppressed]
        scores = []
        for answer in answers:
            question = catalog.questions[answer.question]
            choice = question.choice(answer.value)
            if answer.checklist == item.id and choice is not None and question.scored:
                scores.append(choice.score)
        severities = [f.severity for f in live]
        ran, failed = item.id in items_with_checks, item.id in failed_items
        something = ran and _judged(item.judges, coverage, applied, item.id)
        if something:
            judged.append(item.id)
        idle = "" if something else NOTHING_TO_JUDGE[item.judges]
        if not something and coverage.llm_call_sites and calls_only_languages(coverage):
            ran = False  # the calls were found, their handling was not read: unknown, not "not applicable"
        scored = score_item(ItemInput(item.weight, scores, severities, ran, failed, idle))
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
                fix=item.fix,
            )
        )
    table: dict[str, tuple[int, int | None]] = {r.id: (r.weight, r.score) for r in results}
    overall = overall_score(table)
    item_gain = gains(table)
    ranked = sorted((r for r in results if r.status in ("fail", "partial")), key=lambda r: -item_gain.get(r.id, 0))
    top = [
        FixAdvice(checklist=r.id, title=r.title, gain=item_gain.get(r.id, 0), fix=catalog.items[r.id].fix)
        for r in ranked[:3]
    ]
    note, cap_note = _rests_on(coverage), ""
    # code read for calls and usage only grades nothing by itself: the items it cannot judge need answers
    unread = [r for r in results if r.score is None and r.weight > 0] if calls_only_languages(coverage) else []
    if unread:
        verb = "is" if len(unread) == 1 else "are"
        note += f"; no overall score until {_count(len(unread), 'item')} the code cannot judge {verb} answered"
    if coverage.partial or not coverage.llm_call_sites or unread:
        overall = None
    elif overall is not None:
        cap = overall_cap([f.severity for f in findings if not f.suppressed])
        if cap is not None and overall > cap[0]:
            overall, cap_note = cap[0], cap[1]
    coverage = coverage.model_copy(update={"items_judged": judged, "note": note})
    return Scored(results, overall, grade_for(overall) if overall is not None else None, cap_note, top, coverage)


def _rests_on(coverage: Coverage) -> str:
    """The sentence that says what the score rests on, or why there is none."""
    if coverage.partial:
        return (
            f"partial: {coverage.partial_files} file{'s' if coverage.partial_files != 1 else ''} checked "
            "(findings on those files; no overall score)"
        )
    if not coverage.llm_call_sites:
        return coverage.note or NO_AI_USAGE
    calls = sum(coverage.llm_call_sites.values())
    by = ", ".join(f"{name} {n}" for name, n in sorted(coverage.llm_call_sites.items(), key=lambda kv: -kv[1]))
    parts = [f"{_count(calls, 'paid LLM call')} ({by})"]
    if coverage.endpoints is not None:
        parts.append(_count(coverage.endpoints, "endpoint") + " reaching them")
    parts.append(_count(coverage.files_analysed, "analysed file"))
    partly = calls_only_languages(coverage)
    if partly:
        parts.append(
            f"{' and '.join(partly)} analysed for LLM calls and usage only: "
            "endpoints, rate limits, retries and efficiency are not judged from code"
        )
    return ", ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class ScanSnapshot:
    """What the code scan found; answers can be combined with it again without rescanning."""

    root: Path
    display_root: str
    commit: str | None
    findings: list[Finding]
    files_scanned: int
    skipped: dict[str, int]
    folders_excluded: int
    languages: list[str]
    frameworks: list[str]
    providers: list[str]
    items_with_checks: set[str]
    checks_run: list[str]
    suppression_notes: list[SuppressionNote] = field(default_factory=list)
    models: list[str] = field(default_factory=list)  # model names found as literals at LLM call sites
    files_keys_only: int = 0  # of files_scanned: bundles and minified files, read for AI keys only
    errors: list[CheckError] = field(default_factory=list)  # checks that raised: their items are unknown
    cut_short: list[str] = field(default_factory=list)  # files nested too deeply to match: keys only
    coverage: Coverage = field(default_factory=Coverage)
    applied_items: tuple[str, ...] = ()  # items a project check had something to judge, sorted


def _check_errors(catalog: Catalog, raised: list[tuple[str, str | None, str]]) -> list[CheckError]:
    """One entry per check that raised: the first file and message, and on how many files it did."""
    first: dict[str, CheckError] = {}
    for check_id, rel, message in raised:
        error = first.get(check_id)
        if error is None:
            check = catalog.checks[check_id]
            first[check_id] = CheckError(check=check_id, checklist=check.checklist, message=message, path=rel)
        if rel is not None:
            first[check_id].files += 1
    return sorted(first.values(), key=lambda e: e.check)


def scan_project(
    root: Path, catalog: Catalog, options: ScanOptions | None = None, progress: Progress | None = None
) -> ScanSnapshot:
    """Discover, prefilter, parse and match: everything code can prove. Never reads answers."""
    options = options or ScanOptions()
    note = progress or (lambda _phase, _done, _total: None)
    if not root.exists():
        raise InputError("path does not exist", root)
    if not root.is_dir():
        raise InputError("not a folder", root)
    unknown = sorted((options.disabled | {c for c, _ in options.severity}) - set(catalog.checks))
    if unknown:
        raise InputError(f"unknown check id(s) in settings: {', '.join(unknown)} (see 'assess checks')")
    ignore_path = options.ignore_path or root / IGNORE_FILE
    ignore_entries = load_ignore_file(ignore_path, set(catalog.checks))
    note("discover", 0, 0)
    discovery = discover_files(root, max_bytes=options.max_bytes, include_vendored=options.include_vendored)
    apply_globs(discovery, options.exclude, options.include)
    # A partial run (pre-commit's --files, --changed-since) still scans and judges the whole tree (the
    # cache makes that cheap): an endpoint added in a changed file may reach its LLM call in an unchanged
    # one. Only the findings on the changed files are reported.
    changed: set[str] | None = None
    if options.files is not None:
        named = explicit_files(root, list(options.files), options.max_bytes)
        changed = {c.rel for c in named.files}
        known = {c.rel for c in discovery.files}  # a named file discovery leaves out is still checked
        discovery.files = sorted([*discovery.files, *(c for c in named.files if c.rel not in known)], key=_by_rel)
        discovery.skipped.update(named.skipped)
    elif options.changed_since:
        changed = changed_since(discovery.root, options.changed_since)
    note("facts", 0, len(discovery.files))
    facts = gather_facts(discovery.files, catalog.providers)
    to_check = discovery.files
    enabled = [
        c.id
        for c in catalog.checks.values()
        if c.id not in options.disabled and (not options.only_items or c.checklist in options.only_items)
    ]
    plan = ScanPlan.build(catalog, enabled, defer=DEFER_IMPORT_ONLY)
    run = run_scan(
        to_check,
        plan,
        facts,
        options.max_bytes,
        root=discovery.root,
        progress=lambda done, total: note("scan", done, total),
        follow=lambda done, total: note("follow", done, total),
    )
    scanned, project = run.output, run.outcome
    scanned.findings.extend(project.findings)
    if changed is not None:
        scanned.findings = [f for f in scanned.findings if f.rel in changed]
        checked_files = sum(1 for c in to_check if c.rel in changed)
        discovery.skipped["unchanged"] += len(to_check) - checked_files
    if options.git_history and discovery.in_git:
        note("history", 0, 0)
        known = {f.key_hash for f in scanned.findings if f.key_hash}
        scanned.findings.extend(scan_history(discovery.root, plan, facts, known))
    overrides = dict(options.severity)
    raw_findings = [_finding(raw, overrides) for raw in scanned.findings]
    checked, notes = apply_suppressions(raw_findings, scanned.suppressions, ignore_entries, _rel(ignore_path, root))
    keys = {c.id for c in catalog.checks.values() if c.engine == "secrets"}  # one finding per key and place
    grouped = group_root_causes(checked, apart=keys)
    seal = plan.keys.redactor  # one boundary: every string the snapshot carries out is redacted here
    sealed = [_seal(f, seal) for f in grouped]
    findings = sorted(sealed, key=lambda f: (SEVERITY_ORDER.index(f.severity), f.path or "", f.line or 0))
    parsed_langs = {parsed_language(c.rel) for c in to_check}
    skipped = discovery.skipped + scanned.skipped
    coverage = _coverage(scanned.languages, scanned.files_keys_only, project, changed, to_check)
    note("done", len(discovery.files), len(discovery.files))
    return ScanSnapshot(
        root=discovery.root,
        display_root=seal.path(options.display_root or str(discovery.root)),
        commit=head_commit(discovery.root) if discovery.in_git else None,
        findings=findings,
        files_scanned=scanned.files_scanned,
        files_keys_only=scanned.files_keys_only,
        skipped=dict(sorted(skipped.items())),
        folders_excluded=discovery.folders_excluded,
        languages=sorted(scanned.languages, key=lambda lang: (-scanned.languages[lang], lang)),
        frameworks=sorted(facts.frameworks),
        providers=sorted(facts.providers | scanned.providers | set(project.providers)),
        items_with_checks=_checks_ran(catalog, plan, parsed_langs) | project.applied_items,
        checks_run=sorted(
            {c.id for entries in plan.by_language.values() for c, _ in entries}
            | {c.id for c in plan.secret_checks}
            | {c.id for c in plan.project_checks}
        ),
        coverage=coverage,
        applied_items=tuple(sorted(project.applied_items)),
        suppression_notes=[_seal_note(n, seal) for n in notes],
        errors=[_seal_error(e, seal) for e in _check_errors(catalog, [*scanned.errors, *project.errors])],
        models=list(dict.fromkeys(seal(m) for m in project.models)),
        cut_short=sorted(seal(p) for p in scanned.cut_short),
    )


def _by_rel(cand: Candidate) -> str:
    return cand.rel


def _coverage(
    languages: Counter[str],
    keys_only: int,
    project: ProjectOutcome,
    changed: set[str] | None,
    files: list[Candidate],
) -> Coverage:
    """What the scan rests on (the result's `coverage`); `items_judged` and `note` are filled when scoring."""
    analysed = [lang for lang in languages if lang in ANALYSED_LANGUAGES]
    partly = [lang for lang in languages if lang in CALLS_ONLY_LANGUAGES]
    files_analysed = sum(languages[lang] for lang in (*analysed, *partly))
    return Coverage(
        languages_analysed=sorted(analysed) + sorted(lang + CALLS_ONLY for lang in partly),
        languages_not_analysed=sorted(lang for lang in languages if lang not in (*analysed, *partly)),
        files_analysed=files_analysed,
        files_not_analysed=sum(languages.values()) - files_analysed + keys_only,
        llm_call_sites=project.call_sites,
        # the endpoint judges read parsed code only: with nothing else analysed, "0 endpoints" would be silence
        endpoints=project.endpoints if analysed or not partly else None,
        partial=changed is not None,
        partial_files=sum(1 for c in files if c.rel in changed) if changed is not None else 0,
    )


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside the root, or a symlink loop
        return str(path)


def _mark_stale(answers: list[AnswerResult], days: int, now: dt.datetime) -> list[AnswerResult]:
    limit = now - dt.timedelta(days=days)
    out = []
    for answer in answers:
        try:
            when = dt.datetime.fromisoformat(answer.answered_at) if answer.answered_at else None
        except ValueError:
            when = None
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        out.append(answer.model_copy(update={"stale": True}) if when is not None and when < limit else answer)
    return out


def build_result(
    snapshot: ScanSnapshot,
    catalog: Catalog,
    stored: dict[str, StoredAnswer],
    baseline: Baseline | None = None,
    stale_answer_days: int = 180,
    verifications: Sequence[Verification] = (),
) -> AssessmentResult:
    """Combine the scan with the answers given so far (and the providers' settings read by `assess verify`)
    and score it. Cheap: call it after every answer."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    combined = combine_answers(catalog, stored, snapshot.findings, snapshot.providers, verifications)
    answers = _mark_stale(combined, stale_answer_days, now)
    findings, baseline_info = mark_new(snapshot.findings, baseline) if baseline else (snapshot.findings, None)
    failed = {e.checklist for e in snapshot.errors}
    scored = score_result(
        catalog, findings, answers, snapshot.items_with_checks, failed, snapshot.coverage, snapshot.applied_items
    )
    fired = sorted({f.check for f in findings})
    result = AssessmentResult(
        tool=ToolInfo(version=__version__),
        generated_at=now.isoformat(),
        project=ProjectInfo(
            root=snapshot.display_root,
            commit=snapshot.commit,
            files_scanned=snapshot.files_scanned,
            files_keys_only=snapshot.files_keys_only,
            files_skipped=sum(snapshot.skipped.values()),
            skipped_by_reason=snapshot.skipped,
            folders_excluded=snapshot.folders_excluded,
            languages=snapshot.languages,
            frameworks=snapshot.frameworks,
            providers=snapshot.providers,
            models=snapshot.models,
            files_cut_short=snapshot.cut_short,
        ),
        score=scored.score,
        grade=scored.grade,
        score_cap=scored.cap,
        coverage=scored.coverage,
        checklist=scored.checklist,
        findings=findings,
        answers=answers,
        top_fixes=scored.top,
        checks_run=snapshot.checks_run,
        rules=[_rule_doc(catalog, cid) for cid in fired],
        errors=snapshot.errors,
        suppressions=snapshot.suppression_notes,
        baseline=baseline_info,
        verifications=list(verifications),
    )
    from assess.cost import estimate_exposure  # loads the price data only when a result is built

    result.exposure = estimate_exposure(result)
    return result


def run_assessment(
    root: Path,
    catalog: Catalog,
    options: ScanOptions | None = None,
    progress: Progress | None = None,
    verifications: Sequence[Verification] = (),
) -> AssessmentResult:
    """The whole non-interactive assessment: answers from the answers file, then scan, then score."""
    options = options or ScanOptions()
    answers_path = options.answers_path or default_path(root)
    stored = load_answers(answers_path, catalog)  # bad answers fail before the scan, not after it
    baseline = load_baseline(options.baseline_path) if options.baseline_path else None
    snapshot = scan_project(root, catalog, options, progress)
    return build_result(snapshot, catalog, stored, baseline, options.stale_answer_days, verifications)


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
        fix_frameworks=dict(check.fix.frameworks),
    )
