"""Where the money is spent: LLM call sites with the provider and model of each.

The provider comes from the most specific evidence there is: the client the call is made on, then the
SDK shape, then the model name, then what the file imports. Every table behind these steps is the provider
registry (checks/_providers.yaml, assess/providers.py), so a provider added there is recognised here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assess.providers import ProviderRegistry
from assess.scan.matching.factscan import Fact
from assess.scan.project.project_index import ProjectIndex, strip_quotes


@dataclass(frozen=True, slots=True)
class CallSite:
    """A paid LLM call with what resolving it told: its provider, model and SDK family."""

    fact: Fact
    provider: str | None
    model: str | None
    family: str  # the SDK shape: openai, anthropic, vercel-ai, langchain, http...

    @property
    def rel(self) -> str:
        """The file the call is in."""
        return self.fact.rel

    @property
    def line(self) -> int:
        """The call's first line."""
        return self.fact.line

    def describe(self) -> str:
        """`OpenAI gpt-4o`, `Anthropic`, or `an LLM`, for messages."""
        parts = [p for p in (self.provider, self.model) if p]
        return " ".join(parts) if parts else "an LLM"


def client_name(callee: str) -> str | None:
    """`this.openai.chat.completions.create` -> `openai`; `client.chat...` -> `client`."""
    parts = [p for p in re.split(r"\.", re.sub(r"\(.*?\)", "", callee)) if p]
    if parts and parts[0] in ("this", "self") and len(parts) > 1:
        parts = parts[1:]
    return parts[0] if len(parts) > 1 else None


def _clients(index: ProjectIndex, rel: str) -> dict[str, list[Fact]]:
    """The file's llm-client facts by the variable they are assigned to, in found (line) order."""
    clients: dict[str, list[Fact]] = {}
    for fact in index.of("llm-client", rel):
        var = fact.values.get("VAR")
        if var:
            clients.setdefault(var.removeprefix("this.").removeprefix("self."), []).append(fact)
    return clients


def client_of(index: ProjectIndex, call: Fact) -> Fact | None:
    """The llm-client fact a call is made on: in the same file, or imported from another module. Where a file
    assigns one name several clients (`self.client = OpenAI()` in one class, `self.client = Anthropic()` in
    the next), the call's is the last one assigned above it."""
    name = client_name(call.values.get("CALLEE", ""))
    if not name:
        return None
    local = _clients(index, call.rel).get(name)
    if local:
        above = [f for f in local if f.line <= call.line]
        return above[-1] if above else local[0]
    binding = index.bindings(call.rel).get(name)
    if binding and binding.module:
        found = _clients(index, binding.module).get(binding.imported if binding.imported != "*" else name)
        return found[-1] if found else None
    return None


def client_provider(client: Fact, registry: ProviderRegistry) -> str | None:
    """The provider of an llm-client fact: the host of its base URL, else its constructor."""
    return registry.host_provider(client.values.get("BASE", "")) or registry.ctor_provider(
        client.values.get("CTOR", "")
    )


def _model_of(index: ProjectIndex, call: Fact, client: Fact | None) -> str | None:
    model = call.values.get("MODEL")
    if model:
        return model
    var = call.values.get("MODEL_VAR")
    if var:
        name = var.rsplit(".", 1)[-1]
        for const in index.of("model-const", call.rel):
            if const.values.get("VAR") == name:
                return const.values.get("MODEL")
        binding = index.bindings(call.rel).get(var.split(".")[0])
        if binding and binding.module:
            for const in index.of("model-const", binding.module):
                if const.values.get("VAR") == name:
                    return const.values.get("MODEL")
    if client is not None:
        return client.values.get("MODEL")
    return None


def _provider_of(index: ProjectIndex, call: Fact, client: Fact | None, model: str | None) -> str | None:
    registry = index.project.registry
    if call.label == "http":
        return registry.host_provider(call.values.get("ENDPOINT", "")) or registry.host_provider(call.text)
    if call.label == "vercel-ai":
        factory = (call.values.get("FACTORY") or "").rsplit(".", 1)[-1].lower()
        return (
            registry.by_factory.get(factory)
            or registry.model_provider(model)
            or registry.by_library_label.get(call.label)
        )
    if client is not None:
        # the host the client is pointed at names the provider: an OpenAI SDK on Gemini's endpoint is Gemini
        provider = client_provider(client, registry)
        if provider:
            return provider
    if call.label in registry.by_label:
        return registry.by_label[call.label]
    by_model = registry.model_provider(model)
    if by_model:
        return by_model
    if call.label in registry.by_library_label:  # LiteLLM, LangChain, LlamaIndex: the model said nothing
        return registry.by_library_label[call.label]
    sources = " ".join(b.module or name for name, b in index.bindings(call.rel).items())
    sources += " " + " ".join(f.values.get("SOURCE", "") for f in index.of("import", call.rel))
    return registry.import_provider(sources.lower()) or registry.by_shared_label.get(call.label)


def is_local(client: Fact | None, registry: ProviderRegistry) -> bool:
    """A client pointed at a local model server (the registry's `local_servers`): its calls cost nothing."""
    return client is not None and registry.is_local(client.values.get("BASE", ""))


def call_sites(index: ProjectIndex) -> list[CallSite]:
    """Every paid LLM call of the project, with its provider and model (calls on local servers left out)."""
    sites: list[CallSite] = []
    registry = index.project.registry
    for call in index.of("llm-call"):
        client = client_of(index, call)
        if is_local(client, registry):
            continue
        model = _model_of(index, call, client)
        sites.append(CallSite(call, _provider_of(index, call, client, model), model, call.label))
    return sites


def models_and_providers(index: ProjectIndex, sites: list[CallSite]) -> tuple[list[str], list[str]]:
    """Model names found as literals at call sites or on clients, and the providers of the calls."""
    models = {s.model for s in sites if s.model}
    models |= {m for f in index.of("llm-client") if (m := f.values.get("MODEL"))}
    providers = {s.provider for s in sites if s.provider}
    registry = index.project.registry
    providers |= {
        p for f in index.of("llm-client") if not is_local(f, registry) and (p := client_provider(f, registry))
    }
    return sorted(strip_quotes(m) for m in models), sorted(providers)
