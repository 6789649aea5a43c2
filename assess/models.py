"""Pydantic models: the result contract every renderer reads, and the catalog schemas.

The result fields and their meaning are fixed by DESIGN.md; add fields, never change one.
"""

from __future__ import annotations

import datetime as dt
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
# Items not judged on code that only tests run (assess/scan/files/roles.py TEST_PATH): a test is no endpoint,
# and its calls, loops and retries bill nobody in production. Keys in tests are still reported.
TEST_EXEMPT_ITEMS: frozenset[str] = frozenset({"rate-limits", "usage-monitoring", "retry-logic", "efficiency"})
Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITY_ORDER: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
Status = Literal["pass", "partial", "fail", "unknown", "not-applicable"]
AnswerSource = Literal[
    "user", "detected", "default",
    # read from the provider's own settings by `assess verify` (assess/verify/)
    "verified:openai", "verified:anthropic", "verified:aws", "verified:gcp", "verified:azure",
]  # fmt: skip
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
    # A regex near the key naming another product (Maps, YouTube, ...), or anywhere in its file (`unless_file`,
    # e.g. a Maps loader import): that product's key, reported only when the project uses `provider` (one key
    # serves every API of its Google Cloud project); never reported otherwise.
    unless: str | None = None
    unless_file: str | None = None
    uses: str | None = None  # a regex anywhere in the file that means the project uses `provider` (an import, a host)


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


class OnceWithin(_Strict):
    """Report a check's matches once per outermost enclosing node of `kinds` (a loop holding several calls, or
    nested loops), looking no further out than the nearest node of `stop` (a function)."""

    kinds: list[str] = Field(min_length=1)
    stop: list[str] = Field(default_factory=list)


class Check(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    pass_title: str
    checklist: ChecklistId
    severity: Severity
    languages: list[Language] = Field(min_length=1)
    scope: Scope
    keywords: list[str] = Field(min_length=1)
    # More prefilter: each group must have one of its literals in the file too (keywords say what the rule
    # is about; a group says what every match needs besides, e.g. an error handler for a retry). A file
    # without them is never parsed for this check: cheap, and it keeps files deferrable.
    requires: list[list[str]] = Field(default_factory=list)
    engine: Literal["ast-grep", "secrets", "project"] = "ast-grep"
    rule: dict[str, Any] | None = None
    # One ast-grep rule per language where the grammars differ ("javascript" also serves typescript and tsx).
    # The catalog fills it for every language of an ast-grep check, shared utils merged in: see rule_for.
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # per language ("javascript" also serves typescript and tsx): one finding per enclosing construct
    once_within: dict[str, OnceWithin] = Field(default_factory=dict)
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
    # What the item's code checks judge: with none of it found, silence is no evidence and the item is
    # `not-applicable` unless answered. files: every file read (keys); llm-calls: paid LLM call sites;
    # llm-endpoints: endpoints that reach one; llm-iac: infrastructure code deploying an LLM workload.
    judges: Literal["files", "llm-calls", "llm-endpoints", "llm-iac"] = "llm-calls"


class QuestionSection(_Strict):
    """One file in questions/: a checklist item and the questions that judge it."""

    checklist: ChecklistItem
    questions: list[dict[str, Any]]


# --- answers file ----------------------------------------------------------------------------


class StoredAnswer(_Strict):
    value: str
    source: AnswerSource = "user"
    answered_at: str | None = None

    @field_validator("answered_at")
    @classmethod
    def _iso_time(cls, value: str | None) -> str | None:
        """A date or time in ISO 8601 (`2026-01-31`, `2026-01-31T09:00:00+00:00`): staleness is judged on it."""
        if value is not None:
            try:
                dt.datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(f"'{value}' is not an ISO date or time (e.g. 2026-01-31)") from None
        return value


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
    # code nested too deeply to match in bounded time (pathological input): read for keys only
    files_cut_short: list[str] = Field(default_factory=list)


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


class Place(BaseModel):
    path: str
    line: int | None = Field(default=None, ge=1)


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
    # The same flaw, in the same words, in sibling files of this finding's folder (one root cause: e.g. the
    # same call in every provider adapter); path and line above are the first place, these are the others.
    also: list[Place] = Field(default_factory=list)


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


class Coverage(BaseModel):
    """What a result rests on: what was analysed, what was present but not, and what the checks had to judge."""

    languages_analysed: list[str] = Field(default_factory=list)  # parsed and matched by the code checks
    languages_not_analysed: list[str] = Field(default_factory=list)  # present, read for keys only
    files_analysed: int = 0  # files whose code the checks parsed or matched (not only read for keys)
    files_not_analysed: int = 0  # files read for keys only: other languages, bundles, minified files
    llm_call_sites: dict[str, int] = Field(default_factory=dict)  # provider -> paid LLM call sites found
    endpoints: int | None = None  # endpoints that reach an LLM call; None when the rate-limit checks did not run
    items_judged: list[str] = Field(default_factory=list)  # checklist items whose checks had something to judge
    partial: bool = False  # only some files were checked (--files, --changed-since): no overall score
    partial_files: int = 0
    note: str = ""  # what the score rests on, in one sentence (or why there is none)


class Verification(BaseModel):
    """What one provider's own settings said, read with credentials the person gave (assess/verify/)."""

    provider: str  # "openai", "aws", ...: the tail of the answer source `verified:<provider>`
    account: str | None = None  # organisation, account or project id the settings were read from
    read_at: str
    answers: dict[str, str] = Field(default_factory=dict)  # question id -> choice value
    # question id -> the least this provider proves (a provider-side limit is at least "per-app"): raises a
    # lower answer, never lowers a higher one
    floors: dict[str, str] = Field(default_factory=dict)
    evidence: list[str] = Field(default_factory=list)  # what was read, one line each, never a credential
    errors: list[str] = Field(default_factory=list)  # what could not be read: those answers stay unknown
    summary: str = ""  # one line for page 1, e.g. "spend limit verified at OpenAI: $500/month"


class AssessmentResult(BaseModel):
    schema_version: int = SCHEMA_VERSION
    tool: ToolInfo
    generated_at: str
    project: ProjectInfo
    # null when nothing could be assessed: no paid AI usage found, or a partial run (coverage.note says which)
    score: int | None = Field(default=None, ge=0, le=100)
    grade: str | None = None
    score_cap: str = ""  # what capped the overall score, e.g. "an open critical finding caps the score at 39"
    coverage: Coverage = Field(default_factory=Coverage)
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
    verifications: list[Verification] = Field(default_factory=list)  # providers read by --verify
