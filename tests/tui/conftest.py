"""Shared fixtures for the TUI tests: the demo project unpacked once, apps built over it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from assess.assessment import ScanOptions, ScanSnapshot, scan_project
from assess.catalog import Catalog
from assess.models import Coverage
from assess.tui.app import AssessApp, Scanner
from assess.tui.session import Session

# `catalog` and `demo_root` (the demo unpacked with generated keys) come from tests/conftest.py


@pytest.fixture(scope="session")
def demo_snapshot(demo_root: Path, catalog: Catalog) -> ScanSnapshot:
    return scan_project(demo_root, catalog, ScanOptions(display_root="quillmate"))


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    return tmp_path / "answers.yaml"


def fixed_scanner(snapshot: ScanSnapshot) -> Scanner:
    """A scanner that reports progress and returns a known snapshot (the real scan is tested elsewhere)."""

    def scan(root: Path, catalog: Catalog, options: ScanOptions, progress: Any) -> ScanSnapshot:
        progress("scan", snapshot.files_scanned, snapshot.files_scanned)
        return snapshot

    return scan


@pytest.fixture
def make_app(demo_root: Path, catalog: Catalog, answers: Path) -> Callable[..., AssessApp]:
    def make(answers_path: Path | None = None, **kwargs: Any) -> AssessApp:
        session = Session.open(demo_root, answers_path or answers, display_root="quillmate", catalog=catalog)
        return AssessApp(session, **kwargs)

    return make


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run an async Pilot scenario from a plain test (no async plugin needed)."""
    asyncio.run(scenario())  # type: ignore[arg-type]


async def settle(app: AssessApp, pilot: Any) -> None:
    """Wait until the scan has landed (or failed) and the screen has caught up."""
    await app.workers.wait_for_complete()
    await until(pilot, lambda: app.session.scanned or app.scan_line.startswith("Scan failed"))
    await pilot.pause()


async def until(pilot: Any, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until `condition` holds: messages from worker threads arrive asynchronously."""
    waited = 0.0
    while not condition():
        if waited >= timeout:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.02)
        waited += 0.02


def frozen_snapshot(root: Path) -> ScanSnapshot:
    """A fixed scan of the demo project, so screen snapshots do not move when the scanner improves."""

    def finding(n: int, check: str, item: str, severity: str, path: str, line: int, snippet: str, title: str) -> Any:
        from assess.models import Finding

        return Finding(
            id=f"fp{n}",
            check=check,
            checklist=item,  # type: ignore[arg-type]
            severity=severity,  # type: ignore[arg-type]
            path=path,
            line=line,
            column=1,
            message=title,
            snippet=snippet,
            title=title,
        )

    key_title = "An AI provider key is written into a file"
    findings = [
        finding(1, "hardcoded-ai-key", "key-hygiene", "critical", ".env", 2,
                "OPENAI_API_KEY=sk-MRkcd…10859549", key_title),
        finding(2, "client-env-ai-key", "backend-proxy", "critical", "web/src/lib/openai.ts", 5,
                "apiKey: import.meta.env.VITE_OPENAI_API_KEY,",
                "An AI key is read through a browser-exposed environment variable"),
        finding(3, "sdk-in-browser", "backend-proxy", "critical", "web/src/lib/openai.ts", 6,
                "dangerouslyAllowBrowser: true,", "An AI SDK is allowed to run in the browser"),
        finding(4, "hardcoded-ai-key", "key-hygiene", "critical", "worker/worker/config.py", 5,
                'OPENAI_API_KEY = "sk-proj-…9589ef00"', key_title),
        finding(5, "tenacity-retry-without-stop", "retry-logic", "high", "worker/worker/summarize.py", 23,
                "@retry(wait=wait_exponential(multiplier=1, max=60))", "A tenacity retry has no stop condition"),
        finding(6, "llm-call-without-max-tokens", "efficiency", "medium", "worker/worker/summarize.py", 27,
                "response = client.chat.completions.create(", "An LLM call sets no output token limit"),
    ]  # fmt: skip
    return ScanSnapshot(
        root=root,
        display_root="quillmate",
        commit=None,
        findings=findings,
        files_scanned=21,
        skipped={"vendored": 2},
        folders_excluded=2,
        languages=["typescript", "javascript", "python"],
        frameworks=["Express", "React", "Vite"],
        providers=["Anthropic", "OpenAI"],
        items_with_checks={"backend-proxy", "key-hygiene", "retry-logic", "efficiency"},
        checks_run=sorted({f.check for f in findings}),
        coverage=Coverage(llm_call_sites={"OpenAI": 3, "Anthropic": 1}, endpoints=2, files_analysed=19),
    )


def plain(renderable: Any) -> str:
    """The text of what a Static shows (a Text, or a Group of them), without styles."""
    from rich.console import Group
    from rich.text import Text

    if isinstance(renderable, Text):
        return renderable.plain
    if isinstance(renderable, Group):
        return "\n".join(plain(part) for part in renderable.renderables)
    return str(renderable)
