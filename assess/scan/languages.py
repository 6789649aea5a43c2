"""File name -> language: which parser reads it (ast-grep) and what the report calls it."""

from __future__ import annotations

from pathlib import PurePosixPath

# Languages ast-grep parses for checks; everything else is scanned as text for keys only.
PARSED_BY_SUFFIX = {
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".py": "python", ".pyi": "python",
}  # fmt: skip

# What the report lists under "languages" (a superset: the key scan reads these too).
DISPLAY_BY_SUFFIX = {
    **{s: "JavaScript" for s in (".js", ".mjs", ".cjs", ".jsx")},
    **{s: "TypeScript" for s in (".ts", ".mts", ".cts", ".tsx")},
    ".py": "Python", ".pyi": "Python", ".ipynb": "Jupyter", ".go": "Go", ".rb": "Ruby",
    ".java": "Java", ".kt": "Kotlin", ".kts": "Kotlin", ".swift": "Swift", ".dart": "Dart",
    ".php": "PHP", ".rs": "Rust", ".cs": "C#", ".vue": "Vue", ".svelte": "Svelte", ".astro": "Astro",
    ".html": "HTML", ".tf": "Terraform", ".sh": "Shell",
}  # fmt: skip


def parsed_language(rel: str) -> str:
    """The catalog language for a path: an ast-grep language, or 'text'."""
    return PARSED_BY_SUFFIX.get(PurePosixPath(rel).suffix.lower(), "text")


def display_language(rel: str) -> str | None:
    return DISPLAY_BY_SUFFIX.get(PurePosixPath(rel).suffix.lower())
