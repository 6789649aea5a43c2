"""Where the money is spent: LLM call sites with the provider and model of each.

The provider comes from the most specific evidence there is: the client the call is made on, then the
model name, then the SDK shape, then what the file imports. Names match assess.scan.files.facts.PROVIDERS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assess.scan.matching.factscan import Fact
from assess.scan.project.project_index import ProjectIndex, strip_quotes

# SDK shape (the llm-call label) -> provider, when the shape belongs to one provider
_BY_LABEL = {
    "anthropic": "Anthropic",
    "gemini": "Google Gemini",
    "openai-legacy": "OpenAI",
    "mistral": "Mistral",
    "cohere": "Cohere",
    "bedrock": "AWS Bedrock",
}
# client constructor -> provider (llm-client facts carry the constructor text)
_BY_CTOR = (
    (re.compile(r"AzureOpenAI|AzureChatOpenAI"), "Azure OpenAI"),
    (re.compile(r"Anthropic(?!Bedrock|Vertex)|ChatAnthropic"), "Anthropic"),
    (re.compile(r"AnthropicBedrock|BedrockRuntime|ChatBedrock|bedrock"), "AWS Bedrock"),
    (re.compile(r"OpenAI"), "OpenAI"),
    (re.compile(r"Groq"), "Groq"),
    (re.compile(r"Together"), "Together"),
    (re.compile(r"Mistral"), "Mistral"),
    (re.compile(r"Cohere|cohere"), "Cohere"),
    (re.compile(r"GoogleGenAI|GoogleGenerativeAI|genai|GenerativeModel|getGenerativeModel|VertexAI"), "Google Gemini"),
)
# model name -> provider
_BY_MODEL = (
    (re.compile(r"^(?:openai/)?(?:gpt-|chatgpt|o[1-9](?:-|$)|text-embedding|dall-e|whisper|tts-)"), "OpenAI"),
    (re.compile(r"^(?:anthropic/)?claude"), "Anthropic"),
    (re.compile(r"^(?:[a-z]+\.)?(?:anthropic|meta|amazon|cohere|mistral|ai21)\.[a-z]"), "AWS Bedrock"),
    (re.compile(r"^(?:gemini/|google/|vertex_ai/)?gemini"), "Google Gemini"),
    (re.compile(r"^(?:mistral/)?(?:mistral|codestral|mixtral|ministral|pixtral|magistral)"), "Mistral"),
    (re.compile(r"^(?:cohere/)?command"), "Cohere"),
    (re.compile(r"^(?:groq/)"), "Groq"),
    (re.compile(r"^(?:deepseek/)?deepseek"), "DeepSeek"),
    (re.compile(r"^(?:xai/)?grok"), "xAI"),
)
# Vercel AI SDK provider functions: openai("gpt-4o"), anthropic("claude-..."), google("gemini-...")
_BY_FACTORY = {
    "openai": "OpenAI",
    "azure": "Azure OpenAI",
    "anthropic": "Anthropic",
    "google": "Google Gemini",
    "vertex": "Google Gemini",
    "mistral": "Mistral",
    "groq": "Groq",
    "bedrock": "AWS Bedrock",
    "cohere": "Cohere",
    "xai": "xAI",
    "deepseek": "DeepSeek",
    "togetherai": "Together",
}
# provider hosts, for HTTP calls and for clients whose base URL points elsewhere than their SDK's provider
_HTTP_HOSTS = (
    ("openai.azure.com", "Azure OpenAI"),
    ("api.openai.com", "OpenAI"),
    ("api.anthropic.com", "Anthropic"),
    ("googleapis.com", "Google Gemini"),
    ("api.mistral.ai", "Mistral"),
    ("api.groq.com", "Groq"),
    ("api.together", "Together"),
    ("openrouter.ai", "OpenRouter"),
    ("api.deepseek.com", "DeepSeek"),
    ("api.cohere", "Cohere"),
    ("api.x.ai", "xAI"),
    ("api.perplexity.ai", "Perplexity"),
    ("bedrock-runtime", "AWS Bedrock"),
    ("api.fireworks.ai", "Fireworks"),
    ("api.replicate.com", "Replicate"),
    ("huggingface.co", "Hugging Face"),
    ("api.cerebras.ai", "Cerebras"),
    ("dashscope", "Alibaba Qwen"),
    ("api.moonshot", "Moonshot"),
    ("ai-gateway.vercel.sh", "Vercel AI Gateway"),
    ("gateway.ai.cloudflare.com", "Cloudflare AI Gateway"),
    ("api.cloudflare.com", "Cloudflare Workers AI"),
)
# SDK packages a file may import -> provider, for calls whose shape several providers share
_IMPORT_HINTS = (
    ("groq", "Groq"),
    ("together", "Together"),
    ("mistral", "Mistral"),
    ("anthropic", "Anthropic"),
    ("openai", "OpenAI"),
)


@dataclass(frozen=True, slots=True)
class CallSite:
    fact: Fact
    provider: str | None
    model: str | None
    family: str  # the SDK shape: openai, anthropic, vercel-ai, langchain, http...

    @property
    def rel(self) -> str:
        return self.fact.rel

    @property
    def line(self) -> int:
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


def model_provider(model: str | None) -> str | None:
    if not model:
        return None
    lowered = model.lower()
    return next((provider for pattern, provider in _BY_MODEL if pattern.search(lowered)), None)


def _clients(index: ProjectIndex, rel: str) -> dict[str, Fact]:
    clients: dict[str, Fact] = {}
    for fact in index.of("llm-client", rel):
        var = fact.values.get("VAR")
        if var:
            clients[var.removeprefix("this.").removeprefix("self.")] = fact
    return clients


def client_of(index: ProjectIndex, call: Fact) -> Fact | None:
    """The llm-client fact a call is made on: in the same file, or imported from another module."""
    name = client_name(call.values.get("CALLEE", ""))
    if not name:
        return None
    local = _clients(index, call.rel).get(name)
    if local is not None:
        return local
    binding = index.bindings(call.rel).get(name)
    if binding and binding.module:
        return _clients(index, binding.module).get(binding.imported if binding.imported != "*" else name)
    return None


def ctor_provider(ctor: str) -> str | None:
    return next((provider for pattern, provider in _BY_CTOR if pattern.search(ctor)), None)


def client_provider(client: Fact) -> str | None:
    """The provider of an llm-client fact: the host of its base URL, else its constructor."""
    return host_provider(client.values.get("BASE", "")) or ctor_provider(client.values.get("CTOR", ""))


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


def host_provider(text: str) -> str | None:
    """The provider whose API host occurs in `text` (a URL, a base URL, an HTTP call)."""
    return next((p for host, p in _HTTP_HOSTS if host in text), None)


def _provider_of(index: ProjectIndex, call: Fact, client: Fact | None, model: str | None) -> str | None:
    if call.label == "http":
        return host_provider(call.values.get("ENDPOINT", "")) or host_provider(call.text)
    if call.label == "vercel-ai":
        factory = (call.values.get("FACTORY") or "").rsplit(".", 1)[-1].lower()
        return _BY_FACTORY.get(factory) or model_provider(model) or "Vercel AI SDK"
    if client is not None:
        # the host the client is pointed at names the provider: an OpenAI SDK on Gemini's endpoint is Gemini
        provider = client_provider(client)
        if provider:
            return provider
    if call.label in _BY_LABEL:
        return _BY_LABEL[call.label]
    by_model = model_provider(model)
    if by_model:
        return by_model
    if call.label == "litellm":
        return "LiteLLM"
    if call.label in ("langchain", "llamaindex"):
        return "LangChain" if call.label == "langchain" else "LlamaIndex"
    sources = " ".join(b.module or name for name, b in index.bindings(call.rel).items())
    sources += " " + " ".join(f.values.get("SOURCE", "") for f in index.of("import", call.rel))
    return next(
        (p for hint, p in _IMPORT_HINTS if hint in sources.lower()), "OpenAI" if call.label == "openai" else None
    )


# a base URL on this machine or a local model server: Ollama, LM Studio, llama.cpp, LocalAI, vLLM
_LOCAL_BASE = re.compile(
    r"localhost|127\.0\.0\.1|0\.0\.0\.0|host\.docker\.internal|:11434\b|:1234\b|ollama|lm.?studio|llama.?cpp|localai|vllm",
    re.I,
)


def is_local(client: Fact | None) -> bool:
    """A client pointed at a local model server: its calls cost nothing per token."""
    return client is not None and bool(_LOCAL_BASE.search(client.values.get("BASE", "")))


def call_sites(index: ProjectIndex) -> list[CallSite]:
    """Every paid LLM call of the project, with its provider and model (calls on local servers left out)."""
    sites: list[CallSite] = []
    for call in index.of("llm-call"):
        client = client_of(index, call)
        if is_local(client):
            continue
        model = _model_of(index, call, client)
        sites.append(CallSite(call, _provider_of(index, call, client, model), model, call.label))
    return sites


def models_and_providers(index: ProjectIndex, sites: list[CallSite]) -> tuple[list[str], list[str]]:
    """Model names found as literals at call sites or on clients, and the providers of the calls."""
    models = {s.model for s in sites if s.model}
    models |= {m for f in index.of("llm-client") if (m := f.values.get("MODEL"))}
    providers = {s.provider for s in sites if s.provider}
    providers |= {p for f in index.of("llm-client") if not is_local(f) and (p := client_provider(f))}
    return sorted(strip_quotes(m) for m in models), sorted(providers)
