"""Where the match phase goes: time inside ast-grep per check, fact rule or shared walk, on one core.

    python bench/rule_costs.py [PATH] [--top N] [--compile]

Scans PATH (default: the bench corpus, bench/corpus.py) in this process with no cache and one worker, and
times every `find_all`: a check by its id, a fact rule alone by `fact:label`, a shared walk (merged.py) by
the rules in it joined with `+`; `@py` or `@js` says the language family. `--compile` also estimates how
much of each row is compiling the config rather than walking the tree: ast-grep-py compiles a config on
every call, and the same config run on an empty tree costs only that. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


class _Costs:
    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.runs: Counter[str] = Counter()
        self.hits: Counter[str] = Counter()
        self.sample: dict[str, tuple[str, Any]] = {}  # name -> (language, one config it ran)
        self.names: dict[int, tuple[str, Any]] = {}  # id(config) -> (fact:label, config)

    def name(self, frame: Any) -> str:
        local = frame.f_locals
        if "check" in local:
            return f"check:{local['check'].id}"
        rules = local.get("rules")
        if "group" in local and rules is not None:
            return "+".join(sorted(self._of(rules[i][0]) for i in local["group"].members))
        if rules is not None and "index" in local:
            return self._of(rules[local["index"]][0])
        if "variant" in local:
            return f"backed {local['variant'].fact.id}:{local['variant'].label}"
        return f"other:{frame.f_code.co_name}"

    def _of(self, config: Any) -> str:
        known = self.names.get(id(config))
        return known[0] if known is not None and known[1] is config else "?"


def _instrument(costs: _Costs) -> None:
    import ast_grep_py

    from assess.scan.matching import engine, factscan

    real_run = factscan._run

    def run(root: Any, variants: Any, *args: Any, **kwargs: Any) -> Any:
        for v in variants:
            costs.names[id(v.config)] = (f"{v.fact.id}:{v.label}", v.config)
        return real_run(root, variants, *args, **kwargs)

    factscan._run = run  # type: ignore[assignment]
    real_root = ast_grep_py.SgRoot

    class Node:
        __slots__ = ("_lang", "_node")

        def __init__(self, node: Any, lang: str) -> None:
            self._node, self._lang = node, lang

        def find_all(self, config: Any) -> Any:
            name = f"{costs.name(sys._getframe(1))}@{'py' if self._lang == 'python' else 'js'}"
            start = time.perf_counter()
            found = self._node.find_all(config)
            costs.seconds[name] += time.perf_counter() - start
            costs.runs[name] += 1
            costs.hits[name] += len(found)
            costs.sample.setdefault(name, (self._lang, config))
            return found

        def __getattr__(self, attr: str) -> Any:
            return getattr(self._node, attr)

    class Root:
        def __init__(self, text: str, lang: str) -> None:
            self._root, self._lang = real_root(text, lang), lang

        def root(self) -> Node:
            return Node(self._root.root(), self._lang)

    engine.SgRoot = Root  # type: ignore[misc,assignment]


def _compile_share(costs: _Costs, name: str) -> float:
    """Estimated seconds of `name` spent compiling: its sampled config on an empty tree, times its runs."""
    import ast_grep_py

    lang, config = costs.sample[name]
    empty = ast_grep_py.SgRoot("", lang).root()
    empty.find_all(config)
    start = time.perf_counter()
    for _ in range(5):
        empty.find_all(config)
    return (time.perf_counter() - start) / 5 * costs.runs[name]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--compile", action="store_true", help="estimate the compile part of each row")
    args = parser.parse_args()
    os.environ["ASSESS_WORKERS"] = "1"
    os.environ["ASSESS_NO_CACHE"] = "1"
    if args.path is None:
        import corpus as corpus_mod

        args.path = corpus_mod.build().one
    costs = _Costs()
    _instrument(costs)
    from assess.assessment import ScanOptions, scan_project
    from assess.catalog import load_catalog

    catalog = load_catalog()
    start = time.perf_counter()
    scan_project(args.path, catalog, ScanOptions(include_vendored=True))
    total = time.perf_counter() - start
    matched = sum(costs.seconds.values())
    print(f"scan {total:.2f} s; inside ast-grep {matched:.2f} s in {sum(costs.runs.values())} calls")
    for name, seconds in costs.seconds.most_common(args.top):
        extra = f"  compile ~{_compile_share(costs, name) * 1000:6.0f} ms" if args.compile else ""
        print(f"{seconds * 1000:7.0f} ms {costs.runs[name]:6d} runs {costs.hits[name]:6d} hits{extra}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
