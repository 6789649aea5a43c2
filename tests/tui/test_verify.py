"""Pilot tests: `v` on a billing question reads the providers' settings in the background and answers from them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

import assess.verify
from assess.answers import save_answer
from assess.catalog import Catalog
from assess.models import Verification
from assess.tui.app import AssessApp
from assess.tui.session import Session
from assess.tui.widgets.question_card import QuestionCard
from tests.tui.conftest import fixed_scanner, frozen_snapshot, plain, run, settle, until

READ_AT = "2026-12-07T16:00:00+00:00"


def openai_with_limit(names: Iterable[str], note: Any = None, *, errors: bool = True) -> list[Verification]:
    assert tuple(names) == ("openai",), "the scan found OpenAI only: only OpenAI is read"
    if note:
        note("verify: reading OpenAI settings …")
        note("verify: OpenAI project 1/2")  # a step within the provider: no toast of its own
    return [
        Verification(
            provider="openai",
            account="org-[bold]demo",  # provider text with markup in it: shown as is, never parsed
            read_at=READ_AT,
            answers={"spend-limit": "hard-limit", "spend-cap-amount": "500"},
            evidence=["organisation spend limit: $500/month"],
            summary="spend limit verified at OpenAI: $500/month",
        )
    ]


def openai_app(demo_root: Path, catalog: Catalog, answers: Path) -> tuple[AssessApp, list[str]]:
    """The app over a scan that found OpenAI; the toasts it shows are collected as plain lines."""
    snapshot = dataclasses.replace(frozen_snapshot(demo_root), providers=["OpenAI"])
    session = Session.open(demo_root, answers, display_root="quillmate", catalog=catalog)
    app = AssessApp(session, scanner=fixed_scanner(snapshot))
    toasts: list[str] = []
    shown = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        toasts.append(str(message))
        shown(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return app, toasts


async def to_spend_limit(app: AssessApp, pilot: Any) -> None:
    await settle(app, pilot)
    assert not app.screen.check_action("verify", ()), "`v` is not offered off the billing questions"
    await pilot.press("right", "right")
    assert app.session.current == "spend-limit"
    assert app.screen.check_action("verify", ())


def card_text(app: AssessApp) -> str:
    card = app.screen.query_one(QuestionCard)
    return "\n".join(plain(card.query_one(f"#{part}", Static).content) for part in ("verified", "prompt"))


def test_verify_answers_the_billing_question(
    demo_root: Path, catalog: Catalog, answers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assess.verify, "run_verification", openai_with_limit)
    save_answer(answers, catalog, "spend-limit", "none", "user")  # the person said no limit: now contradicted
    app, toasts = openai_app(demo_root, catalog, answers)

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await to_spend_limit(app, pilot)
            await pilot.press("v")
            await until(pilot, lambda: bool(app.session.verifications))
            await pilot.pause()
            answer = next(a for a in app.result.answers if a.question == "spend-limit")
            assert answer.source == "verified:openai"
            assert answer.value == "hard-limit"
            assert answer.user_value == "none", "the person's contrary answer is kept"
            text = card_text(app)
            assert "Verified at OpenAI (org-[bold]demo, read 2026-12-07 16:00:00 UTC)" in text
            assert "So the answer is: Yes, a hard limit at every provider" in text
            assert 'Your answer "Neither" contradicts the settings read at OpenAI' in text
            # later results (the amount follows from the verified limit) use the reading too
            cap = next(a for a in app.result.answers if a.question == "spend-cap-amount")
            assert (cap.value, cap.source) == ("500", "verified:openai")
            await pilot.press("r")  # the results say where the answers were read
            await pilot.pause()
            summary = plain(app.screen.query_one("#headline", Static).content)
            assert "✓ Spend limit verified at OpenAI: $500/month (org-[bold]demo" in summary
            assert "contradicts the evidence (spend-limit)" in summary

    run(scenario)
    assert toasts[0] == "verify: reading OpenAI settings …"
    assert len(toasts) == 2, "one progress line and one outcome line for the one provider"
    assert any(t.startswith("Spend limit verified at OpenAI: $500/month (org-[bold]demo") for t in toasts)


@pytest.mark.parametrize("outcome", ["raises", "errors"])
def test_verify_failure_is_one_line(
    demo_root: Path, catalog: Catalog, answers: Path, monkeypatch: pytest.MonkeyPatch, outcome: str
) -> None:
    def failing(names: Iterable[str], note: Any = None, *, errors: bool = True) -> list[Verification]:
        if outcome == "raises":
            raise RuntimeError("boom")
        return [Verification(provider="openai", read_at=READ_AT, errors=["OpenAI: 401 the key was refused"])]

    monkeypatch.setattr(assess.verify, "run_verification", failing)
    app, toasts = openai_app(demo_root, catalog, answers)

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await to_spend_limit(app, pilot)
            await pilot.press("v")
            await app.workers.wait_for_complete()
            await until(pilot, lambda: len(toasts) == 1)
            answer = next((a for a in app.result.answers if a.question == "spend-limit"), None)
            assert answer is None, "nothing verified: the question stays unanswered (unknown, never a pass)"
            assert "Verified at" not in card_text(app)
            await pilot.press("1")  # the app goes on: answering still works
            assert app.session.stored["spend-limit"].value == "hard-limit"

    run(scenario)
    assert len(toasts) == 1 and "\n" not in toasts[0]
    expected = "RuntimeError" if outcome == "raises" else "Not verified at OpenAI: OpenAI: 401 the key was refused"
    assert expected in toasts[0]
    assert "boom" not in toasts[0]


def test_admin_key_never_shown(
    demo_root: Path, catalog: Catalog, answers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real OpenAI reading, refused at a closed local port: one line, and the key from the environment is
    in no toast, no screen and no stored reading."""
    import socket

    import assess.verify.http

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: every connection is refused
    key = "sk-admin-" + "Zq7" * 12
    monkeypatch.setenv("OPENAI_ADMIN_KEY", key)
    monkeypatch.setenv("OPENAI_ADMIN_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setattr(assess.verify.http, "BACKOFF_S", 0.0)
    app, toasts = openai_app(demo_root, catalog, answers)

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await to_spend_limit(app, pilot)
            await pilot.press("v")
            await until(pilot, lambda: bool(app.session.verifications))
            await pilot.pause()
            screen = app.export_screenshot()
            assert key not in screen and key[:16] not in screen

    run(scenario)
    assert [t for t in toasts if "not verified" in t.lower()] == [toasts[-1]]
    assert "cannot connect" in toasts[-1]
    assert all(key[:16] not in t for t in toasts)
    assert key[:16] not in app.session.verifications[0].model_dump_json()
