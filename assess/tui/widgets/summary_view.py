"""The score, the checklist with marks, and the three fixes that buy the most."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from assess.models import AssessmentResult
from assess.tui.safe import safe_text

# A mark and a word for each status: the meaning never rests on colour alone.
MARKS = {
    "pass": ("✓", "pass", "green"),
    "partial": ("◐", "partial", "yellow"),
    "fail": ("✗", "fail", "red"),
    "unknown": ("?", "unknown", "dim"),
}


def headline(result: AssessmentResult, unanswered: int, scanned: bool) -> Text:
    text = Text()
    text.append(f"Score {result.score}/100", style="bold")
    text.append(" · grade ")
    text.append(result.grade, style="bold")
    open_findings = [f for f in result.findings if not f.suppressed]
    critical = sum(1 for f in open_findings if f.severity == "critical")
    text.append(f"\n{len(open_findings)} findings")
    if critical:
        text.append(f" ({critical} critical)")
    if scanned:
        text.append(f" · {result.project.files_scanned} files scanned")
        if result.project.providers:
            text.append(" · ")
            text.append_text(safe_text(", ".join(result.project.providers)))
    else:
        text.append(" · scan still running")
    if unanswered:
        text.append(f"\n{unanswered} question{'s' if unanswered != 1 else ''} unanswered: press a to answer")
    return text


def checklist_table(result: AssessmentResult) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)  # mark and word
    table.add_column(justify="right", no_wrap=True)  # score
    table.add_column(ratio=1)  # title
    table.add_column(justify="right", no_wrap=True)  # findings
    for item in result.checklist:
        mark, word, colour = MARKS[item.status]
        score = "–" if item.score is None else str(item.score)
        count = f"{item.findings} finding{'s' if item.findings != 1 else ''}" if item.findings else ""
        table.add_row(Text(f"{mark} {word:<7}", style=f"bold {colour}"), score, item.title, count)
    return table


def fixes(result: AssessmentResult) -> RenderableType:
    if not result.top_fixes:
        return Text("Nothing to fix on what is known so far.", style="italic")
    rows: list[RenderableType] = []
    for number, fix in enumerate(result.top_fixes, 1):
        line = Text(f"{number}. ", style="bold")
        line.append(f"+{fix.gain} points", style="bold")
        line.append(f"  {fix.title}")
        rows.append(line)
        rows.append(Padding(Text(fix.fix, style="dim"), (0, 0, 0, 3)))
    return Group(*rows)


class SummaryView(VerticalScroll):
    DEFAULT_CSS = """
    SummaryView { padding: 0 1; }
    SummaryView .heading { text-style: bold; margin-top: 1; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="headline")
        yield Static("Checklist", classes="heading")
        yield Static(id="checklist")
        yield Static("The three fixes that buy the most", classes="heading")
        yield Static(id="fixes")

    def show(self, result: AssessmentResult, unanswered: int, scanned: bool) -> None:
        self.query_one("#headline", Static).update(headline(result, unanswered, scanned))
        self.query_one("#checklist", Static).update(checklist_table(result))
        self.query_one("#fixes", Static).update(fixes(result))
