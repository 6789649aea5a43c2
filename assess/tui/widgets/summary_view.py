"""The score, the checklist with marks, and the three fixes that buy the most."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from assess.models import AssessmentResult, Exposure
from assess.tui.safe import visible

# A mark and a word for each status: the meaning never rests on colour alone.
MARKS = {
    "pass": ("✓", "pass", "green"),
    "partial": ("◐", "partial", "yellow"),
    "fail": ("✗", "fail", "red"),
    "unknown": ("?", "unknown", "dim"),
    "not-applicable": ("–", "n/a", "dim"),
}


def headline(result: AssessmentResult, unanswered: int, scanned: bool, stale_days: int = 180) -> Text:
    text = Text()
    if result.score is not None:
        text.append(f"Score {result.score}/100 · grade {result.grade}", style="bold")
    else:
        text.append(f"Not assessed: {result.coverage.note}", style="bold")
    open_findings = [f for f in result.findings if not f.suppressed]
    critical = sum(1 for f in open_findings if f.severity == "critical")
    text.append(f" · {len(open_findings)} finding{'s' if len(open_findings) != 1 else ''}")
    if critical:
        text.append(f", {critical} critical")
    if not scanned:
        text.append(" · the scan is still running")
    if unanswered:
        text.append(f"\n{unanswered} question{'s' if unanswered != 1 else ''} unanswered: press a to answer")
    stale = sum(1 for a in result.answers if a.stale and a.source != "detected")
    if stale:
        text.append(f"\n{stale} answer{'s are' if stale != 1 else ' is'} older than {stale_days} days: ")
        text.append("press a to check " + ("they still hold" if stale != 1 else "it still holds"))
    contradicted = [a for a in result.answers if a.contradicts_evidence]
    if contradicted:
        names = ", ".join(a.question for a in contradicted)
        text.append(f"\n⚠ {len(contradicted)} answer{'s' if len(contradicted) != 1 else ''} contradict")
        text.append("s" if len(contradicted) == 1 else "")
        against = "the code" if all(a.source == "detected" for a in contradicted) else "the evidence"
        text.append(f" {against} ({names}); the evidence counts, your answer is kept in the report")
    if result.verifications:
        from assess.verify import headline as reading_line

        for reading in result.verifications:  # provider text: appended as plain text, never markup
            text.append("\n✓ " if reading.answers else "\n· ")
            text.append(visible(reading_line(reading)))
    return text


def money(usd: float) -> str:
    return f"${usd:,.2f}" if usd < 10 else f"${usd:,.0f}"


def tier_name(value: str) -> str:
    return value.replace("tier-", "Tier ").replace("free", "the free tier")


def exposure_text(exposure: Exposure | None) -> Text | None:
    """What a leaked key or an unlimited endpoint could spend: the core's estimate in one or two lines."""
    if exposure is None or not exposure.scenarios:
        return None
    text = Text()
    text.append("Worst case: ", style="bold")
    text.append("a leaked key or an unlimited endpoint could spend ")
    if exposure.tier_known or len(exposure.scenarios) == 1:
        scenario = exposure.scenarios[0]
        text.append(f"about {money(scenario.usd_per_hour)} an hour", style="bold")
        text.append(f" at {tier_name(scenario.tier)}")
        if scenario.hours_to_cap is not None and scenario.spent_at_cap_usd is not None:
            whose = "your" if scenario.cap_source == "yours" else "the provider's"
            text.append(
                f"; {whose} monthly limit stops it after about {scenario.hours_to_cap:,.0f} h"
                f" ({money(scenario.spent_at_cap_usd)})"
            )
        else:
            text.append("; nothing stops it this month")
    else:
        rates = sorted(s.usd_per_hour for s in exposure.scenarios)
        text.append(f"{money(rates[0])} to {money(rates[-1])} an hour", style="bold")
        text.append(" depending on your usage tier (answer the tier question to narrow it)")
    text.append(f". Prices checked {exposure.prices_checked}.", style="dim")
    return text


def checklist_table(result: AssessmentResult) -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True, min_width=9)  # mark and word: "◐ partial"
    table.add_column(justify="right", no_wrap=True, min_width=3)  # score
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")  # title: one row per item
    table.add_column(justify="right", no_wrap=True, min_width=10)  # "2 findings"
    for item in result.checklist:
        mark, word, colour = MARKS[item.status]
        score = "–" if item.score is None else str(item.score)
        count = f"{item.findings} finding{'s' if item.findings != 1 else ''}" if item.findings else ""
        table.add_row(Text(f"{mark} {word}", style=f"bold {colour}"), score, item.title, count)
    return table


def fixes(result: AssessmentResult) -> RenderableType:
    if not result.top_fixes:
        return Text("Nothing to fix on what is known so far.", style="italic")
    rows: list[RenderableType] = []
    for number, fix in enumerate(result.top_fixes, 1):
        line = Text(f"{number}. ", style="bold")
        line.append(f"+{fix.gain} points", style="bold")
        line.append(f"  {fix.title}")
        rows.append(line)
        rows.append(Padding(Text(fix.fix, style="dim"), (0, 0, 0, 3)))
    return Group(*rows)


class SummaryView(VerticalScroll):
    DEFAULT_CSS = """
    SummaryView { padding: 0 1; }
    SummaryView .heading { text-style: bold; margin-top: 1; }
    SummaryView #exposure { margin-top: 1; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="headline")
        yield Static("Checklist", classes="heading")
        yield Static(id="checklist")
        yield Static("The three fixes that buy the most", classes="heading")
        yield Static(id="fixes")
        yield Static(id="exposure")

    def show(self, result: AssessmentResult, unanswered: int, scanned: bool, stale_days: int = 180) -> None:
        self.query_one("#headline", Static).update(headline(result, unanswered, scanned, stale_days))
        exposure = exposure_text(result.exposure)
        self.query_one("#exposure", Static).update(exposure or "")
        self.query_one("#exposure", Static).display = exposure is not None
        self.query_one("#checklist", Static).update(checklist_table(result))
        self.query_one("#fixes", Static).update(fixes(result))
