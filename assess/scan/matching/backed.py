"""Rules that reach the shared `llm-call` util test the file's LLM-call facts instead of the util's shapes.

ast-grep-py compiles a rule's whole config on every `find_all`, every util in it included, and `llm-call` is
the union of every SDK's call shapes (hundreds of patterns, about 5 ms to compile). A check that inlines it
(an LLM call in a loop, a retry around one, a static prompt) paid that once per file it ran on. The `llm-call`
facts of the same parse already name those nodes, so such a rule gets, per file, `llm-call` redefined as "one
of these nodes" (kind and range) and the util's own shapes left out: a few microseconds to compile.

It is also one definition of an LLM call for the whole product: these checks see the calls the judges see.

A rule is backed only when that keeps its meaning: `llm-call` binds metavariables of its own (MODEL, URL...),
and a rule that tests or captures one of the same names outside the util would see them differently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from ast_grep_py import SgNode

from assess.scan.matching.rulebook import matches_in

BACKED_UTIL = "llm-call"  # the util backed by facts
BACKING_FACT = "llm-call"  # ... the fact kind that names its nodes
NOT_BACKING = frozenset({"bound"})  # labels of that fact that the util does not match (a method, not a call)

_METAVAR = re.compile(r"\$+([A-Z_][A-Z0-9_]*)")
NONE: dict[str, Any] = {"any": []}  # matches no node


def backed_config(config: dict[str, Any], captures: Iterable[str] = ()) -> dict[str, Any] | None:
    """`config` with `llm-call` left to be filled per file (`fill`), or None when it does not reach the util
    or backing would change what it matches (a metavariable shared with the util, or captured from it)."""
    utils: dict[str, Any] = config.get("utils") or {}
    if BACKED_UTIL not in utils:
        return None
    kept = _reached([config["rule"], *(config.get(k) for k in ("constraints", "transform"))], utils)
    if BACKED_UTIL not in kept:
        return None
    inside = _reached([utils[BACKED_UTIL]], utils) | {BACKED_UTIL}
    outside_util = {name: utils[name] for name in kept if name != BACKED_UTIL}
    theirs = _metavars(utils[name] for name in inside)
    ours = _metavars([config["rule"], *outside_util.values(), config.get("constraints"), config.get("transform")])
    wanted = {c.lstrip("$") for c in captures}
    if theirs & (ours | wanted):
        return None
    return {**config, "utils": {**outside_util, BACKED_UTIL: NONE}}


def needs_util(rule: dict[str, Any]) -> bool:
    """Whether every match of `rule` is itself a node of the util (a top-level `matches`, alone or in `all`):
    with no such node in a file, the rule cannot match there and need not run."""
    if rule.get("matches") == BACKED_UTIL:
        return True
    return any(isinstance(part, dict) and part.get("matches") == BACKED_UTIL for part in rule.get("all") or ())


def fill(backed: dict[str, Any], nodes: list[SgNode]) -> dict[str, Any]:
    """A backed config for one file: `llm-call` matches exactly `nodes` (the kind too: a Python statement
    made of one call has the call's range)."""
    places = set()  # one node may be the match of two SDK shapes (a fact each): named once
    for node in nodes:
        r = node.range()
        places.add((node.kind(), r.start.line, r.start.column, r.end.line, r.end.column))
    shapes = [
        {"kind": kind, "range": {"start": {"line": sl, "column": sc}, "end": {"line": el, "column": ec}}}
        for kind, sl, sc, el, ec in sorted(places)
    ]
    return {**backed, "utils": {**backed["utils"], BACKED_UTIL: {"any": shapes} if shapes else NONE}}


def _reached(roots: list[Any], utils: dict[str, Any]) -> set[str]:
    """Names of the utils reached from `roots`, through other utils but never through `llm-call`'s body."""
    found: set[str] = set()
    pending = [name for root in roots for name in matches_in(root)]
    while pending:
        name = pending.pop()
        if name in found or name not in utils:
            continue
        found.add(name)
        if name != BACKED_UTIL:
            pending.extend(matches_in(utils[name]))
    return found


def _metavars(nodes: Iterable[Any]) -> set[str]:
    # one regex over the JSON text: a walk in Python over the util's every string cost ~1 ms a config, on
    # every run (the plan is built per run); JSON keeps `$NAME` as it is
    return set(_METAVAR.findall(json.dumps(list(nodes))))
