"""Command line: thin. Parses flags, calls the core, maps errors to exit codes.

Exit codes (DESIGN.md): 0 assessed and within the gates; 1 a gate failed; 2 bad usage or input;
3 internal error. Diagnostics go to stderr; stdout carries only the requested output or the summary.
Heavy modules are imported inside the commands so `assess --help` stays fast.
"""

from __future__ import annotations

import argparse
import errno
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from assess import __version__
from assess.errors import InputError
from assess.formats import FORMAT_OPTIONS, FORMATS, NAMES
from assess.grades import score_line

if TYPE_CHECKING:
    from assess.assessment import ScanOptions
    from assess.catalog import Catalog
    from assess.config import Settings
    from assess.models import AssessmentResult, Finding, Verification
    from assess.report.html import ReportOptions

COMMANDS = ("scan", "demo", "render", "checks", "explain", "verify")
SEVERITIES = ("critical", "high", "medium", "low", "info")
# kept here, not imported from models, so `assess --help` does not load pydantic
CHECKLIST_IDS = (
    "backend-proxy", "rate-limits", "billing-alerts", "usage-monitoring", "retry-logic", "key-hygiene", "efficiency",
)  # fmt: skip
EXIT_OK, EXIT_GATE, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
# `assess verify --NAME`: kept here (not imported from assess.verify) so `assess --help` stays light
VERIFY_PROVIDERS = {
    "openai": "OpenAI's organisation and project spend limits and alerts (OPENAI_ADMIN_KEY)",
    "aws": "AWS Budgets, Cost Anomaly Detection and Bedrock alarms (boto3's default credential chain)",
    "anthropic": "Anthropic's workspaces, rate-limit overrides and cost report (ANTHROPIC_ADMIN_KEY)",
    "gcp": "Google Cloud billing budgets of the project (GOOGLE_CLOUD_PROJECT, Application Default Credentials)",
    "azure": "Azure Consumption budgets (AZURE_SUBSCRIPTION_ID, DefaultAzureCredential)",
}


_COMMANDS: set[str] = set()  # the sub-commands, filled by build_parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # usage errors are bad input: one line, exit 2, as everywhere else
        command = self.prog.split()[-1]
        if command == "assess":  # an unrecognised argument is reported here, after the command's parser ran
            command = next((a for a in sys.argv[1:] if a in _COMMANDS), "")
        see = f"assess {command} --help" if command else "assess --help"
        self.exit(EXIT_INPUT, f"assess: {message} (see '{see}')\n")


def _output_file(value: str) -> str:
    """An output FILE: '-' or a name; an empty one is refused rather than taken for "not asked"."""
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty file name (give a file, or '-' for stdout)")
    return value


OUTPUTS = NAMES  # one per row of assess/formats.py


def _add_outputs(p: argparse.ArgumentParser, *, gates: bool = True) -> None:
    out = p.add_argument_group("outputs (any combination; '-' writes to stdout)")
    for fmt in FORMATS:
        out.add_argument(f"--{fmt.name}", metavar="FILE", type=_output_file, help=fmt.help)
    for option in FORMAT_OPTIONS:
        out.add_argument(
            option.flag, dest=option.field, metavar=option.metavar, choices=option.choices or None, help=option.help
        )
    # `assess render --history DIR` shows the score trend; on scan/demo `--history` is the git history
    # search (issue contract), so there the trend is `--trend`
    out.add_argument(
        "--trend" if gates else "--history",
        dest="history",
        action="append",
        metavar="PATH",
        help="earlier result JSONs, or folders of them: adds the score trend to HTML and PDF (repeatable)",
    )
    out.add_argument(
        "--page-size", type=str.lower, choices=("a4", "letter"), help="PDF paper size (default: from the locale)"
    )
    if gates:
        gate = p.add_argument_group("gates (exit 1 when one fails)")
        gate.add_argument("--fail-under", type=int, metavar="SCORE", help="fail when the score is below SCORE")
        gate.add_argument("--fail-on", choices=SEVERITIES, help="fail on any open finding at or above SEVERITY")
        gate.add_argument(
            "--baseline", metavar="RESULT.json", help="report and gate on findings not in this earlier result"
        )


def _add_scan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--answers", metavar="FILE", help="answers file (default: PATH/.assess/answers.yaml)")
    p.add_argument("--ignore-file", metavar="FILE", help="accepted findings (default: PATH/.assess/ignore.yaml)")
    p.add_argument(
        "--include-vendored",
        action="store_const",
        const=True,
        help="also scan node_modules, dist, .venv and similar folders",
    )
    p.add_argument("--max-file-size", type=int, metavar="BYTES", help="skip larger files (default 1000000)")
    p.add_argument("--changed-since", metavar="REF", help="check only files changed since this git ref")
    p.add_argument("--only", metavar="ITEMS", help="run only the checks of these checklist items (comma-separated)")
    p.add_argument(
        "--files",
        nargs="*",
        metavar="FILE",
        help="check only these files (pre-commit passes staged files); every argument after it is a file name",
    )
    p.add_argument(
        "--history",
        "--git-history",
        dest="git_history",
        action="store_true",
        help="also search the git history for AI keys added in any commit, even if removed since",
    )
    p.add_argument(
        "--verify",
        metavar="PROVIDERS",
        help="also read spend limits and alerts at these providers (openai,aws,anthropic,gcp,azure; credentials from "
        "the environment)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="assess",
        description="Find what could make your AI API bill explode, and what to fix first.",
        epilog="Run 'assess PATH' in a terminal for the interactive questionnaire; "
        "without a terminal it behaves as 'assess scan PATH'.",
    )
    parser.add_argument("--version", action="version", version=f"assess {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    scan = sub.add_parser("scan", help="non-interactive assessment (CI); never prompts")
    scan.add_argument("path", nargs="?", default=".", help="project folder (default: .)")
    _add_scan_options(scan)
    _add_outputs(scan)

    demo = sub.add_parser("demo", help="assess the bundled demo project")
    demo.add_argument("--workdir", metavar="DIR", help="where to unpack the demo project (default: a temp folder)")
    _add_scan_options(demo)
    _add_outputs(demo)

    render = sub.add_parser("render", help="re-render a saved result JSON")
    render.add_argument("result", help="a result JSON written by --json")
    _add_outputs(render, gates=False)

    verify = sub.add_parser("verify", help="read spend limits and alerts at the providers (read-only, opt-in)")
    verify.add_argument("path", nargs="?", default=".", help="project folder, for its answers file (default: .)")
    verify.add_argument("--answers", metavar="FILE", help="answers file (default: PATH/.assess/answers.yaml)")
    for name in VERIFY_PROVIDERS:
        verify.add_argument(f"--{name}", action="store_true", help=f"read {VERIFY_PROVIDERS[name]}")

    sub.add_parser("checks", help="list the checks and questions in the catalog")
    explain = sub.add_parser("explain", help="one check's or question's full documentation")
    explain.add_argument("id", help="a check id or a question id (see 'assess checks')")
    _COMMANDS.update(sub.choices)
    return parser


def _stdout_used(outputs: dict[str, str | None]) -> bool:
    return any(target == "-" for target in outputs.values())


def write_outputs(
    result: AssessmentResult, outputs: dict[str, str | None], report: ReportOptions | None = None
) -> list[str]:
    """Every requested output; each rendered fully, then written atomically.

    One that cannot be made (no Pango for the PDF) or written (an unwritable path) does not stop the
    others: its one-line reason is printed and returned, and the caller exits 2 once the rest is done.
    """
    from assess.atomic import write_bytes_atomic, write_text_atomic
    from assess.errors import OutputUnavailable
    from assess.formats import appends, render

    failed: list[str] = []
    for fmt in FORMATS:
        target = outputs.get(fmt.name)
        if not target:
            continue
        try:
            data = render(fmt, result, report)
            if target == "-":
                if isinstance(data, bytes):
                    sys.stdout.flush()
                    sys.stdout.buffer.write(data)
                else:
                    sys.stdout.write(data)
                continue
            if isinstance(data, str) and appends(fmt, target):
                _append_text(Path(target), data)
                _note(f"appended {fmt.label} to {target}")
                continue
            if isinstance(data, bytes):
                write_bytes_atomic(Path(target), data)
            else:
                write_text_atomic(Path(target), data)
        except OutputUnavailable as exc:
            failed.append(" ".join(str(exc).split()))
        except InputError as exc:
            failed.append(f"{fmt.label} not written: {exc.one_line()}")
        else:
            _note(f"wrote {fmt.label} {target}")
    for reason in failed:
        _note(f"assess: {reason}")
    return failed


def _append_text(path: Path, text: str) -> None:
    """After what is already there, a blank line between: GitHub's step summary collects every step's output."""
    try:
        with path.open("a+", encoding="utf-8") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell():
                handle.write("\n")
            handle.write(text)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", path) from None


def _report_options(args: argparse.Namespace) -> ReportOptions:
    """--history, --page-size and the formats' own flags: the score trend, the PDF's paper size, ..."""
    from assess.report.history import load_history
    from assess.report.html import ReportOptions
    from assess.report.pdf import normalise_page_size

    history = load_history(Path(p) for p in getattr(args, "history", None) or ())
    tuned = {option.field: value for option in FORMAT_OPTIONS if (value := getattr(args, option.field, None))}
    return ReportOptions(
        history=tuple(history), page_size=normalise_page_size(getattr(args, "page_size", None)), **tuned
    )


def _note(message: str) -> None:
    print(message, file=sys.stderr)


def print_summary(result: AssessmentResult) -> None:
    from assess.report.text import render_summary

    sys.stdout.write(render_summary(result))


BLOCKING_SHOWN = 20  # findings listed under a failed --fail-on gate; the reports have them all


def _blocking_lines(hits: list[Finding]) -> list[str]:
    """The findings that failed --fail-on, one redacted line each: path:line, check, severity, message.
    Printed even with --quiet: pre-commit shows only this, and a blocked commit must say what blocks it."""
    from assess.redact import redact_text
    from assess.report.text import safe

    lines = []
    for f in hits[:BLOCKING_SHOWN]:
        where = f"{f.path}:{f.line}" if f.path and f.line else (f.path or "(project)")
        message = " ".join(redact_text(f.message).split())
        lines.append(safe(f"  {where}: {f.check} ({f.severity}): {message}"))
    if len(hits) > BLOCKING_SHOWN:
        lines.append(f"  … and {len(hits) - BLOCKING_SHOWN} more (see --json or --html)")
    return lines


def check_gates(result: AssessmentResult, settings: Settings) -> int:
    """Exit 1 with one line per failed gate, each finding that fails --fail-on listed under it; findings known
    in the baseline never fail a gate."""
    failed: list[tuple[str, list[str]]] = []
    score = result.score
    if settings.fail_under is not None and score is None:
        _note(f"assess: --fail-under not applied: {score_line(None, None, result.coverage.note)}")
    elif settings.fail_under is not None and score is not None and score < settings.fail_under:
        failed.append((f"score {score} is below --fail-under {settings.fail_under}", []))
    if settings.fail_on:
        limit = SEVERITIES.index(settings.fail_on)
        hits = [f for f in result.findings if not f.suppressed and f.new and SEVERITIES.index(f.severity) <= limit]
        if hits:
            new = "new " if result.baseline else ""
            hits.sort(key=lambda f: SEVERITIES.index(f.severity))
            reason = f"{len(hits)} open {new}finding(s) at or above {settings.fail_on} (--fail-on):"
            failed.append((reason, _blocking_lines(hits)))
    for reason, details in failed:
        _note(f"assess: gate failed: {reason}")
        for line in details:
            _note(line)
    return EXIT_GATE if failed else EXIT_OK


def _catalog() -> Catalog:
    from assess.catalog import load_catalog

    return load_catalog()


def _settings(root: Path, args: argparse.Namespace) -> Settings:
    from assess.config import load_settings

    given = {
        name: getattr(args, name, None)
        for name in (*OUTPUTS, "fail_under", "fail_on", "answers", "ignore_file", "max_file_size", "include_vendored")
    }
    return load_settings(root, given)


def _options(root: Path, args: argparse.Namespace, settings: Settings, display_root: str | None) -> ScanOptions:
    """The settings' scan options (config.scan_options, as the TUI) with this run's own flags."""
    import dataclasses

    from assess.config import scan_options

    only = frozenset(i.strip() for i in (args.only or "").split(",") if i.strip())
    unknown = sorted(only - set(CHECKLIST_IDS))
    if unknown:
        raise InputError(f"--only: unknown checklist item(s) {', '.join(unknown)}; use {', '.join(CHECKLIST_IDS)}")
    return dataclasses.replace(
        scan_options(root, settings),
        display_root=display_root,
        only_items=only,
        files=tuple(args.files) if args.files is not None else None,
        changed_since=args.changed_since,
        baseline_path=Path(args.baseline) if getattr(args, "baseline", None) else None,
        git_history=bool(getattr(args, "git_history", False)),
    )


def _assess_and_report(root: Path, args: argparse.Namespace, display_root: str | None = None) -> int:
    from assess.assessment import run_assessment

    if not root.is_dir():
        raise InputError("path does not exist" if not root.exists() else "not a folder", root)
    settings = _settings(root, args)
    report = _report_options(args)  # a bad --history fails before the scan, not after it
    verifications = _verify(getattr(args, "verify", None))
    catalog = _catalog()
    from assess.config import check_known_ids

    check_known_ids(root, settings, set(catalog.checks))  # a typo in the project's config names its line
    result = run_assessment(root, catalog, _options(root, args, settings, display_root), None, verifications)
    _note_cut_short(result)
    outputs = settings.outputs.targets()
    failed = write_outputs(result, outputs, report)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from assess.report.annotations import render_annotations

        stream = sys.stderr if _stdout_used(outputs) else sys.stdout
        stream.write(render_annotations(result))
    if not args.quiet and not _stdout_used(outputs):
        print_summary(result)
    gates = check_gates(result, settings)
    return EXIT_INPUT if failed else gates


def _note_cut_short(result: AssessmentResult) -> None:
    """Name each file whose code nested too deeply to be matched in bounded time: the result misses it."""
    from assess.report.text import safe

    for rel in result.project.files_cut_short:
        _note(safe(f"assess: {rel}: code nested too deeply to check in bounded time; read for keys only"))


def cmd_scan(args: argparse.Namespace) -> int:
    return _assess_and_report(Path(args.path), args)


def cmd_demo(args: argparse.Namespace) -> int:
    from assess.demo import DEMO_NAME, default_outputs, unpack_demo

    if not any(getattr(args, n) for n in OUTPUTS) and _interactive():
        # in a terminal the demo is the questionnaire; the folder is kept so the reports it writes stay
        from assess.tui.app import run_tui

        with unpack_demo(Path(args.workdir or default_outputs()["html"].parent)) as root:
            code: int = run_tui([str(root)])
            return code
    if not any(getattr(args, n) for n in OUTPUTS):
        for name, path in default_outputs().items():
            setattr(args, name, str(path))
    with unpack_demo(Path(args.workdir) if args.workdir else None) as root:
        return _assess_and_report(root, args, display_root=DEMO_NAME)


def cmd_render(args: argparse.Namespace) -> int:
    from assess.result_io import load_result

    result = load_result(Path(args.result))
    outputs = {name: getattr(args, name, None) for name in OUTPUTS}
    if not any(outputs.values()):
        flags = [f"--{name}" for name in OUTPUTS]
        raise InputError(f"nothing to render: give {', '.join(flags[:-1])} or {flags[-1]}")
    failed = write_outputs(result, outputs, _report_options(args))
    return EXIT_INPUT if failed else EXIT_OK


def _verify(names: str | None, *, errors: bool = True) -> list[Verification]:
    """The providers named by --verify read, progress and errors on stderr; none named, nothing read."""
    if not names:
        return []
    from assess.verify import parse_names, run_verification

    try:
        chosen = parse_names(names)
    except ValueError as exc:
        raise InputError(f"--verify: {exc}") from None
    return run_verification(chosen, _note, errors=errors)


def cmd_verify(args: argparse.Namespace) -> int:
    from assess.answers import default_path, load_answers
    from assess.verify import describe

    chosen = [name for name in VERIFY_PROVIDERS if getattr(args, name)]
    if not chosen:
        raise InputError(f"nothing to verify: give {' or '.join(f'--{n}' for n in VERIFY_PROVIDERS)}")
    catalog = _catalog()
    root = Path(args.path)
    stored = load_answers(Path(args.answers) if args.answers else default_path(root), catalog)
    verifications = _verify(",".join(chosen), errors=False)  # stdout lists them
    sys.stdout.write(describe(verifications, catalog.questions, stored))
    return EXIT_OK


def cmd_checks(_args: argparse.Namespace) -> int:
    from assess.report.text import render_catalog

    sys.stdout.write(render_catalog(_catalog()))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from assess.report.text import render_explain, render_question

    catalog = _catalog()
    check = catalog.checks.get(args.id)
    question = catalog.questions.get(args.id)
    if check is not None:
        sys.stdout.write(render_explain(check))
    elif question is not None:
        sys.stdout.write(render_question(question, catalog))
    else:
        raise InputError(f"no check or question '{args.id}' (see 'assess checks')")
    return EXIT_OK


def _default_args(argv: list[str]) -> list[str]:
    """`assess [PATH]`: the questionnaire in a terminal, otherwise the same as `assess scan`."""
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version")):
        return argv
    return ["tui", *argv] if _interactive() else ["scan", *argv]


def _interactive() -> bool:
    """A person at a terminal (and not ASSESS_NO_TUI=1): the questionnaire rather than a plain scan."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()) or os.environ.get("ASSESS_NO_TUI") == "1":
        return False
    try:
        from assess.tui import app as _tui  # noqa: F401
    except ImportError:
        return False
    return True


def _file_names(argv: list[str]) -> tuple[list[str], list[str] | None]:
    """The arguments before `--files`, and every one after it as a file name (None without `--files`).

    pre-commit appends the staged names after `--files`: a file named `--help` or `--json=x` is a file to
    check, never an option that prints usage (and passes the gate) or writes a report over `x`."""
    if not argv or argv[0] not in ("scan", "demo") or "--files" not in argv:
        return argv, None
    at = argv.index("--files")
    return argv[: at + 1], argv[at + 1 :]


def run(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    argv = _default_args(argv)
    if argv and argv[0] == "tui":
        from assess.tui.app import run_tui

        code: int = run_tui(argv[1:])
        return code
    argv, files = _file_names(argv)
    args = build_parser().parse_args(argv)
    if files is not None:
        args.files = files
    handlers = {
        "scan": cmd_scan,
        "demo": cmd_demo,
        "render": cmd_render,
        "checks": cmd_checks,
        "explain": cmd_explain,
        "verify": cmd_verify,
    }
    return handlers[args.command](args)


class _ClosedStdout(io.TextIOBase):
    """Stands in for a closed stdout (`assess scan >&-`): writing to it is bad usage, said in one line."""

    def write(self, _text: str) -> int:
        raise InputError("cannot write the output: stdout is closed")


# errors of the machine the output goes to (a full disk, a read-only folder): the user's to fix, exit 2
_WRITE_ERRNOS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EROFS", "EIO") if hasattr(errno, name)
)


def _discard_stdout() -> None:
    """Point stdout at /dev/null: what it still buffers would fail again, with a traceback, at exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def main(argv: Sequence[str] | None = None) -> NoReturn:
    if sys.stderr is None:  # closed (2>&-): diagnostics go nowhere, and never to stdout instead
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    try:
        code = run(argv)
        sys.stdout.flush()  # a full disk shows here, not in the interpreter's exit
    except InputError as exc:
        print(f"assess: {exc.one_line()}", file=sys.stderr)
        code = EXIT_INPUT
    except KeyboardInterrupt:
        print("assess: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        code = EXIT_OK
    except Exception as exc:  # the last line of defence: one line, exit 3, traceback only on request
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
            print(f"assess: cannot write {exc.filename or 'the output'}: {exc.strerror}", file=sys.stderr)
            _discard_stdout()
            sys.exit(EXIT_INPUT)
        if os.environ.get("ASSESS_DEBUG"):
            raise
        from assess.redact import redact_text

        detail = redact_text(f"{type(exc).__name__}: {exc}").replace("\n", " ")[:300]
        print(f"assess: internal error: {detail} (set ASSESS_DEBUG=1 for details)", file=sys.stderr)
        code = EXIT_INTERNAL
    sys.exit(code)
