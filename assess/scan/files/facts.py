"""Project facts from manifests: frameworks, AI providers, and the packages whose code ships to clients.

AI providers are named by their SDK packages as the provider registry lists them (checks/_providers.yaml).

Manifests are small and few, so they are read before the file scan, which needs to know which
folders ship to a browser or a phone (see roles.py).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import PurePosixPath

from assess.providers import MANIFESTS_BY_ECOSYSTEM, ProviderRegistry, bundled_registry
from assess.safe_read import read_capped
from assess.scan.files.discover import Candidate

FRAMEWORKS = {
    "next": "Next.js", "vite": "Vite", "react-scripts": "Create React App", "react": "React",
    "vue": "Vue", "nuxt": "Nuxt", "svelte": "Svelte", "@sveltejs/kit": "SvelteKit", "astro": "Astro",
    "@angular/core": "Angular", "expo": "Expo", "react-native": "React Native", "gatsby": "Gatsby",
    "@remix-run/react": "Remix", "wxt": "WXT", "plasmo": "Plasmo",
    "express": "Express", "fastify": "Fastify", "koa": "Koa", "hono": "Hono", "@nestjs/core": "NestJS",
    "fastapi": "FastAPI", "flask": "Flask", "django": "Django", "djangorestframework": "Django REST framework",
}  # fmt: skip
# What a package.json says about where its code runs (see roles.py); first match wins per dependency.
PACKAGE_KINDS = {
    "next": "next", "@sveltejs/kit": "sveltekit", "nuxt": "nuxt", "astro": "astro", "gatsby": "gatsby",
    "@remix-run/react": "remix", "@angular/core": "angular", "react-native": "mobile", "expo": "mobile",
    "wxt": "extension", "plasmo": "extension", "@crxjs/vite-plugin": "extension",
    "vite": "spa", "react-scripts": "spa", "@vue/cli-service": "spa", "parcel": "spa", "svelte": "spa",
    "@vitejs/plugin-react": "spa", "webpack-dev-server": "spa",
    "express": "server", "fastify": "server", "koa": "server", "hono": "server", "@nestjs/core": "server",
    "@hapi/hapi": "server", "restify": "server", "@adonisjs/core": "server",
    "@google-cloud/functions-framework": "server",
}  # fmt: skip
# Package kinds whose build output (dist/, build/, out/, .next/static ...) is served to browsers or phones.
CLIENT_BUILD_KINDS = frozenset(
    {"spa", "angular", "gatsby", "mobile", "extension", "next", "astro", "sveltekit", "nuxt", "remix"}
)
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_PUBSPEC_DEP = re.compile(r"^\s{2}([a-z0-9_]+)\s*:", re.M)
MANIFEST_NAMES = ("package.json", "pyproject.toml", "Pipfile", "pubspec.yaml", "manifest.json")
_OTHER_MANIFESTS = frozenset(name for files in MANIFESTS_BY_ECOSYSTEM.values() for name in files)


@dataclass(frozen=True)
class Package:
    """A folder with its own manifest: where it sits ("" or "web/") and what kind of app it is."""

    root: str
    kinds: frozenset[str]


@dataclass
class ProjectFacts:
    """What the manifests say: dependencies per manifest, frameworks, providers, packages and their kinds."""

    dependencies: dict[str, set[str]] = field(default_factory=dict)  # manifest path -> names
    frameworks: set[str] = field(default_factory=set)
    providers: set[str] = field(default_factory=set)
    packages: tuple[Package, ...] = ()  # innermost first: the first whose root prefixes a path owns it
    android_roots: tuple[str, ...] = ()  # Android modules ("app/"): their Java and Kotlin ship in the APK
    # the catalog's providers, for the judges (callsites.py); the scan's rules already hold what they need
    registry: ProviderRegistry = field(default_factory=bundled_registry, metadata={"derived": True})

    def all_dependencies(self) -> set[str]:
        """Every dependency named in any manifest."""
        return set().union(*self.dependencies.values()) if self.dependencies else set()

    def package_for(self, rel: str) -> Package | None:
        """The first package whose root prefixes `rel`: with roots innermost first, the nearest one."""
        by_root = _by_root(self.packages)
        if by_root is None:
            return next((p for p in self.packages if rel.startswith(p.root)), None)
        cut = rel.rfind("/")
        while cut >= 0:  # the folders above `rel`, nearest first, as roots are spelt ("web/")
            found = by_root.get(rel[: cut + 1])
            if found is not None:
                return found
            cut = rel.rfind("/", 0, cut)
        return by_root.get("")


# ProjectFacts.packages -> {root: package}, kept for the tuple last seen (package_for runs once per file)
_root_tables: dict[int, tuple[tuple[Package, ...], dict[str, Package] | None]] = {}


def _by_root(packages: tuple[Package, ...]) -> dict[str, Package] | None:
    """Packages by root, or None when a lookup by folder would not give the first match in order: roots not
    innermost first, or a root that is not a folder ending in "/"."""
    entry = _root_tables.get(id(packages))
    if entry is None or entry[0] is not packages:
        ordered = all(len(a.root) >= len(b.root) for a, b in pairwise(packages))
        folders = all(not p.root or p.root.endswith("/") for p in packages)
        table: dict[str, Package] | None = None
        if ordered and folders:
            table = {}
            for package in packages:
                table.setdefault(package.root, package)
        if len(_root_tables) >= 8:
            _root_tables.clear()
        entry = _root_tables[id(packages)] = (packages, table)
    return entry[1]


def _name(rel: str) -> str:
    """PurePosixPath(rel).name, without building a path for the usual clean `a/b/c` form."""
    name = rel[rel.rfind("/") + 1 :]
    return name if name and name != "." else PurePosixPath(rel).name


def _is_manifest(rel: str) -> bool:
    name = _name(rel)
    return (
        name in MANIFEST_NAMES
        or name in _OTHER_MANIFESTS
        or (name.startswith("requirements") and name.endswith((".txt", ".in")))
    )


def _names_from(name: str, text: str) -> set[str]:
    if name == "package.json":
        data = json.loads(text)
        found: set[str] = set()
        for key in ("dependencies", "devDependencies", "peerDependencies"):
            section = data.get(key) if isinstance(data, dict) else None
            if isinstance(section, dict):
                found.update(str(k) for k in section)
        return found
    if name in ("pyproject.toml", "Pipfile"):
        data = tomllib.loads(text)
        raw: list[str] = list(data.get("project", {}).get("dependencies", []))
        raw += list(data.get("tool", {}).get("poetry", {}).get("dependencies", {}))
        raw += list(data.get("packages", {}))
        return {m.group(1).lower().replace("_", "-") for r in raw if (m := _REQ_NAME.match(str(r)))}
    if name == "pubspec.yaml":
        return set(_PUBSPEC_DEP.findall(text))
    return {
        m.group(1).lower().replace("_", "-")
        for line in text.splitlines()
        if not line.lstrip().startswith(("#", "-")) and (m := _REQ_NAME.match(line))
    }


def _folder(rel: str) -> str:
    parent = str(PurePosixPath(rel).parent)
    return "" if parent == "." else parent + "/"


def _android_root(rel: str) -> str | None:
    """The module folder of an AndroidManifest.xml: "app/" for app/src/main/AndroidManifest.xml."""
    if not rel.endswith("AndroidManifest.xml"):
        return None
    folder = _folder(rel)
    marker = folder.rfind("src/")
    return folder[:marker] if marker >= 0 else folder


def gather_facts(files: list[Candidate], registry: ProviderRegistry | None = None) -> ProjectFacts:
    """Facts from the manifests among `files`; providers as `registry` (default: the bundled one) names them."""
    facts = ProjectFacts(registry=registry) if registry is not None else ProjectFacts()
    registry = facts.registry
    kinds: dict[str, set[str]] = {}
    android: list[str] = []
    for cand in files:
        root = _android_root(cand.rel)
        if root is not None:
            android.append(root)
        if cand.keys_only or not _is_manifest(cand.rel) or cand.size > 1_000_000:
            continue
        name = _name(cand.rel)
        try:
            text = read_capped(cand.path, 1_000_000).decode("utf-8", "replace")
        except OSError:
            continue
        if name in _OTHER_MANIFESTS:
            facts.providers.update(
                p for file, marker, p in registry.manifest_markers if file == name and marker in text
            )
            continue
        if name == "manifest.json":
            if '"manifest_version"' in text:  # a browser extension; a web app manifest has no such key
                kinds.setdefault(_folder(cand.rel), set()).add("extension")
            continue
        try:
            names = _names_from(name, text)
        except (ValueError, tomllib.TOMLDecodeError, AttributeError, TypeError, RecursionError):  # a hostile manifest
            continue  # a broken manifest in the scanned project is its problem, not a scan failure
        facts.dependencies[cand.rel] = names
        facts.frameworks.update(FRAMEWORKS[n] for n in names if n in FRAMEWORKS)
        facts.providers.update(registry.by_package[n] for n in names if n in registry.by_package)
        if name == "pubspec.yaml" and "flutter" in names:
            kinds.setdefault(_folder(cand.rel), set()).add("mobile")
        if name == "package.json":
            kinds.setdefault(_folder(cand.rel), set()).update(PACKAGE_KINDS[n] for n in names if n in PACKAGE_KINDS)
    # an extension manifest in public/ or src/ (Vite, CRXJS) marks the package above it
    for folder in [f for f, k in kinds.items() if "extension" in k]:
        for suffix in ("public/", "src/", "static/"):
            if folder.endswith(suffix) and folder[: -len(suffix)] in kinds:
                kinds[folder[: -len(suffix)]].add("extension")
    facts.packages = tuple(
        Package(root, frozenset(k)) for root, k in sorted(kinds.items(), key=lambda item: -len(item[0]))
    )
    facts.android_roots = tuple(sorted(set(android), key=len, reverse=True))
    return facts
