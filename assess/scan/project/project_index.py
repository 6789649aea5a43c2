"""Facts of the whole project, indexed for the judges: per file and kind, imports resolved to project
files, functions placed around facts, and which functions reach an LLM call (or a rate-limit check)
directly or through calls into other project modules.
"""

from __future__ import annotations

import posixpath
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import pairwise
from typing import NamedTuple

from assess.scan.files.facts import ProjectFacts
from assess.scan.files.modules import ModuleResolver, path_prefixes
from assess.scan.matching.factscan import Fact

_NONE: list[Fact] = []  # shared empty answers, never changed
_NO_KINDS: dict[str, list[Fact]] = {}
_IMPORTED_AS = {"default": "default", "namespace": "*"}  # import labels that say what is imported


class Binding(NamedTuple):
    """What a name imported into a file refers to. A named tuple: there is one per import, and tuples are
    cheap to make and of no interest to the cyclic garbage collector."""

    module: str | None  # the project file it comes from; None for a package outside the project
    imported: str  # the name in that module; "default" or "*" (the module itself)


@dataclass(frozen=True, slots=True)
class Reach:
    """How a range of code reaches a target fact: the fact, and the function chain that leads there."""

    target: Fact
    via: tuple[str, ...] = ()  # e.g. ("chat() in src/lib/llm.js",)


def strip_quotes(text: str | None) -> str:
    """A string literal's text without its quotes (other text as it is)."""
    if not text:
        return ""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
        return text[1:-1]
    return text


class _LineOrder:
    """One file's facts of one kind arranged by first line, for ranges: bisect, then keep found order."""

    __slots__ = ("_open", "facts", "order", "starts", "upright")

    def __init__(self, facts: list[Fact]) -> None:
        self.facts = facts
        in_order = all(a.line <= b.line for a, b in pairwise(facts))
        # positions in `facts` sorted by line; None when they already are (the usual case)
        self.order = None if in_order else sorted(range(len(facts)), key=lambda i: facts[i].line)
        self.starts = [f.line for f in facts] if self.order is None else [facts[i].line for i in self.order]
        # a fact that ends before it starts would be inside ranges that end before it starts
        self.upright = all(f.line <= f.end_line for f in facts)
        self._open: list[list[int]] | None = None

    def within(self, outer: Fact) -> list[Fact]:
        """The facts `outer` contains, except `outer` itself, in found order."""
        lo = bisect_left(self.starts, outer.line)
        hi = bisect_right(self.starts, outer.end_line) if self.upright else len(self.starts)
        end, facts = outer.end_line, self.facts
        if self.order is None:
            return [f for f in facts[lo:hi] if f.end_line <= end and f is not outer]
        hits = sorted(i for i in self.order[lo:hi] if facts[i].end_line <= end and facts[i] is not outer)
        return [facts[i] for i in hits]

    def around(self, inner: Fact) -> list[Fact]:
        """The facts that start on or before `inner` and end on or after it, in found order."""
        hi = bisect_right(self.starts, inner.line)
        end, facts = inner.end_line, self.facts
        if end < inner.line:  # ends before it starts: still_open may have let go of what ends in between
            ranked = range(hi) if self.order is None else sorted(self.order[:hi])
            return [facts[i] for i in ranked if facts[i].end_line >= end]
        return [facts[i] for i in self.still_open()[hi] if facts[i].end_line >= end] if hi else []

    def still_open(self) -> list[list[int]]:
        """For k > 0: the facts among the first k by line that have not ended when the k-th starts (positions in
        found order, ascending). Whatever starts on or before a line and ends on or after it is among them."""
        if self._open is None:
            facts = self.facts
            ranked = range(len(facts)) if self.order is None else self.order
            table: list[list[int]] = [[]]
            current: list[int] = []
            for k, i in enumerate(ranked):
                start = self.starts[k]
                current = sorted(j for j in (*current, i) if facts[j].end_line >= start)
                table.append(current)
            self._open = table
        return self._open


class _Named:
    """One file's functions by their NAME, in found order."""

    __slots__ = ("any_label", "defaults", "not_default")

    def __init__(self, functions: list[Fact]) -> None:
        self.defaults = [f for f in functions if f.label == "default"]
        self.any_label: dict[str, list[Fact]] = defaultdict(list)
        self.not_default: dict[str, list[Fact]] = defaultdict(list)
        for fn in functions:
            name = fn.values.get("NAME")
            if name is None:
                continue
            self.any_label[name].append(fn)
            if fn.label != "default":
                self.not_default[name].append(fn)


class ProjectIndex:
    """Every lookup the judges make is a dictionary hit or a bisect within one file, so judging grows
    with the number of facts, not with its square. Results keep the order of the facts as found."""

    def __init__(self, facts: Iterable[Fact], project: ProjectFacts, reach: frozenset[str] | None = None) -> None:
        """`reach`: the fact kinds calls may be followed to (the plan's `reach` facts); None: any kind."""
        self.project = project
        self.reach = reach
        self.by_kind: dict[str, list[Fact]] = defaultdict(list)
        self._by_file: dict[str, dict[str, list[Fact]]] = {}  # file -> kind -> facts
        for fact in facts:
            self.by_kind[fact.kind].append(fact)
            kinds = self._by_file.get(fact.rel)
            if kinds is None:
                kinds = self._by_file[fact.rel] = {}
            same = kinds.get(fact.kind)
            if same is None:
                kinds[fact.kind] = [fact]
            else:
                same.append(fact)
        self.files = sorted(self._by_file)
        self._reaching: dict[str, dict[tuple[str, int], Reach]] = {}
        self._by_line: dict[tuple[str, str], _LineOrder] = {}
        self._named: dict[str, _Named] = {}
        self._resolved_calls: dict[int, tuple[Fact, list[Fact]]] = {}
        self._packages: dict[str, str] = {}
        self._dependencies: dict[str, frozenset[str]] = {}
        self._packages_with: dict[str, frozenset[str]] = {}
        self._bindings_of: dict[str, dict[str, Binding]] = {}
        for call in self._http_calls_to_imported_urls():
            self.by_kind["llm-call"].append(call)
            self._by_file[call.rel].setdefault("llm-call", []).append(call)

    def _http_calls_to_imported_urls(self) -> list[Fact]:
        """HTTP requests whose URL is a provider URL another module keeps under a name (facts http-send and
        url-const), as llm-call facts: `requests.post(OPENAI_URL)` with the constant imported,
        `fetch(config.openai.url)`."""
        if not self.by_kind.get("http-send") or not self.by_kind.get("url-const"):
            return []
        found: list[Fact] = []
        for send in self.by_kind["http-send"]:
            url = send.values.get("URL", "")
            root, _, rest = url.partition(".")
            binding = self.bindings(send.rel).get(root)
            if binding is None or binding.module is None or binding.module == send.rel:
                continue
            parts = url.split(".")
            name = parts[-1] if rest else binding.imported
            parent = parts[-2] if rest else ""  # config.openai.url: the url of `openai`, not of `slack`
            const = next(
                (
                    c
                    for c in self.of("url-const", binding.module)
                    if strip_quotes(c.values.get("NAME")) == name
                    and strip_quotes(c.values.get("OWNER") or parent) == parent
                ),
                None,
            )
            if const is not None:
                endpoint = const.values.get("ENDPOINT", "")
                values = {"URL": url, "ENDPOINT": endpoint, "CALLEE": send.values.get("CALLEE", "")}
                found.append(replace(send, kind="llm-call", label="http", values=values))
        return found

    # --- lookups ------------------------------------------------------------------------------

    def of(self, kind: str, rel: str | None = None) -> list[Fact]:
        """The facts of `kind`, in found order; in one file when `rel` is given."""
        if rel is None:
            return self.by_kind.get(kind, [])
        return self._by_file.get(rel, _NO_KINDS).get(kind, [])

    def _line_order(self, rel: str, kind: str) -> _LineOrder:
        order = self._by_line.get((rel, kind))
        if order is None:
            order = self._by_line[(rel, kind)] = _LineOrder(self.of(kind, rel))
        return order

    def inside(self, kind: str, outer: Fact) -> list[Fact]:
        """Facts of `kind` within the lines of `outer` (not `outer` itself), in the order they were found."""
        if kind not in self._by_file.get(outer.rel, _NO_KINDS):
            return []
        return self._line_order(outer.rel, kind).within(outer)

    def enclosing_function(self, fact: Fact) -> Fact | None:
        """The innermost function around `fact` (None at module level)."""
        best: Fact | None = None
        if "function" not in self._by_file.get(fact.rel, _NO_KINDS):
            return None
        for fn in self._line_order(fact.rel, "function").around(fact):
            if fn.contains(fact) and fn is not fact and (best is None or best.contains(fn)):
                best = fn
        return best

    # --- packages and dependencies ------------------------------------------------------------

    @cached_property
    def _manifest_dirs(self) -> set[str]:
        return {posixpath.dirname(rel) for rel in self.project.dependencies}

    @cached_property
    def _dependencies_by_dir(self) -> dict[str, set[str]]:
        table: dict[str, set[str]] = defaultdict(set)
        for manifest, deps in self.project.dependencies.items():
            table[posixpath.dirname(manifest)] |= deps
        return table

    def package_of(self, rel: str) -> str:
        """The folder of the nearest manifest above `rel` ("" for the root or no manifest)."""
        found = self._packages.get(rel)
        if found is None:
            found = self._packages[rel] = next(
                (folder for folder in reversed(path_prefixes(rel)[:-1]) if folder and folder in self._manifest_dirs), ""
            )
        return found

    def dependencies_of(self, rel: str) -> set[str]:
        """Dependency names declared by every manifest on the way from `rel` up to the root."""
        found = self._dependencies.get(rel)
        if found is None:
            table = self._dependencies_by_dir
            folders = ["", *(folder for folder in path_prefixes(rel)[:-1] if folder)]
            found = self._dependencies[rel] = frozenset().union(*(table.get(folder, ()) for folder in folders))
        return set(found)

    def same_package(self, a: str, b: str) -> bool:
        """Whether two files belong to the same package (the same nearest manifest)."""
        return self.package_of(a) == self.package_of(b)

    def packages_with(self, kind: str) -> frozenset[str]:
        """The packages (see package_of) that hold at least one fact of `kind`."""
        found = self._packages_with.get(kind)
        if found is None:
            found = self._packages_with[kind] = frozenset(self.package_of(f.rel) for f in self.of(kind))
        return found

    # --- imports ------------------------------------------------------------------------------

    @cached_property
    def modules(self) -> ModuleResolver:
        """The resolver of imports among the files that gave facts."""
        return ModuleResolver(self.files, self.package_of)

    def resolve_module(self, rel: str, source: str) -> str | None:
        """The project file an import of `source` in `rel` refers to, or None (a package outside the project)."""
        return self.modules.one(rel, source)

    def bindings(self, rel: str) -> dict[str, Binding]:
        """The names the imports of `rel` bind, worked out the first time the file is asked about."""
        found = self._bindings_of.get(rel)
        if found is None:
            found = self._bindings_of[rel] = self._file_bindings(rel)
        return found

    @cached_property
    def _bindings(self) -> dict[str, dict[str, Binding]]:
        """Every file's bindings, in the order of the first import that binds a name in each."""
        binding = (f.rel for f in self.of("import") if f.label == "module" or f.values.get("LOCAL") is not None)
        return {rel: self.bindings(rel) for rel in dict.fromkeys(binding)}

    def _file_bindings(self, rel: str) -> dict[str, Binding]:
        table: dict[str, Binding] = {}
        modules: dict[str, str | None] = {}  # a file that imports several names from one module asks once

        def resolve(source: str) -> str | None:
            if source not in modules:
                modules[source] = self.resolve_module(rel, source)
            return modules[source]

        for fact in self.of("import", rel):
            source = fact.values.get("SOURCE", "")
            local = fact.values.get("LOCAL")
            if fact.label == "module":  # import a.b.c [as x]
                table[local or source] = Binding(resolve(source), "*")
                continue
            if local is None:
                continue
            if fact.label == "from":  # from a.b import c [as d]: c is a submodule or a name defined in a.b
                name = fact.values.get("IMPORTED", local)
                sub = resolve(source + name if source.endswith(".") else f"{source}.{name}")
                if sub is not None:
                    table[local] = Binding(sub, "*")
                    continue
            imported = _IMPORTED_AS.get(fact.label) or fact.values.get("IMPORTED", local)
            if fact.label == "require" and fact.values.get("IMPORTED") is None and "{" not in fact.snippet:
                imported = "*"
            table[local] = Binding(resolve(source), imported)
        return table

    def importers_of(self, module: str) -> list[tuple[str, str]]:
        """(file, local name) pairs of every import of `module` in the project."""
        return [(rel, name) for rel, names in self._bindings.items() for name, b in names.items() if b.module == module]

    # --- functions and calls ------------------------------------------------------------------

    def functions_named(self, rel: str, name: str) -> list[Fact]:
        """The functions named `name` that file `rel` defines."""
        return list(self._functions_named(rel, name))

    def _functions_named(self, rel: str, name: str) -> list[Fact]:
        """functions_named, without a copy: the list may be the index's own, not to be changed."""
        named = self._named.get(rel)
        if named is None:
            named = self._named[rel] = _Named(self.of("function", rel))
        if name == "default":
            found = list(named.defaults)
            for other in [f.values["NAME"] for f in named.defaults if "NAME" in f.values]:
                found += named.any_label.get(other, ())
            return found
        return named.not_default.get(name, _NONE)

    def resolve_call(self, call: Fact) -> list[Fact]:
        """The project functions a call fact may run."""
        return list(self._callees_of(call))

    def _callees_of(self, call: Fact) -> list[Fact]:
        """resolve_call, worked out once per call; the list is shared, not to be changed."""
        known = self._resolved_calls.get(id(call))
        if known is None or known[0] is not call:
            known = self._resolved_calls[id(call)] = (call, self._resolve_call(call))
        return known[1]

    def _resolve_call(self, call: Fact) -> list[Fact]:
        name = call.values.get("NAME", "")
        obj = call.values.get("OBJ")
        rel = call.rel
        maker = call.values.get("MAKER")
        if maker is not None:  # a method of what a function made: every class a factory may return
            made = self._methods_made_by(rel, maker, name)
            if made or obj is None or self._made_elsewhere(rel, maker):
                return made
        if obj is None:
            local = self._functions_named(rel, name)
            if local:
                return local
            binding = self.bindings(rel).get(name)
            if binding and binding.module:
                return self._functions_named(binding.module, binding.imported)
            return []
        if call.label == "member":  # this.service.run() / self.service.run(): a method of an imported class
            modules = [b.module for b in self.bindings(rel).values() if b.module]
            found = [fn for module in modules for fn in self._functions_named(module, name)]
            return found or self._functions_named(rel, name)
        binding = self.bindings(rel).get(obj)
        if binding and binding.module:
            return self._functions_named(binding.module, name)
        return []

    def _made_elsewhere(self, rel: str, maker: str) -> bool:
        """Whether `maker` is not the project's: imported from a library or from a project file never parsed
        (none of its words asked for it, or deferral found it leads to no LLM call or limiter), or a method of
        a local value (`res = model.transcribe(...)`). Nothing it makes runs a function of the project, and a
        same-named one is no stand-in."""
        root = maker.split(".")[0]
        binding = self.bindings(rel).get(root)
        if binding is not None:
            return binding.module is None
        return root not in ("self", "cls", "this") and not self._functions_named(rel, root)

    def _methods_made_by(self, rel: str, maker: str, name: str) -> list[Fact]:
        """Methods `name` of the classes the factory `maker` (called in `rel`) may return."""
        found: list[Fact] = []
        for factory in self.resolve_name(rel, maker):
            for module in self._classes_returned_by(factory):
                found += self._functions_named(module, name)
        return list({(fn.rel, fn.line): fn for fn in found}.values())

    def _classes_returned_by(self, factory: Fact) -> list[str]:
        """The files defining the classes `factory` returns: directly, or as entries of a table it indexes."""
        classes: list[tuple[str, str]] = []  # (file where the name is used, class name)
        for fact in self.inside("provider-factory", factory):
            cls, table = fact.values.get("CLASS"), fact.values.get("MAP")
            if cls is not None and table is None:  # returns an instance of CLASS
                classes.append((factory.rel, cls))
            elif table is not None and cls is None:  # returns an entry of the table MAP
                home = factory.rel
                entries = [f for f in self.of("provider-factory", home) if f.values.keys() >= {"CLASS", "MAP"}]
                if not any(f.values["MAP"] == table for f in entries):  # a table imported from another module
                    binding = self.bindings(home).get(table)
                    if binding is None or binding.module is None:
                        continue
                    home, table = binding.module, binding.imported
                    entries = [f for f in self.of("provider-factory", home) if f.values.keys() >= {"CLASS", "MAP"}]
                classes += [(home, f.values["CLASS"]) for f in entries if f.values["MAP"] == table]
        modules: list[str] = []
        for where, cls in classes:
            binding = self.bindings(where).get(cls)
            modules.append(binding.module if binding and binding.module else where)
        return list(dict.fromkeys(modules))

    def calls_to(self, fn: Fact) -> list[Fact]:
        """The calls that may run `fn` (see resolve_call), in found order; functions are told apart by (file, line)."""
        return list(self._calls_to.get((fn.rel, fn.line), ()))

    @cached_property
    def _calls_to(self) -> dict[tuple[str, int], list[Fact]]:
        table: dict[tuple[str, int], list[Fact]] = defaultdict(list)
        for call in self.of("call"):
            for target in self._callees_of(call):
                table[(target.rel, target.line)].append(call)
        return table

    @cached_property
    def _callees(self) -> dict[tuple[str, int], list[Fact]]:
        """Function (file, line) -> every function its calls may run, in call order; only functions whose calls
        lead somewhere. Two functions on one line share a key: the later one's calls, as a dict would have it."""
        table: dict[tuple[str, int], list[Fact]] = {}
        for rel, kinds in self._by_file.items():
            if "function" not in kinds or "call" not in kinds:
                continue
            calls = self._line_order(rel, "call")
            for fn in kinds["function"]:
                targets = [t for call in calls.within(fn) for t in self._callees_of(call)]
                if targets:
                    table[(rel, fn.line)] = targets
                else:
                    table.pop((rel, fn.line), None)
        return table

    @cached_property
    def _callers_in_order(self) -> list[Fact]:
        """The functions whose calls lead somewhere, in found order (the order reaching visits them)."""
        callees = self._callees
        return [fn for fn in self.of("function") if (fn.rel, fn.line) in callees]

    def reaching(self, kind: str) -> dict[tuple[str, int], Reach]:
        """Every function that reaches a fact of `kind`, keyed by (file, line), with how it gets there."""
        if self.reach is not None and kind not in self.reach:
            # deferral parses late only the files that lead to a `reach` fact: a chain to another kind
            # could pass through a file never parsed, and the answer would depend on deferral
            raise ValueError(f"calls are followed only to `reach` facts, not to '{kind}' (checks/_facts)")
        if kind in self._reaching:
            return self._reaching[kind]
        reached: dict[tuple[str, int], Reach] = {}
        for rel in dict.fromkeys(f.rel for f in self.of(kind)):  # functions with a fact of `kind` inside
            targets = self._line_order(rel, kind)
            for fn in self.of("function", rel):
                direct = targets.within(fn)
                if direct:
                    reached[(rel, fn.line)] = Reach(direct[0])
        if not reached:  # nothing to reach: no call can lead anywhere
            self._reaching[kind] = reached
            return reached
        callees = self._callees
        pending = self._callers_in_order
        changed = True
        while changed:  # a fixpoint over the call graph; each round adds at least one function or stops
            changed = False
            pending = [fn for fn in pending if (fn.rel, fn.line) not in reached]
            for fn in pending:
                key = (fn.rel, fn.line)
                if key in reached:
                    continue
                for target in callees[key]:
                    inner = reached.get((target.rel, target.line))
                    if inner is not None:
                        step = f"{target.values.get('NAME', 'default')}() in {target.rel}"
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
        for _call, target in self._calls_into(outer, reached):
            found = reached[(target.rel, target.line)]
            step = f"{target.values.get('NAME', 'default')}() in {target.rel}"
            return Reach(found.target, (step, *found.via) if target.rel != outer.rel else found.via)
        for handler in handlers:
            hit = reached.get((handler.rel, handler.line))
            if hit is not None:
                step = f"{handler.values.get('NAME', 'default')}() in {handler.rel}"
                return Reach(hit.target, (step, *hit.via) if handler.rel != outer.rel else hit.via)
        return None

    def first_step(self, outer: Fact, kind: str) -> int | None:
        """The first line within `outer` that leads to a fact of `kind`: the fact itself, or a call whose
        callee reaches one; None when nothing in `outer`'s own lines does (handlers it names are not read)."""
        lines = [fact.line for fact in self.inside(kind, outer)]
        lines += [call.line for call, _target in self._calls_into(outer, self.reaching(kind))]
        return min(lines, default=None)

    def _calls_into(self, outer: Fact, reached: dict[tuple[str, int], Reach]) -> Iterator[tuple[Fact, Fact]]:
        """The calls within `outer` with each callee that is in `reached` (a `reaching` table), in found order."""
        for call in self.inside("call", outer):
            for target in self._callees_of(call):
                if (target.rel, target.line) in reached:
                    yield call, target

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
