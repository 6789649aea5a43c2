"""The score is a pure function: a table of cases, each with the reason it must hold."""

from __future__ import annotations

import pytest

from assess.grades import grade_for
from assess.scoring import ItemInput, gains, overall_score, score_item

CASES = [
    # (answer scores, finding severities, checks ran) -> (status, score)
    pytest.param([], [], False, "unknown", None, id="nothing known stays unknown, never zero"),
    pytest.param([], [], True, "pass", 100, id="code checks ran and found nothing"),
    pytest.param([1.0], [], False, "pass", 100, id="one good answer"),
    pytest.param([1.0, 0.0], [], False, "partial", 50, id="mean of answers"),
    pytest.param([0.0], [], True, "fail", 0, id="a bad answer beats silent code"),
    pytest.param([1.0], ["critical"], True, "fail", 0, id="critical finding caps at 0 whatever the answer"),
    pytest.param([1.0], ["high"], True, "fail", 30, id="high caps at 30"),
    pytest.param([1.0], ["medium"], True, "partial", 60, id="medium caps at 60"),
    pytest.param([1.0], ["low"], True, "pass", 85, id="low caps at 85"),
    pytest.param([0.5], ["low"], True, "partial", 50, id="cap only lowers, never raises"),
    pytest.param([], ["info"], True, "pass", 100, id="info findings do not cap"),
    pytest.param([], ["medium", "critical", "low"], True, "fail", 0, id="worst severity decides"),
    pytest.param([], ["high"], False, "fail", 30, id="findings score an item without answers"),
    pytest.param([0.79], [], False, "partial", 79, id="pass threshold is 80"),
    pytest.param([0.8], [], False, "pass", 80, id="80 passes"),
    pytest.param([0.39], [], False, "fail", 39, id="partial threshold is 40"),
]


@pytest.mark.parametrize(("answers", "severities", "ran", "status", "score"), CASES)
def test_score_item(answers: list[float], severities: list[str], ran: bool, status: str, score: int | None) -> None:
    result = score_item(ItemInput(weight=10, answer_scores=answers, finding_severities=severities, checks_ran=ran))
    assert (result.status, result.score) == (status, score)
    assert result.reason


@pytest.mark.parametrize(("answers", "severities"), [([1.0], []), ([], ["critical"]), ([], [])])
def test_a_check_that_failed_leaves_its_item_unknown(answers: list[float], severities: list[str]) -> None:
    """What the broken check would have found is not known: neither answers nor other findings score it."""
    item = ItemInput(
        weight=10, answer_scores=answers, finding_severities=severities, checks_ran=True, check_failed=True
    )
    result = score_item(item)
    assert (result.status, result.score) == ("unknown", None)
    assert "failed" in result.reason


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ({"a": (10, 100), "b": (10, 0)}, 50),
        ({"a": (30, 100), "b": (10, 0)}, 75),
        ({"a": (10, 80), "b": (10, None)}, 80),  # unknown carries no weight
        ({"a": (0, 0), "b": (10, 90)}, 90),  # weight 0: shown, not scored
        ({"a": (10, None)}, None),
        ({}, None),
    ],
)
def test_overall_score(items: dict[str, tuple[int, int | None]], expected: int | None) -> None:
    assert overall_score(items) == expected


@pytest.mark.parametrize(
    ("score", "grade"), [(100, "A"), (90, "A"), (89, "B"), (75, "B"), (60, "C"), (40, "D"), (39, "F"), (0, "F")]
)
def test_grades(score: int, grade: str) -> None:
    assert grade_for(score) == grade


def test_grade_of_nothing_is_not_a_letter() -> None:
    assert grade_for(None) == "not assessed"


def test_gains_rank_what_buys_most() -> None:
    g = gains({"big": (20, 0), "small": (10, 0), "done": (20, 100), "unknown": (10, None)})
    assert g == {"big": 40, "small": 20, "done": 0}
