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
Scope = Literal["frontend", "backend", "mobile", "any"]
Language = Literal["javascript", "typescript", "tsx", "python", "text"]


class _Strict(BaseModel):
    """Catalog files are written by people: an unknown key is a typo, not an extension."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- catalog: checks -------------------------------------------------------------------------


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
    engine: Literal["ast-grep", "secrets"] = "ast-grep"
    rule: dict[str, Any] | None = None
    patterns: list[SecretPattern] = Field(default_factory=list)
    message: str
    why: str
    fix: FixMap
    references: list[str] = Field(default_factory=list)

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


class RuleDoc(BaseModel):
    """A check's documentation, carried in the result so renderers never need the catalog."""

    id: str
    title: str
    checklist: ChecklistId
    severity: Severity
    why: str
    fix: str
    references: list[str] = Field(default_factory=list)


class FixAdvice(BaseModel):
    checklist: ChecklistId
    title: str
    gain: int  # overall score points this item could still add
    fix: str


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
