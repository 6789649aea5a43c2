"""Retries stacked on retries: a wrapper of the project's own around an SDK call whose client still
retries by itself. Every wrapper attempt makes up to (SDK retries + 1) requests, so the two multiply.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from assess.scan.matching.factscan import Fact
from assess.scan.project.callsites import client_of
from assess.scan.project.judges.base import Context, Judge, Judgement, Verdict

_FOREVER = re.compile(r"forever\s*:\s*true|retries\s*:\s*(?:Infinity|Number\.)")
_OVERRIDE = re.compile(r"(?:max_retries|maxRetries)\s*[=:]\s*(\d+)")
_WRAPPERS = {
    "tenacity": "tenacity @retry",
    "backoff": "backoff.on_exception",
    "stamina": "stamina.retry",
    "loop": "retry loop",
}


class Params(BaseModel):
    """The SDKs' default retry counts and the wrapper defaults the stacked-retries check multiplies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # retries each SDK makes by default (FACTS.md: openai-python/-node and the Anthropic SDKs retry twice)
    sdk_default_retries: dict[str, int] = Field(default_factory=dict)
    # p-retry and async-retry retry 10 times unless told otherwise
    helper_default_retries: int = 10


def _wrapper_name(wrapper: Fact) -> str:
    if wrapper.label == "p-retry":
        return "p-retry call" if wrapper.text.startswith("pRetry") else "async-retry call"
    return _WRAPPERS.get(wrapper.label, wrapper.label)


def _wrapper_attempts(wrapper: Fact, params: Params) -> int | None:
    if "ATTEMPTS" in wrapper.values:
        return int(wrapper.values["ATTEMPTS"]) if wrapper.values["ATTEMPTS"].isdigit() else None
    if wrapper.label == "p-retry":
        if _FOREVER.search(wrapper.text):
            return None  # unbounded: retry-library-unbounded reports it
        retries = wrapper.values.get("RETRIES")
        count = int(retries) if retries and retries.isdigit() else params.helper_default_retries
        return count + 1
    return None


def _sdk_retries(ctx: Context, call: Fact, provider: str | None, params: Params) -> tuple[int | None, str]:
    """Retries the SDK adds to each request, and where that number comes from."""
    override = _OVERRIDE.search(call.values.get("CALLEE", "")) or _OVERRIDE.search(call.text)
    if override:
        return int(override.group(1)), "set on the request"
    client = client_of(ctx.index, call)
    if client is not None and client.values.get("RETRIES", "").isdigit():
        return int(client.values["RETRIES"]), "set on the client"
    if provider in params.sdk_default_retries:
        return params.sdk_default_retries[provider], "the SDK default"
    return None, ""


def judge(ctx: Context, params: Params) -> Judgement:
    """Retry wrappers around an SDK call that retries by itself: every failure is sent attempts x SDK attempts times."""
    verdicts: list[Verdict] = []
    applied = bool(ctx.backend_sites())
    for wrapper in ctx.index.of("retry-wrapper"):
        attempts = _wrapper_attempts(wrapper, params)
        reach = ctx.index.range_reach(wrapper, "llm-call")
        if attempts is None or reach is None:
            continue
        site = ctx.site(reach.target)
        # families whose calls do not retry by themselves (openai-legacy: openai<1.0 and the v3 Node SDK)
        if site is None or site.family in ("http", "vercel-ai", "langchain", "llamaindex", "litellm", "openai-legacy"):
            continue
        retries, source = _sdk_retries(ctx, reach.target, site.provider, params)
        if not retries:
            continue  # the SDK does not retry (max_retries=0): one layer only
        total = attempts * (retries + 1)
        verdicts.append(
            Verdict(
                at=wrapper,
                values={
                    "wrapper": _wrapper_name(wrapper),
                    "attempts": str(attempts),
                    "sdk_attempts": str(retries + 1),
                    "sdk_retries": str(retries),
                    "source": source,
                    "total": str(total),
                    "target": site.describe(),
                    "provider": site.provider or "the provider",
                },
                provider=site.provider,
                model=site.model,
                attempts=total,
            )
        )
    return Judgement(verdicts, applied)


JUDGE = Judge(
    run=judge,
    params=Params,
    needs=("retry-wrapper", "llm-call", "llm-client", "function", "call", "import"),
    follows=("llm-call",),
)
