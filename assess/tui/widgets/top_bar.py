"""The two lines at the top of every screen: project and place, then the scan's progress."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from assess.tui.safe import safe_text


class TopBar(Static):
    """`assess · PROJECT` with where the person is on the right, and a scan status line below."""

    DEFAULT_CSS = """
    TopBar {
        height: 2;
        padding: 0 1;
        background: $panel;
        color: $text;
    }
    """

    def __init__(self, project: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._project = project
        self._place = ""
        self._scan = ""
        self._note = ""

    def show(self, *, place: str | None = None, scan: str | None = None, note: str | None = None) -> None:
        """Update any of: where the person is (top right), the scan status (left), a note (bottom right)."""
        if place is not None:
            self._place = place
        if scan is not None:
            self._scan = scan
        if note is not None:
            self._note = note
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True, overflow="ellipsis", max_width=48)
        title = Text.assemble(("assess", "bold"), " · ", safe_text(self._project, "bold"))
        grid.add_row(title, Text(self._place, style="bold"))
        scan_style = "dim" if self._scan.startswith("Scan done") else ""
        grid.add_row(Text(self._scan, style=scan_style), safe_text(self._note, "dim"))
        self.update(grid)
