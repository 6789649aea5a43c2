"""One question: its checklist item, the prompt, what the code showed, and where the setting lives."""

from __future__ import annotations

from typing import NamedTuple

from rich.console import Group, RenderableType
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from assess.catalog import Catalog
from assess.models import AnswerResult, Finding, Question, Verification
from assess.questionnaire import QuestionState
from assess.tui.safe import safe_text

MAX_EVIDENCE = 3


def evidence_line(finding: Finding) -> Text:
    """`path:line  what` on one line: the endpoint when the check names one, else the redacted snippet."""
    where = f"{finding.path}:{finding.line}" if finding.line else finding.path or "(project)"
    what = finding.endpoint or finding.snippet.strip() or finding.title
    line = Text("  ", no_wrap=True, overflow="ellipsis")
    line.append_text(safe_text(where, "bold"))
    line.append("  ")
    line.append_text(safe_text(what))
    return line


def evidence_text(state: QuestionState, scanned: bool) -> RenderableType | None:
    """What the scan found for this question, or a note that it may still find something."""
    question = state.question
    if not state.evidence:
        if question.detect and not scanned:
            return Text("The scan is still running and may pre-answer this question.", style="italic")
        return None
    lines: list[RenderableType] = [Text("Found in code:", style="bold")]
    lines += [evidence_line(f) for f in state.evidence[:MAX_EVIDENCE]]
    extra = len(state.evidence) - MAX_EVIDENCE
    if extra > 0:
        lines.append(Text(f"  and {extra} more (Results → Findings)"))
    detected = question.choice(state.detected or "")
    verdict = Text("So the answer is: ")
    verdict.append(detected.label if detected else state.detected or "", style="bold")
    lines.append(verdict)
    if state.contradicts and state.stored is not None:
        given = question.choice(state.stored.value)
        note = Text()
        note.append("⚠ Your answer ", style="bold")
        note.append(f'"{given.label if given else state.stored.value}"', style="bold")
        note.append(
            " contradicts this. It is kept and marked as a contradiction in the report; the evidence counts "
            "in the score."
        )
        lines.append(note)
    return Group(*lines)


class Verified(NamedTuple):
    """A question's answer read from a provider's settings (source `verified:<provider>`), and that reading."""

    answer: AnswerResult
    reading: Verification | None

    @property
    def provider(self) -> str:
        from assess.verify import LABELS

        name = self.answer.source.removeprefix("verified:")
        return LABELS.get(name, name)


def verified_text(verified: Verified, question: Question) -> RenderableType:
    """Where the answer was read and what it is; the person's contrary answer stays, marked. Provider text
    (account, evidence) goes through safe_text: never markup."""
    answer, reading = verified.answer, verified.reading
    head = Text(f"Verified at {verified.provider}", style="bold")
    if reading is not None:
        head.append(" (")
        head.append_text(safe_text(reading.account or "account not named"))
        head.append(f", read {reading.read_at.replace('T', ' ').replace('+00:00', ' UTC')})")
    head.append(":", style="bold")
    lines: list[RenderableType] = [head]
    if reading is not None:
        lines += [Text("  ").append_text(safe_text(line)) for line in reading.evidence[:MAX_EVIDENCE]]
    verdict = Text("So the answer is: ")
    verdict.append(answer.label or answer.value, style="bold")
    lines.append(verdict)
    if answer.user_value is not None:
        note = Text()
        given = question.choice(answer.user_value)
        note.append(f'⚠ Your answer "{given.label if given else answer.user_value}"', style="bold")
        note.append(
            f" contradicts the settings read at {verified.provider}. It is kept and marked as a contradiction "
            "in the report; the verified setting counts in the score."
        )
        lines.append(note)
    return Group(*lines)


class QuestionCard(VerticalScroll, can_focus=False):
    """The scrolling middle of the question screen. Catalog text is trusted; code text goes through safe_text."""

    DEFAULT_CSS = """
    QuestionCard {
        padding: 0 1;
        height: 1fr;
    }
    QuestionCard #item { color: $text-muted; }
    QuestionCard #prompt { text-style: bold; margin-bottom: 1; }
    QuestionCard #evidence {
        border-left: thick $warning;
        padding: 0 1;
        margin-bottom: 1;
    }
    QuestionCard #evidence.-none { display: none; }
    QuestionCard #verified {
        border-left: thick $success;
        padding: 0 1;
        margin-bottom: 1;
    }
    QuestionCard #verified.-none { display: none; }
    QuestionCard #context { margin-bottom: 1; }
    QuestionCard #help { color: $text-muted; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="item")
        yield Static(id="prompt")
        yield Static(id="evidence")
        yield Static(id="verified")
        yield Static(id="context")
        yield Static(id="help")

    def show(
        self,
        state: QuestionState,
        catalog: Catalog,
        scanned: bool,
        context: Text | None = None,
        verified: Verified | None = None,
    ) -> None:
        """Fill the card; `context` is an extra line such as the current spend estimate; `verified` the answer
        a provider's settings gave."""
        question = state.question
        item = catalog.items[question.checklist]
        note = "" if question.scored else " · not scored"
        self.query_one("#item", Static).update(Text(item.title + note))
        self.query_one("#prompt", Static).update(Text(question.prompt))
        evidence = evidence_text(state, scanned)
        box = self.query_one("#evidence", Static)
        box.set_class(evidence is None, "-none")
        box.update(evidence or "")
        read = self.query_one("#verified", Static)
        read.set_class(verified is None, "-none")
        read.update(verified_text(verified, question) if verified else "")
        extra = self.query_one("#context", Static)
        extra.display = context is not None
        extra.update(context or "")
        help_lines = [Text(line) for line in question.help.splitlines()]
        self.query_one("#help", Static).update(Group(*help_lines))
        self.scroll_home(animate=False)
