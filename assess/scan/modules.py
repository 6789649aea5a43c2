"""Which project file an import names: one resolver, asked two ways.

- `one(rel, spec)`: the file the import in `rel` refers to, or None for a package outside the project. The
  judges follow calls through it (ProjectIndex), so it picks the single likeliest file: for a Python
  module name the nearest file answering to it, for a JS/TS path the first existing file in the order a
  bundler tries (TS sources for `.js`, then index files), for an alias the package's `src/`, root, `app/`.
- `every(rel, spec)`: every file the import may name. Deferral (importgraph.py) asks it which files can
  lead to an LLM call, where a file too many costs a parse and a file too few would change a finding.

Both read the same tables: the JS suffixes, the alias prefixes and the dotted names of Python files.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import PurePosixPath

from assess.scan.languages import parsed_language

JS_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
ALIAS_PREFIXES = ("@/", "~/", "#/", "src/", "app/", "lib/")
_SHORT_ALIASES = ("@/", "~/", "#/")  # stand for a folder: what follows them is the path inside it


def _without_suffix(name: str) -> str:
    """PurePosixPath(name).with_suffix("").name: `llm.py` -> `llm`; `.env` and `x.` keep theirs."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _python_target(rel: str, source: str, dots: int) -> PurePosixPath:
    """The path a relative Python import names: `..services.llm` in `app/routers/chat.py` -> app/services/llm."""
    base = PurePosixPath(rel).parent
    for _ in range(dots - 1):
        base = base.parent
    return base.joinpath(*source[dots:].split(".")) if source[dots:] else base


def path_prefixes(path: str) -> list[str]:
    """`a/b/c.py` -> [`a`, `a/b`, `a/b/c.py`]: the path cut at each slash, shortest first, then whole."""
    found = []
    cut = path.find("/")
    while cut >= 0:
        found.append(path[:cut])
        cut = path.find("/", cut + 1)
    found.append(path)
    return found


class _Nearest:
    """The files answering to one dotted module name, arranged to pick the one nearest an importer: most
    leading path parts shared, then the shortest path, then the first in file order."""

    __slots__ = ("by_prefix", "shortest")

    def __init__(self, candidates: list[str]) -> None:
        self.shortest = min(candidates, key=len)  # min keeps the first of equal lengths
        self.by_prefix: dict[str, str] = {}
        for candidate in candidates:
            for prefix in path_prefixes(candidate):
                best = self.by_prefix.get(prefix)
                if best is None or len(candidate) < len(best):
                    self.by_prefix[prefix] = candidate

    def to(self, rel: str) -> str:
        # a prefix of `rel` is known only if the one before it is: walk down until one is not
        best = self.shortest
        cut = rel.find("/")
        while True:
            found = self.by_prefix.get(rel[:cut] if cut >= 0 else rel)
            if found is None:
                return best
            best = found
            if cut < 0:
                return best
            cut = rel.find("/", cut + 1)


class ModuleResolver:
    """Resolves imports among `files` (project-relative paths, in file order). `package_of(rel)`: the folder
    of the manifest nearest `rel` ("" at the root), where `one` looks for an alias's target."""

    def __init__(self, files: Iterable[str], package_of: Callable[[str], str] | None = None) -> None:
        self.files = list(files)
        self.file_set = set(self.files)
        self.package_of = package_of or (lambda _rel: "")
        self._languages: dict[str, str] = {}
        self._parts_of: dict[str, tuple[str, ...]] = {}
        self._nearest: dict[str, _Nearest] = {}

    def language(self, rel: str) -> str:
        """parsed_language(rel), once per file."""
        found = self._languages.get(rel)
        if found is None:
            found = self._languages[rel] = parsed_language(rel)
        return found

    def _parts(self, rel: str) -> tuple[str, ...]:
        """PurePosixPath(rel).parts, by splitting when the path needs no cleaning (the usual case)."""
        found = self._parts_of.get(rel)
        if found is None:
            split = tuple(rel.split("/"))
            found = self._parts_of[rel] = split if all(p and p != "." for p in split) else PurePosixPath(rel).parts
        return found

    @cached_property
    def python_modules(self) -> dict[str, list[str]]:
        """Dotted-name suffixes -> files: `app/services/llm.py` answers to llm, services.llm, app.services.llm."""
        table: dict[str, list[str]] = defaultdict(list)
        for rel in self.files:
            if self.language(rel) != "python":
                continue
            parts = [*self._parts(rel)]
            if parts:
                parts[-1] = _without_suffix(parts[-1])
            if parts and parts[-1] == "__init__":
                parts = parts[:-1]
            for start in range(len(parts)):
                table[".".join(parts[start:])].append(rel)
        return table

    # --- one: the file an import refers to ------------------------------------------------------

    def one(self, rel: str, spec: str) -> str | None:
        """The project file an import of `spec` in `rel` refers to, or None (a package outside the project)."""
        if self.language(rel) == "python":
            return self._one_python(rel, spec)
        return self._one_js(rel, spec)

    def _closest(self, rel: str, module: str) -> str | None:
        """The file answering to `module` nearest to `rel` (see _Nearest), or None."""
        nearest = self._nearest.get(module)
        if nearest is None:
            candidates = self.python_modules.get(module)
            if not candidates:
                return None
            if len(candidates) == 1:
                return candidates[0]
            nearest = self._nearest[module] = _Nearest(candidates)
        return nearest.to(rel)

    def _one_python(self, rel: str, source: str) -> str | None:
        if not source.startswith("."):
            return self._closest(rel, source)
        dots = len(source) - len(source.lstrip("."))
        folder = self._parts(rel)[:-1]
        if "/" in source or (folder and folder[0] == "/"):
            target = str(_python_target(rel, source, dots))
        else:  # the same as _python_target, on strings
            base = folder[: max(0, len(folder) - (dots - 1))]
            target = "/".join((*base, *(part for part in source[dots:].split(".") if part))) or "."
        stem = "" if target == "." else f"{target}/"
        for candidate in (f"{target}.py", f"{stem}__init__.py"):
            if candidate in self.file_set:
                return candidate
        return None

    def _js_file(self, target: str) -> str | None:
        """The project file an extensionless or .js import of `target` names, trying TS sources and index files."""
        target = posixpath.normpath(target)
        stem, ext = posixpath.splitext(target)
        if ext in JS_SUFFIXES and target in self.file_set:
            return target
        bases = [stem] if ext in (".js", ".jsx", ".mjs", ".cjs") else []  # TS imports name the .js output
        bases.append(target)
        for base in bases:
            for option in (*(base + s for s in JS_SUFFIXES), *(f"{base}/index{s}" for s in JS_SUFFIXES)):
                if option in self.file_set:
                    return option
        return None

    def _one_js(self, rel: str, source: str) -> str | None:
        folder = posixpath.dirname(rel)
        if source.startswith("."):
            return self._js_file(posixpath.join(folder, source))
        if source.startswith(ALIAS_PREFIXES):
            # tsconfig path aliases: "@/lib/llm" is usually <package>/src/lib/llm or <package>/lib/llm
            package = self.package_of(rel)
            tail = source.split("/", 1)[1] if source.startswith(_SHORT_ALIASES) else source
            for base in (f"{package}/src", package, f"{package}/app") if package else ("src", "", "app"):
                found = self._js_file(posixpath.join(base, tail) if base else tail)
                if found:
                    return found
        return None

    # --- every: all the files an import may name ------------------------------------------------

    def every(self, rel: str, spec: str) -> list[str]:
        """Every project file an import of `spec` in `rel` may name (generous: never too few)."""
        if self.language(rel) == "python":
            return self._every_python(rel, spec)
        return self._every_js(rel, spec)

    def _every_python(self, rel: str, spec: str) -> list[str]:
        if not spec.startswith("."):
            return self.python_modules.get(spec, [])
        dots = len(spec) - len(spec.lstrip("."))
        folder = rel.split("/")[:-1]
        base = folder[: max(0, len(folder) - (dots - 1))]
        target = "/".join((*base, *(p for p in spec[dots:].split(".") if p)))
        options = (f"{target}.py", f"{target}.pyi", f"{target}/__init__.py" if target else "__init__.py")
        return [o for o in options if o in self.file_set]

    @cached_property
    def _js_tails(self) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
        """(path without suffix, and without /index -> files; last part of such a path -> those paths)."""
        tails: dict[str, list[str]] = defaultdict(list)
        by_name: dict[str, set[str]] = defaultdict(set)
        for rel in self.files:
            if self.language(rel) in ("python", "text"):
                continue
            stem = posixpath.splitext(rel)[0]
            for tail in (stem, stem[: -len("/index")]) if stem.endswith("/index") else (stem,):
                tails[tail].append(rel)
                by_name[tail.rsplit("/", 1)[-1]].add(tail)
        return tails, by_name

    def _every_js(self, rel: str, spec: str) -> list[str]:
        tails, by_name = self._js_tails
        if spec.startswith("."):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), spec))
            stem, ext = posixpath.splitext(target)
            found = [target] if target in self.file_set else []
            for base in {stem, target} if ext in JS_SUFFIXES else {target}:
                found += tails.get(base, [])
            return found
        # an alias: any file whose path ends with what follows it (tsconfig paths vary by project)
        tail = spec.split("/", 1)[1] if spec.startswith(_SHORT_ALIASES) else spec
        tail = posixpath.splitext(tail)[0] if tail.endswith(JS_SUFFIXES) else tail
        stems = by_name.get(tail.rsplit("/", 1)[-1], ())
        return [f for stem in stems if stem == tail or stem.endswith("/" + tail) for f in tails[stem]]
