"""The questionnaire never dies of what the project holds or of the terminal it runs in (issue 16: 09, 10, 24)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from assess.tui.app import AssessApp, build_app
from assess.tui.screens.questions import QuestionScreen
from assess.tui.screens.results import ResultsScreen
from assess.tui.screens.too_small import TooSmallScreen
from tests.tui.conftest import plain, run, settle


def _project(tmp_path: Path, name: str = "p") -> Path:
    root = tmp_path / name
    (root / ".assess").mkdir(parents=True)
    (root / "a.js").write_text("x\n")
    return root


def _drive(app: AssessApp, check: Callable[[AssessApp], None], *keys: str, size: tuple[int, int] = (100, 30)) -> None:
    """Run the app, press `keys` once the scan landed, then `check` it; an exception in the app fails here."""

    async def scenario() -> None:
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(app, pilot)
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            await pilot.pause(0.2)
            check(app)

    run(scenario)
    assert app.return_code in (None, 0), "the app died"


def test_markup_in_a_failed_scan_reason_is_shown_as_text(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / ".assess" / "ignore.yaml").write_text('version: 1\nignore:\n  - check: "[/]x"\n    reason: r\n')

    def check(app: AssessApp) -> None:
        assert app.scan_line.startswith("Scan failed")
        assert any("[/]x" in n.message for n in app._notifications), "the reason names the bad check id as given"

    _drive(build_app([str(root)]), check, "r")


def test_markup_in_a_configured_report_path_is_shown_as_text(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / ".assess.toml").write_text('[outputs]\nhtml = "[/]h.html"\n')

    def check(app: AssessApp) -> None:
        assert isinstance(app.screen, ResultsScreen)
        assert "[/]h.html" in plain(app.screen.query_one("#reports", Static).content)

    _drive(build_app([str(root)]), check, "r")


def test_read_only_answers_folder_says_answer_not_saved_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    folder = root / ".assess"
    (folder / "answers.yaml").write_text("version: 1\nanswers: {}\n")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    if os.geteuid() == 0:  # root writes into read-only folders: refuse as the kernel would for anyone else
        real_open = os.open

        def refuse(path: str | os.PathLike[str], flags: int, *args: int, **kwargs: int) -> int:
            if Path(path).parent == folder and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    try:
        app = build_app([str(root)])

        def check(app: AssessApp) -> None:
            titles = [n.title for n in app._notifications]
            assert "Answer not saved" in titles
            assert isinstance(app.screen, QuestionScreen), "the questionnaire is still there"
            assert not list(folder.glob("*.lock")), "no lock file left"

        _drive(app, check, "1", "1")
    finally:
        folder.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("size", [(1, 1), (8, 4), (9, 4), (20, 5), (39, 30)])
def test_a_tiny_terminal_shows_too_small_then_the_questionnaire_again(tmp_path: Path, size: tuple[int, int]) -> None:
    root = _project(tmp_path)
    app = build_app([str(root)])

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            assert isinstance(app.screen, TooSmallScreen)
            await pilot.press("down", "r", "right", "left", "1")  # keys for the screens beneath do nothing
            await pilot.pause()
            assert isinstance(app.screen, TooSmallScreen)
            assert not app.session.stored
            await pilot.resize_terminal(100, 30)
            await pilot.pause(0.3)
            assert isinstance(app.screen, QuestionScreen)
            await pilot.press("down")
            await pilot.pause()

    run(scenario)
    assert app.return_code in (None, 0)


def test_starting_in_a_tiny_terminal_does_not_crash(tmp_path: Path) -> None:
    root = _project(tmp_path)
    app = build_app([str(root)])

    async def scenario() -> None:
        async with app.run_test(size=(8, 4)) as pilot:
            await settle(app, pilot)
            await pilot.pause(0.3)
            assert isinstance(app.screen, TooSmallScreen)

    run(scenario)
    assert app.return_code in (None, 0)
