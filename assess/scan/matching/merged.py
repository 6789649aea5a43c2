"""Run several fact rules on one tree in one `find_all` when no node can match two of them.

Every `find_all` walks the whole tree (an empty rule over the bench corpus's parsed files costs ~0.13 s), and a
parsed file runs about ten fact rules. Rules whose matches have disjoint node kinds (imports, functions,
assignments, calls) run as one `any` of them: each node the walk returns matches exactly one of them, told by
its kind, with that rule's metavariables. The matches of each rule, in order, are what its own `find_all`
would return, and a util shared by several of them (the limiter utils, a names regex) is compiled once.

Only configs with nothing but `rule` and `utils` merge: `constraints` or `transform` apply to the whole config.
A util is renamed after its body and the utils it reaches, so two rules' utils of one name never clash and
identical ones are one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, cast

from ast_grep_py import Config, SgNode

from assess.scan.matching.rulebook import matches_in

Kinds = frozenset[str] | None  # the node kinds a rule can match; None: not known


def node_kinds(config: dict[str, Any]) -> Kinds:
    """The node kinds every match of `config` has, when its rule says (`kind`, through `any`/`all`/`matches`)."""
    return _kinds(config.get("rule"), config.get("utils") or {}, set())


def _kinds(rule: Any, utils: dict[str, Any], active: set[str]) -> Kinds:
    if not isinstance(rule, dict):
        return None
    known: list[frozenset[str]] = []  # every key of a rule object holds: the kinds are their intersection
    for key, value in rule.items():
        if key == "kind" and isinstance(value, str):
            known.append(frozenset((value,)))
        elif key == "any" and isinstance(value, list) and value:
            parts = [_kinds(part, utils, active) for part in value]
            if all(p is not None for p in parts):
                known.append(frozenset().union(*cast("list[frozenset[str]]", parts)))
        elif key == "all" and isinstance(value, list):
            found = [k for k in (_kinds(part, utils, active) for part in value) if k is not None]
            if found:
                known.append(frozenset.intersection(*found))
        elif key == "matches" and isinstance(value, str) and value in utils and value not in active:
            active.add(value)
            util = _kinds(utils[value], utils, active)
            active.discard(value)
            if util is not None:
                known.append(util)
    return frozenset.intersection(*known) if known else None


def mergeable(config: dict[str, Any], shared: frozenset[str] = frozenset()) -> dict[str, Any] | None:
    """`config` with its utils renamed after what they hold, ready to share a `find_all`; None when it has
    more than a rule and utils. A regex in `shared` (one other rules hold too) becomes a util of its own, so
    a walk that runs several of them compiles it once."""
    if set(config) - {"rule", "utils"}:
        return None
    regexes: dict[str, Any] = {}
    rule = _regexes_as_utils(config["rule"], shared, regexes)
    utils: dict[str, Any] = {
        **{n: _regexes_as_utils(b, shared, regexes) for n, b in (config.get("utils") or {}).items()},
        **regexes,
    }
    if not utils:
        return {"rule": rule}
    names = {name: f"{name}~{_digest(name, utils)}" for name in utils}
    return {
        "rule": _renamed(rule, names),
        "utils": {names[name]: _renamed(body, names) for name, body in utils.items()},
    }


def _regexes_as_utils(node: Any, shared: frozenset[str], out: dict[str, Any]) -> Any:
    """`node` with each regex in `shared` moved into a util of its own (added to `out`)."""

    def edit(obj: dict[str, Any]) -> dict[str, Any]:
        regex = obj.get("regex")
        if not isinstance(regex, str) or regex not in shared or "matches" in obj:  # one `matches` an object
            return obj
        name = "re-" + hashlib.sha1(regex.encode(), usedforsecurity=False).hexdigest()[:10]
        out[name] = {"regex": regex}
        return {**{k: v for k, v in obj.items() if k != "regex"}, "matches": name}

    return _edited(node, edit)


def _digest(name: str, utils: dict[str, Any]) -> str:
    reached, pending = {name}, [name]
    while pending:
        for other in matches_in(utils[pending.pop()]):
            if other in utils and other not in reached:
                reached.add(other)
                pending.append(other)
    text = json.dumps({n: utils[n] for n in sorted(reached)}, sort_keys=True)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:10]


def _renamed(node: Any, names: dict[str, str]) -> Any:
    """`node` with its `matches` renamed."""

    def edit(obj: dict[str, Any]) -> dict[str, Any]:
        util = obj.get("matches")
        return {**obj, "matches": names[util]} if isinstance(util, str) and util in names else obj

    return _edited(node, edit)


def _edited(node: Any, edit: Callable[[dict[str, Any]], dict[str, Any]]) -> Any:
    """`node` with `edit` applied to every object in it, innermost first. A part that nothing changed is the
    very same object: the catalog cache pickles each object once, so the forms cost little beside the
    configs they come from."""
    if isinstance(node, list):
        items = [_edited(item, edit) for item in node]
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if not isinstance(node, dict):
        return node
    done = edit({k: _edited(v, edit) for k, v in node.items()})
    return node if done.keys() == node.keys() and all(done[k] is v for k, v in node.items()) else done


def find_each(root: SgNode, rules: Sequence[tuple[dict[str, Any], Kinds, dict[str, Any] | None]]) -> list[list[SgNode]]:
    """The matches of each (config, its kinds, its mergeable form) on `root`, in order, as `find_all` gives
    them; rules of disjoint kinds share one walk. Two rules whose utils of one name differ (a dynamic rule's
    placeholders filled from other facts) never share one."""
    groups: list[_Group] = []
    found: list[list[SgNode]] = [[] for _ in rules]
    for index, (config, kinds, form) in enumerate(rules):
        if kinds is None or form is None:
            found[index] = root.find_all(cast("Config", config))
            continue
        utils: dict[str, Any] = form.get("utils") or {}
        group = next((g for g in groups if g.admits(kinds, utils)), None)
        if group is None:
            groups.append(_Group(index, kinds, form))
        else:
            group.add(index, kinds, form)
    for group in groups:
        if len(group.members) == 1:
            found[group.members[0]] = root.find_all(cast("Config", rules[group.members[0]][0]))
            continue
        for node in root.find_all(cast("Config", group.config())):
            found[group.owner[node.kind()]].append(node)
    return found


class _Group:
    """Rules that share one walk: their kinds, the rule each kind belongs to, their branches and utils."""

    def __init__(self, index: int, kinds: frozenset[str], form: dict[str, Any]) -> None:
        self.members: list[int] = []
        self.owner: dict[str, int] = {}
        self.branches: list[Any] = []
        self.utils: dict[str, Any] = {}
        self.add(index, kinds, form)

    def admits(self, kinds: frozenset[str], utils: dict[str, Any]) -> bool:
        return self.owner.keys().isdisjoint(kinds) and all(
            self.utils.get(name, body) == body for name, body in utils.items()
        )

    def add(self, index: int, kinds: frozenset[str], form: dict[str, Any]) -> None:
        self.members.append(index)
        self.owner.update((kind, index) for kind in kinds)
        self.branches.append(form["rule"])
        self.utils.update(form.get("utils") or {})

    def config(self) -> dict[str, Any]:
        rule = {"any": self.branches}
        return {"rule": rule, "utils": self.utils} if self.utils else {"rule": rule}
