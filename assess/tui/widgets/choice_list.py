"""The choices of one question as a list: a key per choice, marks for evidence and the saved answer.

The highlighted choice carries a `▶` as well as the highlight colour, so it reads without colour.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from assess.models import Choice
from assess.questionnaire import QuestionState
from assess.tui.widgets.question_card import Verified

SHORTCUTS = {"yes": "y", "no": "n", "not-sure": "?"}


def key_for(index: int, choice: Choice) -> str:
    """The key shown beside a choice: y, n or ? where they apply, else its number (numbers always work)."""
    return SHORTCUTS.get(choice.value, str(index + 1))


def keys_hint(state: QuestionState) -> str:
    choices = state.question.choices
    numbered = [str(i + 1) for i, c in enumerate(choices) if c.value not in SHORTCUTS]
    parts: list[str] = []
    if numbered:
        parts.append(numbered[0] if len(numbered) == 1 else f"{numbered[0]}–{numbered[-1]}")
    parts += [SHORTCUTS[c.value] for c in choices if c.value in ("yes", "no")]
    text = "/".join(parts)
    if any(c.value == "not-sure" for c in choices):
        text += " or ?"
    return text


def choice_marks(choice: Choice, state: QuestionState, stale: bool = False, verified: Verified | None = None) -> str:
    marks: list[str] = []
    if choice.value == state.detected:
        marks.append("◆ found in code")
    if verified is not None and choice.value == verified.answer.value:
        marks.append(f"◆ verified at {verified.provider}")
    if state.stored is not None and choice.value == state.stored.value:
        if state.contradicts:
            marks.append("● your answer, contradicts the code")
        elif verified is not None and verified.answer.user_value is not None:
            marks.append(f"● your answer, contradicts {verified.provider}")
        else:
            marks.append("● saved long ago: still true?" if stale else "● saved")
    return "  ".join(marks)


class ChoiceList(OptionList):
    """Up/down to move, Enter or a click to answer with the highlighted choice."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 9;
        margin: 0 1;
        border: round $primary;
        border-title-color: $text;
        border-subtitle-color: $text-muted;
        &:focus { border: round $accent; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.values: list[str] = []
        self._state: QuestionState | None = None
        self._marked: int | None = None  # the option showing ▶
        self._stale = False
        self._verified: Verified | None = None

    def _prompt(self, index: int, highlighted: bool) -> Text:
        assert self._state is not None
        choice = self._state.question.choices[index]
        prompt = Text("▶ " if highlighted else "  ", style="bold")
        prompt.append(f" {key_for(index, choice)} ", style="bold reverse")
        prompt.append("  " + choice.label)
        marks = choice_marks(choice, self._state, self._stale, self._verified)
        if marks:
            prompt.append("   " + marks, style="italic")
        return prompt

    def show(self, state: QuestionState, stale: bool = False, verified: Verified | None = None) -> None:
        """List the choices; `stale` marks a saved answer older than the configured age, `verified` the answer
        a provider's settings gave (highlighted unless the code showed one)."""
        self._state = state
        self._stale = stale
        self._verified = verified
        self.values = [c.value for c in state.question.choices]
        stored = state.stored.value if state.stored else None
        proven = state.detected or (verified.answer.value if verified else None)
        preselect = stored if stored is not None else proven
        chosen = self.values.index(preselect) if preselect in self.values else None
        self.set_options(Option(self._prompt(i, i == chosen), id=v) for i, v in enumerate(self.values))
        self._marked = chosen
        self.highlighted = chosen
        self.border_title = "Your answer"
        accept = " · Enter: the one marked ▶" if chosen is not None else ""
        self.border_subtitle = f"{keys_hint(state)} to answer{accept}"

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Move the ▶ with the highlight (the message still bubbles)."""
        if self._state is None or event.option_list is not self:
            return
        new = event.option_index
        if new >= self.option_count or self.get_option_at_index(new) is not event.option:
            return  # a late message about the previous question's options
        if self._marked is not None and self._marked != new and self._marked < self.option_count:
            self.replace_option_prompt_at_index(self._marked, self._prompt(self._marked, False))
        self.replace_option_prompt_at_index(new, self._prompt(new, True))
        self._marked = new
        self.border_subtitle = f"{keys_hint(self._state)} to answer · Enter: the one marked ▶"
