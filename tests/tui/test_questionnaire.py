"""Pilot tests: the whole questionnaire on the demo project, resuming, contradictions, navigation."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Static, TabbedContent
from textual.worker import get_current_worker

from assess.answers import load_answers, save_answer
from assess.assessment import ScanOptions, ScanSnapshot, build_result
from assess.catalog import Catalog
from assess.tui.app import AssessApp, build_app
from assess.tui.screens.questions import QuestionScreen
from assess.tui.screens.results import ResultsScreen
from assess.tui.session import Session
from assess.tui.widgets.choice_list import ChoiceList
from assess.tui.widgets.top_bar import TopBar
from tests.tui.conftest import plain, run, settle

DEMO_FLOW = [
    "ai-calls-location",
    "rate-limit-scope",
    "spend-limit",
    "spend-cap-amount",  # asked because spend-limit is answered hard-limit below
    "spend-alerts",
    "provider-tier",  # the demo uses OpenAI and Anthropic
    "usage-tracking",
    "usage-alerts",
    "retry-policy",
    "key-rotation",
    "leaked-key-runbook",
    "efficiency-measures",
]


def current(app: AssessApp) -> str | None:
    return app.session.current


def test_complete_questionnaire_on_demo(make_app: Callable[..., AssessApp], answers: Path, catalog: Catalog) -> None:
    app = make_app()

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            seen: list[str] = []
            while isinstance(app.screen, QuestionScreen):
                qid = current(app)
                assert qid is not None
                seen.append(qid)
                state = app.session.state(qid)
                assert state is not None
                # accept what the code shows; otherwise the first choice
                await pilot.press("enter" if state.detected else "1")
                stored = load_answers(answers, catalog)
                assert qid in stored, "every answer is on disk the moment it is given"
            assert seen == DEMO_FLOW
            assert isinstance(app.screen, ResultsScreen)

    run(scenario)
    stored = load_answers(answers, catalog)
    assert set(stored) == set(DEMO_FLOW)
    detected = {q for q, a in stored.items() if a.source == "detected"}
    assert {"ai-calls-location", "retry-policy", "efficiency-measures"} <= detected
    assert detected == {s.question.id for s in app.session.flow() if s.detected is not None}
    assert stored["spend-limit"].value == "hard-limit"
    assert stored["spend-cap-amount"].value == "100"
    # the result on screen is the core's result for the same scan and answers
    assert app.session.snapshot is not None
    expected = build_result(app.session.snapshot, catalog, stored)
    assert app.result.score == expected.score
    assert app.result.grade == expected.grade
    assert [a.question for a in app.result.answers] == [a.question for a in expected.answers]
    assert all(item.status != "unknown" for item in app.result.checklist)


def test_resume_after_quitting_midway(make_app: Callable[..., AssessApp], answers: Path, catalog: Catalog) -> None:
    first = make_app()

    async def answer_three_and_quit() -> None:
        async with first.run_test() as pilot:
            await settle(first, pilot)
            await pilot.press("enter", "2", "3")
            assert current(first) == "spend-alerts"  # no hard limit, so no amount question
            await pilot.press("q")

    run(answer_three_and_quit)
    assert first.return_code == 0
    before = load_answers(answers, catalog)
    assert {q: a.value for q, a in before.items()} == {
        "ai-calls-location": "some-client",
        "rate-limit-scope": "per-app",
        "spend-limit": "none",
    }

    second = make_app()
    assert current(second) == "spend-alerts", "resumes at the first unanswered question"

    async def resume() -> None:
        async with second.run_test() as pilot:
            await settle(second, pilot)
            assert isinstance(second.screen, QuestionScreen)
            assert current(second) == "spend-alerts"
            assert second.session.position("spend-alerts") == (4, 10, None)
            await pilot.press("left")
            assert current(second) == "spend-limit"
            assert second.screen.query_one(ChoiceList).highlighted == 2, "the saved answer is highlighted"

    run(resume)
    assert load_answers(answers, catalog) == before, "looking at answers changes nothing"


def test_demo_answers_leave_what_the_code_prefills(make_app: Callable[..., AssessApp], demo_root: Path) -> None:
    shipped = demo_root / ".assess" / "answers.yaml"
    app = make_app(answers_path=shipped)

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            # the demo's answers file leaves only the two questions the code pre-answers
            assert isinstance(app.screen, QuestionScreen)
            assert current(app) == "ai-calls-location"
            await pilot.press("r")
            assert isinstance(app.screen, ResultsScreen)

    run(scenario)


def test_contradiction_is_kept_and_marked(make_app: Callable[..., AssessApp], answers: Path, catalog: Catalog) -> None:
    app = make_app()

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            assert current(app) == "ai-calls-location"
            await pilot.press("1")  # "only on our servers", although the code shows a browser SDK
            await pilot.press("left")
            text = plain(app.screen.query_one("#evidence", Static).content)
            assert "contradicts" in text
            assert "Only on our servers" in text
            option = app.screen.query_one(ChoiceList).get_option_at_index(0)
            assert "your answer, contradicts the code" in str(option.prompt)

    run(scenario)
    stored = load_answers(answers, catalog)
    assert stored["ai-calls-location"].value == "backend-only"
    assert stored["ai-calls-location"].source == "user"
    answer = next(a for a in app.result.answers if a.question == "ai-calls-location")
    assert answer.value == "some-client", "evidence counts in the score"
    assert answer.contradicts_evidence
    assert answer.user_value == "backend-only"


def test_back_forward_skip(make_app: Callable[..., AssessApp], answers: Path, catalog: Catalog) -> None:
    app = make_app()

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            await pilot.press("left")
            assert current(app) == "ai-calls-location", "nothing before the first question"
            await pilot.press("s")
            assert current(app) == "rate-limit-scope"
            await pilot.press("left")
            assert current(app) == "ai-calls-location"
            await pilot.press("right", "right")
            assert current(app) == "spend-limit"
            await pilot.press("?")
            assert current(app) == "spend-alerts"
            await pilot.press("n")
            assert current(app) == "provider-tier"
            await pilot.press("b", "b")
            assert current(app) == "spend-limit"
            await pilot.press("1")  # hard limit: the amount question appears right after it
            assert current(app) == "spend-cap-amount"
            assert app.session.position("spend-cap-amount") == (3, 10, "follow-up")
            await pilot.press("7")  # its 7th choice is "not sure"
            assert current(app) == "provider-tier", "spend-alerts was answered: on to the next unanswered"
            await pilot.press("down", "down", "enter")
            assert current(app) == "usage-tracking"
            await pilot.press("r")
            assert isinstance(app.screen, ResultsScreen)
            await pilot.press("a")  # answer the rest: back to the first unanswered
            assert isinstance(app.screen, QuestionScreen)
            assert current(app) == "ai-calls-location"
            await pilot.press("9")  # no ninth choice: nothing happens
            assert current(app) == "ai-calls-location"

    run(scenario)
    stored = {q: a.value for q, a in load_answers(answers, catalog).items()}
    assert stored == {
        "spend-limit": "hard-limit",
        "spend-cap-amount": "not-sure",
        "spend-alerts": "no",
        "provider-tier": "tier-1",
    }


def test_enter_without_a_highlight_does_nothing(make_app: Callable[..., AssessApp], answers: Path) -> None:
    app = make_app()

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            await pilot.press("right", "right")
            assert current(app) == "spend-limit"  # nothing in code can show a spend limit
            assert app.screen.query_one(ChoiceList).highlighted is None
            await pilot.press("enter")
            assert current(app) == "spend-limit"

    run(scenario)
    assert not answers.exists()


def test_changing_an_answer_drops_questions_that_no_longer_apply(
    make_app: Callable[..., AssessApp], answers: Path, catalog: Catalog
) -> None:
    app = make_app()

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            await pilot.press("right", "right", "1", "3")  # hard limit, then $1,000 a month
            await pilot.press("left")
            assert current(app) == "spend-cap-amount"
            await pilot.press("left", "2")  # only alerts: the amount question is no longer shown
            assert current(app) == "spend-alerts"
            assert [s.question.id for s in app.session.flow()].count("spend-cap-amount") == 0

    run(scenario)
    # the stored amount stays in the file (it may apply again) but no longer counts
    assert load_answers(answers, catalog)["spend-cap-amount"].value == "1000"
    assert all(a.question != "spend-cap-amount" for a in app.result.answers)


def test_first_question_before_the_checks_load(demo_root: Path, tmp_path: Path) -> None:
    app = build_app([str(demo_root), "--answers", str(tmp_path / "answers.yaml")])
    assert not app.session.has_checks, "only the questions load before the first frame"

    async def scenario() -> None:
        async with app.run_test() as pilot:
            assert isinstance(app.screen, QuestionScreen)
            await settle(app, pilot)
            assert app.session.has_checks
            state = app.session.state("ai-calls-location")
            assert state is not None and state.detected == "some-client"
            assert app.result.rules, "the full catalog documents the checks that fired"

    run(scenario)


def test_everything_answered_opens_on_results(
    make_app: Callable[..., AssessApp], demo_root: Path, answers: Path, catalog: Catalog
) -> None:
    answers.write_bytes((demo_root / ".assess" / "answers.yaml").read_bytes())
    save_answer(answers, catalog, "ai-calls-location", "some-client", "detected")
    save_answer(answers, catalog, "efficiency-measures", "some", "detected")
    app = make_app()
    assert app.session.current is None

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, ResultsScreen)
            assert "unanswered" not in str(app.screen.query_one("#headline").content)  # type: ignore[attr-defined]
            await pilot.press("escape")
            assert isinstance(app.screen, QuestionScreen)
            assert current(app) == "ai-calls-location", "with nothing left, the questions start at the top"

    run(scenario)


def test_mouse_answers_and_switches_tabs(make_app: Callable[..., AssessApp], answers: Path, catalog: Catalog) -> None:
    app = make_app()

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            await pilot.click("#choices", offset=(10, 3))  # inside the border: the third choice, "Not sure"
            assert current(app) == "rate-limit-scope"
            await pilot.click("Footer FooterKey", offset=(1, 0))  # the first footer key: ← Back
            assert current(app) == "ai-calls-location"
            await pilot.press("r")
            await pilot.click("#--content-tab-findings")
            assert app.screen.query_one(TabbedContent).active == "findings"

    run(scenario)
    assert load_answers(answers, catalog)["ai-calls-location"].value == "not-sure"


def test_old_answers_are_offered_for_review(
    make_app: Callable[..., AssessApp], demo_root: Path, answers: Path, catalog: Catalog
) -> None:
    old = (demo_root / ".assess" / "answers.yaml").read_text().replace("2026-11-20", "2020-01-01")
    answers.write_text(old)
    save_answer(answers, catalog, "ai-calls-location", "some-client", "detected")
    save_answer(answers, catalog, "efficiency-measures", "some", "detected")
    app = make_app()

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, ResultsScreen)
            headline = str(app.screen.query_one("#headline").content)  # type: ignore[attr-defined]
            assert "answers are older than 180 days: press a" in headline
            await pilot.press("a")
            # rate-limit-scope is older still, but the code answers it now: the evidence needs no review
            assert current(app) == "spend-limit", "the first answer gone stale"
            option = app.screen.query_one(ChoiceList).get_option_at_index(1)
            assert "saved long ago: still true?" in str(option.prompt)
            await pilot.press("enter")  # still true: the answer is dated today
            renewed = load_answers(answers, catalog)["spend-limit"]
            assert renewed.value == "alert-only" and renewed.source == "user"
            assert renewed.answered_at is not None and not renewed.answered_at.startswith("2020")
            assert current(app) == "spend-alerts", "on to the next answer gone stale"

    run(scenario)


def test_the_question_count_does_not_change_mid_run(
    demo_root: Path, catalog: Catalog, answers: Path, demo_snapshot: ScanSnapshot
) -> None:
    """From the first frame (scan still running) to the results, through an answer that adds a follow-up
    and a scan that adds a provider's question, "Question N of TOTAL" keeps one TOTAL."""
    release = threading.Event()

    def slow_scan(root: Path, catalog: Catalog, options: ScanOptions, progress: Any) -> ScanSnapshot:
        worker = get_current_worker()
        while not release.wait(0.02) and not worker.is_cancelled:
            pass
        return demo_snapshot

    app = AssessApp(Session.open(demo_root, answers, display_root="quillmate", catalog=catalog), scanner=slow_scan)
    places: list[str] = []

    def place() -> str:
        text = app.screen.query_one(TopBar)._place
        places.append(text)
        return text

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await pilot.pause()
            assert place().startswith("Question 1 of ")
            await pilot.press("question_mark")  # answered while the scan still runs
            place()
            release.set()
            await settle(app, pilot)
            while isinstance(app.screen, QuestionScreen):
                shown = place()
                state = app.session.state(app.session.current)
                assert state is not None
                if state.question.id == "spend-limit":
                    await pilot.press("1")  # hard limit: the amount question follows
                elif state.stored is not None or state.detected is not None:
                    await pilot.press("enter")
                else:
                    await pilot.press("question_mark")
                if state.question.id == "spend-cap-amount":
                    assert "(follow-up)" in shown
                if state.question.id == "provider-tier":
                    assert "(for " in shown
                await pilot.pause()

    run(scenario)
    asked = [p for p in places if p.startswith("Question ")]
    totals = {p.split(" of ", 1)[1].split()[0] for p in asked}
    assert len(asked) >= 12 and totals == {"10"}, places
