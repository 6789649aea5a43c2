"""One interactive assessment: the answers so far, the scan once it lands, and where the person is.

No Textual here: the screens are thin views over this, and it is tested on its own. Every rule about
which questions apply, what evidence shows and how answers score lives in the core; this only keeps
the place in the questionnaire and writes each answer the moment it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from assess import paths
from assess.answers import default_path, load_answers, save_answer
from assess.assessment import ScanSnapshot, build_result
from assess.catalog import Catalog, load_questions
from assess.errors import InputError
from assess.formats import TUI_KEYS
from assess.models import (
    CHECKLIST_ORDER,
    AnswerSource,
    AssessmentResult,
    Coverage,
    Question,
    StoredAnswer,
    Verification,
)
from assess.questionnaire import QuestionState, question_flow


@dataclass(frozen=True)
class ReportTargets:
    """Where each report of the results screen goes (one field per format of formats.TUI_KEYS)."""

    html: Path
    pdf: Path

    @classmethod
    def beside(cls, answers_path: Path) -> ReportTargets:
        """Reports go next to the answers file by default: PROJECT/.assess/report.html|pdf."""
        return cls(**{f.name: answers_path.parent / f"report{f.suffix}" for f in TUI_KEYS.values()})

    def path(self, name: str) -> Path:
        """The target of the format `name`."""
        target: Path = getattr(self, name)
        return target


def question_catalog() -> Catalog:
    """The questions alone, validated: enough to start asking. The checks load with the scan.

    Compiling every check's rules takes a noticeable part of a second and grows with the catalog;
    the first question should not wait for it.
    """
    items, questions = load_questions(paths.questions_dir())
    return Catalog(checks={}, items={i: items[i] for i in CHECKLIST_ORDER}, questions=questions)


def _empty_snapshot(root: Path, display_root: str) -> ScanSnapshot:
    """What is known before the scan lands: nothing from code yet."""
    return ScanSnapshot(
        root=root,
        display_root=display_root,
        commit=None,
        findings=[],
        files_scanned=0,
        skipped={},
        folders_excluded=0,
        languages=[],
        frameworks=[],
        providers=[],
        items_with_checks=set(),
        checks_run=[],
        coverage=Coverage(note="the code is still being scanned"),
    )


class Position(NamedTuple):
    """A question's place: the counted question it is (or follows), of how many; what makes it extra."""

    number: int
    total: int
    extra: str | None = None  # "follow-up", "for OpenAI, Anthropic": not counted in the total


def _counted(question: Question) -> bool:
    """Asked on every project whatever the answers and the scan: the questions the total counts."""
    return question.when is None and not question.providers


@dataclass
class Session:
    catalog: Catalog
    root: Path
    answers_path: Path
    display_root: str
    stored: dict[str, StoredAnswer] = field(default_factory=dict)
    snapshot: ScanSnapshot | None = None
    current: str | None = None  # the question on screen, by id (positions move as answers change)
    stale_answer_days: int = 180  # older answers are flagged for review (settings: stale_answer_days)
    # the providers' settings read this session (`v` on a billing question); kept in memory only
    verifications: list[Verification] = field(default_factory=list)

    @classmethod
    def open(
        cls,
        root: Path,
        answers_path: Path | None = None,
        display_root: str | None = None,
        catalog: Catalog | None = None,
    ) -> Session:
        """Validate everything a person could have got wrong before any screen appears (InputError)."""
        if not root.exists():
            raise InputError("path does not exist", root)
        if not root.is_dir():
            raise InputError("not a folder", root)
        catalog = catalog or question_catalog()
        answers_path = answers_path or default_path(root)
        if answers_path.exists() and not answers_path.is_file():
            raise InputError("answers file is not a file", answers_path)
        stored = load_answers(answers_path, catalog)
        session = cls(catalog, root, answers_path, display_root or str(root.resolve()), stored)
        session.current = session.resume_point()
        return session

    # --- what is known ---------------------------------------------------------------------

    @property
    def has_checks(self) -> bool:
        """False while only the questions are loaded (the full catalog arrives with the scan)."""
        return bool(self.catalog.checks)

    @property
    def scanned(self) -> bool:
        return self.snapshot is not None

    def _scan(self) -> ScanSnapshot:
        return self.snapshot or _empty_snapshot(self.root, self.display_root)

    def flow(self) -> list[QuestionState]:
        """The questions that apply now, in checklist order (catalog order within an item)."""
        scan = self._scan()
        states = question_flow(self.catalog, scan.findings, self.stored, scan.providers, scanned=self.scanned)
        return sorted(states, key=lambda s: CHECKLIST_ORDER.index(s.question.checklist))

    def result(self) -> AssessmentResult:
        return build_result(
            self._scan(),
            self.catalog,
            self.stored,
            stale_answer_days=self.stale_answer_days,
            verifications=self.verifications,
        )

    def verify_names(self) -> tuple[str, ...]:
        """The verifications (assess/verify names, as `assess scan --verify` takes them) that read the billing of
        the paid providers the scan found; none before the scan lands or when it found none."""
        from assess.verify import BILLED_BY, parse_names

        return parse_names(",".join(BILLED_BY[p] for p in self._scan().providers if p in BILLED_BY))

    def add_verifications(self, read: list[Verification]) -> None:
        """Keep what was just read; a provider read again replaces its earlier reading."""
        fresh = {v.provider for v in read}
        self.verifications = [v for v in self.verifications if v.provider not in fresh] + list(read)

    def state(self, qid: str | None) -> QuestionState | None:
        return next((s for s in self.flow() if s.question.id == qid), None)

    def unanswered(self) -> list[QuestionState]:
        return [s for s in self.flow() if s.stored is None]

    def position(self, qid: str | None) -> Position:
        """Where a question stands in "Question N of TOTAL", a total that never changes during a run.

        Only questions asked on every project are counted. A follow-up (`when`: shown after some answers)
        or a question for some providers (known only once the scan lands) is an extra step numbered with
        the counted question before it; otherwise answering "hard limit", or the scan landing, would change
        the total under the person's eyes. N is 0 for a question that is not shown now.
        """
        ordered = sorted(self.catalog.questions.values(), key=lambda q: CHECKLIST_ORDER.index(q.checklist))
        total = sum(1 for q in ordered if _counted(q))
        shown = {s.question.id for s in self.flow()}
        if qid not in shown:
            return Position(0, total)
        index = 0
        for question in ordered:
            index += _counted(question)
            if question.id == qid:
                break
        question = self.catalog.questions[qid]
        if _counted(question):
            return Position(index, total)
        used = [p for p in question.providers if p in self._scan().providers] or question.providers
        extra = "follow-up" if question.when else f"for {', '.join(used)}"
        return Position(index, total, extra)

    # --- where to go -----------------------------------------------------------------------

    def review_point(self, stale: set[str]) -> str | None:
        """Where `a` (answer the rest) goes: the first unanswered question, else the first stale answer."""
        return self.resume_point() or next((s.question.id for s in self.flow() if s.question.id in stale), None)

    def resume_point(self) -> str | None:
        """The first unanswered question, or None when everything shown has an answer."""
        pending = self.unanswered()
        return pending[0].question.id if pending else None

    def _order(self, qid: str) -> int:
        ordered = sorted(self.catalog.questions.values(), key=lambda q: CHECKLIST_ORDER.index(q.checklist))
        return next(i for i, q in enumerate(ordered) if q.id == qid)

    def _after(self, qid: str | None) -> list[QuestionState]:
        flow = self.flow()
        if qid is None:
            return flow
        here = self._order(qid)
        return [s for s in flow if self._order(s.question.id) > here]

    def next_question(self, qid: str | None) -> str | None:
        after = self._after(qid)
        return after[0].question.id if after else None

    def next_unanswered(self, qid: str | None, stale: frozenset[str] | set[str] = frozenset()) -> str | None:
        """The next question after `qid` with no answer, or with an answer in `stale` (to review)."""
        return next((s.question.id for s in self._after(qid) if s.stored is None or s.question.id in stale), None)

    def previous_question(self, qid: str | None) -> str | None:
        flow = self.flow()
        if qid is None:
            return flow[-1].question.id if flow else None
        here = self._order(qid)
        before = [s for s in flow if self._order(s.question.id) < here]
        return before[-1].question.id if before else None

    # --- answering -------------------------------------------------------------------------

    def answer(self, qid: str, value: str, source: AnswerSource = "user", *, confirm: bool = False) -> bool:
        """Write one answer now (atomically, merged with the file). False when nothing changed.

        The same answer again writes nothing, unless `confirm`: then its date is renewed (a stale
        answer the person says still holds).
        """
        held = self.stored.get(qid)
        if held is not None and held.value == value:
            if not confirm:
                return False
            source = held.source
        save_answer(self.answers_path, self.catalog, qid, value, source)
        try:
            # read back: another session may have answered other questions meanwhile
            self.stored = load_answers(self.answers_path, self.catalog)
        except InputError:
            self.stored = {**self.stored, qid: StoredAnswer(value=value, source=source)}
        return True
