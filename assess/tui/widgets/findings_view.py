"""Findings as a navigable table, with the highlighted one's location, snippet, why and fix below.

Path:line, the message and the redacted snippet can carry text from the scanned files; all go through
safe_text.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from assess.models import AssessmentResult, Finding
from assess.tui.safe import safe_text


def location(finding: Finding) -> str:
    if finding.path is None:
        return "(project)"
    return f"{finding.path}:{finding.line}" if finding.line else finding.path


def detail(finding: Finding, result: AssessmentResult) -> Text:
    text = Text()
    text.append_text(safe_text(location(finding), "bold"))
    text.append(f"  {finding.severity}", style="bold")
    if finding.suppressed:
        text.append(" (suppressed)")
    text.append(f"\n{finding.title or finding.check}\n")
    if finding.message and finding.message != finding.title:
        # this finding's own sentence (which key, endpoint or model): it can quote the scanned code
        text.append_text(safe_text(" ".join(finding.message.split())))
        text.append("\n")
    if finding.endpoint:
        text.append("Endpoint: ")
        text.append_text(safe_text(finding.endpoint + (f" ({finding.framework})" if finding.framework else "")))
        text.append("\n")
    if finding.snippet:
        text.append("  ")
        text.append_text(safe_text(finding.snippet.strip(), "reverse"))
        text.append("\n")
    rule = next((r for r in result.rules if r.id == finding.check), None)
    if rule is not None:
        text.append("Why: ", style="bold")
        text.append(rule.why.strip() + "\n")
        text.append("Fix: ", style="bold")
        text.append(rule.fix.strip())
        example = rule.fix_frameworks.get(finding.framework or "")
        if example:
            text.append(f"\nFor {finding.framework}:\n", style="bold")
            text.append(example.rstrip(), style="dim")
    return text


class FindingsView(Vertical):
    DEFAULT_CSS = """
    FindingsView DataTable { height: auto; max-height: 40%; overflow-x: hidden; }  /* the rest: the detail */
    FindingsView #finding-detail { height: 1fr; padding: 0 1; border-top: solid $primary; }
    FindingsView #no-findings { padding: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._result: AssessmentResult | None = None
        self._shown: list[str] = []

    def compose(self):  # type: ignore[no-untyped-def]
        table: DataTable[Text | str] = DataTable(id="findings-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Severity", "Where", "What")
        yield table
        with VerticalScroll(id="finding-detail"):  # Tab focuses it: arrows then scroll the text
            yield Static(id="finding-text")

    def show(self, result: AssessmentResult) -> None:
        self._result = result
        ids = [f.id for f in result.findings]
        if ids == self._shown:
            return  # same findings: keep the cursor where the person left it
        self._shown = ids
        table: DataTable[Text | str] = self.query_one(DataTable)
        table.clear()
        for finding in result.findings:
            severity = finding.severity + (" (suppressed)" if finding.suppressed else "")
            table.add_row(severity, safe_text(location(finding)), finding.title or finding.check, key=finding.id)
        self._describe(0)

    def _describe(self, row: int) -> None:
        target = self.query_one("#finding-text", Static)
        if self._result is None or not self._result.findings:
            target.update(Text("No findings: nothing in the code raised a check.", style="italic"))
            return
        row = max(0, min(row, len(self._result.findings) - 1))
        target.update(detail(self._result.findings[row], self._result))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)
