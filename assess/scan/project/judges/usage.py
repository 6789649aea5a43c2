"""Is the token usage of each LLM call kept anywhere, and with the user who spent it?

Usage counts as recorded when it reaches a sink (a `usage-record` fact that is not a read going nowhere:
a response to the client, a UI label, an assertion) in the function of the call, in a function that
calls it (up to `caller_depth` levels up, for helpers that return the response), or in a project
function that receives the call or its promise (`track(client.chat.completions.create(...))`). SDK
telemetry switched on at the call and an LLM observability tool in the package (dependency or code)
record it too. Calls in browser and mobile code are judged as well (the bill is the same); calls in tests
are not. In languages read as text (Dart, Kotlin, Swift, Go) a usage read in the file counts.

"Without the user" is judged where usage is recorded: a record that carries no user, in a function (or
called by a function) that has the user at hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from assess.scan.matching.factscan import Fact
from assess.scan.project.callsites import client_of
from assess.scan.project.judges.base import Context, Judge, Judgement, Verdict
from assess.scan.project.project_index import ProjectIndex

_CLIENT_ROLES = ("frontend", "mobile")
_UNPARSED = ("text",)  # assess.scan.files.languages.parsed_language of files no ast-grep grammar reads


class SinkParams(BaseModel):
    """Where usage counts as recorded and where a read goes nowhere."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # packages (npm or PyPI names) whose presence means an LLM observability tool records usage
    observability_packages: list[str] = Field(default_factory=list)
    # callees that take the usage and keep nothing: responses to the client, UI labels, assertions
    not_sinks: str = "^$"
    # more of those in browser and mobile code, where console output and component state are not kept
    client_not_sinks: str = "^$"
    # test code: its calls cost nothing in production and its reads are assertions
    test_paths: str = "^$"


class UnrecordedParams(SinkParams):
    """The params of the usage-not-recorded check."""

    caller_depth: int = Field(default=2, ge=0, le=5)
    # model objects, built only to generate (unlike SDK clients, which also list models or moderate for free):
    # their constructors, and the packages whose clients are model objects
    model_object_ctors: str = "^$"
    model_object_packages: str = "^$"


class DimensionParams(SinkParams):
    """The params of the usage-without-user check."""

    user_pattern: str  # a regex over the record: who spent it


def observed(index: ProjectIndex, rel: str, packages: set[str]) -> bool:
    """Whether the package holding `rel` registers an LLM observability tool (Langfuse, Helicone...)."""
    if index.dependencies_of(rel) & packages:
        return True
    return index.package_of(rel) in index.packages_with("observability")


class _Sinks:
    """Which usage-record facts keep the usage, by the callee and where the code runs."""

    def __init__(self, params: SinkParams) -> None:
        self.never = re.compile(params.not_sinks)
        self.client = re.compile(params.client_not_sinks)
        self.tests = re.compile(params.test_paths)

    def keeps(self, record: Fact) -> bool:
        callee = " ".join(record.values.get("CALLEE", "").split())
        if not callee or record.label in ("context", "kept", "telemetry"):
            return True
        if self.never.search(callee):
            return False
        return not (record.role in _CLIENT_ROLES and self.client.search(callee))

    def is_test(self, rel: str) -> bool:
        return bool(self.tests.search(rel))


def _callers(index: ProjectIndex, fn: Fact) -> list[Fact]:
    """The functions that call `fn` (resolved through imports), once per call."""
    found = (index.enclosing_function(call) for call in index.calls_to(fn))
    return [caller for caller in found if caller is not None]


def _callers_at(index: ProjectIndex, fn: Fact) -> list[tuple[Fact, Fact]]:
    """(caller, call) for each call that may run `fn` from inside a function."""
    pairs = ((index.enclosing_function(call), call) for call in index.calls_to(fn))
    return [(caller, call) for caller, call in pairs if caller is not None]


def _records(index: ProjectIndex, sinks: _Sinks, fn: Fact | None, anchor: Fact) -> bool:
    """Does `fn` (the module when None) keep usage, in its own code or in a callback around or inside
    `anchor` (the LLM call, or the call that leads to it)? A sibling function nested in `fn` does not count."""
    if _read_in_unparsed(index, fn, anchor.rel):
        return True
    found = index.of("usage-record", anchor.rel) if fn is None else index.inside("usage-record", fn)
    for record in found:
        if not sinks.keeps(record):
            continue
        inner = index.enclosing_function(record)
        if inner is None or inner is fn or inner.contains(anchor) or anchor.contains(inner):
            return True
    return False


def _read_in_unparsed(index: ProjectIndex, fn: Fact | None, rel: str) -> bool:
    """In languages read as text (Dart, Kotlin, Swift, Go...) where the usage goes cannot be followed:
    a read of it in the file counts."""
    if fn is not None or index.modules.language(rel) not in _UNPARSED:
        return False
    return bool(index.of("usage-read", rel))


def _keeps_anywhere(index: ProjectIndex, sinks: _Sinks, fn: Fact) -> bool:
    return any(sinks.keeps(record) for record in index.inside("usage-record", fn))


def _in_call(site: Fact, call: Fact) -> bool:
    """`call` wraps the LLM call: it is one of its arguments, or inside a function passed to it."""
    return call is not site and call.contains(site) and (call.line, call.column) <= (site.line, site.column)


def _wrapped(index: ProjectIndex, sinks: _Sinks, site: Fact) -> bool:
    """The call (or its promise) is handed to a project function that records usage."""
    for call in index.of("call", site.rel):
        if _in_call(site, call) and any(_keeps_anywhere(index, sinks, fn) for fn in index.resolve_call(call)):
            return True
    return False


def _recorded(index: ProjectIndex, sinks: _Sinks, site: Fact, depth: int) -> bool:
    fn = index.enclosing_function(site)
    if _records(index, sinks, fn, site) or _wrapped(index, sinks, site):
        return True
    frontier: list[Fact] = [fn] if fn is not None else []
    for _ in range(depth):  # a helper that returns the response: its callers may record usage
        pairs = [pair for f in frontier for pair in _callers_at(index, f)]
        if any(_records(index, sinks, caller, call) for caller, call in pairs):
            return True
        frontier = [caller for caller, _ in pairs]
        if not frontier:
            return False
    return False


def judge_unrecorded(ctx: Context, params: UnrecordedParams) -> Judgement:
    """Paid LLM calls whose token usage reaches no sink (store, log, metric, span, tracing tool)."""
    index = ctx.index
    packages = set(params.observability_packages)
    sinks = _Sinks(params)
    verdicts: list[Verdict] = []
    sites = [s for s in ctx.sites if not sinks.is_test(s.rel)]
    for site in sites:
        if observed(index, site.rel, packages) or _recorded(index, sinks, site.fact, params.caller_depth):
            continue
        fn = index.enclosing_function(site.fact)
        verdicts.append(
            Verdict(
                at=site.fact,
                values={"target": site.describe(), "function": fn.values.get("NAME", "") if fn else ""},
                provider=site.provider,
                model=site.model,
            )
        )
    verdicts += _unseen_clients(ctx, sinks, params, packages)
    return Judgement(verdicts, bool(sites) or bool(verdicts))


def _model_object(index: ProjectIndex, client: Fact, params: UnrecordedParams) -> bool:
    """A model object by its constructor, or any client in a package built on a framework of model objects
    (where `OpenAI(...)` is usually LangChain's model class)."""
    if re.search(params.model_object_ctors, client.values.get("CTOR", "")):
        return True
    frameworks = re.compile(params.model_object_packages)
    return any(frameworks.search(name) for name in index.dependencies_of(client.rel))


def _unseen_clients(ctx: Context, sinks: _Sinks, params: UnrecordedParams, packages: set[str]) -> list[Verdict]:
    """Model objects built in files where no call on them was recognised (a call made through a property, a
    chain, a framework), in packages that keep usage nowhere at all: their calls are not recorded either."""
    index = ctx.index
    used = {id(client) for site in ctx.sites if (client := client_of(index, site.fact)) is not None}
    with_sites = {site.rel for site in ctx.sites}
    keeping = {index.package_of(r.rel) for r in index.of("usage-record") if sinks.keeps(r)}
    verdicts: list[Verdict] = []
    for client in index.of("llm-client"):
        if (
            id(client) in used
            or client.rel in with_sites
            or sinks.is_test(client.rel)
            or ctx.index.project.registry.is_local(client.snippet)
        ):
            continue
        if index.package_of(client.rel) in keeping or observed(index, client.rel, packages):
            continue
        if not _model_object(index, client, params):
            continue
        provider = ctx.index.project.registry.ctor_provider(client.values.get("CTOR", "")) or client.label
        verdicts.append(
            Verdict(
                at=client,
                values={"target": provider, "function": ""},
                provider=provider,
                model=client.values.get("MODEL"),
            )
        )
    return verdicts


def _knows_user(index: ProjectIndex, functions: Iterable[Fact]) -> Fact | None:
    """The first of `functions` that refers to a user."""
    return next((fn for fn in functions if index.inside("user-ref", fn)), None)


def _to_project_function(index: ProjectIndex, record: Fact) -> bool:
    """The record hands the usage to a function of the project: it is judged where that function keeps it."""
    return any(
        call.line == record.line and call.column == record.column and index.resolve_call(call)
        for call in index.of("call", record.rel)
    )


def _kept_with_user(index: ProjectIndex, sinks: _Sinks, user: re.Pattern[str], fn: Fact) -> bool:
    """`fn` also keeps the usage with the user (a debug line beside the stored row is no loss)."""
    return any(sinks.keeps(r) and user.search(r.text) for r in index.inside("usage-record", fn))


def judge_dimensions(ctx: Context, params: DimensionParams) -> Judgement:
    """Usage records that carry no user although the user is at hand where they are made."""
    index = ctx.index
    user = re.compile(params.user_pattern)
    packages = set(params.observability_packages)
    sinks = _Sinks(params)
    verdicts: list[Verdict] = []
    for record in index.of("usage-record"):
        if record.role in _CLIENT_ROLES or record.label in ("telemetry", "kept") or not sinks.keeps(record):
            continue
        if sinks.is_test(record.rel) or user.search(record.text) or observed(index, record.rel, packages):
            continue
        fn = index.enclosing_function(record)
        if fn is None or _to_project_function(index, record) or _kept_with_user(index, sinks, user, fn):
            continue
        # the user is at hand where the usage is recorded, or in the functions that call the recording helper
        # (which then has no user to record: it takes none)
        known = _knows_user(index, [fn]) or _knows_user(index, _callers(index, fn))
        if known is None:
            continue
        verdicts.append(
            Verdict(
                at=record,
                values={
                    "sink": record.values.get("CALLEE", "a record"),
                    "function": f"{known.values.get('NAME', 'default')}()",
                },
            )
        )
    return Judgement(verdicts, bool(ctx.sites))


UNRECORDED = Judge(
    run=judge_unrecorded,
    params=UnrecordedParams,
    needs=("llm-call", "usage-record", "usage-read", "observability", "function", "call"),
    follows=("llm-call",),
)
WITHOUT_DIMENSION = Judge(
    run=judge_dimensions,
    params=DimensionParams,
    needs=("usage-record", "observability", "llm-call", "user-ref"),
    follows=("llm-call",),  # usage comes from an LLM call's response: the chains it follows start there
)
