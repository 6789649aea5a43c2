"""Text from the scanned project cannot restyle the screen, and the core never imports Textual."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.widgets import DataTable, Static

from assess.models import Finding
from assess.tui.app import AssessApp
from assess.tui.safe import safe_text, visible
from tests.tui.conftest import fixed_scanner, frozen_snapshot, plain, run, settle

HOSTILE_PATH = "web/[bold red]x[/]\x1b[2J.ts"
HOSTILE_SNIPPET = "[link=https://example.invalid]click[/link] \x1b]0;pwned\x07 \u202eevil"


def test_visible_spells_out_control_and_format_characters() -> None:
    assert visible("plain [b]text[/b]") == "plain [b]text[/b]"
    assert visible("a\x1b[31mb") == "a\\x1b[31mb"
    assert visible("x\u202ey") == "x\\u202ey"
    assert visible("tab\there") == "tab here"
    text = safe_text("[bold]x")
    assert isinstance(text, Text) and text.plain == "[bold]x" and not text.spans


def test_hostile_paths_and_snippets_stay_inert(make_app: Callable[..., AssessApp], demo_root: Path) -> None:
    base = frozen_snapshot(demo_root)
    hostile = Finding(
        id="hostile",
        check="sdk-in-browser",
        checklist="backend-proxy",
        severity="critical",
        path=HOSTILE_PATH,
        line=3,
        message="m",
        snippet=HOSTILE_SNIPPET,
        title="An AI SDK is allowed to run in the browser",
    )
    snapshot = dataclasses.replace(base, findings=[hostile])
    app = make_app(scanner=fixed_scanner(snapshot))

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            evidence = plain(app.screen.query_one("#evidence", Static).content)
            assert "web/[bold red]x[/]\\x1b[2J.ts:3" in evidence
            assert "[link=https://example.invalid]click[/link] \\x1b]0;pwned\\x07 \\u202eevil" in evidence
            assert "\x1b" not in evidence and "\u202e" not in evidence
            assert "\x1b" not in app.export_screenshot()
            await pilot.press("r", "f")
            table = app.screen.query_one(DataTable)
            where = table.get_row_at(0)[1]
            assert isinstance(where, Text) and where.plain == "web/[bold red]x[/]\\x1b[2J.ts:3"
            detail = app.screen.query_one("#finding-text").content  # type: ignore[attr-defined]
            assert "\x1b" not in detail.plain and "[link=https://example.invalid]" in detail.plain

    run(scenario)


def test_core_never_imports_textual() -> None:
    modules = [
        "assess.cli",
        "assess.assessment",
        "assess.catalog",
        "assess.questionnaire",
        "assess.answers",
        "assess.scoring",
        "assess.report.html",
        "assess.report.pdf",
        "assess.report.json_report",
        "assess.demo",
        "assess.tui.session",  # the app's state is plain Python too
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "from assess.cli import build_parser; build_parser()\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_no_module_outside_tui_imports_textual() -> None:
    package = Path(__file__).resolve().parents[2] / "assess"
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tui" not in path.relative_to(package).parts
        and "demo" not in path.relative_to(package).parts[:1]
        and any(
            line.lstrip().startswith(("import textual", "from textual"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []
