"""Fixtures for the report tests: a hand-built result (deterministic, for the golden snapshot), a hostile
one (everything from the 'scanned project' tries to inject), and the demo project's PDF rendered once."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from assess.models import (
    AnswerResult,
    AssessmentResult,
    ChecklistResult,
    Exposure,
    ExposurePool,
    ExposureProvider,
    ExposureScenario,
    Finding,
    FixAdvice,
    ProjectInfo,
    RuleDoc,
    ToolInfo,
)
from assess.report.html import ReportOptions
from assess.report.pdf import render_pdf

FIXED_AT = "2026-11-20T09:30:00+00:00"


def _pool(provider: str, model: str, tier: str, tpm_in: int, tpm_out: int, p_in: float, p_out: float) -> ExposurePool:
    per_hour = 60 * (tpm_in * p_in + tpm_out * p_out) / 1_000_000
    return ExposurePool(
        provider=provider,
        model=model,
        models=[model],
        from_code=True,
        family=model,
        tier=tier,
        requests_per_minute=5000,
        input_tokens_per_minute=tpm_in,
        output_tokens_per_minute=tpm_out,
        input_usd_per_mtok=p_in,
        output_usd_per_mtok=p_out,
        usd_per_hour=per_hour,
    )


def fixed_exposure() -> Exposure:
    """OpenAI gpt-4o at Tier 5 (the FACTS.md worked example) and a $5,000 hard limit of the person's."""
    pool = _pool("OpenAI", "gpt-4o", "Tier 5", 22_500_000, 7_500_000, 2.5, 10.0)
    provider = ExposureProvider(
        provider="OpenAI", tier="Tier 5", usd_per_hour=pool.usd_per_hour, monthly_limit_usd=200_000, pools=[pool]
    )
    return Exposure(
        scenarios=[
            ExposureScenario(
                tier="tier-5",
                usd_per_hour=pool.usd_per_hour,
                hours_to_cap=5000 / pool.usd_per_hour,
                spent_at_cap_usd=5000,
                cap_source="yours",
                providers=[provider],
            )
        ],
        tier_known=True,
        spend_cap_usd=5000,
        output_share=0.25,
        assumptions=["25% of tokens are output tokens."],
        warnings=[],
        prices_source="genai-prices (fixed for the test)",
        prices_checked="2026-11-01",
        limits_source=["OpenAI model pages (fixed for the test)"],
        limits_checked="2026-11-01",
    )


def _item(id_: str, title: str, status: str, score: int | None, findings: int = 0) -> ChecklistResult:
    return ChecklistResult(
        id=id_,  # type: ignore[arg-type]
        title=title,
        status=status,  # type: ignore[arg-type]
        score=score,
        findings=findings,
        weight=15,
        why=f"Why {title.lower()} matters.",
        reason="1 answer",
        fix=f"Do this for {title.lower()}.",
    )


def fixed_result(**changes: object) -> AssessmentResult:
    """A small, complete result built by hand: every section of the report has something to show."""
    result = AssessmentResult(
        tool=ToolInfo(version="9.9.9"),
        generated_at=FIXED_AT,
        project=ProjectInfo(
            root="acme-chat",
            commit="0123456789abcdef0123456789abcdef01234567",
            files_scanned=42,
            files_skipped=3,
            skipped_by_reason={"binary": 2, "too large": 1},
            folders_excluded=2,
            languages=["TypeScript", "Python"],
            frameworks=["Next.js", "FastAPI"],
            providers=["OpenAI"],
            models=["gpt-4o"],
        ),
        score=38,
        grade="F",
        checklist=[
            _item("backend-proxy", "Move AI API calls to a backend proxy", "fail", 0, 1),
            _item("rate-limits", "Set per-user or per-app rate limits", "partial", 50),
            _item("billing-alerts", "Enable billing alerts and spend limits", "pass", 100),
            _item("usage-monitoring", "Monitor token usage by feature", "unknown", None),
            _item("retry-logic", "Review retry and error-handling logic", "fail", 30, 1),
            _item("key-hygiene", "Keep keys out of code and rotate them", "pass", 100),
            _item("efficiency", "Use smaller models, caching and token limits", "partial", 60),
        ],
        findings=[
            Finding(
                id="f1",
                check="sdk-in-browser",
                checklist="backend-proxy",
                severity="critical",
                path="app/chat/client.tsx",
                line=12,
                column=3,
                message="`dangerouslyAllowBrowser: true` ships the key to every visitor.",
                snippet="dangerouslyAllowBrowser: true,",
                title="An AI SDK is allowed to run in the browser",
                scope="frontend",
                framework="Next.js",
            ),
            Finding(
                id="f2",
                check="tenacity-retry-without-stop",
                checklist="retry-logic",
                severity="high",
                path="worker/summarize.py",
                line=23,
                column=1,
                message="tenacity retries forever unless told when to stop.",
                snippet="@retry(wait=wait_exponential(max=60))",
                title="A tenacity retry has no stop condition",
                scope="backend",
            ),
            Finding(
                id="f3",
                check="tenacity-retry-without-stop",
                checklist="retry-logic",
                severity="high",
                path="worker/legacy.py",
                line=7,
                message="tenacity retries forever unless told when to stop.",
                snippet="@retry",
                title="A tenacity retry has no stop condition",
                suppressed=True,
                suppressed_by="inline",
            ),
        ],
        answers=[
            AnswerResult(
                question="ai-calls-location",
                value="some-client",
                source="detected",
                checklist="backend-proxy",
                prompt="Where do your AI API calls run?",
                label="Some calls run in the browser",
            ),
            AnswerResult(
                question="retry-policy",
                value="no",
                source="detected",
                checklist="retry-logic",
                prompt="Are retries capped?",
                label="No / retries are unbounded",
                answered_at="2026-11-19T10:00:00+00:00",
                contradicts_evidence=True,
                user_value="capped",
            ),
            AnswerResult(
                question="spend-limit",
                value="hard-limit",
                source="user",
                checklist="billing-alerts",
                prompt="Is a hard monthly spend limit set?",
                label="Yes, a hard limit everywhere",
                answered_at="2026-11-19T10:00:00+00:00",
            ),
        ],
        top_fixes=[
            FixAdvice(
                checklist="backend-proxy", title="Move AI API calls to a backend proxy", gain=20, fix="Proxy it."
            ),
            FixAdvice(checklist="retry-logic", title="Review retry and error-handling logic", gain=9, fix="Cap it."),
            FixAdvice(checklist="rate-limits", title="Set per-user or per-app rate limits", gain=7, fix="Limit it."),
        ],
        checks_run=["sdk-in-browser", "tenacity-retry-without-stop", "hardcoded-ai-key"],
        rules=[
            RuleDoc(
                id="sdk-in-browser",
                title="An AI SDK is allowed to run in the browser",
                checklist="backend-proxy",
                severity="critical",
                why="Anyone who opens the page can read the key.",
                fix="Remove `dangerouslyAllowBrowser` and call your own server.",
                references=["https://github.com/openai/openai-node#requirements (SDK docs)"],
                fix_frameworks={"Next.js": "// app/api/chat/route.ts\nexport async function POST() {}"},
            ),
            RuleDoc(
                id="tenacity-retry-without-stop",
                title="A tenacity retry has no stop condition",
                checklist="retry-logic",
                severity="high",
                why="tenacity's default stop is `stop_never`.",
                fix="Add `stop=stop_after_attempt(5)`.",
                references=["https://tenacity.readthedocs.io/en/latest/#stopping"],
            ),
        ],
        exposure=fixed_exposure(),
    )
    return result.model_copy(update=changes)


HOSTILE_PATH = '[x](https://evil.example/a)<img src="http://example.com/p.png" onerror=alert(1)>.ts'
HOSTILE_SNIPPET = (
    '<img src="http://example.com/x.png"> <link rel="stylesheet" href="http://example.com/s.css"> '
    '<style>@import url("file:///etc/passwd");</style> url(file:///etc/passwd) ``` `'
)


def hostile_result() -> AssessmentResult:
    """Every string a scanned project controls, written to break out of its place."""
    base = fixed_result()
    finding = base.findings[0].model_copy(
        update={
            "path": HOSTILE_PATH,
            "snippet": HOSTILE_SNIPPET,
            "message": "<script>fetch('https://evil.example')</script> [click](javascript:alert(1))",
            "endpoint": "POST /api/<b>x</b>",
        }
    )
    project = base.project.model_copy(update={"root": '<b onmouseover="x">acme</b> ](http://evil.example)'})
    return base.model_copy(update={"findings": [finding, *base.findings[1:]], "project": project})


@dataclass
class RenderedPdf:
    data: bytes
    reader: PdfReader
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def read_pdf(data: bytes) -> RenderedPdf:
    reader = PdfReader(io.BytesIO(data))
    return RenderedPdf(data, reader, [page.extract_text() or "" for page in reader.pages])


@pytest.fixture(scope="session")
def demo_pdf(demo_result: AssessmentResult) -> RenderedPdf:
    """The demo project's full report (--pdf-detail full) as a PDF: rendered once per test session."""
    return read_pdf(render_pdf(demo_result, ReportOptions(page_size="A4", pdf_detail="full")))


@pytest.fixture(scope="session")
def demo_quick_pdf(demo_result: AssessmentResult) -> RenderedPdf:
    """The demo project's report as the default PDF: page 1 and a compact block per checklist item."""
    return read_pdf(render_pdf(demo_result, ReportOptions(page_size="A4")))
