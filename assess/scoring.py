"""Findings + answers -> a status and score per checklist item, and an overall score and grade.

Pure functions, table-tested. The rules (README "How the score works" says the same):
- An item's base score is the mean of its answered questions' choice scores (0..1, as 0..100).
  With no answer, an item whose code checks judged something (LLM calls, endpoints, files for keys) and
  found nothing wrong scores 100 on code evidence alone; one whose checks had nothing to judge is
  `not-applicable`, one with neither answers nor checks `unknown`: neither carries weight (never 100 from
  silence).
- Unsuppressed findings cap the item by their worst severity (critical 0, high 30, medium 60,
  low 85): evidence in code beats a reassuring answer. The scale itself lives in assess/grades.py.
- Status: pass >= 80, partial >= 40, fail below; unknown when unscored or when one of its checks raised.
- Overall: the weighted mean of scored items (weights in questions/*.yaml); grade A >= 90,
  B >= 75, C >= 60, D >= 40, else F.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assess.grades import PARTIAL_AT, PASS_AT, SEVERITY_CAP


@dataclass(frozen=True)
class ItemInput:
    weight: int
    answer_scores: Sequence[float]  # choice scores 0..1 of the answered questions
    finding_severities: Sequence[str]  # unsuppressed findings only
    checks_ran: bool  # at least one code check of this item applied to the project
    check_failed: bool = False  # a check of this item raised: what it would have found is not known
    nothing_to_judge: str = ""  # why the checks that ran had nothing to judge ("no LLM call found"), if so


@dataclass(frozen=True)
class ItemScore:
    status: str
    score: int | None
    reason: str


def score_item(item: ItemInput) -> ItemScore:
    if item.check_failed:
        return ItemScore("unknown", None, "a check of this item failed to run (see errors): not assessed")
    base: float | None = None
    parts: list[str] = []
    if item.answer_scores:
        base = 100 * sum(item.answer_scores) / len(item.answer_scores)
        n = len(item.answer_scores)
        parts.append(f"{n} answer{'s' if n != 1 else ''}")
    elif item.checks_ran and not item.nothing_to_judge:
        base = 100.0
        parts.append("code checks only")
    if item.finding_severities:
        worst = min(item.finding_severities, key=lambda s: SEVERITY_CAP[s])
        cap = SEVERITY_CAP[worst]
        base = min(base if base is not None else 100.0, cap)
        n = len(item.finding_severities)
        parts.append(f"{n} finding{'s' if n != 1 else ''}, worst {worst} (caps at {cap})")
    if base is None and item.checks_ran and item.nothing_to_judge:
        return ItemScore("not-applicable", None, f"not answered; {item.nothing_to_judge}")
    if base is None:
        return ItemScore("unknown", None, "not answered and no code check applies")
    score = round(base)
    status = "pass" if score >= PASS_AT else "partial" if score >= PARTIAL_AT else "fail"
    return ItemScore(status, score, "; ".join(parts))


def overall_score(items: Mapping[str, tuple[int, int | None]]) -> int | None:
    """Weighted mean of (weight, score) over scored items; None when nothing was scored."""
    scored = [(w, s) for w, s in items.values() if s is not None and w > 0]
    total = sum(w for w, _ in scored)
    if not total:
        return None
    return round(sum(w * s for w, s in scored) / total)


def gains(items: Mapping[str, tuple[int, int | None]]) -> dict[str, int]:
    """Overall points each scored item would add if it reached 100."""
    total = sum(w for w, s in items.values() if s is not None and w > 0)
    if not total:
        return {}
    return {i: round(w * (100 - s) / total) for i, (w, s) in items.items() if s is not None and w > 0}
