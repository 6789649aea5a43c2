"""Named judges of `engine: project` checks. A check names its judge and the facts it needs; the
judge turns the project's facts into verdicts. User-facing wording stays in the check's YAML."""

from __future__ import annotations

from assess.scan.judges.base import Context, Judge, Judgement, Verdict
from assess.scan.judges.budgets import JUDGE as BUDGETS
from assess.scan.judges.efficiency import EXPENSIVE_MODEL, STATIC_PROMPT
from assess.scan.judges.rate_limits import JUDGE as RATE_LIMITS
from assess.scan.judges.retries import JUDGE as STACKED_RETRIES
from assess.scan.judges.usage import UNRECORDED, WITHOUT_DIMENSION

JUDGES: dict[str, Judge] = {
    "rate-limits": RATE_LIMITS,
    "stacked-retries": STACKED_RETRIES,
    "usage-unrecorded": UNRECORDED,
    "usage-dimensions": WITHOUT_DIMENSION,
    "iac-budget": BUDGETS,
    "expensive-model": EXPENSIVE_MODEL,
    "static-prompt-cache": STATIC_PROMPT,
}

__all__ = ["JUDGES", "Context", "Judge", "Judgement", "Verdict"]
