"""The score is a pure function: a table of cases, each with the reason it must hold."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pytest

from assess.assessment import ScanOptions, run_assessment, score_result
from assess.catalog import Catalog
from assess.grades import band, grade_for
from assess.models import AnswerResult, AssessmentResult, Coverage, Finding, ProjectInfo, ToolInfo
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


# --- the overall score: what it rests on and what caps it (issue 15, "never a false A") ----------------

GO_SERVICE = {
    "go.mod": "module example.com/notes\n\ngo 1.22\n\nrequire github.com/sashabaranov/go-openai v1.36.0\n",
    "server.go": """package main

import (
	"context"
	"net/http"
	"os"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

var llm = openai.NewClient(os.Getenv("OPENAI_API_KEY"))

// an endpoint with no rate limit, calling the model inside a loop that never gives up
func draft(w http.ResponseWriter, r *http.Request) {
	for {
		out, err := llm.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
			Model:    openai.GPT4o,
			Messages: []openai.ChatCompletionMessage{{Role: "user", Content: r.FormValue("q")}},
		})
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		w.Write([]byte(out.Choices[0].Message.Content))
		return
	}
}

func main() {
	http.HandleFunc("/draft", draft)
	http.ListenAndServe(":8080", nil)
}
""",
}


def _project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _best_answers(catalog: Catalog, skip: Collection[str] = ()) -> list[AnswerResult]:
    """Every scored question answered with its best choice, except those of the items in `skip`."""
    answers = []
    for question in catalog.questions.values():
        if question.checklist in skip or not question.scored or question.when:
            continue
        best = max(question.choices, key=lambda c: c.score)
        answers.append(
            AnswerResult(question=question.id, value=best.value, source="user", checklist=question.checklist)
        )
    return answers


def test_a_go_service_is_never_well_protected_from_silence(tmp_path: Path, catalog: Catalog) -> None:
    """Go is read for LLM calls and usage only: its retries and endpoints are not judged, so not passed."""
    result = run_assessment(_project(tmp_path, GO_SERVICE), catalog, ScanOptions())
    assert result.coverage.llm_call_sites, "the Go call is found"
    assert result.coverage.languages_analysed == ["Go (LLM calls and usage only)"]
    assert result.score != 100 and band(result.grade)[0] != "Well protected"
    assert result.score is None, "with the items the code cannot judge unanswered there is no grade"
    assert "Go analysed for LLM calls and usage only" in result.coverage.note
    assert "0 endpoints" not in result.coverage.note, "endpoints in Go were not looked for: not 'none found'"
    items = {c.id: c for c in result.checklist}
    for item in ("retry-logic", "rate-limits", "efficiency", "backend-proxy"):
        assert items[item].status == "unknown" and items[item].score is None, item
    assert result.coverage.items_judged and "retry-logic" not in result.coverage.items_judged


def test_a_go_service_is_graded_once_its_items_are_answered(tmp_path: Path, catalog: Catalog) -> None:
    root = _project(tmp_path, GO_SERVICE)
    scanned = run_assessment(root, catalog, ScanOptions())
    answered = score_result(
        catalog,
        scanned.findings,
        _best_answers(catalog),
        {c.id for c in scanned.checklist},
        coverage=scanned.coverage,
    )
    assert answered.score is not None and answered.score < 100, "the usage finding still counts"


def _key_findings(n: int, severity: str) -> list[Finding]:
    return [
        Finding(
            id=f"k{i}",
            check="hardcoded-ai-key",
            checklist="key-hygiene",
            severity=severity,  # type: ignore[arg-type]
            path=f"src/config{i}.py",
            line=3,
            message="An AI provider key is written in the code.",
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("severity", "count", "cap", "grade"),
    [
        pytest.param("critical", 16, 39, "F", id="16 critical key findings: 39/F, not 60/C"),
        pytest.param("critical", 1, 39, "F", id="one critical finding caps at 39"),
        pytest.param("high", 1, 74, "C", id="one high finding caps at 74"),
    ],
)
def test_an_open_serious_finding_caps_the_overall_score(
    catalog: Catalog, severity: str, count: int, cap: int, grade: str
) -> None:
    coverage = Coverage(llm_call_sites={"OpenAI": 3}, endpoints=2, files_analysed=20, languages_analysed=["Python"])
    scored = score_result(
        catalog,
        _key_findings(count, severity),
        _best_answers(catalog, skip={"key-hygiene"}),
        set(catalog.items),
        coverage=coverage,
    )
    uncapped = overall_score({c.id: (c.weight, c.score) for c in scored.checklist})
    assert uncapped is not None and uncapped > cap, "without the cap the other items would lift it higher"
    assert (scored.score, scored.grade) == (cap, grade)
    assert scored.cap == f"an open {severity} finding caps the score at {cap} ({grade})"


def test_suppressed_findings_do_not_cap(catalog: Catalog) -> None:
    coverage = Coverage(llm_call_sites={"OpenAI": 3}, endpoints=2, files_analysed=20, languages_analysed=["Python"])
    findings = [f.model_copy(update={"suppressed": True}) for f in _key_findings(3, "critical")]
    scored = score_result(catalog, findings, _best_answers(catalog), set(catalog.items), coverage=coverage)
    assert scored.cap == "" and scored.score is not None and scored.score > 39


def test_every_report_says_what_capped_the_score(catalog: Catalog) -> None:
    from assess.report.html import render_html
    from assess.report.markdown import render_markdown
    from assess.report.text import render_summary

    coverage = Coverage(llm_call_sites={"OpenAI": 3}, endpoints=2, files_analysed=20, languages_analysed=["Python"])
    scored = score_result(
        catalog,
        _key_findings(16, "critical"),
        _best_answers(catalog, skip={"key-hygiene"}),
        set(catalog.items),
        coverage=coverage,
    )
    result = AssessmentResult(
        tool=ToolInfo(version="0"),
        generated_at="2026-12-01T00:00:00+00:00",
        project=ProjectInfo(root="capped"),
        score=scored.score,
        grade=scored.grade,
        score_cap=scored.cap,
        checklist=scored.checklist,
        coverage=scored.coverage,
        findings=_key_findings(16, "critical"),
    )
    sentence = "an open critical finding caps the score at 39 (F)"
    assert sentence in render_summary(result)
    assert sentence in render_markdown(result)
    assert sentence in render_html(result)
