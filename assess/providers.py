"""The provider registry (checks/_providers.yaml): every paid AI provider and how code reaches it, as data.

The file is validated by the models below (an unknown key is an error naming the file) and turned into a
ProviderRegistry: the lookups the scan makes (a package, a host, a constructor, a model name -> provider)
and the regexes and keywords it fills into shared rules (`{provider_hosts}`, `{local_servers}`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assess.errors import InputError
from assess.yamlio import load_model

PROVIDERS_FILE = "_providers.yaml"
HOSTS = "{provider_hosts}"  # in a rule: the URL regex of every host; in a keyword list: every host's keyword
LOCAL = "{local_servers}"  # in a rule: the markers of every local model server
# which manifest files hold each ecosystem's packages outside npm, PyPI and pub (found by text marker)
MANIFESTS_BY_ECOSYSTEM = {
    "go": ("go.mod",),
    "gradle": ("build.gradle", "build.gradle.kts"),
    "swift": ("Package.swift", "Package.resolved"),
}
_PYPI_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]*$")  # as facts.py normalises them: lower case, "-" for "_"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Packages(_Strict):
    pypi: list[str] = Field(default_factory=list)
    npm: list[str] = Field(default_factory=list)
    pub: list[str] = Field(default_factory=list)
    go: list[str] = Field(default_factory=list)
    gradle: list[str] = Field(default_factory=list)
    swift: list[str] = Field(default_factory=list)


class Host(_Strict):
    host: str = Field(min_length=3)  # a text that names the provider in a URL or base URL
    keyword: str | None = None  # the literal a file must hold to be searched for calls to it (default: host)
    url: str | None = None  # the regex of a paid endpoint URL on it (default: the host, escaped)
    example: str | None = None  # a paid endpoint URL on it; needed with `url`, which must match it


class RetryDefault(_Strict):
    default: int = Field(ge=0)
    source: str = Field(min_length=1)


class Provider(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    kind: Literal["api", "gateway", "library"] = "api"
    packages: Packages = Field(default_factory=Packages)
    call_labels: list[str] = Field(default_factory=list)
    shared_call_labels: list[str] = Field(default_factory=list)
    factories: list[str] = Field(default_factory=list)
    constructors: str | None = None
    models: str | None = None
    import_hints: list[str] = Field(default_factory=list)
    hosts: list[Host] = Field(default_factory=list)
    usage_fields: list[str] = Field(default_factory=list)
    output_limits: list[str] = Field(default_factory=list)
    retries: RetryDefault | None = None


class LocalServer(_Strict):
    name: str
    markers: list[str] = Field(min_length=1)


class RegistryFile(_Strict):
    key_shapes: str | None = None  # the check whose `patterns` hold the providers' key shapes
    providers: list[Provider] = Field(default_factory=list)
    local_servers: list[LocalServer] = Field(default_factory=list)


def _host_regex(host: Host) -> str:
    return host.url or re.escape(host.host).replace("\\-", "-")


@dataclass(frozen=True)
class ProviderRegistry:
    """The registry's providers in file order, with the lookups derived from them (first in file wins)."""

    providers: tuple[Provider, ...] = ()
    local_servers: tuple[LocalServer, ...] = ()
    key_shapes: str | None = None
    by_package: dict[str, str] = field(init=False)  # npm, PyPI and pub name -> provider
    manifest_markers: tuple[tuple[str, str, str], ...] = field(init=False)  # (manifest file, text, provider)
    by_label: dict[str, str] = field(init=False)  # an SDK's own call shape -> provider
    by_library_label: dict[str, str] = field(init=False)  # a library's call shape, when no model says more
    by_shared_label: dict[str, str] = field(init=False)  # a copied shape, when nothing else names one
    by_factory: dict[str, str] = field(init=False)
    constructors: tuple[tuple[re.Pattern[str], str], ...] = field(init=False)
    models: tuple[tuple[re.Pattern[str], str], ...] = field(init=False)
    hosts: tuple[tuple[str, str], ...] = field(init=False)
    import_hints: tuple[tuple[str, str], ...] = field(init=False)
    local: re.Pattern[str] | None = field(init=False)

    def __post_init__(self) -> None:
        derived: dict[str, Any] = {
            "by_package": {},
            "manifest_markers": [],
            "by_label": {},
            "by_library_label": {},
            "by_shared_label": {},
            "by_factory": {},
        }
        for p in self.providers:
            for name in (*p.packages.pypi, *p.packages.npm, *p.packages.pub):
                derived["by_package"].setdefault(name, p.name)
            for ecosystem, files in MANIFESTS_BY_ECOSYSTEM.items():
                for marker in getattr(p.packages, ecosystem):
                    derived["manifest_markers"] += [(file, marker, p.name) for file in files]
            own = derived["by_library_label" if p.kind == "library" else "by_label"]
            for label in p.call_labels:
                own.setdefault(label, p.name)
            for label in p.shared_call_labels:
                derived["by_shared_label"].setdefault(label, p.name)
            for factory in p.factories:
                derived["by_factory"].setdefault(factory, p.name)
        derived["manifest_markers"] = tuple(derived["manifest_markers"])
        derived["constructors"] = tuple((re.compile(p.constructors), p.name) for p in self.providers if p.constructors)
        derived["models"] = tuple((re.compile(p.models), p.name) for p in self.providers if p.models)
        derived["hosts"] = tuple((h.host, p.name) for p in self.providers for h in p.hosts)
        derived["import_hints"] = tuple((hint, p.name) for p in self.providers for hint in p.import_hints)
        derived["local"] = re.compile(self.local_regex(), re.I) if self.local_servers else None
        for key, value in derived.items():
            object.__setattr__(self, key, value)

    # --- lookups ---------------------------------------------------------------------------------

    def names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.providers)

    def get(self, name: str) -> Provider | None:
        return next((p for p in self.providers if p.name == name), None)

    def host_provider(self, text: str) -> str | None:
        """The provider whose API host occurs in `text` (a URL, a base URL, an HTTP call)."""
        return next((p for host, p in self.hosts if host in text), None)

    def ctor_provider(self, ctor: str) -> str | None:
        """The provider of a client constructor's name (`AzureOpenAI`, `ChatAnthropic`)."""
        return next((p for pattern, p in self.constructors if pattern.search(ctor)), None)

    def model_provider(self, model: str | None) -> str | None:
        if not model:
            return None
        lowered = model.lower()
        return next((p for pattern, p in self.models if pattern.search(lowered)), None)

    def import_provider(self, sources: str) -> str | None:
        """The provider whose SDK module name occurs in `sources` (a file's imported modules, lower case)."""
        return next((p for hint, p in self.import_hints if hint in sources), None)

    def is_local(self, base: str) -> bool:
        """A base URL on this machine or a local model server: its calls cost nothing per token."""
        return self.local is not None and self.local.search(base) is not None

    # --- what rules are filled with --------------------------------------------------------------

    def hosts_regex(self) -> str:
        return "|".join(_host_regex(h) for p in self.providers for h in p.hosts)

    def host_keywords(self) -> list[str]:
        return list(dict.fromkeys(h.keyword or h.host for p in self.providers for h in p.hosts))

    def local_regex(self) -> str:
        return "|".join(m for server in self.local_servers for m in server.markers)

    def fill(self, node: Any, where: Path) -> Any:
        """A rule (YAML data) with `{provider_hosts}` and `{local_servers}` in its strings filled in."""
        if isinstance(node, dict):
            return {k: self.fill(v, where) for k, v in node.items()}
        if isinstance(node, list):
            return [self.fill(v, where) for v in node]
        if isinstance(node, str) and "{" in node:
            for placeholder, value in ((HOSTS, self.hosts_regex), (LOCAL, self.local_regex)):
                if placeholder in node:
                    filled = value()
                    if not filled:
                        raise InputError(f"{placeholder} needs {PROVIDERS_FILE} beside the checks", where)
                    node = node.replace(placeholder, filled)
        return node

    def keywords(self, words: Iterable[str], where: Path) -> list[str]:
        """A keyword list with a `{provider_hosts}` item replaced by every host's keyword."""
        out: list[str] = []
        for word in words:
            if word != HOSTS:
                out.append(word)
                continue
            hosts = self.host_keywords()
            if not hosts:
                raise InputError(f"{HOSTS} needs {PROVIDERS_FILE} beside the checks", where)
            out += [h for h in hosts if h not in out]
        return out


def _check_unique(path: Path, what: str, pairs: Iterable[tuple[str, str]]) -> None:
    """Each value claimed by one provider only: two claims would make the answer depend on file order."""
    owner: dict[str, str] = {}
    for value, provider in pairs:
        if owner.setdefault(value, provider) != provider:
            raise InputError(f"{what} '{value}' is claimed by both '{owner[value]}' and '{provider}'", path)


def _validate(registry: RegistryFile, path: Path) -> None:
    providers = registry.providers
    for what, values in (("provider id", [p.id for p in providers]), ("provider name", [p.name for p in providers])):
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            raise InputError(f"duplicate {what}(s): {', '.join(dupes)}", path)
    _check_unique(path, "package", ((n, p.name) for p in providers for n in (*p.packages.pypi, *p.packages.npm)))
    _check_unique(path, "package", ((n, p.name) for p in providers for n in p.packages.pub))
    for eco in MANIFESTS_BY_ECOSYSTEM:
        _check_unique(path, f"{eco} package", ((n, p.name) for p in providers for n in getattr(p.packages, eco)))
    labels = ((label, p.name) for p in providers for label in (*p.call_labels, *p.shared_call_labels))
    _check_unique(path, "call label", labels)
    _check_unique(path, "factory", ((f, p.name) for p in providers for f in p.factories))
    _check_unique(path, "import hint", ((h, p.name) for p in providers for h in p.import_hints))
    _check_unique(path, "host", ((h.host, p.name) for p in providers for h in p.hosts))
    for p in providers:
        bad = [n for n in p.packages.pypi if not _PYPI_NAME.match(n)]
        if bad:
            raise InputError(f"provider '{p.id}': PyPI names are written normalised (lower case, '-'): {bad}", path)
        regexes = [("constructors", p.constructors), ("models", p.models)]
        regexes += [(f"hosts '{h.host}' url", h.url) for h in p.hosts]
        for what, regex in regexes:
            _compile(regex, f"provider '{p.id}' {what}", path)
        for h in p.hosts:
            example = h.example or f"https://{h.host}/"
            if h.host not in example or (h.keyword or h.host) not in example:
                raise InputError(f"provider '{p.id}' host '{h.host}': its example must hold the host and keyword", path)
            if h.url is not None and (h.example is None or not re.search(h.url, h.example)):
                raise InputError(f"provider '{p.id}' host '{h.host}': a url needs an example URL it matches", path)
    for server in registry.local_servers:
        for marker in server.markers:
            _compile(marker, f"local server '{server.name}' marker", path)


def _compile(regex: str | None, what: str, path: Path) -> None:
    if regex is None:
        return
    try:
        re.compile(regex)
    except re.error as exc:
        raise InputError(f"{what}: bad regex: {exc}", path) from None


def load_registry(checks_root: Path) -> ProviderRegistry:
    """checks/_providers.yaml, validated; an empty registry when the catalog has none."""
    path = checks_root / PROVIDERS_FILE
    if not path.is_file():
        return ProviderRegistry()
    data = load_model(path, RegistryFile)
    _validate(data, path)
    return ProviderRegistry(tuple(data.providers), tuple(data.local_servers), data.key_shapes)


@cache
def bundled_registry() -> ProviderRegistry:
    """The registry shipped with assess, for callers that were given no catalog (tests, tools)."""
    from assess import paths

    return load_registry(paths.checks_dir())
