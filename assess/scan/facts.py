"""Project facts from dependency manifests: frameworks, AI providers, where the front ends live.

Manifests are small and few, so they are read before the file scan, which needs to know which
folders ship to a browser.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from assess.scan.discover import Candidate

FRAMEWORKS = {
    "next": "Next.js", "vite": "Vite", "react-scripts": "Create React App", "react": "React",
    "vue": "Vue", "nuxt": "Nuxt", "svelte": "Svelte", "@sveltejs/kit": "SvelteKit", "astro": "Astro",
    "@angular/core": "Angular", "expo": "Expo", "react-native": "React Native",
    "express": "Express", "fastify": "Fastify", "koa": "Koa", "hono": "Hono", "@nestjs/core": "NestJS",
    "fastapi": "FastAPI", "flask": "Flask", "django": "Django", "djangorestframework": "Django REST framework",
}  # fmt: skip
PROVIDERS = {
    "openai": "OpenAI", "@ai-sdk/openai": "OpenAI", "anthropic": "Anthropic",
    "@anthropic-ai/sdk": "Anthropic", "@ai-sdk/anthropic": "Anthropic",
    "google-genai": "Google Gemini", "google-generativeai": "Google Gemini", "@google/genai": "Google Gemini",
    "@google/generative-ai": "Google Gemini", "@ai-sdk/google": "Google Gemini",
    "mistralai": "Mistral", "@mistralai/mistralai": "Mistral", "cohere": "Cohere", "cohere-ai": "Cohere",
    "groq": "Groq", "groq-sdk": "Groq", "together": "Together", "together-ai": "Together",
    "litellm": "LiteLLM", "ai": "Vercel AI SDK", "langchain": "LangChain", "langchain-openai": "OpenAI",
    "@langchain/openai": "OpenAI", "llama-index": "LlamaIndex",
}  # fmt: skip
# A package.json with one of these and no server framework is a front end: its files ship to browsers.
_FRONTEND_TOOLS = {"vite", "react-scripts", "@vue/cli-service", "@angular/core", "astro", "parcel", "expo",
                   "react-native", "@sveltejs/kit", "svelte"}  # fmt: skip
_SERVER_FRAMEWORKS = {"express", "fastify", "koa", "hono", "@nestjs/core", "next"}
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
MANIFEST_NAMES = ("package.json", "pyproject.toml", "Pipfile")


@dataclass
class ProjectFacts:
    dependencies: dict[str, set[str]] = field(default_factory=dict)  # manifest path -> names
    frameworks: set[str] = field(default_factory=set)
    providers: set[str] = field(default_factory=set)
    frontend_roots: tuple[str, ...] = ()

    def all_dependencies(self) -> set[str]:
        return set().union(*self.dependencies.values()) if self.dependencies else set()


def _is_manifest(rel: str) -> bool:
    name = PurePosixPath(rel).name
    return name in MANIFEST_NAMES or (name.startswith("requirements") and name.endswith((".txt", ".in")))


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
        return {m.group(1).lower() for r in raw if (m := _REQ_NAME.match(str(r)))}
    return {
        m.group(1).lower()
        for line in text.splitlines()
        if not line.lstrip().startswith(("#", "-")) and (m := _REQ_NAME.match(line))
    }


def gather_facts(files: list[Candidate]) -> ProjectFacts:
    facts = ProjectFacts()
    frontend_roots: list[str] = []
    for cand in files:
        if not _is_manifest(cand.rel) or cand.size > 1_000_000:
            continue
        name = PurePosixPath(cand.rel).name
        try:
            names = _names_from(name, cand.path.read_text(encoding="utf-8", errors="replace"))
        except (OSError, ValueError, tomllib.TOMLDecodeError, AttributeError, TypeError):
            continue  # a broken manifest in the scanned project is its problem, not a scan failure
        facts.dependencies[cand.rel] = names
        facts.frameworks.update(FRAMEWORKS[n] for n in names if n in FRAMEWORKS)
        facts.providers.update(PROVIDERS[n] for n in names if n in PROVIDERS)
        if name == "package.json" and names & _FRONTEND_TOOLS and not names & _SERVER_FRAMEWORKS:
            parent = str(PurePosixPath(cand.rel).parent)
            frontend_roots.append("" if parent == "." else parent + "/")
    facts.frontend_roots = tuple(sorted(frontend_roots))
    return facts
