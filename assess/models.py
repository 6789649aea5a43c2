"""Pydantic models: the result contract every renderer reads, and the catalog schemas.

The result fields and their meaning are fixed by DESIGN.md; add fields, never change one.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1

ChecklistId = Literal[
    "backend-proxy",
    "rate-limits",
    "billing-alerts",
    "usage-monitoring",
    "retry-logic",
    "key-hygiene",
    "efficiency",
]
CHECKLIST_ORDER: tuple[str, ...] = (
    "backend-proxy",
    "rate-limits",
    "billing-alerts",
    "usage-monitoring",
    "retry-logic",
    "key-hygiene",
    "efficiency",
)
Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITY_ORDER: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
Status = Literal["pass", "partial", "fail", "unknown"]
AnswerSource = Literal["user", "detected", "default"]
# Where a check applies, by the role of a file: "client" is frontend or mobile (ships to a device),
# "maybe-client" is every file not known to run only on a server.
Scope = Literal["frontend", "backend", "mobile", "client", "maybe-client", "any"]
# Where a key found by the catalog's key shapes sits, and so which check reports it (assess/scan/keys.py).
KeyRoute = Literal["code", "env-file", "client", "public-env", "non-ai", "history"]
Language = Literal["javascript", "typescript", "tsx", "python", "text"]


class _Strict(BaseModel):
    """Catalog files are written by people: an unknown key is a typo, not an extension."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- catalog: checks -------------------------------------------------------------------------


class AiCondition(_Strict):
    """For a shape shared with keys of other products (Google `AIza`): when it is an AI key."""

    provider: str  # the project uses this provider (ProjectInfo.providers name) ...
    context: str  # ... or this regex matches near the key
    unless: str | None = None  # a regex near the key naming another product: then never an AI key


class SecretPattern(_Strict):
    """One key shape, kept as data with the source that documents it."""

    provider: str
    name: str
    regex: str
    keywords: list[str] = Field(min_length=1)
    source: str
    min_entropy: float = 3.0
    # A shape with no prefix of its own is only credible near the provider's name or endpoint.
    context: str | None = None
    # Near this, the key is public by design (a Firebase web config): never reported.
    public_context: str | None = None
    ai_only_if: AiCondition | None = None


class FixMap(_Strict):
    """What to do instead; `default` always, plus a variant per framework where it differs."""

    default: str
    frameworks: dict[str, str] = Field(default_factory=dict)


class Check(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    pass_title: str
    checklist: ChecklistId
    severity: Severity
    languages: list[Language] = Field(min_length=1)
    scope: Scope
    keywords: list[str] = Field(min_length=1)
    engine: Literal["ast-grep", "secrets", "project"] = "ast-grep"
    rule: dict[str, Any] | None = None
    # One ast-grep rule per language where the grammars differ ("javascript" also serves typescript and tsx).
    # The catalog fills it for every language of an ast-grep check, shared utils merged in: see rule_for.
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    patterns: list[SecretPattern] = Field(default_factory=list)
    # Report keys found by any secrets check's patterns that sit here (e.g. "env-file": a committed .env).
    key_routes: list[KeyRoute] = Field(default_factory=list)
    # engine "project": the fact rules (checks/_facts/) collected during the one parse of each file, and
    # the named judge (assess/scan/judges/) that reads them after the walk, with its parameters.
    facts: list[str] = Field(default_factory=list)
    judge: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    message: str
    why: str
    fix: FixMap
    references: list[str] = Field(default_factory=list)

    def rule_for(self, language: str) -> dict[str, Any] | None:
        """The ast-grep config to run on files of `language`."""
        return self.rules.get(language, self.rule)

    @field_validator("keywords")
    @classmethod
    def _non_empty_keywords(cls, value: list[str]) -> list[str]:
        if any(not k for k in value):
            raise ValueError("keywords must be non-empty strings")
        return value


# --- catalog: questions ----------------------------------------------------------------------


class Choice(_Strict):
    value: str
    label: str
    score: float = Field(ge=0.0, le=1.0)


class DetectRule(_Strict):
    """Pre-answer a question with `value` when any of `checks` has an unsuppressed finding."""

    checks: list[str] = Field(min_length=1)
    value: str


class WhenRule(_Strict):
    """Show a question only while another question's answer is one of `in_`."""

    question: str
    in_: list[str] = Field(alias="in", min_length=1)


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    checklist: ChecklistId
    prompt: str
    help: str
    choices: list[Choice] = Field(min_length=2)
    detect: list[DetectRule] = Field(default_factory=list)
    when: WhenRule | None = None
    # Ask only when the project uses one of these providers (names as in ProjectInfo.providers).
    providers: list[str] = Field(default_factory=list)
    # False for questions that inform (usage tier, cap amount) rather than judge: shown, never weighed.
    scored: bool = True

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


class ChecklistItem(_Strict):
    id: ChecklistId
    title: str
    weight: int = Field(ge=0)
    why: str
    fix: str


class QuestionSection(_Strict):
    """One file in questions/: a checklist item and the questions that judge it."""

    checklist: ChecklistItem
    questions: list[dict[str, Any]]


# --- answers file ----------------------------------------------------------------------------


class StoredAnswer(_Strict):
    value: str
    source: AnswerSource = "user"
    answered_at: str | None = None


class AnswersFile(_Strict):
    version: Literal[1] = 1
    answers: dict[str, StoredAnswer] = Field(default_factory=dict)


# --- the result contract ---------------------------------------------------------------------


class ToolInfo(BaseModel):
    name: str = "assess"
    version: str


class ProjectInfo(BaseModel):
    root: str
    commit: str | None = None
    files_scanned: int = 0
    files_keys_only: int = 0  # of files_scanned: built bundles and minified files, read for AI keys only
    files_skipped: int = 0
    skipped_by_reason: dict[str, int] = Field(default_factory=dict)
    folders_excluded: int = 0  # vendored/generated folders not entered at all
    languages: list[str] = Field(default_factory=list)
    frameworks: list[str] = Field(default_factory=list)
    providers: list[str] = Field(default_factory=list)
    models: list[str] = Field(default_factory=list)  # model names found as literals at LLM call sites


class ChecklistResult(BaseModel):
    id: ChecklistId
    title: str
    status: Status
    score: int | None = Field(default=None, ge=0, le=100)
    findings: int = 0
    weight: int = 0
    why: str = ""
    reason: str = ""
    fix: str = ""  # what to do, from the checklist item's data


class Finding(BaseModel):
    id: str  # fingerprint: check + path + normalised text, never the line number
    check: str
    checklist: ChecklistId
    severity: Severity
    path: str | None = None
    line: int | None = Field(default=None, ge=1)
    column: int | None = Field(default=None, ge=1)
    message: str
    snippet: str = ""  # always redacted
    suppressed: bool = False
    title: str = ""
    scope: str | None = None
    suppressed_by: Literal["inline", "ignore-file"] | None = None
    suppression_reason: str | None = None
    new: bool = True  # False when the --baseline result holds the same finding (assess/baseline.py)
    # Facts behind server-side cost findings, for the report and the questionnaire (None when not known).
    provider: str | None = None
    model: str | None = None  # the model name when the call site gives it as a literal
    endpoint: str | None = None  # e.g. "POST /api/chat"
    framework: str | None = None
    attempts: int | None = None  # requests one logical call can make: retry wrapper × SDK attempts


class AnswerResult(BaseModel):
    question: str
    value: str
    source: AnswerSource
    checklist: ChecklistId | None = None
    prompt: str = ""
    label: str = ""
    answered_at: str | None = None
    contradicts_evidence: bool = False
    user_value: str | None = None  # the person's answer when evidence overrode it
    stale: bool = False  # answered longer ago than the configured age (default 180 days)


class RuleDoc(BaseModel):
    """A check's documentation, carried in the result so renderers never need the catalog."""

    id: str
    title: str
    checklist: ChecklistId
    severity: Severity
    why: str
    fix: str
    references: list[str] = Field(default_factory=list)
    fix_frameworks: dict[str, str] = Field(default_factory=dict)  # framework name -> code example


class CheckError(BaseModel):
    """A check whose code raised: its checklist item is `unknown` in this result, the rest was assessed."""

    check: str
    checklist: ChecklistId
    message: str  # the exception, redacted and cut to one line
    path: str | None = None  # the first file it raised on (None for a project check)
    files: int = 0  # how many files it raised on (0 for a project check)


class SuppressionNote(BaseModel):
    """A suppression that needs attention: no reason given, matching nothing, or expired."""

    kind: Literal["no-reason", "unused", "expired"]
    path: str | None = None
    line: int | None = None
    check: str | None = None
    message: str


class BaselineInfo(BaseModel):
    path: str
    new: int  # open findings not in the baseline
    known: int  # open findings already in the baseline


class FixAdvice(BaseModel):
    checklist: ChecklistId
    title: str
    gain: int  # overall score points this item could still add
    fix: str


class ExposurePool(BaseModel):
    """One rate-limit pool at one tier: a model, or a family of models sharing one limit."""

    provider: str
    model: str  # the model priced: the dearest one in the pool
    models: list[str] = Field(default_factory=list)  # every model counted in this pool
    from_code: bool = False  # False: the provider's default model, none was found in code
    family: str
    tier: str  # the provider's own tier name, e.g. "Tier 4"
    requests_per_minute: int
    input_tokens_per_minute: int
    output_tokens_per_minute: int
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    usd_per_hour: float


class ExposureProvider(BaseModel):
    provider: str
    tier: str
    usd_per_hour: float
    monthly_limit_usd: float | None = None  # the provider's own monthly usage limit at this tier
    pools: list[ExposurePool] = Field(default_factory=list)


class ExposureScenario(BaseModel):
    """Spend at one usage tier (the `provider-tier` answer value)."""

    tier: str
    usd_per_hour: float
    hours_to_cap: float | None = None  # None: nothing stops it this month
    spent_at_cap_usd: float | None = None
    cap_source: Literal["yours", "provider"] | None = None  # whose limit stops it
    providers: list[ExposureProvider] = Field(default_factory=list)


class Exposure(BaseModel):
    """Denial-of-wallet estimate: what a leaked key or an unlimited endpoint could spend."""

    scenarios: list[ExposureScenario]  # one when the tier is known; lowest and highest paid tier otherwise
    tier_known: bool
    spend_cap_usd: float | None = None  # the person's hard monthly spend limit, all providers together
    output_share: float
    assumptions: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    not_estimated: list[str] = Field(default_factory=list)  # providers or models with no tier data
    prices_source: str
    prices_checked: str
    limits_source: list[str] = Field(default_factory=list)
    limits_checked: str


class AssessmentResult(BaseModel):
    schema_version: int = SCHEMA_VERSION
    tool: ToolInfo
    generated_at: str
    project: ProjectInfo
    score: int = Field(ge=0, le=100)
    grade: str
    checklist: list[ChecklistResult]
    findings: list[Finding] = Field(default_factory=list)
    answers: list[AnswerResult] = Field(default_factory=list)
    top_fixes: list[FixAdvice] = Field(default_factory=list)
    checks_run: list[str] = Field(default_factory=list)
    rules: list[RuleDoc] = Field(default_factory=list)
    errors: list[CheckError] = Field(default_factory=list)  # checks that raised; their items are unknown
    suppressions: list[SuppressionNote] = Field(default_factory=list)
    baseline: BaselineInfo | None = None
    exposure: Exposure | None = None
