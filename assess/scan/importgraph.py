"""Which files can lead, through imports, to a file whose code the judges follow calls into.

The judges follow calls from an endpoint (or a retry wrapper, or an LLM call's callers) into project
functions; every step of such a chain is a call in one file to a function that file defines or imports. So
only files that import (directly or not) a file holding an LLM call or a rate-limit check can ever be on
a chain. A file parsed only for its imports (or its routes: an endpoint counts only when its code reaches
an LLM call), that leads to no such file, adds nothing to any judgement: the engine defers it (deferred
files are not parsed) and this module decides which deferred files lead somewhere after all, to be parsed
then.

The import specifiers come from a regex over the text and resolve generously (every file a name could
mean, not only the one ProjectIndex would pick): the set of files that lead somewhere may be too large,
never too small.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from assess.scan.languages import parsed_language

_JS_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
_JS_ALIASES = ("@/", "~/", "#/", "src/", "app/", "lib/")
# Any string literal that names a relative or aliased module: import, export ... from, require, import().
_JS_SPECIFIER = re.compile(r"""(['"`])((?:\.{1,2}/|\.{1,2}(?=['"`])|[@~#]/|src/|app/|lib/)[^'"`\n]*)\1""")
# at a line start or after `;`; the names may run on in parentheses or after a backslash at the line end
# (the parenthesised list is bounded: an unclosed one in a hostile file must not make the scan quadratic)
_PY_FROM = re.compile(r"(?:^|;)[ \t]*from[ \t]+([.\w]+)[ \t]+import[ \t]*(\([^)]{0,4000}\)|(?:[^\n#;\\]|\\\n)*)", re.M)
_PY_IMPORT = re.compile(r"(?:^|;)[ \t]*import[ \t]+((?:[^\n#;\\]|\\\n)+)", re.M)
_PY_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def specifiers(lang: str, text: str) -> tuple[str, ...]:
    """The module names the imports in code of `lang` may refer to (Python's `from a import b`: a and a.b)."""
    found: set[str] = set()
    if lang == "python":
        for match in _PY_FROM.finditer(text):
            base = match.group(1)
            found.add(base)
            names = re.sub(r"\bas\s+\w+", "", match.group(2))
            for name in _PY_NAME.findall(names):
                found.add(base + name if base.endswith(".") else f"{base}.{name}")
        for match in _PY_IMPORT.finditer(text):
            found.update(_PY_NAME.findall(re.sub(r"\bas\s+\w+", "", match.group(1))))
    elif lang != "text":
        found.update(m.group(2) for m in _JS_SPECIFIER.finditer(text))
    return tuple(sorted(found))


class _Resolver:
    """Every project file a specifier in a given file may name."""

    def __init__(self, files: Iterable[str]) -> None:
        self.files = set(files)
        self.python_files = {rel for rel in self.files if parsed_language(rel) == "python"}
        self.python: dict[str, list[str]] = defaultdict(list)  # dotted suffix -> files
        self.js_tails: dict[str, list[str]] = defaultdict(list)  # path without suffix (and /index) -> files
        self.js_by_name: dict[str, set[str]] = defaultdict(set)  # last part of such a path -> those paths
        for rel in self.files:
            lang = "python" if rel in self.python_files else parsed_language(rel)
            if lang == "python":
                parts = rel.split("/")
                parts[-1] = parts[-1].rsplit(".", 1)[0]
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                for start in range(len(parts)):
                    self.python[".".join(parts[start:])].append(rel)
            elif lang != "text":
                stem = posixpath.splitext(rel)[0]
                for tail in (stem, stem[: -len("/index")]) if stem.endswith("/index") else (stem,):
                    self.js_tails[tail].append(rel)
                    self.js_by_name[tail.rsplit("/", 1)[-1]].add(tail)

    def resolve(self, rel: str, spec: str) -> list[str]:
        if rel in self.python_files or (rel not in self.files and parsed_language(rel) == "python"):
            return self._python(rel, spec)
        return self._js(rel, spec)

    def _python(self, rel: str, spec: str) -> list[str]:
        if not spec.startswith("."):
            return self.python.get(spec, [])
        dots = len(spec) - len(spec.lstrip("."))
        folder = rel.split("/")[:-1]
        base = folder[: max(0, len(folder) - (dots - 1))]
        target = "/".join((*base, *(p for p in spec[dots:].split(".") if p)))
        options = (f"{target}.py", f"{target}.pyi", f"{target}/__init__.py" if target else "__init__.py")
        return [o for o in options if o in self.files]

    def _js(self, rel: str, spec: str) -> list[str]:
        if spec.startswith("."):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), spec))
            stem, ext = posixpath.splitext(target)
            found = [target] if target in self.files else []
            for base in {stem, target} if ext in _JS_SUFFIXES else {target}:
                found += self.js_tails.get(base, [])
            return found
        # an alias: any file whose path ends with what follows it (tsconfig paths vary by project)
        tail = spec.split("/", 1)[1] if spec.startswith(("@/", "~/", "#/")) else spec
        tail = posixpath.splitext(tail)[0] if tail.endswith(_JS_SUFFIXES) else tail
        stems = self.js_by_name.get(tail.rsplit("/", 1)[-1], ())
        return [f for stem in stems if stem == tail or stem.endswith("/" + tail) for f in self.js_tails[stem]]


def leading_to(imports: Mapping[str, tuple[str, ...]], targets: Iterable[str], files: Iterable[str]) -> set[str]:
    """The files among `imports` (file -> specifiers) from which one of `targets` can be reached through
    imports, the targets included. `files`: every source file of the project, for resolving."""
    resolver = _Resolver(files)
    importers: dict[str, set[str]] = defaultdict(set)  # file -> the files that import it
    for rel, specs in imports.items():
        for spec in specs:
            for module in resolver.resolve(rel, spec):
                importers[module].add(rel)
    reached = set(targets)
    pending = list(reached)
    while pending:
        for importer in importers.get(pending.pop(), ()):
            if importer not in reached:
                reached.add(importer)
                pending.append(importer)
    return reached
