"""Efficiency advice that needs more than one node: the dearest model tier on a simple job (naming the
cheaper model of the same provider), and fixed prompts sent again and again with no cache anywhere."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from assess.scan.project.judges.base import Context, Judge, Judgement, NoParams, Verdict

_MAX_TOKENS = re.compile(
    r"(?:max_tokens|max_completion_tokens|max_output_tokens|maxTokens|maxOutputTokens)\s*[=:]\s*(\d+)"
)


class Tier(BaseModel):
    """A provider's expensive models (a regex over the name) and the cheaper model to suggest instead."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str
    match: str  # regex over the model name (lower case)
    cheaper: str  # the model of the same provider to suggest


class ExpensiveParams(BaseModel):
    """The expensive tiers, what marks a simple task, and the output size a simple task needs at most."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tiers: list[Tier] = Field(min_length=1)
    simple_task: str  # regex over the call's text: the job looks like classification, extraction, a title...
    max_output_for_simple: int = Field(default=64, ge=1)


def judge_expensive(ctx: Context, params: ExpensiveParams) -> Judgement:
    """Calls that send a simple task to a top-tier model."""
    simple = re.compile(params.simple_task)
    tiers = [(re.compile(t.match), t) for t in params.tiers]
    verdicts: list[Verdict] = []
    sites = ctx.backend_sites()
    for site in sites:
        if not site.model:
            continue
        model = site.model.lower()
        tier = next((t for pattern, t in tiers if pattern.search(model)), None)
        if tier is None:
            continue
        cap = _MAX_TOKENS.search(site.fact.text)
        hint = simple.search(site.fact.text)
        if cap and int(cap.group(1)) <= params.max_output_for_simple:
            reason = f"it asks for at most {cap.group(1)} output tokens"
        elif hint:
            reason = f'the prompt asks for "{hint.group(0).strip()}"'
        else:
            continue
        verdicts.append(
            Verdict(
                at=site.fact,
                values={"model": site.model, "provider": tier.provider, "cheaper": tier.cheaper, "reason": reason},
                provider=site.provider or tier.provider,
                model=site.model,
            )
        )
    return Judgement(verdicts, bool(sites))


def judge_static(ctx: Context, _params: NoParams) -> Judgement:
    """Calls whose prompt is a constant, made with no cache in the project."""
    index = ctx.index
    cached = index.packages_with("cache")
    verdicts: list[Verdict] = []
    for fact in index.of("static-prompt"):
        if fact.role == "frontend" or index.package_of(fact.rel) in cached:
            continue
        site = ctx.site_at(fact.rel, fact.line)
        verdicts.append(
            Verdict(
                at=fact,
                values={"target": site.describe() if site else "an LLM"},
                provider=site.provider if site else None,
                model=site.model if site else None,
            )
        )
    return Judgement(verdicts, bool(ctx.backend_sites()))


EXPENSIVE_MODEL = Judge(run=judge_expensive, params=ExpensiveParams, needs=("llm-call",))
STATIC_PROMPT = Judge(run=judge_static, params=NoParams, needs=("static-prompt", "cache", "llm-call"))
