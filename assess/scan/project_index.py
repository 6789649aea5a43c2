"""Facts of the whole project, indexed for the judges: per file and kind, imports resolved to project
files, functions placed around facts, and which functions reach an LLM call (or a rate-limit check)
directly or through calls into other project modules.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath

from assess.scan.facts import ProjectFacts
from assess.scan.factscan import Fact
from assess.scan.languages import parsed_language

JS_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
_ALIAS_PREFIXES = ("@/", "~/", "#/", "src/", "app/", "lib/")


@dataclass(frozen=True, slots=True)
class Binding:
    """What a name imported into a file refers to."""

    module: str | None  # the project file it comes from; None for a package outside the project
    imported: str  # the name in that module; "default" or "*" (the module itself)


@dataclass(frozen=True, slots=True)
class Reach:
    """How a range of code reaches a target fact: the fact, and the function chain that leads there."""

    target: Fact
    via: tuple[str, ...] = ()  # e.g. ("chat() in src/lib/llm.js",)


def strip_quotes(text: str | None) -> str:
    if not text:
        return ""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
        return text[1:-1]
    return text


class ProjectIndex:
    def __init__(self, facts: Iterable[Fact], project: ProjectFacts) -> None:
        self.project = project
        self.by_kind: dict[str, list[Fact]] = defaultdict(list)
        self._by_file: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for fact in facts:
            self.by_kind[fact.kind].append(fact)
            self._by_file[(fact.rel, fact.kind)].append(fact)
        self.files = sorted({rel for rel, _ in self._by_file})
        self._reaching: dict[str, dict[tuple[str, int], Reach]] = {}

    # --- lookups ------------------------------------------------------------------------------

    def of(self, kind: str, rel: str | None = None) -> list[Fact]:
        return self._by_file.get((rel, kind), []) if rel is not None else self.by_kind.get(kind, [])

    def inside(self, kind: str, outer: Fact) -> list[Fact]:
        return [f for f in self.of(kind, outer.rel) if outer.contains(f) and f is not outer]

    def enclosing_function(self, fact: Fact) -> Fact | None:
        """The innermost function around `fact` (None at module level)."""
        best: Fact | None = None
        for fn in self.of("function", fact.rel):
            if fn.contains(fact) and fn is not fact and (best is None or best.contains(fn)):
                best = fn
        return best

    # --- packages and dependencies ------------------------------------------------------------

    @cached_property
    def _manifest_dirs(self) -> list[str]:
        dirs = {posixpath.dirname(rel) for rel in self.project.dependencies}
        return sorted(dirs, key=len, reverse=True)

    def package_of(self, rel: str) -> str:
        """The folder of the nearest manifest above `rel` ("" for the root or no manifest)."""
        for folder in self._manifest_dirs:
            if not folder or rel.startswith(folder + "/"):
                return folder
        return ""

    def dependencies_of(self, rel: str) -> set[str]:
        """Dependency names declared by every manifest on the way from `rel` up to the root."""
        names: set[str] = set()
        for manifest, deps in self.project.dependencies.items():
            folder = posixpath.dirname(manifest)
            if not folder or rel.startswith(folder + "/"):
                names |= deps
        return names

    def same_package(self, a: str, b: str) -> bool:
        return self.package_of(a) == self.package_of(b)

    # --- imports ------------------------------------------------------------------------------

    @cached_property
    def _python_modules(self) -> dict[str, list[str]]:
        """Dotted-name suffixes -> files: `app/services/llm.py` answers to llm, services.llm, app.services.llm."""
        table: dict[str, list[str]] = defaultdict(list)
        for rel in self.files:
            if parsed_language(rel) != "python":
                continue
            parts = list(PurePosixPath(rel).with_suffix("").parts)
            if parts and parts[-1] == "__init__":
                parts = parts[:-1]
            for start in range(len(parts)):
                table[".".join(parts[start:])].append(rel)
        return table

    def _closest(self, rel: str, candidates: list[str]) -> str | None:
        if not candidates:
            return None
        here = rel.split("/")

        def shared(other: str) -> int:
            there = other.split("/")
            n = 0
            while n < min(len(here), len(there)) and here[n] == there[n]:
                n += 1
            return n

        return max(candidates, key=lambda c: (shared(c), -len(c)))

    def resolve_module(self, rel: str, source: str) -> str | None:
        """The project file an import of `source` in `rel` refers to, or None (a package outside the project)."""
        if parsed_language(rel) == "python":
            return self._resolve_python(rel, source)
        return self._resolve_js(rel, source)

    def _resolve_python(self, rel: str, source: str) -> str | None:
        if not source.startswith("."):
            return self._closest(rel, self._python_modules.get(source, []))
        dots = len(source) - len(source.lstrip("."))
        base = PurePosixPath(rel).parent
        for _ in range(dots - 1):
            base = base.parent
        target = base.joinpath(*source[dots:].split(".")) if source[dots:] else base
        stem = "" if str(target) == "." else f"{target}/"
        for candidate in (f"{target!s}.py", f"{stem}__init__.py"):
            if candidate in self._file_set:
                return candidate
        return None

    @cached_property
    def _file_set(self) -> set[str]:
        return set(self.files)

    def _js_candidates(self, target: str) -> list[str]:
        target = posixpath.normpath(target)
        stem, ext = posixpath.splitext(target)
        options = [target] if ext in JS_SUFFIXES else []
        bases = [stem] if ext in (".js", ".jsx", ".mjs", ".cjs") else []  # TS imports name the .js output
        bases.append(target)
        for base in bases:
            options += [base + s for s in JS_SUFFIXES] + [f"{base}/index{s}" for s in JS_SUFFIXES]
        return [o for o in options if o in self._file_set]

    def _resolve_js(self, rel: str, source: str) -> str | None:
        folder = posixpath.dirname(rel)
        if source.startswith("."):
            found = self._js_candidates(posixpath.join(folder, source))
            return found[0] if found else None
        if source.startswith(_ALIAS_PREFIXES):
            # tsconfig path aliases: "@/lib/llm" is usually <package>/src/lib/llm or <package>/lib/llm
            package = self.package_of(rel)
            tail = source.split("/", 1)[1] if source.startswith(("@/", "~/", "#/")) else source
            for base in (f"{package}/src", package, f"{package}/app") if package else ("src", "", "app"):
                found = self._js_candidates(posixpath.join(base, tail) if base else tail)
                if found:
                    return found[0]
        return None

    def bindings(self, rel: str) -> dict[str, Binding]:
        return self._bindings.get(rel, {})

    @cached_property
    def _bindings(self) -> dict[str, dict[str, Binding]]:
        table: dict[str, dict[str, Binding]] = defaultdict(dict)
        for fact in self.of("import"):
            source = fact.values.get("SOURCE", "")
            local = fact.values.get("LOCAL")
            if fact.label == "module":  # import a.b.c [as x]
                module = self.resolve_module(fact.rel, source)
                table[fact.rel][local or source] = Binding(module, "*")
                continue
            if local is None:
                continue
            if fact.label == "from":  # from a.b import c [as d]: c is a submodule or a name defined in a.b
                name = fact.values.get("IMPORTED", local)
                sub = self.resolve_module(fact.rel, source + name if source.endswith(".") else f"{source}.{name}")
                if sub is not None:
                    table[fact.rel][local] = Binding(sub, "*")
                    continue
            imported = {"default": "default", "namespace": "*"}.get(fact.label, fact.values.get("IMPORTED", local))
            if fact.label == "require" and fact.values.get("IMPORTED") is None and "{" not in fact.snippet:
                imported = "*"
            table[fact.rel][local] = Binding(self.resolve_module(fact.rel, source), imported)
        return table

    def importers_of(self, module: str) -> list[tuple[str, str]]:
        """(file, local name) pairs of every import of `module` in the project."""
        return [(rel, name) for rel, names in self._bindings.items() for name, b in names.items() if b.module == module]

    # --- functions and calls ------------------------------------------------------------------

    def functions_named(self, rel: str, name: str) -> list[Fact]:
        if name == "default":
            defaults = [f for f in self.of("function", rel) if f.label == "default"]
            named = [f.values["NAME"] for f in defaults if "NAME" in f.values]
            return defaults + [f for n in named for f in self.of("function", rel) if f.values.get("NAME") == n]
        return [f for f in self.of("function", rel) if f.values.get("NAME") == name and f.label != "default"]

    def resolve_call(self, call: Fact) -> list[Fact]:
        """The project functions a call fact may run."""
        name = call.values.get("NAME", "")
        obj = call.values.get("OBJ")
        rel = call.rel
        if obj is None:
            local = self.functions_named(rel, name)
            if local:
                return local
            binding = self.bindings(rel).get(name)
            if binding and binding.module:
                return self.functions_named(binding.module, binding.imported)
            return []
        if call.label == "member":  # this.service.run() / self.service.run(): a method of an imported class
            found = [fn for b in self.bindings(rel).values() if b.module for fn in self.functions_named(b.module, name)]
            return found or self.functions_named(rel, name)
        binding = self.bindings(rel).get(obj)
        if binding and binding.module:
            return self.functions_named(binding.module, name)
        return []

    def reaching(self, kind: str) -> dict[tuple[str, int], Reach]:
        """Every function that reaches a fact of `kind`, keyed by (file, line), with how it gets there."""
        if kind in self._reaching:
            return self._reaching[kind]
        reached: dict[tuple[str, int], Reach] = {}
        functions = self.of("function")
        for fn in functions:
            direct = self.inside(kind, fn)
            if direct:
                reached[(fn.rel, fn.line)] = Reach(direct[0])
        calls_of = {(fn.rel, fn.line): self.inside("call", fn) for fn in functions}
        changed = True
        while changed:  # a fixpoint over the call graph; each round adds at least one function or stops
            changed = False
            for fn in functions:
                key = (fn.rel, fn.line)
                if key in reached:
                    continue
                for call in calls_of[key]:
                    hit = next((t for t in self.resolve_call(call) if (t.rel, t.line) in reached), None)
                    if hit is not None:
                        inner = reached[(hit.rel, hit.line)]
                        step = f"{hit.values.get('NAME', 'default')}() in {hit.rel}"
                        reached[key] = Reach(inner.target, (step, *inner.via))
                        changed = True
                        break
        self._reaching[kind] = reached
        return reached

    def range_reach(self, outer: Fact, kind: str, handlers: Iterable[Fact] = ()) -> Reach | None:
        """Does the code of `outer` (plus any handler functions it names) reach a fact of `kind`?"""
        direct = self.inside(kind, outer)
        if direct:
            return Reach(direct[0])
        reached = self.reaching(kind)
        for call in self.inside("call", outer):
            for target in self.resolve_call(call):
                hit = reached.get((target.rel, target.line))
                if hit is not None:
                    step = f"{target.values.get('NAME', 'default')}() in {target.rel}"
                    return Reach(hit.target, (step, *hit.via) if target.rel != outer.rel else hit.via)
        for handler in handlers:
            hit = reached.get((handler.rel, handler.line))
            if hit is not None:
                step = f"{handler.values.get('NAME', 'default')}() in {handler.rel}"
                return Reach(hit.target, (step, *hit.via) if handler.rel != outer.rel else hit.via)
        return None

    def resolve_name(self, rel: str, name: str) -> list[Fact]:
        """Functions a handler reference names: `chat`, `controller.chat`, `views.chat`."""
        obj, _, attr = name.rpartition(".")
        if not obj:
            local = self.functions_named(rel, name)
            if local:
                return local
            binding = self.bindings(rel).get(name)
            return self.functions_named(binding.module, binding.imported) if binding and binding.module else []
        root = obj.split(".")[0]
        binding = self.bindings(rel).get(root)
        if binding and binding.module:
            return self.functions_named(binding.module, attr)
        return self.functions_named(rel, attr)
