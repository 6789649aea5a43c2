"""`assess [PATH]` in a terminal: answer questions while the project is scanned, then read and share the result.

The app is a thin view over the headless core: `Session` keeps the answers and the place, the core
scans, scores and renders. The scan runs in a worker thread so the first question shows at once.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from assess.assessment import Progress, ScanOptions, ScanSnapshot, scan_project
from assess.atomic import write_bytes_atomic, write_text_atomic
from assess.catalog import Catalog, load_catalog
from assess.errors import InputError, OutputUnavailable
from assess.formats import FORMATS, TUI_KEYS, OutputFormat, render
from assess.models import AssessmentResult
from assess.tui.messages import (
    ReportFailed,
    ReportWritten,
    ScanFailed,
    ScanLanded,
    ScanProgress,
    VerifyDone,
    VerifyFailed,
    VerifyProgress,
)
from assess.tui.safe import display_path, visible
from assess.tui.screens.questions import QuestionScreen
from assess.tui.screens.results import ResultsScreen
from assess.tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen, too_small
from assess.tui.session import ReportTargets, Session

Scanner = Callable[[Path, Catalog, ScanOptions, Progress], ScanSnapshot]
PROGRESS_EVERY = 0.05  # seconds between progress updates posted from the scan thread


def _default_scanner(root: Path, catalog: Catalog, options: ScanOptions, progress: Progress) -> ScanSnapshot:
    return scan_project(root, catalog, options, progress)


def progress_bar(done: int, total: int, width: int = 12) -> str:
    filled = round(width * done / total) if total else 0
    return "▰" * filled + "▱" * (width - filled)


def scan_line(phase: str, done: int, total: int) -> str:
    """The scan's phase in words, with files done of total where known."""
    if phase == "catalog":
        return "Scanning: loading the checks…"
    if phase == "discover":
        return "Scanning: finding files…"
    if phase == "facts":
        return f"Scanning: reading the manifests among {total} files…"
    if phase == "scan":
        return f"Scanning: {done} of {total} files {progress_bar(done, total)}"
    if phase == "follow":
        return f"Scanning: following imports to the LLM calls, {done} of {total} files {progress_bar(done, total)}"
    return "Scanning…"


class AssessApp(App[int]):
    """The questionnaire and the results over one project. `revision` changes whenever anything known does."""

    TITLE = "assess"
    ENABLE_COMMAND_PALETTE = False
    # The screens keep their minimum size however small the terminal: text wrapping in no room fails, and
    # TooSmallScreen covers them until the terminal grows again.
    CSS = f"""
    QuestionScreen, ResultsScreen {{ min-width: {MIN_WIDTH}; min-height: {MIN_HEIGHT}; }}
    QuestionScreen > *, ResultsScreen > * {{ min-width: {MIN_WIDTH}; }}
    """
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    revision: reactive[int] = reactive(0, init=False)
    scan_line: reactive[str] = reactive("Scanning…", init=False)
    report_line: reactive[str] = reactive("", init=False)

    def __init__(
        self,
        session: Session,
        *,
        options: ScanOptions | None = None,
        reports: ReportTargets | None = None,
        scanner: Scanner = _default_scanner,
    ) -> None:
        super().__init__()
        self.session = session
        self.options = options or ScanOptions()
        self.reports = reports or ReportTargets.beside(session.answers_path)
        self._scanner = scanner
        self._result: AssessmentResult | None = None
        self._result_revision = -1
        self.written: list[tuple[str, Path]] = []  # reports written this session, for the closing lines
        self.report_line = self._report_hint()

    @property
    def project_name(self) -> str:
        return Path(self.session.display_root).name or self.session.display_root

    @property
    def stale(self) -> set[str]:
        """Questions whose saved answer is older than the configured age."""
        return {a.question for a in self.result.answers if a.stale and a.source != "detected"}

    @property
    def result(self) -> AssessmentResult:
        """The scored result for what is known now; rebuilt once per revision (it is cheap)."""
        if self._result is None or self._result_revision != self.revision:
            self._result = self.session.result()
            self._result_revision = self.revision
        return self._result

    def forget_result(self) -> None:
        """The answers changed: the next look at `result` rebuilds it, before the views refresh."""
        self._result = None

    def bump(self) -> None:
        """Something known changed (an answer, the scan, the place): every view refreshes."""
        self.revision += 1

    def _report_hint(self) -> str:
        return " · ".join(f"{key} writes {display_path(self.reports.path(f.name))}" for key, f in TUI_KEYS.items())

    # --- lifecycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(QuestionScreen())
        if self.session.current is None:
            self.push_screen(ResultsScreen())  # everything answered already: the result is what they came for
        self.bump()
        self._scan()

    @work(thread=True, exclusive=True, group="scan")
    def _scan(self) -> None:
        last = 0.0

        def progress(phase: str, done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if phase in ("scan", "follow") and done not in (0, total) and now - last < PROGRESS_EVERY:
                return  # a large project reports every file: the screen needs a few updates a second
            last = now
            self.post_message(ScanProgress(phase, done, total))

        try:
            catalog = self.session.catalog
            if not self.session.has_checks:
                progress("catalog", 0, 0)
                catalog = load_catalog()
            snapshot = self._scanner(self.session.root, catalog, self.options, progress)
        except InputError as exc:
            self.post_message(ScanFailed(exc.one_line()))
        except Exception as exc:  # a scan bug must not take the answers down with it
            self.post_message(ScanFailed(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(ScanLanded(snapshot, catalog))

    def on_resize(self, event: events.Resize) -> None:
        """Below a minimum size only TooSmallScreen shows: the other screens cannot wrap text in no room."""
        small = isinstance(self.screen, TooSmallScreen)
        if too_small(event.size) and not small:
            self.push_screen(TooSmallScreen())
        elif small and not too_small(event.size):
            self.pop_screen()

    def on_scan_progress(self, message: ScanProgress) -> None:
        if not self.session.scanned:
            self.scan_line = scan_line(message.phase, message.done, message.total)

    def on_scan_landed(self, message: ScanLanded) -> None:
        snapshot = message.snapshot
        self.session.catalog = message.catalog
        self.session.snapshot = snapshot
        live = sum(1 for f in snapshot.findings if not f.suppressed)
        line = f"Scan done: {snapshot.files_scanned} files, {live} finding{'s' if live != 1 else ''}"
        self.scan_line = line + (f" · {visible(', '.join(snapshot.providers))}" if snapshot.providers else "")
        self.bump()

    def on_scan_failed(self, message: ScanFailed) -> None:
        self.scan_line = f"Scan failed: {message.reason[:200]} (answers still count)"
        self.notify(message.reason, title="Scan failed", severity="error", timeout=15, markup=False)

    # --- verification at the providers ---------------------------------------------------------

    def verify(self) -> None:
        """Read the billing settings of the providers the scan found (read-only; credentials from the
        environment only), in a worker thread; each outcome arrives as a toast of one line."""
        if not self.session.scanned:
            self.notify("Wait for the scan: it finds the providers to verify.", title="Verify", markup=False)
            return
        names = self.session.verify_names()
        if not names:
            self.notify("The scan found no paid provider to verify.", title="Verify", markup=False)
            return
        self._verify(names)

    @work(thread=True, exclusive=True, group="verify")
    def _verify(self, names: tuple[str, ...]) -> None:
        from assess.verify import run_verification

        def note(line: str) -> None:
            self.post_message(VerifyProgress(line))

        try:
            read = run_verification(names, note, errors=False)
        except Exception as exc:  # a verification bug must not take the answers down with it
            self.post_message(VerifyFailed(type(exc).__name__))
        else:
            self.post_message(VerifyDone(read))

    def on_verify_progress(self, message: VerifyProgress) -> None:
        # one toast as each provider starts; its per-project steps ("OpenAI project 3/20") would flood the screen
        if message.line.startswith("verify: reading "):
            self.notify(visible(message.line), title="Verify", timeout=4, markup=False)

    def on_verify_done(self, message: VerifyDone) -> None:
        from assess.verify import headline

        self.session.add_verifications(message.verifications)
        self.forget_result()
        self.bump()
        for v in message.verifications:
            bad = bool(v.errors) and not v.answers
            self.notify(visible(headline(v)), title="Verify", severity="error" if bad else "information", markup=False)

    def on_verify_failed(self, message: VerifyFailed) -> None:
        self.notify(
            f"verification failed ({message.reason}); the answers stay as given",
            title="Verify",
            severity="error",
            timeout=10,
            markup=False,
        )

    # --- navigation ------------------------------------------------------------------------

    def show_results(self) -> None:
        if not isinstance(self.screen, ResultsScreen):
            self.push_screen(ResultsScreen())

    # --- reports ---------------------------------------------------------------------------

    def write_report(self, name: str) -> None:
        """Write the report in the format `name` (a row of assess/formats.py) to its target."""
        fmt = next(f for f in FORMATS if f.name == name)
        self.report_line = f"Writing the {fmt.label}…"
        self._write_report(fmt, self.result)

    @work(thread=True, group="reports")
    def _write_report(self, fmt: OutputFormat, result: AssessmentResult) -> None:
        kind, target = fmt.label, self.reports.path(fmt.name)
        try:
            try:
                data = render(fmt, result)
            except OutputUnavailable as exc:
                self.post_message(ReportFailed(kind, str(exc)))
                return
            if isinstance(data, bytes):
                write_bytes_atomic(target, data)
            else:
                write_text_atomic(target, data)
        except InputError as exc:
            self.post_message(ReportFailed(kind, exc.one_line()))
        except Exception as exc:  # a renderer bug: say so, keep the app and the answers
            self.post_message(ReportFailed(kind, f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(ReportWritten(kind, target))

    def on_report_written(self, message: ReportWritten) -> None:
        self.written.append((message.kind, message.path))
        self.report_line = f"Wrote the {message.kind}: {display_path(message.path)}"
        self.notify(display_path(message.path), title=f"{message.kind} written", markup=False)

    def on_report_failed(self, message: ReportFailed) -> None:
        self.report_line = f"{message.kind} not written: {message.reason}"
        self.notify(message.reason, title=f"{message.kind} not written", severity="error", timeout=15, markup=False)


# --- command line ------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise InputError(f"{message} (see 'assess --help'; 'assess scan' takes the CI options)")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(
        prog="assess",
        description="Interactive assessment: answer what code cannot show while the project is scanned.",
    )
    parser.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    parser.add_argument("--answers", metavar="FILE", help="answers file (default: PATH/.assess/answers.yaml)")
    for key, fmt in sorted(TUI_KEYS.items(), key=lambda pair: FORMATS.index(pair[1])):
        parser.add_argument(f"--{fmt.name}", metavar="FILE", help=f"where {key} writes the {fmt.label} report")
    parser.add_argument("--include-vendored", action="store_true", default=None, help="also scan node_modules etc.")
    parser.add_argument("--max-file-size", type=int, metavar="BYTES", help="skip larger files")
    return parser.parse_args(argv)


def build_app(argv: list[str]) -> AssessApp:
    """Everything that can be wrong with the input fails here, before the screen changes (InputError).

    Settings come in the same layers as for `assess scan`: flags > ASSESS_* > the project's config.
    """
    from assess.config import load_settings, scan_options

    args = parse_args(argv)
    root = Path(args.path)
    if not root.is_dir():
        raise InputError("path does not exist" if not root.exists() else "not a folder", root)
    given = {
        **{f.name: getattr(args, f.name) for f in TUI_KEYS.values()},
        "answers": args.answers,
        "max_file_size": args.max_file_size,
        "include_vendored": args.include_vendored,
    }
    settings = load_settings(root, given)
    options = scan_options(root, settings)  # as `assess scan` reads the same settings
    session = Session.open(root, options.answers_path)
    session.stale_answer_days = settings.stale_answer_days
    beside = ReportTargets.beside(session.answers_path)
    reports = ReportTargets(
        **{
            f.name: Path(t) if (t := settings.outputs.target(f.name)) else beside.path(f.name)
            for f in TUI_KEYS.values()
        }
    )
    options = dataclasses.replace(options, answers_path=session.answers_path)
    return AssessApp(session, options=options, reports=reports)


def farewell(app: AssessApp) -> str:
    """What stays behind after the app closes, for stderr: where the answers are and what was written."""
    session = app.session
    total = len(session.flow())
    answered = total - len(session.unanswered())
    where = display_path(session.answers_path)
    lines = [f"assess: {answered} of {total} answers saved in {where}"]
    if answered < total:
        lines[0] += f"; run 'assess {display_path(session.root)}' to go on where you stopped"
    lines += [f"assess: wrote {kind} {display_path(path)}" for kind, path in app.written]
    return "\n".join(lines) + "\n"


def run_tui(argv: list[str]) -> int:
    """Entry point from the CLI: `argv` is everything after the program name."""
    app = build_app(argv)
    app.run()
    if app.return_code in (0, None):
        sys.stderr.write(farewell(app))
    return app.return_code or 0
