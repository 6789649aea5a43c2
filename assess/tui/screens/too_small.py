"""Shown instead of everything else while the terminal is too small to lay the questionnaire out.

Below a few columns the text wrapping of the real screens has no room at all (a squeezed split pane, a
1x1 window) and would fail; this screen needs none, and goes away when the terminal grows again.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 40, 10


def too_small(size: Size) -> bool:
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


class TooSmallScreen(Screen[None]):
    """One line asking for a bigger terminal; it keeps no state and takes no keys but quitting."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen > Static { width: 100%; height: 100%; padding: 0; content-align: center middle; }
    """

    def compose(self) -> ComposeResult:
        yield Static(f"Terminal too small: make it at least {MIN_WIDTH}x{MIN_HEIGHT}", markup=False)
