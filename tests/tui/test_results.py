"""Pilot tests of the results screen: reports written with one key each, and the keypress budget."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import DataTable, TabbedContent

from assess.models import AssessmentResult
from assess.tui.app import AssessApp, build_app, farewell
from assess.tui.screens.questions import QuestionScreen
from assess.tui.screens.results import ResultsScreen
from assess.tui.session import ReportTargets
from tests.tui.conftest import run, settle, until

# Launch to a written PDF on the demo project, accepting every pre-filled answer (and pressing `?`
# where nothing is pre-filled): one key per question, the results open by themselves, then `p`.
KEYPRESS_BUDGET = 12


@pytest.fixture(scope="module")
def pdf_works() -> None:
    from assess.report.pdf import PdfUnavailable, _load_weasyprint

    try:
        _load_weasyprint()
    except PdfUnavailable as exc:
        pytest.skip(str(exc))


def test_report_paths_from_the_command_line(demo_root: Path, tmp_path: Path) -> None:
    app = build_app([str(demo_root), "--answers", str(tmp_path / "a.yaml"), "--pdf", str(tmp_path / "out/x.pdf")])
    assert app.reports == ReportTargets(html=tmp_path / "report.html", pdf=tmp_path / "out" / "x.pdf")
    assert app.session.answers_path == tmp_path / "a.yaml"


def test_report_failure_is_shown_and_keeps_the_app(make_app: Callable[..., AssessApp], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    app = make_app(reports=ReportTargets(html=blocker / "report.html", pdf=blocker / "report.pdf"))

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            await pilot.press("r", "h")
            await until(pilot, lambda: app.report_line.startswith("HTML not written: "))
            assert isinstance(app.screen, ResultsScreen)

    run(scenario)


def test_findings_are_navigable(make_app: Callable[..., AssessApp]) -> None:
    app = make_app()

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            await pilot.press("r", "f")
            screen = app.screen
            assert screen.query_one(TabbedContent).active == "findings"
            table = screen.query_one(DataTable)
            assert table.has_focus
            assert table.row_count == len(app.result.findings) >= 4
            await pilot.press("down", "down", "down")
            detail = str(screen.query_one("#finding-text").content)  # type: ignore[attr-defined]
            finding = app.result.findings[3]
            assert f"{finding.path}:{finding.line}" in detail
            assert finding.snippet.strip() in detail
            await pilot.press("s")
            assert screen.query_one(TabbedContent).active == "summary"
            await pilot.press("escape")
            assert isinstance(app.screen, QuestionScreen)

    run(scenario)


def _screen_text(app: AssessApp) -> str:
    """What the terminal shows, one string: the rendered lines, joined, whitespace collapsed."""
    strips = app.screen._compositor.render_strips()
    scrollbars = str.maketrans("", "", "▁▂▃▄▅▆▇█▉▊▋▌▍▎▏▐▕")  # a thumb sits inside a line, beside the text
    return " ".join(" ".join(strip.text.translate(scrollbars) for strip in strips).split())


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
def test_findings_tab_shows_each_message(make_app: Callable[..., AssessApp], size: tuple[int, int]) -> None:
    """Every finding's own message (which endpoint, which model, what is missing) is on screen when its
    row is highlighted, at a laptop terminal's 80 and 100 columns."""
    app = make_app()

    async def scenario() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await pilot.press("r", "f")
            findings = app.result.findings
            assert findings
            for index, finding in enumerate(findings):
                if index:
                    await pilot.press("down")
                await pilot.pause()
                shown = _screen_text(app)
                message = " ".join(finding.message.split())
                assert message in shown, f"{size}: row {index} ({finding.check}) not on screen: {shown[-900:]}"

    run(scenario)


def count_keys_to_pdf(app: AssessApp, then_html: bool = False) -> tuple[int, AssessmentResult]:
    """Keys from launch to a written PDF: Enter where an answer is pre-filled, `?` elsewhere, then `p`."""
    keys = 0

    async def scenario() -> None:
        nonlocal keys
        async with app.run_test() as pilot:
            await settle(app, pilot)
            while isinstance(app.screen, QuestionScreen):
                state = app.session.state(app.session.current)
                assert state is not None
                prefilled = state.stored is not None or state.detected is not None
                await pilot.press("enter" if prefilled else "question_mark")
                keys += 1
            await pilot.press("p")
            keys += 1
            await until(pilot, lambda: "Wrote the PDF" in app.report_line)
            if then_html:
                await pilot.press("h")
                await until(pilot, lambda: "Wrote the HTML: " in app.report_line)

    run(scenario)
    return keys, app.result


def test_keypresses_to_pdf_then_html(make_app: Callable[..., AssessApp], tmp_path: Path, pdf_works: None) -> None:
    keys, result = count_keys_to_pdf(make_app(), then_html=True)
    assert keys <= KEYPRESS_BUDGET, f"{keys} keypresses from launch to PDF (budget {KEYPRESS_BUDGET})"
    assert len(result.answers) == 11
    # both reports land next to the answers file
    pdf, html = tmp_path / "report.pdf", tmp_path / "report.html"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = html.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    assert "quillmate" in text


def test_keypresses_with_the_demo_answers_file(
    make_app: Callable[..., AssessApp], demo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("assess.report.pdf.render_pdf", lambda result: b"%PDF-1.7 stub")  # counted above for real
    shipped = tmp_path / "answers.yaml"
    shipped.write_bytes((demo_root / ".assess" / "answers.yaml").read_bytes())
    keys, _ = count_keys_to_pdf(make_app(answers_path=shipped))
    assert keys == 3  # two answers the code pre-fills, then p


def test_closing_lines_say_where_things_are(
    make_app: Callable[..., AssessApp], answers: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("assess.report.pdf.render_pdf", lambda result: b"%PDF-1.7 stub")
    app = make_app()

    async def scenario() -> None:
        async with app.run_test() as pilot:
            await settle(app, pilot)
            await pilot.press("enter", "r", "p")
            await until(pilot, lambda: "Wrote the PDF" in app.report_line)

    run(scenario)
    lines = farewell(app).splitlines()
    assert lines[0].startswith("assess: 1 of 11 answers saved in answers.yaml; run 'assess ")
    assert lines[1] == "assess: wrote PDF report.pdf"
