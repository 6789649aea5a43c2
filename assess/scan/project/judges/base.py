"""What a judge gets and gives: the project's facts in, verdicts (facts to report, with values) out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict

from assess.scan.matching.factscan import Fact
from assess.scan.project.callsites import CallSite, call_sites
from assess.scan.project.project_index import ProjectIndex

T = TypeVar("T")


# The shared work (Context.shared) that lists the endpoints reaching an LLM call, and what covers each.
ENDPOINTS = "rate-limits"


class NoParams(BaseModel):
    """The params of a judge that takes none."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Verdict:
    """One finding: where (a fact), the values its check's message template uses, and facts for the report."""

    at: Fact
    values: dict[str, str] = field(default_factory=dict)
    provider: str | None = None
    model: str | None = None
    endpoint: str | None = None
    framework: str | None = None
    attempts: int | None = None


@dataclass(frozen=True)
class Judgement:
    """A judge's verdicts, and whether it had anything to judge in this project."""

    verdicts: list[Verdict]
    applied: bool  # the check had something to judge (an LLM endpoint, an IaC deployment...)


class Context:
    """The project index and its LLM call sites, built once and shared by every judge."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._shared: dict[str, Any] = {}

    def shared(self, key: str, build: Callable[[], T]) -> T:
        """What `build` returns, built once per project: work several checks of one judge have in common."""
        if key not in self._shared:
            self._shared[key] = build()
        return cast(T, self._shared[key])

    def built(self, key: str) -> object | None:
        """What `shared(key, ...)` built, if a judge has asked for it (None if none has)."""
        return self._shared.get(key)

    @cached_property
    def sites(self) -> list[CallSite]:
        """Every paid LLM call site of the project, resolved once."""
        return call_sites(self.index)

    @cached_property
    def _site_by_fact(self) -> dict[int, CallSite]:
        return {id(s.fact): s for s in self.sites}

    @cached_property
    def _site_by_line(self) -> dict[tuple[str, int], CallSite]:
        table: dict[tuple[str, int], CallSite] = {}
        for site in self.sites:
            table.setdefault((site.rel, site.line), site)
        return table

    def site(self, fact: Fact) -> CallSite | None:
        """The call site of an llm-call fact, if it is one."""
        return self._site_by_fact.get(id(fact))

    def site_at(self, rel: str, line: int) -> CallSite | None:
        """The first call site that starts on `line` of `rel`."""
        return self._site_by_line.get((rel, line))

    @cached_property
    def _backend_sites(self) -> list[CallSite]:
        return [s for s in self.sites if s.fact.role != "frontend"]

    def backend_sites(self) -> list[CallSite]:
        """Call sites outside browser code (browser calls are the backend-proxy item's business)."""
        return list(self._backend_sites)


@dataclass(frozen=True)
class Judge:
    """A named judge: the function, its params model, the facts it needs and the facts it follows calls to."""

    run: Callable[[Context, Any], Judgement]
    params: type[BaseModel] = NoParams
    needs: tuple[str, ...] = ()  # fact rules the check must list
    # fact kinds whose callers this judge follows (ProjectIndex.range_reach, calls_to): each must be a
    # `reach` fact rule, so deferral parses every file on such a chain (validated at catalog load)
    follows: tuple[str, ...] = ()
