"""One question at a time, each answered with a single key.

Keys: a number picks that choice (`y`/`n` for yes/no, `?` for not sure); Enter or a click accepts the
highlighted choice (the saved answer, else what the code showed); ← back, → next, `s` skips to the
next unanswered question, `r` shows the results, `q` quits. Every answer is written as it is given.
On a billing question `v` reads the spend limits and alerts at the providers the scan found (read-only,
credentials from the environment only, in the background); what they prove answers those questions as
"verified at <provider>", and an answer of the person's that says otherwise is shown as a contradiction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList

from assess.errors import InputError
from assess.models import AnswerSource
from assess.tui.safe import display_path
from assess.tui.widgets.choice_list import ChoiceList
from assess.tui.widgets.question_card import QuestionCard, Verified
from assess.tui.widgets.summary_view import exposure_text
from assess.tui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from assess.tui.app import AssessApp


# Questions whose answers feed the spend estimate: show the estimate as it stands while asking them.
COST_INPUTS = frozenset({"provider-tier", "spend-cap-amount"})
# Questions the providers' own settings can answer (assess/verify): `v` shows on these.
VERIFIABLE = frozenset({"spend-limit", "spend-cap-amount", "spend-alerts", "usage-alerts", "provider-tier"})


class QuestionScreen(Screen[None]):
    BINDINGS = [
        # priority: the choice list inherits left/right (horizontal scroll) from ScrollableContainer
        Binding("left", "back", "Back", key_display="←", priority=True),
        Binding("b,backspace", "back", "Back", show=False),
        Binding("right", "forward", "Next", key_display="→", priority=True),
        Binding("s", "skip", "Skip"),
        Binding("r", "results", "Results"),
        Binding("v", "verify", "Verify at provider", id="verify"),
        Binding("question_mark", "choose_value('not-sure')", "Not sure", show=False),
        Binding("y", "choose_value('yes')", "Yes", show=False),
        Binding("n", "choose_value('no')", "No", show=False),
        *(Binding(str(n), f"choose_index({n - 1})", f"Choice {n}", show=False) for n in range(1, 10)),
    ]

    @property
    def assess(self) -> AssessApp:
        return cast("AssessApp", self.app)

    def compose(self) -> ComposeResult:
        yield TopBar(self.assess.project_name, id="top")
        yield QuestionCard(id="card")
        yield ChoiceList(id="choices")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.assess, "revision", self.refresh_view)
        self.watch(self.assess, "scan_line", self._scan_line)
        self.query_one(ChoiceList).focus()

    def _scan_line(self, line: str) -> None:
        self.query_one(TopBar).show(scan=line)

    def refresh_view(self) -> None:
        session = self.assess.session
        state = session.state(session.current)
        if state is None:
            # the question no longer applies (the scan or an answer changed the flow), or none was chosen yet
            gone = session.current
            session.current = (
                (session.next_question(gone) if gone else None) or session.resume_point() or session.next_question(None)
            )
            state = session.state(session.current)
        if state is None:
            return
        index, total, extra = session.position(session.current)
        answered = len(session.flow()) - len(session.unanswered())
        self.query_one(TopBar).show(
            place=f"Question {index} of {total}{f' ({extra})' if extra else ''} · {answered} answered",
            note=f"answers: {display_path(session.answers_path)}",
        )
        context = exposure_text(self.assess.result.exposure) if state.question.id in COST_INPUTS else None
        verified = self._verified(state.question.id)
        self.query_one(QuestionCard).show(state, session.catalog, session.scanned, context, verified)
        stale = state.stored is not None and state.question.id in self.assess.stale
        self.query_one(ChoiceList).show(state, stale, verified)
        self.refresh_bindings()  # `v` shows only on the billing questions

    def _verified(self, qid: str) -> Verified | None:
        """The answer the providers' settings give to `qid`, if any was read this session."""
        answer = next((a for a in self.assess.result.answers if a.question == qid), None)
        if answer is None or not answer.source.startswith("verified:"):
            return None
        provider = answer.source.removeprefix("verified:")
        reading = next((v for v in self.assess.session.verifications if v.provider == provider), None)
        return Verified(answer, reading)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "verify":
            return self.assess.session.current in VERIFIABLE
        return True

    def action_verify(self) -> None:
        if self.assess.session.current in VERIFIABLE:
            self.assess.verify()

    # --- answering -------------------------------------------------------------------------

    def _answer(self, value: str) -> None:
        session = self.assess.session
        state = session.state(session.current)
        if state is None or state.question.choice(value) is None:
            self.app.bell()
            return
        source: AnswerSource = "detected" if value == state.detected else "user"
        stale = state.stored is not None and state.question.id in self.assess.stale
        try:
            session.answer(state.question.id, value, source, confirm=stale)
        except InputError as exc:
            self.notify(exc.one_line(), title="Answer not saved", severity="error", timeout=10, markup=False)
            return
        self.assess.forget_result()  # the stale set below must count this answer
        self._go(session.next_unanswered(state.question.id, self.assess.stale))

    def _go(self, qid: str | None) -> None:
        """Show `qid`, or the results when there is nothing further to ask."""
        session = self.assess.session
        if qid is None:
            self.assess.bump()
            self.assess.show_results()
            return
        session.current = qid
        self.assess.bump()

    @on(OptionList.OptionSelected, "#choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self._answer(event.option.id)

    def action_choose_value(self, value: str) -> None:
        self._answer(value)

    def action_choose_index(self, index: int) -> None:
        values = self.query_one(ChoiceList).values
        if index < len(values):
            self._answer(values[index])
        else:
            self.app.bell()

    # --- moving ----------------------------------------------------------------------------

    def action_back(self) -> None:
        previous = self.assess.session.previous_question(self.assess.session.current)
        if previous is None:
            self.app.bell()
            return
        self._go(previous)

    def action_forward(self) -> None:
        self._go(self.assess.session.next_question(self.assess.session.current))

    def action_skip(self) -> None:
        self._go(self.assess.session.next_unanswered(self.assess.session.current))

    def action_results(self) -> None:
        self.assess.show_results()
