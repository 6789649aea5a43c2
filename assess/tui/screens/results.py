"""The results: score and grade, the checklist, the top fixes, the findings, and one key per report.

Keys: `p` writes the PDF, `h` the HTML (paths shown once written); `f`/`s` switch between findings
and summary; `a` answers what is still unanswered; Escape goes back to the questions; `q` quits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from assess.formats import TUI_KEYS
from assess.tui.safe import display_path, safe_text
from assess.tui.widgets.findings_view import FindingsView
from assess.tui.widgets.summary_view import SummaryView
from assess.tui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from assess.tui.app import AssessApp


class ResultsScreen(Screen[None]):
    BINDINGS = [
        *(Binding(key, f"write_report('{f.name}')", f.label) for key, f in TUI_KEYS.items()),
        Binding("f", "show_tab('findings')", "Findings"),
        Binding("s", "show_tab('summary')", "Summary"),
        Binding("a", "answer_rest", "Answer rest"),  # unanswered first, then answers gone stale
        Binding("escape,b", "back", "Questions", key_display="esc"),
    ]

    DEFAULT_CSS = """
    ResultsScreen TabbedContent { height: 1fr; }
    ResultsScreen TabPane { padding: 0; }
    ResultsScreen #reports {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    """

    @property
    def assess(self) -> AssessApp:
        return cast("AssessApp", self.app)

    def compose(self) -> ComposeResult:
        yield TopBar(self.assess.project_name, id="top")
        with TabbedContent(initial="summary"):
            with TabPane("Summary", id="summary"):
                yield SummaryView(id="summary-view")
            with TabPane("Findings", id="findings"):
                yield FindingsView(id="findings-view")
        yield Static(id="reports")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SummaryView).focus()  # arrows and page keys scroll the summary
        self.watch(self.assess, "revision", self.refresh_view)
        self.watch(self.assess, "scan_line", lambda line: self.query_one(TopBar).show(scan=line))
        self.watch(self.assess, "report_line", lambda line: self.query_one("#reports", Static).update(safe_text(line)))

    def refresh_view(self) -> None:
        session = self.assess.session
        result = self.assess.result
        unanswered = len(session.unanswered())
        total = len(session.flow())
        self.query_one(TopBar).show(
            place=f"Results · {total - unanswered} of {total} answered",
            note=f"answers: {display_path(session.answers_path)}",
        )
        self.query_one(SummaryView).show(result, unanswered, session.scanned, session.stale_answer_days)
        self.query_one(FindingsView).show(result)
        live = sum(1 for f in result.findings if not f.suppressed)
        self.query_one(TabbedContent).get_tab("findings").label = f"Findings ({live})"
        self.refresh_bindings()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()  # f and s show only when they would switch

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer_rest":
            return bool(self.assess.session.unanswered() or self.assess.stale)
        if action == "show_tab":
            return self.query_one(TabbedContent).active != parameters[0]
        return True

    def action_show_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        if tab == "findings":
            self.query_one(DataTable).focus()
        else:
            self.query_one(SummaryView).focus()
        self.refresh_bindings()

    def action_write_report(self, name: str) -> None:
        self.assess.write_report(name)

    def action_answer_rest(self) -> None:
        session = self.assess.session
        session.current = session.review_point(self.assess.stale)
        self.dismiss()
        self.assess.bump()

    def action_back(self) -> None:
        self.dismiss()
