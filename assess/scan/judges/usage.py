"""Is the token usage of each LLM call kept anywhere, and with whom and what it was for?

A call site's usage counts as read when its function, or a function that calls it (two levels up),
reads `usage`/`usage_metadata`/`usageMetadata`/token counts. An LLM observability tool in the package
(dependency or code) records usage for every call and silences both checks.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from assess.scan.factscan import Fact
from assess.scan.judges.base import Context, Judge, Judgement, Verdict
from assess.scan.project_index import ProjectIndex


class UnrecordedParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # packages (npm or PyPI names) whose presence means an LLM observability tool records usage
    observability_packages: list[str] = Field(default_factory=list)
    caller_depth: int = Field(default=2, ge=0, le=5)


class DimensionParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    observability_packages: list[str] = Field(default_factory=list)
    user_pattern: str  # regexes over the recording call: who spent it, and for what
    feature_pattern: str


def observed(index: ProjectIndex, rel: str, packages: set[str]) -> bool:
    if index.dependencies_of(rel) & packages:
        return True
    return index.package_of(rel) in index.packages_with("observability")


def _callers(index: ProjectIndex, fn: Fact) -> list[Fact]:
    """The functions that call `fn` (resolved through imports), once per call."""
    found = (index.enclosing_function(call) for call in index.calls_to(fn))
    return [caller for caller in found if caller is not None]


def _reads_usage(index: ProjectIndex, fn: Fact | None, rel: str) -> bool:
    if fn is None:
        return bool(index.of("usage-read", rel))
    return bool(index.inside("usage-read", fn))


def judge_unrecorded(ctx: Context, params: UnrecordedParams) -> Judgement:
    index = ctx.index
    packages = set(params.observability_packages)
    verdicts: list[Verdict] = []
    sites = ctx.backend_sites()
    for site in sites:
        if observed(index, site.rel, packages):
            continue
        fn = index.enclosing_function(site.fact)
        recorded = _reads_usage(index, fn, site.rel)
        frontier: list[Fact] = [fn] if fn is not None else []
        for _ in range(params.caller_depth):  # a helper that returns the response: its callers may read usage
            if recorded or not frontier:
                break
            frontier = [c for f in frontier for c in _callers(index, f)]
            recorded = any(_reads_usage(index, c, c.rel) for c in frontier)
        if recorded:
            continue
        verdicts.append(
            Verdict(
                at=site.fact,
                values={"target": site.describe(), "function": fn.values.get("NAME", "") if fn else ""},
                provider=site.provider,
                model=site.model,
            )
        )
    return Judgement(verdicts, bool(sites))


def judge_dimensions(ctx: Context, params: DimensionParams) -> Judgement:
    index = ctx.index
    user = re.compile(params.user_pattern)
    feature = re.compile(params.feature_pattern)
    packages = set(params.observability_packages)
    verdicts: list[Verdict] = []
    for record in index.of("usage-record"):
        if record.role == "frontend" or observed(index, record.rel, packages):
            continue
        missing = [name for name, pattern in (("user", user), ("feature", feature)) if not pattern.search(record.text)]
        if not missing:
            continue
        verdicts.append(
            Verdict(
                at=record,
                values={"missing": " and ".join(missing), "sink": record.values.get("CALLEE", "a record")},
            )
        )
    return Judgement(verdicts, bool(ctx.backend_sites()))


UNRECORDED = Judge(
    run=judge_unrecorded,
    params=UnrecordedParams,
    needs=("llm-call", "usage-read", "observability", "function", "call"),
    follows=("llm-call",),
)
WITHOUT_DIMENSION = Judge(
    run=judge_dimensions, params=DimensionParams, needs=("usage-record", "observability", "llm-call")
)
