"""After the walk: judge `engine: project` checks on the facts every file gave during its one parse,
and give per-file findings the call-site facts (provider, model) the report and questionnaire use.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from assess.models import TEST_EXEMPT_ITEMS, Check
from assess.redact import Redactor
from assess.scan.files.facts import ProjectFacts
from assess.scan.files.roles import is_test_path
from assess.scan.matching.engine import RawFinding, ScanOutput, check_error, fingerprint
from assess.scan.matching.factscan import Fact
from assess.scan.plan import ScanPlan
from assess.scan.project.callsites import models_and_providers
from assess.scan.project.judges import ENDPOINTS, JUDGES, Context, Verdict
from assess.scan.project.project_index import ProjectIndex


@dataclass
class ProjectOutcome:
    """What judging the project gave: findings, models, providers, items judged, errors, call sites, endpoints."""

    findings: list[RawFinding] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    applied_items: set[str] = field(default_factory=set)  # checklist items a project check had something to judge
    errors: list[tuple[str, str | None, str]] = field(default_factory=list)  # judges that raised (engine.check_error)
    call_sites: dict[str, int] = field(default_factory=dict)  # provider -> paid LLM call sites found
    endpoints: int | None = None  # endpoints that reach an LLM call; None when no judge looked for them


def _format(template: str, values: dict[str, str]) -> str:
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):
        return template


def _finding(check: Check, verdict: Verdict, seen: Counter[tuple[str, str, str]], redactor: Redactor) -> RawFinding:
    at = verdict.at
    snippet = redactor(at.snippet)
    key = (check.id, at.rel, " ".join(snippet.split()))
    ordinal = seen[key]
    seen[key] += 1
    return RawFinding(
        check=check,
        rel=at.rel,
        line=at.line,
        column=at.column,
        snippet=snippet,
        message=redactor(_format(check.message, verdict.values)),
        fingerprint=fingerprint(check.id, redactor.path(at.rel), snippet, ordinal),
        role=at.role,
        provider=verdict.provider,
        model=redactor(verdict.model) if verdict.model else verdict.model,
        endpoint=redactor(verdict.endpoint) if verdict.endpoint else verdict.endpoint,
        framework=verdict.framework,
        attempts=verdict.attempts,
    )


def _enrich(findings: list[RawFinding], ctx: Context) -> None:
    """A per-file finding on an LLM call (max tokens, loops...) names the call's provider and model."""
    by_file: dict[str, list[Fact]] = {}
    for site in ctx.sites:
        by_file.setdefault(site.rel, []).append(site.fact)
    for raw in findings:
        if raw.provider is not None or raw.rel not in by_file:
            continue
        on_line = [f for f in by_file[raw.rel] if f.line <= raw.line <= f.end_line]
        if not on_line:
            continue
        nearest = ctx.site(min(on_line, key=lambda f: f.end_line - f.line))
        if nearest is not None:
            raw.provider, raw.model = nearest.provider, nearest.model


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The judges build indexes of a few hundred thousand small objects, none of them in a reference cycle.
    While they grow, the cyclic garbage collector would walk every object of the scan again and again (a
    quarter of the judging time); it runs as usual once they are done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def judge_project(checks: Iterable[Check], output: ScanOutput, project: ProjectFacts, plan: ScanPlan) -> ProjectOutcome:
    """Findings of the project checks, models and providers of the call sites; enriches `output.findings`.

    From `plan`: the redactor that hides keys in the snippets (as the per-file scan does), and the fact
    kinds the judges may follow calls to.
    """
    with _collector_paused():
        return _judge_project(checks, output, project, plan)


def _judge_project(
    checks: Iterable[Check], output: ScanOutput, project: ProjectFacts, plan: ScanPlan
) -> ProjectOutcome:
    redactor = plan.keys.redactor
    index = ProjectIndex(output.all_facts(), project, plan.reach)
    ctx = Context(index)
    outcome = ProjectOutcome()
    seen: Counter[tuple[str, str, str]] = Counter()
    for check in checks:
        judge = JUDGES[check.judge or ""]
        try:
            judgement = judge.run(ctx, judge.params.model_validate(check.params))
            exempt = check.checklist in TEST_EXEMPT_ITEMS
            found = [
                _finding(check, v, seen, redactor)
                for v in judgement.verdicts
                if not (exempt and v.at.rel and is_test_path(v.at.rel))
            ]
        except Exception as exc:  # checkov's way: the judge's item becomes unknown, the other judges still run
            outcome.errors.append(check_error(check.id, None, exc, redactor))
            continue
        if judgement.applied:
            outcome.applied_items.add(check.checklist)
        outcome.findings += found
    _enrich(output.findings, ctx)
    outcome.models, outcome.providers = models_and_providers(index, ctx.sites)
    outcome.call_sites = dict(sorted(Counter(s.provider or "unknown provider" for s in ctx.sites).items()))
    endpoints = ctx.built(ENDPOINTS)
    outcome.endpoints = len(endpoints) if isinstance(endpoints, list) else None
    return outcome
