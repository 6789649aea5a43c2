"""The output formats, one row each: the CLI flags, the `[outputs]` settings keys, `assess render` and the
TUI's report keys all come from this table. A new format is a row here and its renderer module.

No pydantic, no renderer and no dataclasses (which import inspect, ast and tokenize) are imported here: the
CLI reads this table to build `--help`, and its start-up time is what every command pays.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from assess.models import AssessmentResult
    from assess.report.html import ReportOptions


class FormatOption(NamedTuple):
    """A flag that tunes one format: `--FLAG VALUE` on scan, demo and render, kept as ReportOptions.FIELD."""

    flag: str
    field: str
    metavar: str
    help: str
    choices: tuple[str, ...] = ()  # the values it takes, the first the default (none: any value)


class OutputFormat(NamedTuple):
    name: str  # the flag (--NAME) and the settings key ([outputs] NAME = "FILE")
    suffix: str  # of a file in this format
    help: str
    renderer: str  # "module:function", imported only when this output is asked for
    binary: bool = False  # the renderer returns bytes
    report_options: bool = False  # the renderer takes ReportOptions (score trend, page size) as `options`
    # appended to, not replaced, when the target is the file this environment variable names: GitHub's step
    # summary file collects every step's Markdown, so replacing it would erase the earlier steps'
    append_when_env: str | None = None
    options: tuple[FormatOption, ...] = ()  # its own flags; the renderer then takes ReportOptions

    @property
    def label(self) -> str:
        """How messages name it: 'wrote HTML report.html', 'Writing the PDF…'."""
        return self.name.upper()


FORMATS: tuple[OutputFormat, ...] = (
    OutputFormat(
        "json", ".json", "the result JSON (the contract; re-render it later)", "assess.report.json_report:render_json"
    ),
    OutputFormat(
        "sarif",
        ".sarif",
        "SARIF 2.1.0 for code scanning",
        "assess.report.sarif:render_sarif",
        report_options=True,
        options=(
            FormatOption(
                "--sarif-category",
                "sarif_category",
                "NAME",
                "the SARIF run's automationDetails.id (NAME/): code scanning keeps runs of different "
                "categories apart (default: assess)",
            ),
        ),
    ),
    OutputFormat(
        "markdown",
        ".md",
        "a Markdown summary (pull requests, $GITHUB_STEP_SUMMARY)",
        "assess.report.markdown:render_markdown",
        append_when_env="GITHUB_STEP_SUMMARY",
    ),
    OutputFormat(
        "html", ".html", "a self-contained HTML report", "assess.report.html:render_html", report_options=True
    ),
    OutputFormat(
        "pdf",
        ".pdf",
        "a PDF report (needs Pango)",
        "assess.report.pdf:render_pdf",
        binary=True,
        report_options=True,
        options=(
            FormatOption(
                "--pdf-detail",
                "pdf_detail",
                "DETAIL",
                "quick: page 1 and one compact block per checklist item (default); full: every finding with its code",
                choices=("quick", "full"),
            ),
        ),
    ),
    OutputFormat("junit", ".xml", "JUnit XML for CI test dashboards", "assess.report.junit:render_junit"),
)
BY_NAME = {f.name: f for f in FORMATS}
FORMAT_OPTIONS = tuple(option for fmt in FORMATS for option in fmt.options)
NAMES = tuple(BY_NAME)
# the TUI's results screen: one key per report it writes, in the order its footer shows them
TUI_KEYS = {"p": BY_NAME["pdf"], "h": BY_NAME["html"]}


def appends(fmt: OutputFormat, target: str) -> bool:
    """Whether writing this format to `target` appends (the target is the file `append_when_env` names)."""
    named = os.environ.get(fmt.append_when_env) if fmt.append_when_env else None
    if not named or target == "-":
        return False
    try:
        return os.path.samefile(named, target)
    except OSError:  # one of them does not exist yet: compare the paths themselves
        return os.path.abspath(named) == os.path.abspath(target)


def render(fmt: OutputFormat, result: AssessmentResult, options: ReportOptions | None = None) -> str | bytes:
    """The result in this format; raises errors.OutputUnavailable when the format cannot be made here."""
    module, _, function = fmt.renderer.partition(":")
    renderer: Any = getattr(importlib.import_module(module), function)
    given = fmt.report_options and options is not None  # else the renderer's own default
    out: str | bytes = renderer(result, options=options) if given else renderer(result)
    return out
