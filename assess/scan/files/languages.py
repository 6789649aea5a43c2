"""File name -> language: which parser reads it (ast-grep) and what the report calls it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Languages ast-grep parses for checks; everything else is scanned as text for keys only.
PARSED_BY_SUFFIX = {
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".py": "python", ".pyi": "python",
}  # fmt: skip
# The ast-grep language that parses each catalog language, and the family whose rules and utils it uses.
AST_GREP_LANGS = {"javascript": "javascript", "typescript": "typescript", "tsx": "tsx", "python": "python"}
FAMILY = {"python": "python", "javascript": "javascript", "typescript": "javascript", "tsx": "javascript"}

# Languages whose code every check reads, and those whose paid LLM calls (and usage reads) are found by
# text rules only: a result says which (coverage), so silence in the others is not taken for a pass.
ANALYSED_LANGUAGES = frozenset({"JavaScript", "TypeScript", "Python", "Vue", "Svelte", "Astro", "HTML"})
CALLS_ONLY_LANGUAGES = frozenset({"Dart", "Kotlin", "Java", "Swift", "Go"})

# What the report lists under "languages" (a superset: the key scan reads these too).
DISPLAY_BY_SUFFIX = {
    **{s: "JavaScript" for s in (".js", ".mjs", ".cjs", ".jsx")},
    **{s: "TypeScript" for s in (".ts", ".mts", ".cts", ".tsx")},
    ".py": "Python", ".pyi": "Python", ".ipynb": "Jupyter", ".go": "Go", ".rb": "Ruby",
    ".java": "Java", ".kt": "Kotlin", ".kts": "Kotlin", ".swift": "Swift", ".dart": "Dart",
    ".php": "PHP", ".rs": "Rust", ".cs": "C#", ".vue": "Vue", ".svelte": "Svelte", ".astro": "Astro",
    ".html": "HTML", ".tf": "Terraform", ".sh": "Shell",
}  # fmt: skip


def suffix(rel: str) -> str:
    """PurePosixPath(rel).suffix.lower() on the string: asked for every file, where pathlib costs more."""
    name = rel[rel.rfind("/") + 1 :]
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def parsed_language(rel: str) -> str:
    """The catalog language for a path: an ast-grep language, or 'text'."""
    return PARSED_BY_SUFFIX.get(suffix(rel), "text")


def display_language(rel: str) -> str | None:
    """What the report calls the language of `rel` ("TypeScript", "Go"), or None for files that are not code."""
    return DISPLAY_BY_SUFFIX.get(suffix(rel))


# Files that embed scripts in markup: the blocks are parsed where they sit, the rest blanked out.
EMBEDDED_SUFFIXES = frozenset({".vue", ".svelte", ".astro", ".html", ".htm"})
_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_ATTR_LANG = re.compile(r"""\blang\s*=\s*["']?([a-z]+)""", re.I)
_ATTR_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_JS_TYPES = frozenset({"module", "text/javascript", "application/javascript", "text/babel", "text/jsx"})
_LANG_ATTR = {"ts": "typescript", "typescript": "typescript", "tsx": "tsx", "js": "javascript", "jsx": "javascript"}
_ASTRO_FRONTMATTER = re.compile(r"\A\s*---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_NOT_NEWLINE = re.compile(r"[^\n]")


@dataclass(frozen=True, slots=True)
class Region:
    """A script inside a markup file: its language and where it sits (character offsets)."""

    lang: str  # javascript, typescript or tsx
    start: int
    end: int
    server: bool = False  # an Astro frontmatter: runs at build or request time, never in the browser


def script_regions(rel: str, text: str) -> list[Region] | None:
    """The script blocks of a .vue/.svelte/.astro/.html file; None for files that are not markup."""
    ext = suffix(rel)
    if ext not in EMBEDDED_SUFFIXES:
        return None
    regions: list[Region] = []
    if ext == ".astro" and (front := _ASTRO_FRONTMATTER.match(text)):
        regions.append(Region("typescript", front.start(1), front.end(1), server=True))
    default = "typescript" if ext == ".astro" else "javascript"
    for tag in _SCRIPT_TAG.finditer(text):
        attrs, body = tag.group(1), tag.group(2)
        if not body.strip():
            continue  # <script src="..."></script>
        kind = _ATTR_TYPE.search(attrs)
        if kind and kind.group(1).lower() not in _JS_TYPES:
            continue  # JSON-LD, import maps, templates
        lang = _ATTR_LANG.search(attrs)
        regions.append(Region(_LANG_ATTR.get(lang.group(1).lower(), default) if lang else default, *tag.span(2)))
    return regions


def keep_only(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with everything outside `spans` blanked to spaces, newlines kept: positions do not move."""
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        parts += (_NOT_NEWLINE.sub(" ", text[pos:start]), text[start:end])
        pos = end
    parts.append(_NOT_NEWLINE.sub(" ", text[pos:]))
    return "".join(parts)
