"""Named judges of `engine: project` checks. A check names its judge and the facts it needs; the
judge turns the project's facts into verdicts. User-facing wording stays in the check's YAML."""

from __future__ import annotations

from pathlib import Path

from assess.errors import InputError
from assess.models import Check
from assess.scan.matching.rulebook import FactRule
from assess.scan.project.judges.base import ENDPOINTS, Context, Judge, Judgement, Verdict
from assess.scan.project.judges.budgets import JUDGE as BUDGETS
from assess.scan.project.judges.coverage import JUDGE as UNRECOGNISED_CALLS
from assess.scan.project.judges.efficiency import EXPENSIVE_MODEL, STATIC_PROMPT
from assess.scan.project.judges.rate_limits import JUDGE as RATE_LIMITS
from assess.scan.project.judges.retries import JUDGE as STACKED_RETRIES
from assess.scan.project.judges.usage import UNRECORDED, WITHOUT_DIMENSION

JUDGES: dict[str, Judge] = {
    "rate-limits": RATE_LIMITS,
    "stacked-retries": STACKED_RETRIES,
    "usage-unrecorded": UNRECORDED,
    "usage-dimensions": WITHOUT_DIMENSION,
    "iac-budget": BUDGETS,
    "unrecognised-calls": UNRECOGNISED_CALLS,
    "expensive-model": EXPENSIVE_MODEL,
    "static-prompt-cache": STATIC_PROMPT,
}


def validate_project_check(check: Check, facts: dict[str, FactRule], path: Path) -> None:
    """An `engine: project` check's judge exists, accepts its params and is given every fact it reads.

    A judge that follows calls (`Judge.follows`) may follow them only to `reach` facts: deferral parses a
    file late only if it leads to one, so a chain to any other kind could miss files. A check that lists
    a `deferrable` fact must have a judge that follows calls: such facts are kept only on those chains.
    """
    if not check.judge or check.judge not in JUDGES:
        raise InputError(f"unknown judge '{check.judge}' (known: {', '.join(sorted(JUDGES))})", path)
    unknown = [f for f in check.facts if f not in facts]
    if unknown:
        raise InputError(f"unknown fact rule(s) {unknown}", path)
    judge = JUDGES[check.judge]
    try:
        judge.params.model_validate(check.params)
    except Exception as exc:
        raise InputError(f"params for judge '{check.judge}': {str(exc).splitlines()[-1].strip()}", path) from None
    missing = [f for f in judge.needs if f not in check.facts]
    if missing:
        raise InputError(f"judge '{check.judge}' needs facts {missing}", path)
    not_reach = [k for k in judge.follows if k not in facts or not facts[k].reach]
    if not_reach:
        raise InputError(f"judge '{check.judge}' follows calls to {not_reach}, which are not `reach` facts", path)
    deferrable = [f for f in check.facts if facts[f].deferrable]
    if deferrable and not judge.follows:
        raise InputError(f"facts {deferrable} are deferrable: only a judge that follows calls may read them", path)


__all__ = ["ENDPOINTS", "JUDGES", "Context", "Judge", "Judgement", "Verdict", "validate_project_check"]
