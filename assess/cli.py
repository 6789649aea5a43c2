"""Command line: thin. Parses flags, calls the core, maps errors to exit codes.

Exit codes (DESIGN.md): 0 assessed and within the gates; 1 a gate failed; 2 bad usage or input;
3 internal error. Diagnostics go to stderr; stdout carries only the requested output or the summary.
Heavy modules are imported inside the commands so `assess --help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from assess import __version__
from assess.errors import InputError

if TYPE_CHECKING:
    from assess.catalog import Catalog
    from assess.models import AssessmentResult

COMMANDS = ("scan", "demo", "render", "checks", "explain")
SEVERITIES = ("critical", "high", "medium", "low", "info")
EXIT_OK, EXIT_GATE, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # usage errors are bad input: one line, exit 2, as everywhere else
        self.exit(EXIT_INPUT, f"assess: {message} (see 'assess {self.prog.split()[-1]} --help')\n")


def _add_outputs(p: argparse.ArgumentParser, *, gates: bool = True) -> None:
    out = p.add_argument_group("outputs (any combination; '-' writes to stdout)")
    out.add_argument("--json", metavar="FILE", help="the result JSON (the contract; re-render it later)")
    out.add_argument("--html", metavar="FILE", help="a self-contained HTML report")
    out.add_argument("--pdf", metavar="FILE", help="a PDF report (needs Pango)")
    if gates:
        gate = p.add_argument_group("gates (exit 1 when one fails)")
        gate.add_argument("--fail-under", type=int, metavar="SCORE", help="fail when the score is below SCORE")
        gate.add_argument("--fail-on", choices=SEVERITIES, help="fail on any open finding at or above SEVERITY")


def _add_scan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--answers", metavar="FILE", help="answers file (default: PATH/.assess/answers.yaml)")
    p.add_argument(
        "--include-vendored",
        action="store_true",
        help="also scan node_modules, dist, .venv and similar folders",
    )
    p.add_argument("--max-file-size", type=int, default=1_000_000, metavar="BYTES", help="skip larger files")
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

    sub.add_parser("checks", help="list the checks and questions in the catalog")
    explain = sub.add_parser("explain", help="one check's full documentation")
    explain.add_argument("id", help="a check id (see 'assess checks')")
    return parser


def _stdout_used(args: argparse.Namespace) -> bool:
    return any(getattr(args, name, None) == "-" for name in ("json", "html", "pdf"))


def write_outputs(result: AssessmentResult, args: argparse.Namespace) -> None:
    """Every requested output; each written atomically. A missing Pango skips only the PDF."""
    from assess.atomic import write_bytes_atomic, write_text_atomic
    from assess.report.html import render_html
    from assess.report.json_report import render_json

    texts = {"json": render_json, "html": render_html}
    for name, render in texts.items():
        target = getattr(args, name, None)
        if not target:
            continue
        text = render(result)
        if target == "-":
            sys.stdout.write(text)
        else:
            write_text_atomic(Path(target), text)
            _note(f"wrote {name.upper()} {target}")
    if getattr(args, "pdf", None):
        from assess.report.pdf import PdfUnavailable, render_pdf

        try:
            data = render_pdf(result)
        except PdfUnavailable as exc:
            _note(str(exc))
            return
        if args.pdf == "-":
            sys.stdout.buffer.write(data)
        else:
            write_bytes_atomic(Path(args.pdf), data)
            _note(f"wrote PDF {args.pdf}")


def _note(message: str) -> None:
    print(message, file=sys.stderr)


def print_summary(result: AssessmentResult) -> None:
    from assess.report.text import render_summary

    sys.stdout.write(render_summary(result))


def check_gates(result: AssessmentResult, args: argparse.Namespace) -> int:
    failed: list[str] = []
    if args.fail_under is not None and result.score < args.fail_under:
        failed.append(f"score {result.score} is below --fail-under {args.fail_under}")
    if args.fail_on:
        limit = SEVERITIES.index(args.fail_on)
        hits = [f for f in result.findings if not f.suppressed and SEVERITIES.index(f.severity) <= limit]
        if hits:
            failed.append(f"{len(hits)} open finding(s) at or above {args.fail_on}")
    for reason in failed:
        _note(f"assess: gate failed: {reason}")
    return EXIT_GATE if failed else EXIT_OK


def _catalog() -> Catalog:
    from assess.catalog import load_catalog

    return load_catalog()


def _assess(root: Path, args: argparse.Namespace, display_root: str | None = None) -> AssessmentResult:
    from assess.assessment import ScanOptions, run_assessment

    options = ScanOptions(
        max_bytes=args.max_file_size,
        include_vendored=args.include_vendored,
        answers_path=Path(args.answers) if args.answers else None,
        display_root=display_root,
    )
    return run_assessment(root, _catalog(), options)


def _finish(result: AssessmentResult, args: argparse.Namespace) -> int:
    write_outputs(result, args)
    if not args.quiet and not _stdout_used(args):
        print_summary(result)
    return check_gates(result, args)


def cmd_scan(args: argparse.Namespace) -> int:
    return _finish(_assess(Path(args.path), args), args)


def cmd_demo(args: argparse.Namespace) -> int:
    from assess.demo import DEMO_NAME, default_outputs, unpack_demo

    if not any(getattr(args, n) for n in ("json", "html", "pdf")):
        for name, path in default_outputs().items():
            setattr(args, name, str(path))
    with unpack_demo(Path(args.workdir) if args.workdir else None) as root:
        result = _assess(root, args, display_root=DEMO_NAME)
    return _finish(result, args)


def cmd_render(args: argparse.Namespace) -> int:
    from assess.report.json_report import load_result

    result = load_result(Path(args.result))
    if not any(getattr(args, n) for n in ("json", "html", "pdf")):
        raise InputError("nothing to render: give --html, --pdf or --json")
    write_outputs(result, args)
    return EXIT_OK


def cmd_checks(_args: argparse.Namespace) -> int:
    from assess.report.text import render_catalog

    sys.stdout.write(render_catalog(_catalog()))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from assess.report.text import render_explain

    catalog = _catalog()
    check = catalog.checks.get(args.id)
    if check is None:
        raise InputError(f"no check '{args.id}' (see 'assess checks')")
    sys.stdout.write(render_explain(check))
    return EXIT_OK


def _default_args(argv: list[str]) -> list[str]:
    """`assess [PATH]`: the questionnaire in a terminal, otherwise the same as `assess scan`."""
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version")):
        return argv
    if sys.stdin.isatty() and sys.stdout.isatty() and os.environ.get("ASSESS_NO_TUI") != "1":
        try:
            from assess.tui import app as _tui  # noqa: F401
        except ImportError:
            pass
        else:
            return ["tui", *argv]
    return ["scan", *argv]


def run(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    argv = _default_args(argv)
    if argv and argv[0] == "tui":
        from assess.tui.app import run_tui

        code: int = run_tui(argv[1:])
        return code
    args = build_parser().parse_args(argv)
    handlers = {
        "scan": cmd_scan,
        "demo": cmd_demo,
        "render": cmd_render,
        "checks": cmd_checks,
        "explain": cmd_explain,
    }
    return handlers[args.command](args)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    try:
        code = run(argv)
    except InputError as exc:
        print(f"assess: {exc.one_line()}", file=sys.stderr)
        code = EXIT_INPUT
    except KeyboardInterrupt:
        print("assess: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        code = EXIT_OK
    except Exception as exc:  # the last line of defence: one line, exit 3, traceback only on request
        if os.environ.get("ASSESS_DEBUG"):
            raise
        from assess.scan.redact import redact_text

        detail = redact_text(f"{type(exc).__name__}: {exc}").replace("\n", " ")[:300]
        print(f"assess: internal error: {detail} (set ASSESS_DEBUG=1 for details)", file=sys.stderr)
        code = EXIT_INTERNAL
    sys.exit(code)
