"""Which questions to ask, in what order, with what the code already shows. Shared by TUI and CI.

A question is asked when its `when` condition holds and, if it names providers, the project uses one
of them. Evidence pre-answers it (`detect`); a person's answer that disagrees is kept and flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assess.catalog import Catalog
from assess.models import Finding, Question, StoredAnswer


@dataclass(frozen=True)
class QuestionState:
    question: Question
    detected: str | None  # the choice the evidence points to
    evidence: tuple[Finding, ...]  # the findings behind `detected`
    stored: StoredAnswer | None  # what the answers file holds

    @property
    def effective(self) -> str | None:
        """The value that counts: evidence beats a contrary answer."""
        if self.detected is not None:
            return self.detected
        return self.stored.value if self.stored else None

    @property
    def contradicts(self) -> bool:
        return (
            self.detected is not None
            and self.stored is not None
            and self.stored.source == "user"
            and self.stored.value != self.detected
        )


def _evidence(question: Question, findings: Iterable[Finding]) -> tuple[str | None, tuple[Finding, ...]]:
    live = [f for f in findings if not f.suppressed]
    for rule in question.detect:
        hits = tuple(f for f in live if f.check in rule.checks)
        if hits:
            return rule.value, hits
    return None, ()


def question_flow(
    catalog: Catalog,
    findings: list[Finding],
    stored: dict[str, StoredAnswer],
    providers: Iterable[str],
    scanned: bool = True,
) -> list[QuestionState]:
    """The questions to show, in catalog order, given the answers so far.

    `scanned` is False while the scan is still running: no evidence yet is not evidence gone.
    """
    used = set(providers)
    effective: dict[str, str] = {}
    states: list[QuestionState] = []
    for question in catalog.questions.values():
        if question.providers and not used & set(question.providers):
            continue
        if question.when and effective.get(question.when.question) not in question.when.in_:
            continue
        detected, evidence = _evidence(question, findings)
        given = stored.get(question.id)
        if scanned and given is not None and given.source == "detected" and detected is None:
            given = None  # accepted evidence that is gone (the code was fixed): ask again
        state = QuestionState(question, detected, evidence, given)
        if state.effective is not None:
            effective[question.id] = state.effective
        states.append(state)
    return states
