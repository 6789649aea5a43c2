"""The project index answers from tables (by file, by line, by folder) what a scan of every fact would answer:
the same facts, in the same order. Each test compares one lookup with that plain scan on random facts."""

from __future__ import annotations

import random
import sys

import pytest

from assess.scan.files.facts import Package, ProjectFacts
from assess.scan.matching.factscan import Fact
from assess.scan.project.project_index import ProjectIndex

FILES = ("app/main.py", "app/api/chat.py", "web/src/a.ts", "web/src/lib/b.ts", "x.py")
MANIFESTS = ("pyproject.toml", "app/pyproject.toml", "web/package.json", "web/src/package.json", "webapp/package.json")


def _fact(rng: random.Random, kind: str, rel: str, name: str | None = None) -> Fact:
    line = rng.randint(1, 60)
    end = line - rng.randint(1, 3) if rng.random() < 0.03 else line + rng.choice((0, 0, 1, 2, 5, 15, 80))
    values = {"NAME": name} if name else {}
    return Fact(kind, rng.choice(("", "default", "arrow")), rel, "backend", line, 1, end, "x", values)


def _facts(seed: int) -> list[Fact]:
    rng = random.Random(seed)
    kinds = ("function", "function", "call", "llm-call", "usage-read")
    facts = [_fact(rng, rng.choice(kinds), rng.choice(FILES), rng.choice(("a", "b", None))) for _ in range(400)]
    rng.shuffle(facts)  # found order is not line order
    return facts


def _project() -> ProjectFacts:
    deps = {manifest: {f"dep-{i}"} for i, manifest in enumerate(MANIFESTS)}
    roots = ("web/src/", "web/", "")
    return ProjectFacts(dependencies=deps, packages=tuple(Package(root, frozenset()) for root in roots))


@pytest.mark.parametrize("seed", range(5))
def test_inside_and_enclosing_function_match_a_scan_of_the_file(seed: int) -> None:
    facts = _facts(seed)
    index = ProjectIndex(facts, _project())
    for outer in facts:
        for kind in ("function", "call", "llm-call"):
            scan = [f for f in facts if f.kind == kind and outer.contains(f) and f is not outer]
            assert index.inside(kind, outer) == scan
        best = None
        for fn in (f for f in facts if f.kind == "function" and f.rel == outer.rel):
            if fn.contains(outer) and fn is not outer and (best is None or best.contains(fn)):
                best = fn
        assert index.enclosing_function(outer) is best


def test_packages_and_dependencies_match_a_scan_of_the_manifests() -> None:
    project = _project()
    index = ProjectIndex([], project)
    folders = sorted({m.rpartition("/")[0] for m in MANIFESTS}, key=len, reverse=True)
    for rel in (*FILES, "webapp/x.ts", "web", "web/", "/abs.py", "", "web/src/deep/er/c.ts"):
        nearest = next((f for f in folders if not f or rel.startswith(f + "/")), "")
        assert index.package_of(rel) == nearest
        deps = {d for m, ds in project.dependencies.items() for d in ds if rel.startswith(m.rpartition("/")[0] + "/")}
        assert index.dependencies_of(rel) == deps | project.dependencies["pyproject.toml"]
        assert project.package_for(rel) is next((p for p in project.packages if rel.startswith(p.root)), None)


def test_python_import_picks_the_nearest_module_of_that_name() -> None:
    files = ("a/llm.py", "a/b/llm.py", "c/llm.py", "a/b/c/d/llm.py", "z/llm.py", "b/a/llm.py", "a/c/llm.py")
    index = ProjectIndex([Fact("function", "", rel, "backend", 1, 1, 1, "") for rel in files], ProjectFacts())

    def shared(here: str, there: str) -> int:
        pairs = zip(here.split("/"), there.split("/"), strict=False)
        return next((n for n, (a, b) in enumerate(pairs) if a != b), min(here.count("/"), there.count("/")) + 1)

    for rel in ("a/b/x.py", "a/b/c/x.py", "a/x.py", "q/x.py", "a/b/llm.py", "b/x.py", "a/c/d/e.py", "x.py"):

        def rank(candidate: str, rel: str = rel) -> tuple[int, int]:
            return shared(rel, candidate), -len(candidate)

        # most leading folders shared, then the shortest path, then the first in file order
        nearest = max(sorted(files), key=rank)
        assert index.resolve_module(rel, "llm") == nearest, rel
    assert index.resolve_module("a/b/x.py", "llm") == "a/b/llm.py"
    assert index.resolve_module("q/x.py", "llm") == "a/llm.py"  # nothing shared: the shortest, first in order


def _copies(copies: int) -> tuple[list[Fact], ProjectFacts]:
    """`copies` copies of one project side by side (copy-0/, copy-1/ ...), as in a monorepo of many services."""
    facts: list[Fact] = []
    deps: dict[str, set[str]] = {}
    for i in range(copies):
        top = f"copy-{i}/"
        for f in _facts(7) * 3:
            facts.append(Fact(f.kind, f.label, top + f.rel, f.role, f.line, f.column, f.end_line, f.snippet, f.values))
        facts.append(Fact("function", "", f"{top}svc/llm.py", "backend", 1, 1, 9, "", {"NAME": "ask"}))
        for rel in FILES:
            imported = {"SOURCE": "llm", "LOCAL": "ask", "IMPORTED": "ask"}
            facts += [Fact("import", "from", top + rel, "backend", 1, 1, 1, "", imported) for _ in range(20)]
        deps |= {top + manifest: {f"dep-{n}"} for n, manifest in enumerate(MANIFESTS)}
    return facts, ProjectFacts(dependencies=deps)


def test_judging_work_grows_with_the_facts_not_their_square() -> None:
    """Ten copies of a project cost about ten times the work of one, not a hundred. Work is counted in
    function calls (Python and built-in), not timed: the count is the same on a busy machine; the time is
    measured by `make bench`."""

    def run(copies: int) -> int:
        facts, project = _copies(copies)
        calls = 0

        def count(frame: object, event: str, arg: object) -> None:
            nonlocal calls
            if event in ("call", "c_call"):
                calls += 1

        sys.setprofile(count)
        try:
            index = ProjectIndex(facts, project)
            for fact in facts:
                index.enclosing_function(fact)
                index.dependencies_of(fact.rel)
                index.bindings(fact.rel)
            index.reaching("llm-call")
        finally:
            sys.setprofile(None)
        return calls

    one, ten = run(1), run(10)
    assert one > 1000, "the index did some work"
    assert ten < 12 * one, f"1 copy {one} calls, 10 copies {ten}"
